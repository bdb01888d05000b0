"""The suite needs nothing outside the clone: a user's clone has no reference folder beside it."""

from __future__ import annotations

import re

from tests.support.paths import ROOT, TESTS

# A path that climbs out of the repository to the project's reference data.
OUTSIDE = re.compile(r"""\.\./shared|/work/shared|parents?(\[\d+\])?\s*/\s*["']shared["']""")


def test_no_test_reads_a_folder_beside_the_clone() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in TESTS.rglob("*.py")
        if path.name != "test_self_contained.py"
        and OUTSIDE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

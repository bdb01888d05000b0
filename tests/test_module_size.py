"""No module of the source grows past what one reader can hold (issue 32, "Done when"): none
over 700 lines, and at most three over 500. A module that outgrows this is split along a seam
of its own, not squeezed."""

from __future__ import annotations

from tests.support.paths import SRC

LONGEST = 700
LONG = 500
MOST_LONG = 3


def _sizes() -> dict[str, int]:
    """Every module's length in lines, as `wc -l` counts them, by its path under src/."""
    return {
        str(path.relative_to(SRC)): path.read_bytes().count(b"\n")
        for path in sorted(SRC.rglob("*.py"))
    }


def test_the_sizes_are_read_from_the_source() -> None:
    sizes = _sizes()
    assert "cocwatch/cli/app.py" in sizes
    assert len(sizes) > 100
    assert all(lines > 0 for name, lines in sizes.items() if not name.endswith("__init__.py"))


def test_no_module_is_over_700_lines() -> None:
    too_long = {name: lines for name, lines in _sizes().items() if lines > LONGEST}
    assert too_long == {}, f"split these modules along a seam of their own: {too_long}"


def test_at_most_three_modules_are_over_500_lines() -> None:
    long = {name: lines for name, lines in _sizes().items() if lines > LONG}
    assert len(long) <= MOST_LONG, (
        f"{len(long)} modules are over {LONG} lines, at most {MOST_LONG} may be: {long}"
    )

"""A statistics folder written by hand, as a hostile or damaged one could be: a registry, a
kept file and a manifest row whose fields the test chooses. Every row is SYNTHETIC."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.support.msds import OCTOBER, measures_csv
from tests.support.registries import MINIMAL_REGISTRY

MANIFEST_COLUMNS = (
    "file", "source", "source_file", "period_end", "status", "release_page", "file_url",
    "sha256", "rows", "retrieved", "imported", "notes",
)  # fmt: skip


def write_store(
    folder: Path, *, kept: bytes | None = None, columns: tuple[str, ...] = MANIFEST_COLUMNS,
    **fields: str,
) -> Path:  # fmt: skip
    """A registry in `folder` with a statistics folder beside it: one kept file (`kept`, by
    default the synthetic October 2025 month) and its manifest row, with `fields` changed."""
    registry = folder / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    store = folder / "statistics"
    (store / "msds").mkdir(parents=True, exist_ok=True)
    data = measures_csv(OCTOBER).encode() if kept is None else kept
    (store / "msds" / "oct-coc.csv").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    kept_digest = hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()
    values = {
        "file": "msds/oct-coc.csv",
        "source": "msds",
        "source_file": "msds-oct2025-exp-measures.csv",
        "period_end": "2025-10-31",
        "status": "final",
        "release_page": "https://example.org/release",
        "file_url": "https://example.org/msds-oct2025-exp-measures.csv",
        "sha256": digest,
        "file_sha256": kept_digest,
        "rows": str(data.count(b"\n") - 1),
        "retrieved": "2025-12-01",
        "imported": "2025-12-02",
        "notes": "",
        "title": "",
        **fields,
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([values[c] for c in columns])
    (store / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    return registry


def import_file(run: Callable[..., Result], source: Path, registry: Path, *more: str) -> Result:
    """`cocwatch import msds SOURCE -r REGISTRY` with a (synthetic) release page to cite."""
    return run(
        "import", "msds", str(source), "-r", str(registry),
        "--source-url", "https://example.org/release", *more,
    )  # fmt: skip

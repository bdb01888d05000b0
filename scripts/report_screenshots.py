"""Screenshots of the report, on a phone and a desktop, for the guide "Publishing a report".

    python scripts/report_screenshots.py              write docs/images/report/*.png
    python scripts/report_screenshots.py --out DIR    write them to DIR instead

Builds the shipped registry's report (NHS England's April 2025 figures) as on a fixed date, in
a temporary home folder, then opens the index and three Trust pages in headless Chromium
(Playwright driving the system's browser: /usr/bin/chromium, or $COCWATCH_TEST_CHROMIUM) at
390 and 1,280 pixels wide. A Trust page is taken whole; the index, which lists every Trust,
from its top to below the start of its table of Trusts. Needs the test extra installed
(`pip install -e '.[test]'`: playwright and pillow).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "report"
AS_OF = "2026-12-04"
# RJ1 low against England, R1H a gap within the Trust, RTK small groups (as the goldens).
PAGES = (
    "index.html",
    "trusts/guys-and-st-thomas.html",
    "trusts/barts-health.html",
    "trusts/ashford-and-st-peters-hospitals.html",
)
WIDTHS = {390: 844, 1280: 800}  # a phone and a laptop: width and window height, in pixels
INDEX_DEPTH = 2.2  # how many window heights of the index past the start of its Trust table
CHROMIUM = os.environ.get("COCWATCH_TEST_CHROMIUM", "/usr/bin/chromium")


def build_site(folder: Path) -> Path:
    """The shipped registry's report, built by `cocwatch report` in a home of its own."""
    import subprocess

    home = folder / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "COCWATCH_TODAY": AS_OF,
        "PYTHONPATH": str(ROOT / "src"),
    }
    site = folder / "site"
    subprocess.run(
        [sys.executable, "-m", "cocwatch", "report", "--out", str(site), "--as-of", AS_OF],
        env=env,
        check=True,
        capture_output=True,
    )
    return site


def shoot(site: Path, out: Path) -> list[Path]:
    """Write the screenshots into `out`; return their paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for width, height in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                for relative in PAGES:
                    page.goto((site / relative).resolve().as_uri())
                    page.wait_for_load_state("load")
                    if relative == "index.html":
                        table = page.locator("#trust-table").bounding_box()
                        assert table is not None
                        bottom = table["y"] + INDEX_DEPTH * height
                        png = page.screenshot(
                            full_page=True, clip={"x": 0, "y": 0, "width": width, "height": bottom}
                        )
                    else:
                        png = page.screenshot(full_page=True)
                    path = out / f"{Path(relative).stem}-{width}.png"
                    path.write_bytes(_small(png))
                    written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def _small(png: bytes) -> bytes:
    """The screenshot in 256 colours: a page of text and flat charts loses nothing visible."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the PNG files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cocwatch-screenshots-") as folder:
        site = build_site(Path(folder))
        for path in shoot(site, args.out):
            print(path)


if __name__ == "__main__":
    main()

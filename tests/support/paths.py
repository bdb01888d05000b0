"""Where the repository's files are, for tests in any folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
README = ROOT / "README.md"
DEMO = ROOT / "examples" / "demo.yaml"
TESTS = ROOT / "tests"
TEST_DATA = TESTS / "data"
# The REAL April 2025 provisional measures file (CoC rows) as the shipped registry keeps it.
SHIPPED_STATISTICS = ROOT / "data" / "statistics"
SHIPPED_APRIL_2025 = SHIPPED_STATISTICS / "msds" / "msds-apr2025Provisional-exp-measures-coc.csv"

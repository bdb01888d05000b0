"""Where the repository's files are, for tests in any folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
README = ROOT / "README.md"
DEMO = ROOT / "examples" / "demo.yaml"
TESTS = ROOT / "tests"
TEST_DATA = TESTS / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"

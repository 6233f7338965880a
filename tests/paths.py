"""Where the repository and the committed fixtures are, for tests at any depth."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

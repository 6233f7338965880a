from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def wuhan_txt() -> Path:
    return FIXTURES / "wuhan-qiaokou-archives-2024.txt"

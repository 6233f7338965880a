"""The built wheel: what `pip install .` puts on a machine, and what it must leave out."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Member names of a wheel built by pip from a clean copy of the project.

    A copy, because setuptools packs its build/lib folder, and a build/ left over from an
    older tree (say, one that still had pipeline/synth) would put stale modules in the wheel.
    """
    # The whole tree, tests and scripts included, so a package list that took them in shows.
    src = tmp_path_factory.mktemp("build") / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "*.pyc", ".*_cache", ".hypothesis",
        "extracted", "*.duckdb", "*.duckdb.wal"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w", str(out)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = out.glob("gongkai-*.whl")
    with zipfile.ZipFile(wheel) as z:
        return z.namelist()


def test_wheel_has_no_test_kit(wheel_names: list[str]) -> None:
    # The synthetic-report writers are a test kit (tests/kit), not part of the product.
    assert (ROOT / "tests" / "kit" / "__init__.py").exists()
    assert "pipeline/cli.py" in wheel_names  # the wheel holds the package at all
    kit = [n for n in wheel_names if n.startswith("tests/") or "/synth/" in n or "/kit/" in n
           or n.split("/")[-1] in ("pdf_builders.py", "composer.py", "docx_writer.py")]
    assert kit == []

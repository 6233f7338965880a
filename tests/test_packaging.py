"""The built wheel: what `pip install .` puts on a machine, and what it must leave out."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.paths import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """A wheel built by pip from a clean copy of the project.

    A copy, because setuptools packs its build/lib folder, and a build/ left over from an
    older tree (say, one that still had pipeline/synth) would put stale modules in the wheel.
    Built offline, with the build backend pinned in the dev extra (no build isolation).
    """
    # The whole tree, tests and scripts included, so a package list that took them in shows.
    src = tmp_path_factory.mktemp("build") / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "*.pyc", ".*_cache", ".hypothesis",
        "extracted", "demo-extracted", "*.duckdb", "*.duckdb.wal"))
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          str(src), "-w", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    (built,) = out.glob("gongkai-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_has_no_test_kit(wheel: zipfile.ZipFile) -> None:
    # The synthetic-report writers are a test kit (tests/kit), not part of the product.
    wheel_names = wheel.namelist()
    assert (ROOT / "tests" / "kit" / "__init__.py").exists()
    assert "pipeline/cli.py" in wheel_names  # the wheel holds the package at all
    kit = [n for n in wheel_names if n.startswith("tests/") or "/synth/" in n or "/kit/" in n
           or n.split("/")[-1] in ("pdf_builders.py", "composer.py", "docx_writer.py")]
    assert kit == []


def test_wheel_contains_the_schema_and_views(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert {"pipeline/sql/schema.sql", "pipeline/sql/views.sql"} <= names
    assert "CREATE TABLE IF NOT EXISTS reports" in wheel.read("pipeline/sql/schema.sql").decode("utf-8")
    assert "CREATE OR REPLACE VIEW report_summary" in wheel.read("pipeline/sql/views.sql").decode("utf-8")
    assert not any(n.startswith("sql/") for n in names)  # no top-level folder outside the package


def test_sql_is_read_from_the_package_not_the_work_tree() -> None:
    from importlib import resources

    from pipeline.db import sql_file

    assert not (ROOT / "sql").exists()
    assert sql_file("views.sql") == resources.files("pipeline.sql").joinpath("views.sql").read_text(encoding="utf-8")

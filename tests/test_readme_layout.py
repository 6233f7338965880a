"""The README's layout block names every folder and module of the package, and nothing else.

A newcomer finds the stage a bug lives in from that block, so it must match the tree: a new
module without a line, or a line for a module that is gone, fails here with what to change.
"""

from __future__ import annotations

import re

from tests.paths import ROOT

# What counts as a module of the package: code and the data/SQL it ships.
SHIPPED = (".py", ".sql", ".csv", ".toml")
# Top-level tests/ folders and scripts that must be listed too.
TEST_DIRS = sorted(p for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__")


def _layout_paths() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^Layout, one line per folder and module.*?\n```text\n(.*?)\n```", text, re.S | re.M)
    assert m, "README.md: the Development section lost its ```text layout block"
    return [line.split()[0] for line in m.group(1).splitlines() if line.strip()]


def _package_paths() -> set[str]:
    out: set[str] = set()
    for p in (ROOT / "pipeline").rglob("*"):
        if "__pycache__" in p.parts:
            continue
        rel = p.relative_to(ROOT).as_posix()
        if p.is_dir():
            out.add(rel + "/")
        elif p.suffix in SHIPPED and p.name != "__init__.py":
            out.add(rel)
    return out | {"pipeline/"}


def test_every_package_folder_and_module_has_a_line() -> None:
    listed = set(_layout_paths())
    missing = sorted(_package_paths() - listed)
    assert not missing, f"README.md layout block: add a line for each of {missing}"


def test_every_line_names_something_that_exists() -> None:
    gone = [p for p in _layout_paths() if not (ROOT / p.rstrip("/")).exists()]
    assert not gone, f"README.md layout block names paths that do not exist: {gone}"


def test_test_folders_and_scripts_listed() -> None:
    listed = set(_layout_paths())
    wanted = {f"tests/{d.name}/" for d in TEST_DIRS}
    wanted |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "scripts").glob("*.py")}
    missing = sorted(wanted - listed)
    assert not missing, f"README.md layout block: add a line for each of {missing}"


def test_no_line_twice() -> None:
    paths = _layout_paths()
    twice = sorted({p for p in paths if paths.count(p) > 1})
    assert not twice, f"README.md layout block lists these twice: {twice}"

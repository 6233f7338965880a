"""Files a load cannot read (a record, a companion) are moved to `damaged/` beside them,
so that later loads do not trip on them again, and listed with a one-line reason."""

from __future__ import annotations

import shutil
from pathlib import Path

DAMAGED = "damaged"  # sub-folder of the record folder where unreadable files are moved
Damaged = list[tuple[Path, str]]  # (where the file is now, why it could not be read)


def why(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def move_aside(path: Path) -> Path:
    target = path.parent / DAMAGED / path.name
    try:
        target.parent.mkdir(exist_ok=True)
        shutil.move(path, target)
    except OSError:
        return path  # a read-only folder: reported where it is, skipped again next time
    return target


def set_aside(path: Path, exc: BaseException, damaged: Damaged | None) -> None:
    moved = move_aside(path)
    if damaged is not None:
        damaged.append((moved, why(exc)))

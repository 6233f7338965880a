"""An abstract table: rows of cells with spans, as HTML writes them (covered cells omitted).

Every renderer starts from this one form, so the layouts differ only where a file format
really differs (Word merges, HTML spans, a text dump's empty continuation cells).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Grid = list[list[GCell]]


@dataclass(frozen=True)
class Slot:
    """One position of the dense matrix: the cell that covers it and whether it is the anchor."""

    cell: GCell
    anchor: bool
    top: bool  # first row of the cell's span (a horizontal continuation of an anchor row)


def place(grid: Grid) -> list[list[Slot]]:
    """The dense matrix the spans describe; raises if the grid is ragged (a bug in a builder)."""
    taken: dict[tuple[int, int], Slot] = {}
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, c + dc)] = Slot(cell, dr == 0 and dc == 0, dr == 0)
            c += cell.colspan
        width = max(width, c)
    height = max((r for r, _ in taken), default=-1) + 1
    dense: list[list[Slot]] = []
    for r in range(height):
        line = [taken.get((r, c)) for c in range(width)]
        if any(s is None for s in line):
            raise ValueError(f"ragged grid at row {r}: {[s.cell.text if s else None for s in line]}")
        dense.append([s for s in line if s is not None])
    return dense


def width(grid: Grid) -> int:
    return len(place(grid)[0]) if grid else 0

"""Cells of a table being built from page fragments: each spans grid rows and columns
and keeps where it lies on every page it crosses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.normalize import squash
from pipeline.readers.pdf.layout import BBox, Line


@dataclass
class Part:
    """Where a (possibly page-spanning) cell lies on one page."""

    page: int
    bbox: BBox
    r0: int
    r1: int


@dataclass
class Span:
    text: str
    r0: int
    r1: int
    c0: int
    c1: int
    parts: list[Part]
    lines: list[Line]
    conf: float | None = None
    chars: list[dict[str, Any]] | None = None  # RawCell.chars of a cell on one page

    def part_at(self, r: int) -> Part:
        for p in self.parts:
            if p.r0 <= r < p.r1:
                return p
        return self.parts[0]


def row_texts(grid: list[list[Span | None]], r: int) -> tuple[str, ...]:
    return tuple(squash(s.text) if s is not None else "" for s in grid[r])


def make_grid(spans: list[Span], n_rows: int, n_cols: int) -> list[list[Span | None]]:
    grid: list[list[Span | None]] = [[None] * n_cols for _ in range(n_rows)]
    for s in spans:
        for r in range(s.r0, s.r1):
            for c in range(s.c0, s.c1):
                if grid[r][c] is None:
                    grid[r][c] = s
    return grid

"""Table fragments into one table: the grid from the cell rectangles, repeated header
rows dropped (`repeated_header`), cells cut by a page break joined back (`page_rows`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Cell, Table
from pipeline.readers.pdf.layout import Frag, Word, cluster, is_number, nearest
from pipeline.readers.pdf.page_rows import join_across_break
from pipeline.readers.pdf.repeated_header import repeated_rows, strip_spill
from pipeline.readers.pdf.settings import PdfSettings
from pipeline.readers.pdf.spans import Part, Span, make_grid

_NUMBER_RUN = re.compile(r"\d[\d,.]*(?:\s+\d[\d,.]*)+")


def build_table(frags: list[Frag], index: int, settings: PdfSettings, notes: list[str]) -> Table:
    """One table from its fragments on consecutive pages (see `TableBuild`)."""
    return TableBuild(frags, settings).run(index, notes)


@dataclass
class TableBuild:
    """Fragments of one table into one grid, in steps whose results stay attributes:
    `xs` (column boundaries shared by all fragments), `spans` (one per cell rectangle,
    in grid rows and columns), `frag_rows` and `frag_ys` (each fragment's rows and
    their boundaries), `dropped` (repeated header rows), `boundaries` (the grid rows
    that start a page), `n_rows`/`n_cols`."""

    frags: list[Frag]
    settings: PdfSettings
    xs: list[float] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    frag_rows: list[tuple[int, int]] = field(default_factory=list)  # [start, end) rows of each fragment
    frag_ys: list[list[float]] = field(default_factory=list)
    dropped: set[int] = field(default_factory=set)
    boundaries: list[int] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0

    def run(self, index: int, notes: list[str]) -> Table:
        self.place_spans()
        self.fill_blanks()
        self.drop_repeated_headers()
        # Cells cut by a page break.
        for b in sorted(self.boundaries, reverse=True):
            if 0 < b < self.n_rows:
                self.n_rows = join_across_break(self.spans, b, self.n_rows, self.n_cols, self.settings, notes)
        _split_number_runs(self.spans, self.xs, notes)
        return Table(index=index, rows=self.cells(), page=self.frags[0].page)

    def place_spans(self) -> None:
        """Every cell rectangle at the nearest column and row boundaries."""
        tol = self.settings.grid_tolerance
        frags = self.frags
        self.xs = cluster([c.bbox[0] for f in frags for c in f.cells] + [c.bbox[2] for f in frags for c in f.cells], tol)
        offset = 0
        for f in frags:
            ys = cluster([c.bbox[1] for c in f.cells] + [c.bbox[3] for c in f.cells], tol)
            self.frag_ys.append(ys)
            for cell in f.cells:
                r0, r1 = nearest(ys, cell.bbox[1]), nearest(ys, cell.bbox[3])
                c0, c1 = nearest(self.xs, cell.bbox[0]), nearest(self.xs, cell.bbox[2])
                r1, c1 = max(r1, r0 + 1), max(c1, c0 + 1)
                self.spans.append(Span(cell.text, r0 + offset, r1 + offset, c0, c1,
                                        [Part(f.page, cell.bbox, r0 + offset, r1 + offset)], cell.lines, cell.conf,
                                        cell.chars))
            self.frag_rows.append((offset, offset + len(ys) - 1))
            offset += len(ys) - 1
        self.n_rows, self.n_cols = offset, len(self.xs) - 1

    def fill_blanks(self) -> None:
        """Positions no cell rectangle covers (a border missing in the PDF) become blanks."""
        grid = make_grid(self.spans, self.n_rows, self.n_cols)
        xs = self.xs
        for k, (a, b) in enumerate(self.frag_rows):
            ys = self.frag_ys[k]
            for r in range(a, b):
                for c in range(self.n_cols):
                    if grid[r][c] is None:
                        box = (xs[c], ys[r - a], xs[c + 1], ys[r - a + 1])
                        s = Span("", r, r + 1, c, c + 1, [Part(self.frags[k].page, box, r, r + 1)], [])
                        self.spans.append(s)
                        grid[r][c] = s

    def drop_repeated_headers(self) -> None:
        """Header rows repeated at the top of a continuation page are dropped."""
        grid = make_grid(self.spans, self.n_rows, self.n_cols)
        n_rows = self.n_rows
        header = 0
        while header < n_rows and not any(s is not None and is_number(s.text) for s in grid[header]):
            header += 1
        drop = self.dropped
        for a, b in self.frag_rows[1:]:
            h, clipped = repeated_rows(grid, a, b, header)
            if h and a + h < b:
                strip_spill(grid, a + h, clipped, self.settings)
            drop.update(range(a, a + h))
        if not drop:
            self.boundaries = [a for a, _ in self.frag_rows[1:]]
            return
        self.spans = [s for s in self.spans if not all(r in drop for r in range(s.r0, s.r1))]
        remap = {}
        new = 0
        for r in range(n_rows):
            if r not in drop:
                remap[r] = new
                new += 1
        remap[n_rows] = new
        for s in self.spans:
            s.r0 = remap[min(r for r in range(s.r0, s.r1 + 1) if r in remap)]
            s.r1 = remap[min(r for r in range(s.r1, n_rows + 1) if r in remap)]
            for p in s.parts:
                p.r0 = remap[min(r for r in range(p.r0, p.r1 + 1) if r in remap)]
                p.r1 = remap[min(r for r in range(p.r1, n_rows + 1) if r in remap)]
        for a, b in self.frag_rows[1:]:
            first_kept = next((r for r in range(a, b) if r not in drop), None)
            if first_kept is not None:
                self.boundaries.append(remap[first_kept])
        self.n_rows = new

    def cells(self) -> list[list[Cell]]:
        """The document model's rows: every position with its anchor, page and box."""
        grid = make_grid(self.spans, self.n_rows, self.n_cols)
        rows: list[list[Cell]] = []
        for r in range(self.n_rows):
            row: list[Cell] = []
            for c in range(self.n_cols):
                s = grid[r][c]
                if s is None:
                    row.append(Cell(text="", row=r, col=c))
                    continue
                part = s.part_at(r)
                anchor = None if (r, c) == (s.r0, s.c0) else (s.r0, s.c0)
                x0, top, x1, bottom = (round(v, 2) for v in part.bbox)
                row.append(Cell(text=s.text, row=r, col=c, anchor=anchor, page=part.page,
                                bbox=(x0, top, x1, bottom), ocr_confidence=s.conf))
            rows.append(row)
        return rows


def _split_number_runs(spans: list[Span], xs: list[float], notes: list[str]) -> None:
    """A cell spanning several columns that holds one number per column (the numbers
    row of 表四 when its vertical rules are missing) is split into those columns."""
    for s in list(spans):
        if s.c1 - s.c0 < 2 or not _NUMBER_RUN.fullmatch(s.text.replace("\n", " ").strip()):
            continue
        words = [w for ln in s.lines for w in ln.words if w.text.strip()]
        tokens = [t for w in words for t in w.text.split()]
        if len(tokens) != len(words):
            words = []  # positions unknown for some numbers
        by_col: dict[int, list[Word]] = {}
        for w in words:
            mid = (w.x0 + w.x1) / 2
            col = next((c for c in range(s.c0, s.c1) if xs[c] <= mid < xs[c + 1]), None)
            if col is None:
                break
            by_col.setdefault(col, []).append(w)
        if words and all(len(v) == 1 for v in by_col.values()) and len(by_col) == len(words):
            assignment = {c: v[0].text for c, v in by_col.items()}
        elif len(tokens) == s.c1 - s.c0:
            assignment = {s.c0 + k: t for k, t in enumerate(tokens)}
        else:
            notes.append(f"page {s.parts[0].page}: a run of {len(tokens)} numbers over {s.c1 - s.c0} columns left unsplit")
            continue
        spans.remove(s)
        part = s.parts[0]
        for c in range(s.c0, s.c1):
            box = (xs[c], part.bbox[1], xs[c + 1], part.bbox[3])
            spans.append(Span(assignment.get(c, ""), s.r0, s.r1, c, c + 1,
                               [Part(p.page, (xs[c], p.bbox[1], xs[c + 1], p.bbox[3]) if p is not part else box, p.r0, p.r1)
                                for p in s.parts], [], s.conf))

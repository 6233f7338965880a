"""Table fragments into one table: the grid from the cell rectangles, repeated header
rows dropped, cells cut by a page break joined back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Cell, Table
from pipeline.normalize import squash
from pipeline.readers.pdf.layout import (
    ROW_MARKER,
    BBox,
    Frag,
    Line,
    Word,
    cluster,
    is_number,
    nearest,
)
from pipeline.readers.pdf.settings import PdfSettings

_NUMBER_RUN = re.compile(r"\d[\d,.]*(?:\s+\d[\d,.]*)+")
# Labels of summary rows, which are not numbered even among numbered rows.
_SUMMARY_LABEL = re.compile(r"(?:小计|合计|总计|共计|其他)")

@dataclass
class _Part:
    """Where a (possibly page-spanning) cell lies on one page."""

    page: int
    bbox: BBox
    r0: int
    r1: int


@dataclass
class _Span:
    text: str
    r0: int
    r1: int
    c0: int
    c1: int
    parts: list[_Part]
    lines: list[Line]
    conf: float | None = None

    def part_at(self, r: int) -> _Part:
        for p in self.parts:
            if p.r0 <= r < p.r1:
                return p
        return self.parts[0]


def _row_texts(grid: list[list[_Span | None]], r: int) -> tuple[str, ...]:
    return tuple(squash(s.text) if s is not None else "" for s in grid[r])


def _make_grid(spans: list[_Span], n_rows: int, n_cols: int) -> list[list[_Span | None]]:
    grid: list[list[_Span | None]] = [[None] * n_cols for _ in range(n_rows)]
    for s in spans:
        for r in range(s.r0, s.r1):
            for c in range(s.c0, s.c1):
                if grid[r][c] is None:
                    grid[r][c] = s
    return grid


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
    spans: list[_Span] = field(default_factory=list)
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
                self.n_rows = _join_across_break(self.spans, b, self.n_rows, self.n_cols, self.settings)
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
                self.spans.append(_Span(cell.text, r0 + offset, r1 + offset, c0, c1,
                                        [_Part(f.page, cell.bbox, r0 + offset, r1 + offset)], cell.lines, cell.conf))
            self.frag_rows.append((offset, offset + len(ys) - 1))
            offset += len(ys) - 1
        self.n_rows, self.n_cols = offset, len(self.xs) - 1

    def fill_blanks(self) -> None:
        """Positions no cell rectangle covers (a border missing in the PDF) become blanks."""
        grid = _make_grid(self.spans, self.n_rows, self.n_cols)
        xs = self.xs
        for k, (a, b) in enumerate(self.frag_rows):
            ys = self.frag_ys[k]
            for r in range(a, b):
                for c in range(self.n_cols):
                    if grid[r][c] is None:
                        box = (xs[c], ys[r - a], xs[c + 1], ys[r - a + 1])
                        s = _Span("", r, r + 1, c, c + 1, [_Part(self.frags[k].page, box, r, r + 1)], [])
                        self.spans.append(s)
                        grid[r][c] = s

    def drop_repeated_headers(self) -> None:
        """Header rows repeated at the top of a continuation page are dropped."""
        grid = _make_grid(self.spans, self.n_rows, self.n_cols)
        n_rows = self.n_rows
        header = 0
        while header < n_rows and not any(s is not None and is_number(s.text) for s in grid[header]):
            header += 1
        drop = self.dropped
        for a, b in self.frag_rows[1:]:
            h = 0
            while (h < header and a + h < b and _row_texts(grid, a + h) == _row_texts(grid, h)
                   and any(_row_texts(grid, h))):
                h += 1
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
        grid = _make_grid(self.spans, self.n_rows, self.n_cols)
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


def _bracket_depth(text: str) -> int:
    """Opening minus closing brackets: > 0 when the text stops inside a bracket."""
    return sum(text.count(ch) for ch in "(（[【《") - sum(text.count(ch) for ch in ")）]】》")


def _continues_label(p: _Span, n: _Span, settings: PdfSettings) -> bool:
    """True when label text `n` at the head of a page continues label `p` at the foot of
    the previous one (one label cut by the break), not the label of a row of its own."""
    nt, pt = squash(n.text), squash(p.text)
    if not nt or not pt or is_number(nt) or is_number(pt):
        return False
    if ROW_MARKER.match(n.text) or _SUMMARY_LABEL.fullmatch(nt):
        return False  # numbered, or a 小计/合计 row: a row of its own
    if _bracket_depth(pt) > 0 or _bracket_depth(nt) < 0:
        return True  # "（二）部分公开（区分处理的，只计" / "这一情形，不计其他情形）"
    if p.lines:
        # The upper label's last line runs to the cell's right edge: it wrapped there.
        last = p.lines[-1]
        box = p.parts[-1].bbox
        pad = max(min(ln.x0 for ln in p.lines) - box[0], 0.0)
        if box[2] - pad - last.x1 < settings.label_wrap_em * last.size:
            return True
    # In a column of numbered labels an unnumbered fragment is the rest of a label.
    return bool(ROW_MARKER.match(p.text))


def _row_cut_by_break(above: list[_Span | None], below: list[_Span | None], b: int,
                      settings: PdfSettings) -> bool:
    """True when grid rows b-1 (the foot of a page) and b (the head of the next) are
    the two parts of one table row cut by the page break.

    A cut row's parts complement each other: its numbers are on one side only, and in
    every column at most one part holds text, except a label whose text runs on from
    the upper part into the lower one. Two whole rows conflict somewhere: a header row
    over a value row has column labels where the values are, two value rows both have
    numbers, and a row of its own starts with a label of its own (numbered, or not the
    rest of the label above)."""
    if any(s is None for s in above + below):
        return False
    up_numbers = any(s.r0 == b - 1 and is_number(s.text) for s in above)
    low_numbers = any(is_number(s.text) for s in below)
    if up_numbers == low_numbers:
        return False  # numbers on both sides (two rows) or on neither (header rows)
    for c, n in enumerate(below):
        if c != n.c0:
            continue
        p = above[c]
        if (p.c0, p.c1) != (n.c0, n.c1) or n.r0 != b or p.r1 != b:
            return False  # different column structure: not one row
        if not (p.text.strip() and n.text.strip()):
            continue
        if p.r0 < b - 1 and not ROW_MARKER.match(n.text) and not is_number(n.text):
            continue  # a group label spanning rows above, continued below
        if not _continues_label(p, n, settings):
            return False
    return True


def _join_across_break(spans: list[_Span], b: int, n_rows: int, n_cols: int, settings: PdfSettings) -> int:
    """Join cells cut by the page break between grid rows b-1 and b. Returns the new
    row count (one less when a whole row straddled the break)."""
    grid = _make_grid(spans, n_rows, n_cols)
    above = [grid[b - 1][c] for c in range(n_cols)]
    below = [grid[b][c] for c in range(n_cols)]

    def label(s: _Span | None) -> bool:
        return s is not None and not is_number(s.text)

    row_split = _row_cut_by_break(above, below, b, settings)
    merged_any = False
    for c in range(n_cols):
        p, n = above[c], below[c]
        if p is None or n is None or p is n or c != n.c0 or (p.c0, p.c1) != (n.c0, n.c1):
            continue
        if not row_split:
            # A group label cut by the break: the lower part is blank or a label fragment
            # without numbering, and the cell spans rows on at least one side.
            ok = (label(p) and bool(p.text) and (not n.text or (label(n) and not ROW_MARKER.match(n.text)))
                  and (p.r1 - p.r0 > 1 or n.r1 - n.r0 > 1))
            if not ok:
                continue
        p.text = "\n".join(t for t in (p.text, n.text) if t)
        p.lines = p.lines + n.lines
        p.r1 = n.r1
        p.parts.extend(n.parts)
        if p.conf is not None and n.conf is not None:
            p.conf = min(p.conf, n.conf)
        spans.remove(n)
        merged_any = True
    if not (row_split and merged_any):
        return n_rows
    # Collapse the two halves of the split row into one grid row.
    for s in spans:
        if s.r0 > b:
            s.r0 -= 1
        if s.r1 > b:
            s.r1 -= 1
        for part in s.parts:
            part.r0 = part.r0 - 1 if part.r0 > b else part.r0
            part.r1 = part.r1 - 1 if part.r1 > b else part.r1
            if part.r1 <= part.r0:
                part.r1 = part.r0 + 1
    return n_rows - 1


def _split_number_runs(spans: list[_Span], xs: list[float], notes: list[str]) -> None:
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
            spans.append(_Span(assignment.get(c, ""), s.r0, s.r1, c, c + 1,
                               [_Part(p.page, (xs[c], p.bbox[1], xs[c + 1], p.bbox[3]) if p is not part else box, p.r0, p.r1)
                                for p in s.parts], [], s.conf))

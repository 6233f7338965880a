"""The grid of one table without vertical rules, from the positions of its words."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from pipeline.normalize import cn_int, squash
from pipeline.readers.pdf.layout import (
    ROW_MARKER,
    BBox,
    Frag,
    Line,
    RawCell,
    Word,
    cluster,
    is_number,
    is_page_number,
)
from pipeline.readers.pdf.settings import PdfSettings

# A label printed down the left edge, one or two characters a line: (x0, x1, text, top, bottom).
VerticalLabel = tuple[float, float, str, float, float]


@dataclass
class UnruledGrid:
    """The grid of one table without vertical rules, built from its lines in named
    steps; each step's result stays an attribute (for the debug drawing and for tests).

    In: `lines` and their cell-like runs `segs`; `data` flags the lines with a label and
    numbers; `frame` is the box of the table's horizontal rules and `n_header` the number
    of header lines the rules set off (else the lines above the first data line).
    Steps (`run`): page numbers dropped, `num_cols` (numeric columns), `vertical`
    (labels printed down the left edge), `label_cols`, `edges` (column boundaries),
    `rows` (line indices per row), `ys` (row boundaries), `cells`."""

    lines: list[Line]
    segs: list[list[Word]]
    data: list[bool]
    page_no: int
    size: float
    page_height: float
    settings: PdfSettings
    frame: BBox | None = None
    n_header: int | None = None
    num_cols: list[list[float]] = field(default_factory=list)
    first_data: int = 0
    vertical: list[VerticalLabel] = field(default_factory=list)
    label_cols: list[float] = field(default_factory=list)
    label_right: float = 0.0
    edges: list[float] = field(default_factory=list)
    rows: list[list[int]] = field(default_factory=list)
    bands: list[tuple[float, float]] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    cells: list[RawCell] = field(default_factory=list)
    frag: Frag | None = None

    def run(self) -> Frag | None:
        self.drop_page_numbers()
        self.numeric_columns()
        if not self.num_cols:
            return None
        self.first_data = self.data.index(True) if self.n_header is None else self.n_header
        self.vertical_labels()
        self.label_columns()
        self.column_edges()
        self.table_rows()
        self.row_bounds()
        self.place_cells()
        self.place_vertical_labels()
        n_label = len(self.label_cols)
        first_body = next((r for r, members in enumerate(self.rows) if any(self.data[k] for k in members)),
                          len(self.rows))
        self.cells = group_label_spans(self.cells, self.edges, self.ys, n_label, first_body)
        bbox = (self.edges[0], self.ys[0], self.edges[-1], self.ys[-1])
        self.frag = Frag(self.page_no, bbox, self.cells, self.page_height, text_columns=self.edges)
        return self.frag

    def drop_page_numbers(self) -> None:
        """Page-number lines that fall inside the region at a page foot."""
        keep = [k for k, ln in enumerate(self.lines)
                if not is_page_number(ln, self.page_height, self.settings.margin_band, bare=False)]
        if self.n_header is not None:
            self.n_header = sum(1 for k in keep if k < self.n_header)
        self.lines = [self.lines[k] for k in keep]
        self.segs = [self.segs[k] for k in keep]
        self.data = [self.data[k] for k in keep]

    def numeric_columns(self) -> None:
        """Numeric columns from the numbers of the data lines: runs that overlap."""
        spans: list[list[float]] = []
        for s, is_data in zip(self.segs, self.data, strict=True):
            if not is_data:
                continue
            # The first run is the row's label, unless the row is numbers only (表四).
            for w in s if all(is_number(w.text) for w in s) else s[1:]:
                if is_number(w.text):
                    spans.append([w.x0, w.x1])
        spans.sort()
        for a, b in spans:
            if self.num_cols and a <= self.num_cols[-1][1] + self.settings.edge_slack:
                self.num_cols[-1][1] = max(self.num_cols[-1][1], b)
            else:
                self.num_cols.append([a, b])

    def vertical_labels(self) -> None:
        """Label segments of a few characters stacked line after line at one x position
        (left-aligned or centred) left of the numbers: one label printed downwards.
        Their runs leave `segs`."""
        s, size, lines = self.settings, self.size, self.lines
        num_start = self.num_cols[0][0]
        singles = sorted(((k, w) for k, seg in enumerate(self.segs) if k >= self.first_data for w in seg
                          if w.x1 <= num_start and len(squash(w.text)) <= s.vertical_label_max_chars
                          and not is_number(w.text)),
                         key=lambda kw: lines[kw[0]].top)
        stacks: list[list[tuple[int, Word]]] = []
        for k, w in singles:
            mid = (w.x0 + w.x1) / 2
            for st in stacks:
                lk, lw = st[-1]
                same_x = (abs(mid - (lw.x0 + lw.x1) / 2) < s.stack_centre_em * size
                          or abs(w.x0 - lw.x0) < s.stack_left_em * size)
                if same_x and 0 < lines[k].top - lines[lk].top < s.stack_pitch_em * size:
                    st.append((k, w))
                    break
            else:
                stacks.append([(k, w)])
        claimed: set[int] = set()
        for st in stacks:
            if len(st) >= s.vertical_label_min_lines:
                text = "".join(squash(w.text) for _, w in st)
                self.vertical.append((min(w.x0 for _, w in st), max(w.x1 for _, w in st), text,
                                      lines[st[0][0]].top, lines[st[-1][0]].bottom))
                claimed.update(id(w) for _, w in st)
        self.segs = [[w for w in seg if id(w) not in claimed] for seg in self.segs]

    def _label_run(self, w: Word) -> bool:
        num_start = self.num_cols[0][0]
        return (w.x1 <= num_start + self.settings.label_slack and not is_number(w.text)
                and any(abs(w.x0 - x) <= self.settings.label_column_em * self.size for x in self.label_cols))

    def label_columns(self) -> None:
        """Label columns start where the body's label runs start (header lines are
        centred over spans and would invent columns). Only data lines count, and wrapped
        label lines that start where a data line's label does: a column header inside
        the body starts over its value column."""
        num_start = self.num_cols[0][0]
        slack = self.settings.label_slack
        label_x0 = sorted({round(w.x0, 1) for k, seg in enumerate(self.segs) if k >= self.first_data and self.data[k]
                           for w in seg if w.x1 <= num_start + slack and not is_number(w.text)}
                          | {round(v[0], 1) for v in self.vertical})
        self.label_cols = cluster(label_x0, self.settings.label_column_em * self.size) if label_x0 else []

    def column_edges(self) -> None:
        """Column boundaries: the table's left side, each label column's start, between
        each value column and the one before it, the right side."""
        s = self.settings
        margin = s.grid_margin
        left = min([ln.x0 for ln in self.lines] + [v[0] for v in self.vertical]) - margin
        self.label_right = max([w.x1 for k, seg in enumerate(self.segs) if k >= self.first_data for w in seg
                                if self._label_run(w)] + [v[1] for v in self.vertical] + [left + margin])
        edges = [left] + [x - s.edge_slack for x in self.label_cols[1:]]
        # Text left-aligned in the first value column (a column header) starts that column
        # further left than the midpoint between the labels and the centred numbers.
        num_start = self.num_cols[0][0]
        lead_in = [w.x0 for k, seg in enumerate(self.segs) if not self.data[k] for w in seg
                   if self.label_right + s.lead_in_gap < w.x0 < num_start and not self._label_run(w)]
        prev_right = self.label_right
        for n, (a, b) in enumerate(self.num_cols):
            if n == 0 and not self.label_cols:
                continue  # numbers only: the first value column starts at the left side
            if n == 0 and lead_in:
                edges.append(min(min(lead_in) - margin, (prev_right + a) / 2))
            else:
                edges.append((prev_right + a) / 2 if prev_right < a else a - s.edge_slack)
            prev_right = b
        edges.append(max(ln.x1 for ln in self.lines) + margin)
        if self.frame is not None:  # the rules' ends are the table's sides
            edges[0], edges[-1] = min(edges[0], self.frame[0]), max(edges[-1], self.frame[2])
        self.edges = sorted(set(edges))

    def col_of(self, x: float) -> int:
        c = 0
        for k in range(len(self.edges) - 1):
            if self.edges[k] <= x + self.settings.edge_slack:
                c = k
        return c

    def _mid(self, k: int) -> float:
        return (self.lines[k].top + self.lines[k].bottom) / 2

    def table_rows(self) -> None:
        """Rows: header rows above the data, one row per data line, label lines attached
        to the data row whose text block they continue."""
        lines, size = self.lines, self.size
        rows = self.rows
        for k in range(self.first_data):
            if not self.segs[k]:
                continue
            if rows and lines[k].top - lines[rows[-1][-1]].bottom < self.settings.header_wrap_em * size:
                rows[-1].append(k)
            else:
                rows.append([k])
        row_of: dict[int, int] = {}
        for k in range(self.first_data, len(lines)):
            if self.data[k]:
                row_of[k] = len(rows)
                rows.append([k])
        self._attach_label_lines(row_of)
        rows.sort(key=lambda r: min(lines[k].top for k in r))

    def _attach_label_lines(self, row_of: dict[int, int]) -> None:
        """A wrapped label's lines follow each other at the cell's line pitch; a label
        line set off by more from every line of a data row (a block heading, a column
        header inside the table) is a row of its own."""
        lines, rows, mid = self.lines, self.rows, self._mid
        reach = self.settings.cell_line_pitch_em * statistics.median(ln.size for ln in lines)
        loose = [k for k in range(self.first_data, len(lines)) if not self.data[k] and self.segs[k]]
        changed = True
        while changed:
            changed = False
            for k in loose:
                if k in row_of:
                    continue
                near = [(abs(mid(a) - mid(k)), a) for a in row_of if abs(mid(a) - mid(k)) <= reach]
                if near:
                    row_of[k] = row_of[min(near)[1]]
                    rows[row_of[k]].append(k)
                    changed = True
        for k in loose:
            if k in row_of:
                continue
            prev = next((r for r in reversed(rows) if lines[r[-1]].top < lines[k].top), None)
            if prev is not None and prev[-1] in loose and prev[-1] not in row_of and mid(k) - mid(prev[-1]) <= reach:
                prev.append(k)
            else:
                rows.append([k])

    def row_bounds(self) -> None:
        """Row boundaries halfway between the rows' text, the rules' ends outside."""
        lines, margin = self.lines, self.settings.grid_margin
        self.bands = [(min(lines[k].top for k in r), max(lines[k].bottom for k in r)) for r in self.rows]
        ys = [self.bands[0][0] - margin]
        for a, b in zip(self.bands, self.bands[1:], strict=False):
            ys.append((a[1] + b[0]) / 2)
        ys.append(self.bands[-1][1] + margin)
        if self.frame is not None:
            ys[0], ys[-1] = min(ys[0], self.frame[1]), max(ys[-1], self.frame[3])
        self.ys = ys

    def place_cells(self) -> None:
        """Each row's runs into the columns they cover; runs sharing columns are one cell."""
        inset = self.settings.boundary_inset
        for r, members in enumerate(self.rows):
            parts: dict[tuple[int, int], list[tuple[float, str]]] = {}
            for k in sorted(members, key=lambda k: self.lines[k].top):
                for w in self.segs[k]:
                    # Inwards: a run touching a column boundary belongs to the column it is in.
                    c0 = self.col_of(min(w.x0 + inset, (w.x0 + w.x1) / 2))
                    c1 = self.col_of(max(w.x1 - inset, (w.x0 + w.x1) / 2))
                    key = next((p for p in parts if p[0] <= c0 < p[1] or c0 <= p[0] < c1 + 1), None)
                    if key is None:
                        parts[(c0, c1 + 1)] = [(self.lines[k].top, w.text)]
                    else:
                        parts[key].append((self.lines[k].top, w.text))
            for (c0, c1), texts in parts.items():
                box = (self.edges[c0], self.ys[r], self.edges[c1], self.ys[r + 1])
                self.cells.append(RawCell(box, self._join_texts(texts)))

    def _join_texts(self, texts: list[tuple[float, str]]) -> str:
        """A cell's runs, top to bottom: runs on one line joined by a space, lines by newlines."""
        texts.sort()
        merged: list[str] = []
        last_top = None
        for top, text in texts:
            if last_top is not None and abs(top - last_top) < self.settings.same_line_em * self.size:
                merged[-1] += " " + text
            else:
                merged.append(text)
            last_top = top
        return "\n".join(merged)

    def place_vertical_labels(self) -> None:
        """A vertical label becomes one cell over the rows beside it."""
        reach = self.settings.vertical_label_reach_em * self.size
        edges, ys = self.edges, self.ys
        for x0, _x1, text, top, bottom in self.vertical:
            covered = [r for r, (a, b) in enumerate(self.bands) if top - reach <= (a + b) / 2 <= bottom + reach]
            if not covered:
                continue
            c = self.col_of(x0)
            r0, r1 = min(covered), max(covered) + 1
            self.cells = [cl for cl in self.cells
                          if not (cl.bbox[0] == edges[c] and ys[r0] <= cl.bbox[1] < ys[r1] and not cl.text)]
            self.cells.append(RawCell((edges[c], ys[r0], edges[c + 1], ys[r1]), text))


_MARKER_NUMBER = re.compile(r"^\s*(?:[（(]([一二三四五六七八九十\d]+)[)）]|([一二三四五六七八九十]+)[、.．]|(\d+)\s*[、.．])")


def marker_number(text: str) -> int | None:
    """The number of a row label's numbering: 3 for "3." "（三）" "三、"."""
    m = _MARKER_NUMBER.match(text)
    if not m:
        return None
    return cn_int(next(g for g in m.groups() if g))


def group_label_spans(cells: list[RawCell], edges: list[float], ys: list[float], n_label: int,
                       first_body: int) -> list[RawCell]:
    """Group labels of a table without rules, as cells spanning their group's rows.

    Without rules a group label ("（三）不予公开" beside its eight numbered rows) is
    printed somewhere down its group, often centred, so its text lands in a row in the
    middle. The group is the run of rows whose labels in the next column are numbered
    1, 2, 3, ... without a gap; the label text found beside the run becomes one cell
    over all of it. Inner columns go first, so an outer label ("三、本年度办理结果")
    groups rows numbered by the inner groups' labels."""
    def at(cell: RawCell) -> tuple[int, int, int, int]:
        c0 = min(range(len(edges)), key=lambda k: abs(edges[k] - cell.bbox[0]))
        c1 = min(range(len(edges)), key=lambda k: abs(edges[k] - cell.bbox[2]))
        r0 = min(range(len(ys)), key=lambda k: abs(ys[k] - cell.bbox[1]))
        r1 = min(range(len(ys)), key=lambda k: abs(ys[k] - cell.bbox[3]))
        return r0, r1, c0, c1

    for c in range(n_label - 2, -1, -1):
        inner: dict[int, tuple[int, int]] = {}  # row -> (number, anchor row) of its label in column c+1
        outer: dict[int, RawCell] = {}  # row -> label alone in column c
        for cell in cells:
            r0, r1, c0, c1 = at(cell)
            if c0 == c + 1 and cell.text and (n := marker_number(cell.text)) is not None:
                for r in range(r0, r1):
                    inner[r] = (n, r0)
            elif c0 == c and c1 == c + 1 and r1 == r0 + 1 and cell.text:
                outer[r0] = cell
        r = first_body
        while r < len(ys) - 1:
            if inner.get(r, (0, 0))[0] != 1:
                r += 1
                continue
            start, expect, anchor = r, 1, inner[r][1]
            r += 1
            while r in inner and (inner[r][1] == anchor or inner[r][0] == expect + 1):
                if inner[r][1] != anchor:
                    expect, anchor = inner[r][0], inner[r][1]
                r += 1
            texts = [outer[k] for k in range(start, r) if k in outer]
            if not texts or r - start < 2 or any(ROW_MARKER.match(t.text) for t in texts[1:]):
                continue  # numbered texts beside the run are labels of rows of their own
            drop = {id(t) for t in texts}
            cells = [cl for cl in cells if id(cl) not in drop]
            cells.append(RawCell((edges[c], ys[start], edges[c + 1], ys[r]), "\n".join(t.text for t in texts)))
    return cells

"""Tables without vertical rules on one page: which lines form a table (three-line
tables within their horizontal rules, else runs of lines carrying numbers)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from pdfplumber.page import Page

from pipeline.normalize import squash
from pipeline.readers.pdf.grid import UnruledGrid
from pipeline.readers.pdf.layout import BBox, Frag, Line, Word, is_number, is_page_number
from pipeline.readers.pdf.settings import PdfSettings

# A numbered section heading ("三、收到…") above a table is no header line of it.
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class Rule:
    y: float
    x0: float
    x1: float


def horizontal_rules(page: Page, settings: PdfSettings) -> list[Rule]:
    """Long horizontal rules (at least `settings.rule_min_share` of the page width),
    segments of one rule joined: the rules of a table drawn without vertical rules."""
    tol = settings.grid_tolerance
    segs = sorted((e["top"], e["x0"], e["x1"]) for e in page.edges if e["orientation"] == "h")
    rules: list[Rule] = []
    for y, x0, x1 in segs:
        r = next((r for r in rules if abs(r.y - y) <= tol and x0 <= r.x1 + tol and x1 >= r.x0 - tol), None)
        if r is None:
            rules.append(Rule(y, x0, x1))
        else:
            r.x0, r.x1 = min(r.x0, x0), max(r.x1, x1)
    min_width = settings.rule_min_share * float(page.width)
    return sorted((r for r in rules if r.x1 - r.x0 >= min_width), key=lambda r: r.y)


def rule_frames(rules: list[Rule], lines: list[Line], segs: list[list[Word]], data: list[bool],
                 settings: PdfSettings) -> list[tuple[list[int], list[int], BBox]]:
    """Tables drawn with horizontal rules only (三线表: a rule above, one under the
    header rows, one under the table): (line indices, header line indices, box) per
    table. Consecutive rules of the same extent bound bands; a table is a run of
    bands holding table lines, header bands (no numbers) only before its first band of
    data lines. A band holding a paragraph line (one run of text over most of the
    width, or type larger than the data's) is no part of a table."""
    tol = settings.rule_extent_tolerance
    frames: list[tuple[list[int], list[int], BBox]] = []
    cur: list[list[int]] = []  # bands of the frame being built
    kinds: list[str] = []
    top = None
    bottom = None

    def close() -> None:
        nonlocal cur, kinds, top, bottom
        while kinds and kinds[-1] != "data":
            cur.pop()
            kinds.pop()
        if cur and top is not None and bottom is not None:
            members = [k for band in cur for k in band]
            header = [k for band, kind in zip(cur, kinds, strict=True) if kind == "header" for k in band]
            frames.append((members, header, (top.x0, top.y, top.x1, bottom.y)))
        cur, kinds, top, bottom = [], [], None, None

    for a, b in zip(rules, rules[1:], strict=False):
        same = abs(a.x0 - b.x0) <= tol and abs(a.x1 - b.x1) <= tol
        band = [k for k, ln in enumerate(lines) if a.y < (ln.top + ln.bottom) / 2 < b.y
                and ln.x0 >= a.x0 - tol and ln.x1 <= a.x1 + tol]
        if not same or not band:
            close()
            continue
        sizes = [lines[k].size for k in band if data[k]]
        width = a.x1 - a.x0
        prose = any(len(segs[k]) == 1 and segs[k][0].x1 - segs[k][0].x0 > settings.paragraph_share * width
                    for k in band)
        if sizes:
            prose = prose or any(lines[k].size > max(sizes) + settings.larger_type_pt for k in band)
        kind = "prose" if prose else "data" if sizes else "header"
        if kind == "prose" or (kind == "header" and "data" in kinds):
            close()
            if kind == "prose":
                continue
        if top is None:
            top = a
        cur.append(band)
        kinds.append(kind)
        bottom = b
    close()
    return frames


def unruled_fragments(lines: list[Line], page_no: int, page_width: float, page_height: float,
                      settings: PdfSettings, rules: Sequence[Rule] = ()) -> tuple[list[Frag], list[Line]]:
    """The tables without vertical rules of one page and the lines left (see `UnruledFinder`)."""
    finder = UnruledFinder(page_no, page_width, page_height, settings, list(rules))
    finder.run(lines)
    return finder.frags, finder.rest


@dataclass
class UnruledFinder:
    """Find runs of lines that carry numbers in columns and grid them.

    Columns: numeric runs of the data lines (lines with a label and numbers) that
    overlap horizontally form one column; label columns start where label runs start.
    Rows: each data line is a row; header lines above the first data row are rows
    (lines closer than half a line are one wrapped row); label lines between data
    rows (wrapped labels) join the nearest data row; a label printed one character
    per line down the left edge becomes one cell spanning the rows beside it.

    Kept for the debug drawing: `rules` (the long horizontal rules), `frames` (the
    boxes of three-line tables), `grids` (each table's `UnruledGrid`), `frags`, and
    `rest` (the lines that are no part of a table)."""

    page_no: int
    page_width: float
    page_height: float
    settings: PdfSettings
    rules: list[Rule] = field(default_factory=list)
    frames: list[BBox] = field(default_factory=list)
    grids: list[UnruledGrid] = field(default_factory=list)
    frags: list[Frag] = field(default_factory=list)
    rest: list[Line] = field(default_factory=list)

    def run(self, lines: list[Line]) -> list[Frag]:
        if not lines:
            return self.frags
        settings = self.settings
        size = statistics.median(ln.size for ln in lines)
        gap = settings.column_gap_em * size
        segs = [ln.segments(gap) for ln in lines]
        data = [len(s) >= 2 and sum(1 for w in s[1:] if is_number(w.text)) >= 1 for s in segs]
        used: set[int] = set()
        for members, header, box in rule_frames(self.rules, lines, segs, data, settings):
            self.frames.append(box)
            members = sorted(set(header)) + sorted(set(members) - set(header))
            flags = [data[k] and k not in header for k in members]
            if any(flags):
                self._grid(lines, segs, members, flags, size, used, frame=box, n_header=len(set(header)))
        i = 0
        while i < len(lines):
            if not data[i] or i in used:
                i += 1
                continue
            last = self._run_end(lines, segs, data, used, i, size)
            if sum(1 for k in range(i, last + 1) if data[k]) >= settings.min_data_rows:
                first = self._header_start(lines, segs, used, i, size)
                region = list(range(first, last + 1))
                self._grid(lines, segs, region, [data[k] for k in region], size, used)
            i = last + 1
        self.rest = [ln for k, ln in enumerate(lines) if k not in used]
        return self.frags

    def _grid(self, lines: list[Line], segs: list[list[Word]], members: list[int], flags: list[bool],
              size: float, used: set[int], frame: BBox | None = None, n_header: int | None = None) -> None:
        grid = UnruledGrid([lines[k] for k in members], [segs[k] for k in members], flags,
                           self.page_no, size, self.page_height, self.settings, frame=frame, n_header=n_header)
        frag = grid.run()
        self.grids.append(grid)
        if frag is not None:
            self.frags.append(frag)
            used.update(members)

    def _run_end(self, lines: list[Line], segs: list[list[Word]], data: list[bool], used: set[int],
                 i: int, size: float) -> int:
        """The last data line of the run from data line i, tolerating a few label lines
        in between."""
        s = self.settings
        last = i
        j = i + 1
        while j < len(lines):
            if j in used:
                break
            if data[j]:
                last = j
            elif j - last > s.run_max_label_lines or lines[j].top - lines[last].bottom > s.run_max_gap_em * size:
                break
            elif len(segs[j]) == 1 and segs[j][0].x1 - segs[j][0].x0 > s.paragraph_share * self.page_width:
                break  # a paragraph line ends the table
            j += 1
        return last

    def _header_start(self, lines: list[Line], segs: list[list[Word]], used: set[int], i: int, size: float) -> int:
        """The first of the header lines directly above data line i."""
        s = self.settings
        first = i
        h = i - 1
        while h >= 0 and i - h <= s.header_max_lines and h not in used:
            seg = segs[h]
            if lines[first].top - lines[h].bottom > s.header_max_gap_em * size:
                break
            text = squash(lines[h].text)
            single_wide = len(seg) == 1 and seg[0].x1 - seg[0].x0 > s.paragraph_share * self.page_width
            heading = (len(seg) == 1 and _HEADING.match(text) is not None
                       and not text.startswith(("一、本年", "二、上年")))
            if single_wide or heading or is_page_number(lines[h], self.page_height, s.margin_band):
                break
            first = h
            h -= 1
        return first

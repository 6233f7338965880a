"""Cells and rows cut by a page break joined back: a group label torn at the foot of a
page, a row whose label and numbers straddle the break, and a row whose wrapped numbers
run on at the head of the next page (`4604` / `6`)."""

from __future__ import annotations

import re

from pipeline.normalize import squash
from pipeline.readers.pdf.layout import ROW_MARKER, is_number
from pipeline.readers.pdf.settings import PdfSettings
from pipeline.readers.pdf.spans import Span, make_grid

# Labels of summary rows, which are not numbered even among numbered rows.
_SUMMARY_LABEL = re.compile(r"(?:小计|合计|总计|共计|其他)")

def _bracket_depth(text: str) -> int:
    """Opening minus closing brackets: > 0 when the text stops inside a bracket."""
    return sum(text.count(ch) for ch in "(（[【《") - sum(text.count(ch) for ch in ")）]】》")


def _continues_label(p: Span, n: Span, settings: PdfSettings) -> bool:
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


def _wrapped_number(p: Span, n: Span, settings: PdfSettings) -> bool:
    """True when number text `n` at the head of a page is the rest of number `p` at the
    foot of the previous one: the upper number's last line fills its cell, so that one
    more digit would not have fitted beside it (`4604` / `6` is 46046). Decided by the
    geometry alone: two digit strings are never joined because they look alike."""
    if not (p.lines and n.lines) or not is_number(p.text) or not is_number(n.text):
        return False
    last = p.lines[-1]
    box = p.parts[-1].bbox
    chars = len(last.text.replace(" ", ""))
    if chars == 0:
        return False
    digit = (last.x1 - last.x0) / chars
    # The cell's inset on each side: the gap left of the text, unless the text is centred
    # or right-aligned, where that gap is not the inset and the largest usual one is taken.
    inset = min(max(last.x0 - box[0], 0.0), settings.cell_inset_max)
    return (box[2] - box[0]) - 2 * inset - (last.x1 - last.x0) < digit * settings.number_wrap_digits


def _sibling_head(p: Span, c: int, around: list[list[Span | None]]) -> bool:
    """Label `p` is the first lines of the label of a neighbouring row in its column, and
    that label goes on: rows printed with their group label repeated (（三）不予公开 /
    1.属于国家秘密 in one cell) cut after the group's part."""
    head = [squash(x) for x in p.text.split("\n")]
    for row in around:
        s = row[c]
        if s is None or s is p:
            continue
        lines = [squash(x) for x in s.text.split("\n")]
        if len(lines) > len(head) and lines[:len(head)] == head:
            return True
    return False


def _cut_row_columns(above: list[Span | None], below: list[Span | None], b: int,
                     settings: PdfSettings, around: list[list[Span | None]]) -> tuple[bool, bool]:
    """Column by column, do rows b-1 and b read as the two parts of one row (`around`:
    the rows next to them)? Returns (every column fits, some number ran on past the
    break)."""
    ran_on = False
    for c, n in enumerate(below):
        if n is None or c != n.c0:
            continue
        p = above[c]
        if p is None or (p.c0, p.c1) != (n.c0, n.c1) or n.r0 != b or p.r1 != b:
            return False, ran_on  # different column structure: not one row
        if not (p.text.strip() and n.text.strip()):
            continue
        if is_number(p.text) or is_number(n.text):
            if not _wrapped_number(p, n, settings):
                return False, ran_on
            ran_on = True
            continue
        if p.r0 < b - 1 and not ROW_MARKER.match(n.text):
            continue  # a group label spanning rows above, continued below
        if not (_continues_label(p, n, settings) or _sibling_head(p, c, around)):
            return False, ran_on
    return True, ran_on


def _row_cut_by_break(grid: list[list[Span | None]], b: int, settings: PdfSettings, notes: list[str]) -> bool:
    """True when grid rows b-1 (the foot of a page) and b (the head of the next) are
    the two parts of one table row cut by the page break.

    A cut row's parts complement each other: in every column at most one part holds
    text, except a label whose text runs on from the upper part into the lower one and
    a number that wrapped in its cell and runs on likewise. Two whole rows conflict
    somewhere: a header row over a value row has column labels where the values are,
    two value rows have numbers in the same column that do not run on, and a row of its
    own starts with a label of its own (numbered, or not the rest of the label above).
    Numbers on both sides in different columns (LibreOffice keeps a one-line number
    above the break and moves a two-line one below) make one row unless the lower part
    has a label of its own; two whole rows of numbers cannot alternate so, as both have
    a number in their 总计 column. A lower part whose label runs on while a number
    does not is left as two rows, with a note: its values cannot be placed for certain."""
    above, below = grid[b - 1], grid[b]
    if any(s is None for s in above + below):
        return False
    up_numbers = any(s.r0 == b - 1 and is_number(s.text) for s in above if s is not None)
    low_numbers = any(is_number(s.text) for s in below if s is not None)
    if not (up_numbers or low_numbers):
        return False  # header rows
    around = [grid[r] for r in (b - 2, b + 1) if 0 <= r < len(grid)]
    fits, ran_on = _cut_row_columns(above, below, b, settings, around)
    if up_numbers and low_numbers and fits and not ran_on and _own_label_below(above, below, b):
        return False  # numbers on both sides, none running on, a label of its own below: two rows
    if not fits and up_numbers and low_numbers and _label_runs_on(above, below, b, settings):
        page = next(p.page for s in below if s is not None for p in s.parts if p.r0 <= b < p.r1)
        notes.append(f"page {page}: a table row at the head of the page continues the row above, "
                     "but its numbers do not continue the numbers above: left as two rows, check them")
    return fits


def _own_label_below(above: list[Span | None], below: list[Span | None], b: int) -> bool:
    """The lower row has label text in a cell that starts there, under no label text
    it could be the rest of."""
    return any(n is not None and n.r0 == b and c == n.c0 and n.text.strip() and not is_number(n.text)
               and not (above[c] is not None and above[c].text.strip()) for c, n in enumerate(below))


def _label_runs_on(above: list[Span | None], below: list[Span | None], b: int, settings: PdfSettings) -> bool:
    """The lower row's own label (a cell starting at row b) is the rest of the label above."""
    own = [(above[c], n) for c, n in enumerate(below)
           if n is not None and n.r0 == b and c == n.c0 and n.text.strip() and not is_number(n.text)]
    return bool(own) and all(p is not None and p.r1 == b and _continues_label(p, n, settings) for p, n in own)


def join_across_break(spans: list[Span], b: int, n_rows: int, n_cols: int, settings: PdfSettings,
                      notes: list[str]) -> int:
    """Join cells cut by the page break between grid rows b-1 and b. Returns the new
    row count (one less when a whole row straddled the break)."""
    grid = make_grid(spans, n_rows, n_cols)
    above = [grid[b - 1][c] for c in range(n_cols)]
    below = [grid[b][c] for c in range(n_cols)]

    def label(s: Span | None) -> bool:
        return s is not None and not is_number(s.text)

    row_split = _row_cut_by_break(grid, b, settings, notes)
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

"""Header rows repeated at the top of a continuation page, found and dropped; a repeated
header cell clipped by its rows is recognised, and its text that runs over the first
body row below is taken out of that row.

Word ("repeat header row") and LibreOffice print a table's header again on every page
it runs onto. When a header cell is taller than the repeated rows (the 勾稽关系 note of
表三 in one narrow label column), LibreOffice prints it clipped: the cell holds the
first lines of its text, and the next line is drawn over the first body row, on the
note's own line pitch (t3_repeated_header_clipped). Both are decided from the header
printed on the table's first page: a repeated cell reads the same, or (clipped) reads
the first part of it; the stray chars lie on the clipped cell's line pitch, inside its
columns, and read the rest of its text from where the clipped part stops.
"""

from __future__ import annotations

import statistics

from pipeline.normalize import nfkc, squash
from pipeline.readers.pdf.layout import cell_text, lines_from_chars
from pipeline.readers.pdf.settings import PdfSettings
from pipeline.readers.pdf.spans import Span

Grid = list[list[Span | None]]


def _text(s: Span | None) -> str:
    return squash(s.text) if s is not None else ""


def _row_match(cont: list[Span | None], orig: list[Span | None]) -> list[tuple[Span, Span]] | None:
    """The clipped (continuation, original) cells when row `cont` repeats header row
    `orig`, else None: every cell reads the same, or the first part of the original's
    text over the same columns."""
    if not any(_text(o) for o in orig):
        return None
    clipped: list[tuple[Span, Span]] = []
    for s, o in zip(cont, orig, strict=True):
        ts, to = _text(s), _text(o)
        if ts == to:
            continue
        if s is None or o is None or not ts or not to.startswith(ts) or (s.c0, s.c1) != (o.c0, o.c1):
            return None
        if all(s is not x for x, _ in clipped):
            clipped.append((s, o))
    return clipped


def repeated_rows(grid: Grid, a: int, b: int, header: int) -> tuple[int, list[tuple[Span, Span]]]:
    """How many rows from row `a` (the first of a continuation page, whose rows end
    before `b`) repeat the `header` rows of the table's first page, and the clipped
    (continuation, original) cells among them. A clipped cell counts only in a whole
    repeated header that it ends within."""
    h = 0
    clipped: list[tuple[Span, Span]] = []
    while h < header and a + h < b:
        match = _row_match(grid[a + h], grid[h])
        if match is None:
            break
        clipped.extend(m for m in match if all(m[0] is not x for x, _ in clipped))
        h += 1
    if clipped and (h < header or any(s.r1 > a + header for s, _ in clipped)):
        # Only the rows that read exactly the same: a part-read cell is no proof alone.
        h = 0
        while h < header and a + h < b and _row_match(grid[a + h], grid[h]) == []:
            h += 1
        clipped = []
    return h, clipped


def strip_spill(grid: Grid, row: int, clipped: list[tuple[Span, Span]], settings: PdfSettings) -> None:
    """Take the text of each clipped header cell that runs over grid row `row` (the first
    body row under the repeated header) out of that row's cells."""
    for s, o in clipped:
        rest = _text(o)[len(_text(s)):]
        seen: list[Span] = []
        for t in grid[row][s.c0:s.c1]:
            if t is None or t.r0 != row or not t.chars or t.c0 < s.c0 or t.c1 > s.c1 or any(t is x for x in seen):
                continue
            seen.append(t)
            _strip(t, s, rest, settings)


def _strip(t: Span, s: Span, rest: str, settings: PdfSettings) -> None:
    """Take out of cell `t` the lines that clipped cell `s` runs on with below its last
    line: each on the clipped cell's line pitch, within its columns, together reading on
    from the clipped text (`rest`, the original's text after it), line after line."""
    tops = sorted({round(ln.top, 2) for ln in s.lines})
    if len(tops) < 2 or not rest or t.chars is None:
        return  # one line gives no pitch to continue it on
    pitch = statistics.median(b - a for a, b in zip(tops, tops[1:], strict=False))
    last = tops[-1]
    x0, _, x1, _ = s.parts[0].bbox
    tol = settings.spill_line_tolerance
    by_line: dict[int, list[tuple[float, int]]] = {}
    for i, ch in enumerate(t.chars):
        k = round((ch["top"] - last) / pitch)
        if (k >= 1 and abs(ch["top"] - (last + k * pitch)) <= tol and x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1
                and ch["text"].strip()):
            by_line.setdefault(k, []).append((ch["x0"], i))
    drop: set[int] = set()
    read = ""
    k = 1
    while k in by_line:
        line = sorted(by_line[k])
        text = read + squash("".join(nfkc(t.chars[i]["text"]) for _, i in line))
        if not rest.startswith(text):
            break  # the row's own text, on the same pitch by chance
        read = text
        drop.update(i for _, i in line)
        k += 1
    if not drop:
        return
    keep = [ch for i, ch in enumerate(t.chars) if i not in drop]
    t.lines = lines_from_chars(keep, t.parts[0].page, settings, settings.ruled_table.get("text_x_tolerance", 3))
    t.text = cell_text(t.lines, settings)
    t.chars = keep

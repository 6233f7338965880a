"""Layout primitives shared by the text layer and OCR: words, lines, cell rectangles,
table fragments, and the tests on them (a number, a page number)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.normalize import nfkc, squash
from pipeline.readers.pdf.settings import PdfSettings

BBox = tuple[float, float, float, float]

# A cell value: a count or an amount, possibly with thousands separators or a percent.
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
# Numbering that starts a table row label: 一、 （一） (一) 1. 1、 1．
ROW_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+\s*[、.．])")
# Page numbers: "-3-", "- 3 -", "— 3 —", "第3页", "第 3 页 共 6 页", "3/6".
_PAGE_NUMBER_DASHED = re.compile(r"^[-—–－―‐~·•\s]+\d{1,4}[-—–－―‐~·•\s]+$")
_PAGE_NUMBER_WORDED = re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$")
_PAGE_NUMBER_BARE = re.compile(r"^\d{1,4}(?:\s*/\s*\d{1,4})?$")


@dataclass
class Word:
    x0: float
    x1: float
    text: str


@dataclass
class Line:
    words: list[Word]
    top: float
    bottom: float
    size: float
    page: int
    # Set for a line of a multi-column layout: (left, right) of its column, and the
    # reading-order key that puts the column after the ones to its left.
    column: tuple[float, float] | None = None
    order: tuple[float, int, float] | None = None

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def segments(self, gap: float) -> list[Word]:
        """Words joined into cell-like runs: a gap wider than `gap` separates runs."""
        out: list[Word] = []
        for w in self.words:
            if out and w.x0 - out[-1].x1 < gap:
                prev = out[-1]
                out[-1] = Word(prev.x0, w.x1, prev.text + " " + w.text)
            else:
                out.append(Word(w.x0, w.x1, w.text))
        return out


@dataclass
class RawCell:
    """One cell rectangle of a table fragment, as found on the page."""

    bbox: BBox
    text: str
    lines: list[Line] = field(default_factory=list)
    conf: float | None = None
    # The page's chars whose centre falls in the cell (ruled tables only): a repeated
    # header whose text runs over this cell is told apart from the cell's own by them.
    chars: list[dict[str, Any]] | None = None


@dataclass
class Frag:
    """The part of one table that lies on one page."""

    page: int
    bbox: BBox
    cells: list[RawCell]
    page_height: float
    # Column edges taken from text positions (no vertical rules): a continuation on the
    # next page joins only when its columns agree.
    text_columns: list[float] | None = None


def lines_from_chars(chars: Sequence[dict[str, Any]], page: int, settings: PdfSettings,
                     x_tolerance: float | None = None, cuts: Sequence[float] = ()) -> list[Line]:
    """Group upright chars into lines (vertical overlap) and words (horizontal gaps of at
    most `x_tolerance`, by default `settings.word_gap`). No line crosses one of the
    `cuts` (the y of a horizontal rule)."""
    if cuts:
        bands: dict[int, list[dict[str, Any]]] = {}
        ys = sorted(cuts)
        for ch in chars:
            mid = (ch["top"] + ch["bottom"]) / 2
            bands.setdefault(bisect_left(ys, mid), []).append(ch)  # how many cuts lie above
        out = [ln for band in bands.values() for ln in lines_from_chars(band, page, settings, x_tolerance)]
        out.sort(key=lambda ln: (ln.top, ln.x0))
        return out
    gap = settings.word_gap if x_tolerance is None else x_tolerance
    lines: list[Line] = []
    for row, (top, bottom) in _char_rows(chars, settings):
        words = _row_words(row, gap, settings)
        if not words:
            continue
        size = _median([c["size"] for c in row])
        lines.append(Line(words, top, bottom, round(size, 1), page))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _median(values: list[float]) -> float:
    """statistics.median's value (the same sort and the same mean of the middle two), at a
    fraction of its cost on the few chars of a line."""
    values.sort()
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def _char_rows(chars: Sequence[dict[str, Any]],
               settings: PdfSettings) -> list[tuple[list[dict[str, Any]], tuple[float, float]]]:
    """Chars grouped into rows by vertical overlap, with each row's (top, bottom)."""
    rows: list[list[dict[str, Any]]] = []
    tops: list[float] = []
    bottoms: list[float] = []
    lookback, share = settings.line_lookback, settings.line_overlap
    # Every char of a page goes through here two or three times (page lines, the text
    # outside tables, each cell's lines): locals and parallel lists, not a list per band.
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if not ch["text"].strip():
            continue
        top, bottom = ch["top"], ch["bottom"]
        height = max(bottom - top, 0.1)
        # Only the last few rows can still overlap a char further down the page.
        for i in range(len(rows) - 1, max(len(rows) - lookback, -1), -1):
            btop, bbottom = tops[i], bottoms[i]
            if min(bottom, bbottom) - max(top, btop) >= share * min(height, bbottom - btop):
                rows[i].append(ch)
                if top < btop:
                    tops[i] = top
                if bottom > bbottom:
                    bottoms[i] = bottom
                break
        else:
            rows.append([ch])
            tops.append(top)
            bottoms.append(bottom)
    return [(row, (top, bottom)) for row, top, bottom in zip(rows, tops, bottoms, strict=True)]


def _row_words(row: list[dict[str, Any]], gap: float, settings: PdfSettings) -> list[Word]:
    """The chars of one row, left to right, joined into words."""
    row.sort(key=lambda c: c["x0"])
    words: list[Word] = []
    parts: list[str] = []  # the texts of the word being read, joined once it ends
    x0 = x1 = 0.0
    last: dict[str, Any] | None = None
    bold = settings.fake_bold_offset
    for ch in row:
        if last is not None:
            # Fake bold: WPS prints some headings twice, offset by a fraction of a point.
            cx0 = ch["x0"]
            if ch["text"] == last["text"] and abs(cx0 - last["x0"]) < bold * max(ch["x1"] - cx0, 1):
                continue
            if cx0 - last["x1"] <= gap:
                parts.append(nfkc(ch["text"]))
                x1 = max(x1, ch["x1"])
                last = ch
                continue
            words.append(Word(x0, x1, "".join(parts)))
        parts = [nfkc(ch["text"])]  # memoised there: a page has a few hundred distinct chars
        x0, x1 = ch["x0"], ch["x1"]
        last = ch
    if last is not None:
        words.append(Word(x0, x1, "".join(parts)))
    return words



def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(squash(text)))


def cell_text(lines: list[Line], settings: PdfSettings) -> str:
    """Cell lines joined with newlines; a label printed one character per line down a
    narrow cell ("三、" / "本" / "年" / ...) is joined without them."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    short = settings.vertical_label_max_chars
    if len(texts) >= settings.vertical_label_min_lines and all(len(squash(t)) <= short for t in texts):
        return "".join(squash(t) for t in texts)
    return "\n".join(texts)


def center_in(ch: dict[str, Any], bbox: BBox) -> bool:
    cx = (ch["x0"] + ch["x1"]) / 2
    cy = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def is_page_number(line: Line, page_height: float, band: float, bare: bool = True) -> bool:
    """Page-number lines. `bare` numbers ("3") count only in the top/bottom margin band
    and never inside tables, where a lone number is a cell value."""
    text = line.text.strip()
    if _PAGE_NUMBER_DASHED.match(text) or _PAGE_NUMBER_WORDED.match(squash(text)):
        return True
    if not bare:
        return False
    in_margin = line.bottom < page_height * band or line.top > page_height * (1 - band)
    return in_margin and bool(_PAGE_NUMBER_BARE.match(text))



def cluster(values: Iterable[float], tol: float) -> list[float]:
    vs = sorted(values)
    if not vs:
        return []
    groups: list[list[float]] = [[vs[0]]]
    for v in vs[1:]:
        if v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def nearest(edges: list[float], v: float) -> int:
    """The index of the edge nearest `v` (the first of two as near), `edges` ascending
    (as `cluster` returns them): by bisection, cells times edges would be quadratic."""
    i = bisect_left(edges, v)
    if i == 0:
        return 0
    if i == len(edges):
        return i - 1
    return i if abs(edges[i] - v) < abs(edges[i - 1] - v) else i - 1

"""PDF reports into the document model.

Reading order per page: text lines outside tables and table fragments, sorted top to
bottom; text set in two columns is read column by column. Lines are merged into
paragraphs (indent, short last line, spacing and type size decide the breaks; a
paragraph runs on to the next page only from a full line at the left margin, and not
into a heading or 附件 label). Page furniture is dropped: page-number lines, and
running headers and footers (a margin line repeated at the same place on nearby
pages).

Tables: the statistics tables are found only on pages whose text names them (see
`pdf_settings.TABLE_PAGE_KEYWORDS`) and on the page after one whose table runs into
the foot of the page. Ruled tables come from pdfplumber's line-based table finder;
the grid is rebuilt from the cell rectangles (not from pdfplumber's row lists, which
return None for spanned positions), so every grid position knows its anchor cell,
page and box. A table drawn without its left and right borders gets them where its
horizontal rules end. Fragments of one table on consecutive pages are joined into one
grid: repeated header rows are dropped, a cell cut by the page break (a group label
"（四）无" / "法提供", or a row whose label and numbers straddle the break) is joined
back, but two whole rows never are (a header row over a value row, a row of its own
at the head of the page). Without vertical rules the grid comes from word positions,
within the horizontal rules of a 三线表 when there are any.

Pages without a usable text layer (scans, "(cid:123)" glyph soup) go to OCR
(`pipeline.readers.ocr`), whose cells and lines pass through the same assembly.

Every text is NFKC-normalised (pdfplumber's unicode_norm plus the radical
look-alikes of `pipeline.normalize.nfkc`): WPS exports Kangxi radicals (⾏) for
common characters.

Coordinates (Cell.bbox) are PDF points with the origin at the top left of the page
as displayed: /Rotate is applied, and a page whose text runs sideways is turned a
quarter so that it reads left to right (the note says which way).
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pdfplumber
from pdfplumber.page import DerivedPage, Page
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.model import Cell, Document, Paragraph, RejectedInput, Table
from pipeline.normalize import nfkc, squash
from pipeline.readers.pdf_settings import DEFAULT_SETTINGS, PdfSettings

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]

# A cell value: a count or an amount, possibly with thousands separators or a percent.
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
_NUMBER_RUN = re.compile(r"\d[\d,.]*(?:\s+\d[\d,.]*)+")
# Numbering that starts a table row label: 一、 （一） (一) 1. 1、 1．
_ROW_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+\s*[、.．])")
# Labels of summary rows, which are not numbered even among numbered rows.
_SUMMARY_LABEL = re.compile(r"(?:小计|合计|总计|共计|其他)")
# Page numbers: "-3-", "- 3 -", "— 3 —", "第3页", "第 3 页 共 6 页", "3/6".
_PAGE_NUMBER_DASHED = re.compile(r"^[-—–－―‐~·•\s]+\d{1,4}[-—–－―‐~·•\s]+$")
_PAGE_NUMBER_WORDED = re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$")
_PAGE_NUMBER_BARE = re.compile(r"^\d{1,4}(?:\s*/\s*\d{1,4})?$")
# What starts a block of its own at the head of a page: an attachment label, a
# numbered heading.
_BLOCK_START = re.compile(r"^(?:附件|附表|[一二三四五六七八九十]+、(?![一二三四五六七八九十]))")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")


# --------------------------------------------------------------------------------------
# Layout primitives shared by the text layer and OCR


@dataclass
class _Word:
    x0: float
    x1: float
    text: str


@dataclass
class _Line:
    words: list[_Word]
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

    def segments(self, gap: float) -> list[_Word]:
        """Words joined into cell-like runs: a gap wider than `gap` separates runs."""
        out: list[_Word] = []
        for w in self.words:
            if out and w.x0 - out[-1].x1 < gap:
                prev = out[-1]
                out[-1] = _Word(prev.x0, w.x1, prev.text + " " + w.text)
            else:
                out.append(_Word(w.x0, w.x1, w.text))
        return out


@dataclass
class _RawCell:
    """One cell rectangle of a table fragment, as found on the page."""

    bbox: BBox
    text: str
    lines: list[_Line] = field(default_factory=list)
    conf: float | None = None


@dataclass
class _Frag:
    """The part of one table that lies on one page."""

    page: int
    bbox: BBox
    cells: list[_RawCell]
    page_height: float
    # Column edges taken from text positions (no vertical rules): a continuation on the
    # next page joins only when its columns agree.
    text_columns: list[float] | None = None


def _lines_from_chars(chars: Sequence[dict[str, Any]], page: int, x_tolerance: float = 3.0,
                      cuts: Sequence[float] = ()) -> list[_Line]:
    """Group upright chars into lines (vertical overlap) and words (horizontal gaps).
    No line crosses one of the `cuts` (the y of a horizontal rule)."""
    if cuts:
        bands: dict[int, list[dict[str, Any]]] = {}
        ys = sorted(cuts)
        for ch in chars:
            mid = (ch["top"] + ch["bottom"]) / 2
            bands.setdefault(sum(1 for y in ys if y < mid), []).append(ch)
        out = [ln for band in bands.values() for ln in _lines_from_chars(band, page, x_tolerance)]
        out.sort(key=lambda ln: (ln.top, ln.x0))
        return out
    rows: list[list[dict[str, Any]]] = []
    bands: list[list[float]] = []  # [top, bottom] per row
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if not ch["text"].strip():
            continue
        top, bottom = ch["top"], ch["bottom"]
        height = max(bottom - top, 0.1)
        placed = False
        # Only the last few rows can still overlap a char further down the page.
        for i in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            btop, bbottom = bands[i]
            overlap = min(bottom, bbottom) - max(top, btop)
            if overlap >= 0.5 * min(height, bbottom - btop):
                rows[i].append(ch)
                bands[i] = [min(btop, top), max(bbottom, bottom)]
                placed = True
                break
        if not placed:
            rows.append([ch])
            bands.append([top, bottom])
    lines: list[_Line] = []
    for row, (top, bottom) in zip(rows, bands, strict=True):
        row.sort(key=lambda c: c["x0"])
        words: list[_Word] = []
        last: dict[str, Any] | None = None
        for ch in row:
            text = nfkc(ch["text"])
            if last is not None:
                # Fake bold: WPS prints some headings twice, offset by a fraction of a point.
                if ch["text"] == last["text"] and abs(ch["x0"] - last["x0"]) < 0.3 * max(ch["x1"] - ch["x0"], 1):
                    continue
            if words and last is not None and ch["x0"] - last["x1"] <= x_tolerance:
                w = words[-1]
                words[-1] = _Word(w.x0, max(w.x1, ch["x1"]), w.text + text)
            else:
                words.append(_Word(ch["x0"], ch["x1"], text))
            last = ch
        if not words:
            continue
        size = statistics.median(c["size"] for c in row)
        lines.append(_Line(words, top, bottom, round(size, 1), page))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(squash(text)))


def _cell_text(lines: list[_Line]) -> str:
    """Cell lines joined with newlines; a label printed one character per line down a
    narrow cell ("三、" / "本" / "年" / ...) is joined without them."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    if len(texts) >= 3 and all(len(squash(t)) <= 2 for t in texts):
        return "".join(squash(t) for t in texts)
    return "\n".join(texts)


def _center_in(ch: dict[str, Any], bbox: BBox) -> bool:
    cx = (ch["x0"] + ch["x1"]) / 2
    cy = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _is_page_number(line: _Line, page_height: float, band: float, bare: bool = True) -> bool:
    """Page-number lines. `bare` numbers ("3") count only in the top/bottom margin band
    and never inside tables, where a lone number is a cell value."""
    text = line.text.strip()
    if _PAGE_NUMBER_DASHED.match(text) or _PAGE_NUMBER_WORDED.match(squash(text)):
        return True
    if not bare:
        return False
    in_margin = line.bottom < page_height * band or line.top > page_height * (1 - band)
    return in_margin and bool(_PAGE_NUMBER_BARE.match(text))


# --------------------------------------------------------------------------------------
# Text set in two columns


def _free_runs(free: int, lo: int) -> list[tuple[int, int]]:
    """Runs of set bits of a 1-pt occupancy mask, as (x0, x1) page coordinates."""
    return [(lo + m.start(), lo + m.end()) for m in re.finditer("1+", bin(free)[2:][::-1])]


def _has_run(mask: int, length: int) -> bool:
    """True when the mask has `length` consecutive set bits."""
    k = 1
    while k < length and mask:
        step = min(k, length - k)
        mask &= mask >> step
        k += step
    return mask != 0


def _split_columns(lines: list[_Line], page_width: float, settings: PdfSettings) -> list[_Line]:
    """Lines of text set in two columns, split at the gutter and ordered column by column.

    A gutter is a vertical strip in the middle band of the page, at least
    `settings.column_gutter_em` type sizes wide, that no character of a run of
    consecutive lines touches, with text on both sides of it on at least
    `settings.column_min_lines` of them, the left side justified to the gutter on most
    (prose, not a form of labels and values). Each line of the run is cut in two; the
    left halves are read before the right ones (`_Line.order`), and every half knows
    its column's margins (`_Line.column`) for paragraph breaks."""
    if len(lines) < settings.column_min_lines:
        return lines
    lo, hi = int(page_width * 0.3), int(page_width * 0.7)
    if hi <= lo:
        return lines
    full = (1 << (hi - lo)) - 1

    def free_of(ln: _Line) -> int:
        occ = 0
        for w in ln.words:
            a, b = max(int(w.x0) - lo, 0), min(int(w.x1 + 1) - lo, hi - lo)
            if b > a:
                occ |= ((1 << (b - a)) - 1) << a
        return full & ~occ

    frees = [free_of(ln) for ln in lines]
    out = list(lines)
    i = 0
    while i < len(lines):
        size = lines[i].size
        gap = max(int(settings.column_gutter_em * size), 1)
        free = frees[i]
        j = i + 1
        while j < len(lines) and _has_run(free, gap):
            if lines[j].top - lines[j - 1].bottom > 2.5 * size or abs(lines[j].size - size) > 1.0:
                break
            if not _has_run(free & frees[j], gap):
                break
            free &= frees[j]
            j += 1
        runs = [r for r in _free_runs(free, lo) if r[1] - r[0] >= gap] if j - i >= settings.column_min_lines else []
        if not runs:
            i += 1
            continue
        a, b = max(runs, key=lambda r: r[1] - r[0])
        mid = (a + b) / 2

        def one_sided(ln: _Line, mid: float = mid) -> bool:
            return all(w.x1 < mid for w in ln.words) or all(w.x0 > mid for w in ln.words)

        # One-sided lines at the ends of the run set off by more than the run's line
        # pitch (a heading before or after the columns) are not part of them.
        pitches = sorted(lines[k + 1].top - lines[k].top for k in range(i, j - 1))
        pitch = pitches[len(pitches) // 2]
        while j - i > 1 and one_sided(lines[j - 1]) and lines[j - 1].top - lines[j - 2].top > 1.3 * pitch:
            j -= 1
        first = i
        while j - first > 1 and one_sided(lines[first]) and lines[first + 1].top - lines[first].top > 1.3 * pitch:
            first += 1
        block = lines[first:j]
        two_sided = [ln for ln in block if not one_sided(ln)]
        justified = sum(1 for ln in two_sided if a - max(w.x1 for w in ln.words if w.x1 < mid) < 1.5 * size)
        if len(two_sided) < settings.column_min_lines or justified < 0.5 * len(two_sided):
            i += 1
            continue
        halves: list[_Line] = []
        for ln in block:
            for side, words in enumerate(([w for w in ln.words if (w.x0 + w.x1) / 2 < mid],
                                          [w for w in ln.words if (w.x0 + w.x1) / 2 >= mid])):
                if words:
                    halves.append(_Line(words, ln.top, ln.bottom, ln.size, ln.page,
                                        order=(block[0].top, side, ln.top)))
        for side in (0, 1):
            col = [h for h in halves if h.order is not None and h.order[1] == side]
            box = (min(h.x0 for h in col), max(h.x1 for h in col))
            for h in col:
                h.column = box
        at = out.index(block[0])
        out[at:at + len(block)] = halves
        i = j
    return out


# --------------------------------------------------------------------------------------
# Pages: rotation, visibility, classification


class _TurnedPage(DerivedPage):
    """The page turned by a quarter so that sideways text (a landscape table printed on
    a portrait page without /Rotate) reads left to right."""

    def __init__(self, parent: Page, clockwise: bool):
        self._cw = clockwise
        self._pw = float(parent.width)
        self._ph = float(parent.height)
        super().__init__(parent)
        self.bbox = (0, 0, self._ph, self._pw)

    def _pt(self, x: float, top: float) -> tuple[float, float]:
        if self._cw:
            return self._ph - top, x
        return top, self._pw - x

    def _turn(self, obj: dict[str, Any]) -> dict[str, Any]:
        o = dict(obj)
        if "x0" in o and "top" in o:
            ax, at = self._pt(o["x0"], o["top"])
            bx, bt = self._pt(o["x1"], o["bottom"])
            x0, x1 = sorted((ax, bx))
            top, bottom = sorted((at, bt))
            o.update(x0=x0, x1=x1, top=top, bottom=bottom, width=x1 - x0, height=bottom - top,
                     y0=self._pw - bottom, y1=self._pw - top, doctop=self.initial_doctop + top)
        if o.get("pts"):
            o["pts"] = [self._pt(x, t) for x, t in o["pts"]]
        if o.get("object_type") == "char":
            o["upright"] = True
        return o

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        if hasattr(self, "_objects"):
            return self._objects
        self._objects: dict[str, list[dict[str, Any]]] = {
            k: [self._turn(o) for o in v] for k, v in self.parent_page.objects.items()
        }
        return self._objects


def _upright(page: Page) -> tuple[Page, str | None]:
    """The page as read: turned when most of its text runs sideways."""
    chars = page.chars
    sideways = [c for c in chars if not c.get("upright", True)]
    if not chars or len(sideways) <= len(chars) / 2:
        return page, None
    # Text rotated counter-clockwise has a text matrix (0, 1, -1, 0): b > 0.
    ccw = sum(1 for c in sideways if (c.get("matrix") or (1, 0, 0, 1))[1] > 0)
    clockwise = ccw >= len(sideways) / 2
    return _TurnedPage(page, clockwise), "turned clockwise" if clockwise else "turned counter-clockwise"


def _visible(obj: dict[str, Any]) -> bool:
    """False for an unstroked rectangle filled white: WPS draws boxed paragraphs and
    cell backgrounds that way, and their edges are not ruling lines."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    if not obj.get("fill"):
        return False
    color = obj.get("non_stroking_color")
    if isinstance(color, (tuple, list)) and color:
        values = [float(v) for v in color if isinstance(v, (int, float))]
        if len(values) == 1 and values[0] >= 0.95:
            return False
        if len(values) == 3 and min(values) >= 0.95:
            return False
        if len(values) == 4 and max(values) <= 0.05:  # CMYK white
            return False
    return True


def _needs_ocr(chars: Sequence[dict[str, Any]], settings: PdfSettings) -> bool:
    real = [c for c in chars if c["text"].strip()]
    if len(real) < settings.min_chars_for_text:
        return True
    cid = sum(1 for c in real if c["text"].startswith("(cid:"))
    return cid / len(real) > settings.cid_ratio_for_ocr


def _has_table_keyword(lines: Iterable[_Line], keywords: Sequence[str]) -> bool:
    text = squash("".join(ln.text for ln in lines))
    return any(k in text for k in keywords)


# --------------------------------------------------------------------------------------
# Ruled tables on one page


def _rule_groups(h_edges: list[dict[str, Any]], v_edges: list[dict[str, Any]],
                 tol: float) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Ruling edges grouped into connected drawings (edges that touch or cross):
    (horizontal, vertical) edges per group."""
    edges = h_edges + v_edges
    n_h = len(h_edges)
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def touch(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (a["x0"] - tol <= b["x1"] and b["x0"] - tol <= a["x1"]
                and a["top"] - tol <= b["bottom"] and b["top"] - tol <= a["bottom"])

    for i in range(len(edges)):
        for j in range(i + 1, len(edges)):
            if find(i) != find(j) and touch(edges[i], edges[j]):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(find(i), ([], []))[0 if i < n_h else 1].append(e)
    return list(groups.values())


def _missing_outer_rules(page: Page, chars: list[dict[str, Any]], settings: PdfSettings) -> list[dict[str, Any]]:
    """Vertical rules to add where a ruled table has no left or right border (a table
    style with inner rules only): the line finder needs a rule on both sides of a
    column, so it would drop the first and last columns. The missing rule lies where
    the table's horizontal rules end; it is added only when the table has inner
    vertical rules and text lies between the rules' end and the nearest of them."""
    tol = settings.grid_tolerance
    min_len = settings.ruled_table.get("edge_min_length", 5)
    h_edges = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= min_len]
    v_edges = [e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= min_len]
    if not h_edges or not v_edges:
        return []
    added: list[dict[str, Any]] = []
    for hs, vs in _rule_groups(h_edges, v_edges, tol):
        if len(hs) < 2 or not vs:
            continue
        for side in ("left", "right"):
            if side == "left":
                x = min(e["x0"] for e in hs)
                reach = [e for e in hs if e["x0"] <= x + tol]
                inner = [v["x0"] for v in vs if v["x0"] > x + tol]
                near = min(inner, default=None)
            else:
                x = max(e["x1"] for e in hs)
                reach = [e for e in hs if e["x1"] >= x - tol]
                inner = [v["x0"] for v in vs if v["x0"] < x - tol]
                near = max(inner, default=None)
            top, bottom = min(e["top"] for e in reach), max(e["top"] for e in reach)
            if near is None or bottom - top < min_len:
                continue
            covered = sum(max(0.0, min(v["bottom"], bottom) - max(v["top"], top))
                          for v in vs if abs(v["x0"] - x) <= tol)
            if covered >= 0.5 * (bottom - top):
                continue  # the border is there
            lo, hi = sorted((x, near))
            if not any(lo < (c["x0"] + c["x1"]) / 2 < hi and top < (c["top"] + c["bottom"]) / 2 < bottom
                       for c in chars):
                continue
            added.append({"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom,
                          "width": 0.0, "height": bottom - top})
    return added


def _ruled_fragments(page: Page, page_no: int, chars: list[dict[str, Any]], settings: PdfSettings) -> list[_Frag]:
    finder_page = page.filter(_visible)
    frags: list[_Frag] = []
    table_settings = dict(settings.ruled_table)
    outer = _missing_outer_rules(finder_page, chars, settings)
    if outer:
        table_settings["explicit_vertical_lines"] = outer
    for table in finder_page.find_tables(table_settings):
        boxes: list[BBox] = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in table.cells]
        if not boxes:
            continue
        xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], settings.grid_tolerance)
        if len(xs) < 3:
            continue  # one column: a boxed paragraph, not a table
        tb: BBox = (float(table.bbox[0]), float(table.bbox[1]), float(table.bbox[2]), float(table.bbox[3]))
        inside = [c for c in chars if _center_in(c, tb)]
        cells: list[_RawCell] = []
        for box in boxes:
            cell_chars = [c for c in inside if _center_in(c, box)]
            lines = _lines_from_chars(cell_chars, page_no, settings.ruled_table.get("text_x_tolerance", 3))
            # A page number printed over the table at the foot of the page.
            lines = [ln for ln in lines if not _is_page_number(ln, float(page.height), settings.margin_band, bare=False)]
            cells.append(_RawCell(box, _cell_text(lines), lines))
        if not any(c.text for c in cells):
            continue
        frags.append(_Frag(page_no, tb, cells, float(page.height)))
    return frags


# --------------------------------------------------------------------------------------
# Tables without ruling lines: columns and rows from word positions


@dataclass
class _Rule:
    y: float
    x0: float
    x1: float


def _horizontal_rules(page: Page, settings: PdfSettings) -> list[_Rule]:
    """Long horizontal rules (at least `settings.rule_min_share` of the page width),
    segments of one rule joined: the rules of a table drawn without vertical rules."""
    tol = settings.grid_tolerance
    segs = sorted((e["top"], e["x0"], e["x1"]) for e in page.edges if e["orientation"] == "h")
    rules: list[_Rule] = []
    for y, x0, x1 in segs:
        r = next((r for r in rules if abs(r.y - y) <= tol and x0 <= r.x1 + tol and x1 >= r.x0 - tol), None)
        if r is None:
            rules.append(_Rule(y, x0, x1))
        else:
            r.x0, r.x1 = min(r.x0, x0), max(r.x1, x1)
    min_width = settings.rule_min_share * float(page.width)
    return sorted((r for r in rules if r.x1 - r.x0 >= min_width), key=lambda r: r.y)


def _rule_frames(rules: list[_Rule], lines: list[_Line], segs: list[list[_Word]], data: list[bool],
                 settings: PdfSettings) -> list[tuple[list[int], list[int], BBox]]:
    """Tables drawn with horizontal rules only (三线表: a rule above, one under the
    header rows, one under the table): (line indices, header line indices, box) per
    table. Consecutive rules of the same extent bound bands; a table is a run of
    bands holding table lines, header bands (no numbers) only before its first band of
    data lines. A band holding a paragraph line (one run of text over most of the
    width, or type larger than the data's) is no part of a table."""
    tol = 2 * settings.grid_tolerance
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
        prose = any(len(segs[k]) == 1 and segs[k][0].x1 - segs[k][0].x0 > 0.6 * width for k in band)
        if sizes:
            prose = prose or any(lines[k].size > max(sizes) + 1.5 for k in band)
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


def _unruled_fragments(lines: list[_Line], page_no: int, page_width: float, page_height: float,
                       settings: PdfSettings, rules: Sequence[_Rule] = ()) -> tuple[list[_Frag], list[_Line]]:
    """Find runs of lines that carry numbers in columns and grid them.

    Columns: numeric runs of the data lines (lines with a label and numbers) that
    overlap horizontally form one column; label columns start where label runs start.
    Rows: each data line is a row; header lines above the first data row are rows
    (lines closer than half a line are one wrapped row); label lines between data
    rows (wrapped labels) join the nearest data row; a label printed one character
    per line down the left edge becomes one cell spanning the rows beside it.
    """
    if not lines:
        return [], lines
    size = statistics.median(ln.size for ln in lines)
    gap = settings.column_gap_em * size
    segs = [ln.segments(gap) for ln in lines]
    data = [len(s) >= 2 and sum(1 for w in s[1:] if _is_number(w.text)) >= 1 for s in segs]
    frags: list[_Frag] = []
    used: set[int] = set()
    for members, header, box in _rule_frames(list(rules), lines, segs, data, settings):
        members = sorted(set(header)) + sorted(set(members) - set(header))
        flags = [data[k] and k not in header for k in members]
        if not any(flags):
            continue
        frag = _grid_from_lines([lines[k] for k in members], [segs[k] for k in members], flags,
                                page_no, size, page_height, settings, frame=box, n_header=len(set(header)))
        if frag is not None:
            frags.append(frag)
            used.update(members)
    i = 0
    while i < len(lines):
        if not data[i] or i in used:
            i += 1
            continue
        # Extend the run of data lines, tolerating a few label lines in between.
        last = i
        j = i + 1
        while j < len(lines):
            if j in used:
                break
            if data[j]:
                last = j
            elif j - last > 4 or lines[j].top - lines[last].bottom > 4 * size:
                break
            elif len(segs[j]) == 1 and segs[j][0].x1 - segs[j][0].x0 > 0.6 * page_width:
                break  # a paragraph line ends the table
            j += 1
        data_idx = [k for k in range(i, last + 1) if data[k]]
        if len(data_idx) < 2:
            i = last + 1
            continue
        # Header lines directly above the first data line.
        first = i
        h = i - 1
        while h >= 0 and i - h <= 8 and h not in used:
            s = segs[h]
            if lines[first].top - lines[h].bottom > 3 * size:
                break
            text = squash(lines[h].text)
            single_wide = len(s) == 1 and s[0].x1 - s[0].x0 > 0.6 * page_width
            heading = len(s) == 1 and re.match(r"^[一二三四五六七八九十]+、", text) and not text.startswith(("一、本年", "二、上年"))
            if single_wide or heading or _is_page_number(lines[h], page_height, settings.margin_band):
                break
            first = h
            h -= 1
        region = list(range(first, last + 1))
        frag = _grid_from_lines([lines[k] for k in region], [segs[k] for k in region],
                                [data[k] for k in region], page_no, size, page_height, settings)
        if frag is not None:
            frags.append(frag)
            used.update(region)
        i = last + 1
    rest = [ln for k, ln in enumerate(lines) if k not in used]
    return frags, rest


def _grid_from_lines(lines: list[_Line], segs: list[list[_Word]], data: list[bool], page_no: int,
                     size: float, page_height: float, settings: PdfSettings,
                     frame: BBox | None = None, n_header: int | None = None) -> _Frag | None:
    """The grid of one table without vertical rules from its lines: `data` flags the
    lines with a label and numbers; `frame` is the box of its horizontal rules and
    `n_header` the number of header lines the rules set off (else the lines above the
    first data line)."""
    # Drop page-number lines that fall inside the region at a page foot.
    keep = [k for k, ln in enumerate(lines) if not _is_page_number(ln, page_height, settings.margin_band, bare=False)]
    if n_header is not None:
        n_header = sum(1 for k in keep if k < n_header)
    lines = [lines[k] for k in keep]
    segs = [segs[k] for k in keep]
    data = [data[k] for k in keep]
    # Numeric columns from the numbers of the data lines.
    spans: list[list[float]] = []
    for s, is_data in zip(segs, data, strict=True):
        if not is_data:
            continue
        # The first run is the row's label, unless the row is numbers only (表四).
        for w in s if all(_is_number(w.text) for w in s) else s[1:]:
            if _is_number(w.text):
                spans.append([w.x0, w.x1])
    spans.sort()
    num_cols: list[list[float]] = []
    for a, b in spans:
        if num_cols and a <= num_cols[-1][1] + 0.5:
            num_cols[-1][1] = max(num_cols[-1][1], b)
        else:
            num_cols.append([a, b])
    if not num_cols:
        return None
    num_start = num_cols[0][0]
    first_data = data.index(True) if n_header is None else n_header
    # Vertical labels: label segments of <= 2 characters stacked line after line at one
    # x position (left-aligned or centred) left of the numbers.
    vertical: list[tuple[float, float, str, float, float]] = []  # x0, x1, text, top, bottom
    singles = sorted(((k, w) for k, s in enumerate(segs) if k >= first_data for w in s
                      if w.x1 <= num_start and len(squash(w.text)) <= 2 and not _is_number(w.text)),
                     key=lambda kw: lines[kw[0]].top)
    stacks: list[list[tuple[int, _Word]]] = []
    for k, w in singles:
        mid = (w.x0 + w.x1) / 2
        for st in stacks:
            lk, lw = st[-1]
            same_x = abs(mid - (lw.x0 + lw.x1) / 2) < 0.6 * size or abs(w.x0 - lw.x0) < 0.3 * size
            if same_x and 0 < lines[k].top - lines[lk].top < 2.5 * size:
                st.append((k, w))
                break
        else:
            stacks.append([(k, w)])
    claimed: set[int] = set()
    for st in stacks:
        if len(st) >= 3:
            text = "".join(squash(w.text) for _, w in st)
            vertical.append((min(w.x0 for _, w in st), max(w.x1 for _, w in st), text,
                             lines[st[0][0]].top, lines[st[-1][0]].bottom))
            claimed.update(id(w) for _, w in st)
    segs = [[w for w in s if id(w) not in claimed] for s in segs]
    # Label columns start where the body's label runs start (header lines are centred
    # over spans and would invent columns).
    # Only data lines count, and wrapped label lines that start where a data line's
    # label does: a column header inside the body starts over its value column.
    label_x0 = sorted({round(w.x0, 1) for k, s in enumerate(segs) if k >= first_data and data[k] for w in s
                       if w.x1 <= num_start + 1 and not _is_number(w.text)} | {round(v[0], 1) for v in vertical})
    label_cols = _cluster(label_x0, 0.8 * size) if label_x0 else []

    def label_run(w: _Word) -> bool:
        return w.x1 <= num_start + 1 and not _is_number(w.text) and any(abs(w.x0 - x) <= 0.8 * size for x in label_cols)
    left = min([ln.x0 for ln in lines] + [v[0] for v in vertical]) - 1
    label_right = max([w.x1 for k, s in enumerate(segs) if k >= first_data for w in s if label_run(w)]
                      + [v[1] for v in vertical] + [left + 1])
    edges = [left] + [x - 0.5 for x in label_cols[1:]]
    # Text left-aligned in the first value column (a column header) starts that column
    # further left than the midpoint between the labels and the centred numbers.
    lead_in = [w.x0 for k, s in enumerate(segs) if not data[k] for w in s
               if label_right + 2 < w.x0 < num_start and not label_run(w)]
    prev_right = label_right
    for n, (a, b) in enumerate(num_cols):
        if n == 0 and not label_cols:
            continue  # numbers only: the first value column starts at the left side
        if n == 0 and lead_in:
            edges.append(min(min(lead_in) - 1, (prev_right + a) / 2))
        else:
            edges.append((prev_right + a) / 2 if prev_right < a else a - 0.5)
        prev_right = b
    edges.append(max(ln.x1 for ln in lines) + 1)
    if frame is not None:  # the rules' ends are the table's sides
        edges[0], edges[-1] = min(edges[0], frame[0]), max(edges[-1], frame[2])
    edges = sorted(set(edges))

    def col_of(x: float) -> int:
        c = 0
        for k in range(len(edges) - 1):
            if edges[k] <= x + 0.5:
                c = k
        return c

    # Rows: data lines, header rows above, label lines attached to the data row whose
    # text block they continue.
    rows: list[list[int]] = []  # line indices per row
    for k in range(first_data):
        if not segs[k]:
            continue
        if rows and lines[k].top - lines[rows[-1][-1]].bottom < 0.5 * size:
            rows[-1].append(k)
        else:
            rows.append([k])
    row_of: dict[int, int] = {}
    for k in range(first_data, len(lines)):
        if data[k]:
            row_of[k] = len(rows)
            rows.append([k])

    def mid(k: int) -> float:
        return (lines[k].top + lines[k].bottom) / 2

    # A wrapped label's lines follow each other at the cell's line pitch; a label line
    # set off by more from every line of a data row (a block heading, a column header
    # inside the table) is a row of its own.
    reach = settings.cell_line_pitch_em * statistics.median(ln.size for ln in lines)
    loose = [k for k in range(first_data, len(lines)) if not data[k] and segs[k]]
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
    rows.sort(key=lambda r: min(lines[k].top for k in r))
    bands = []
    for r in rows:
        bands.append((min(lines[k].top for k in r), max(lines[k].bottom for k in r)))
    ys = [bands[0][0] - 1]
    for a, b in zip(bands, bands[1:], strict=False):
        ys.append((a[1] + b[0]) / 2)
    ys.append(bands[-1][1] + 1)
    if frame is not None:
        ys[0], ys[-1] = min(ys[0], frame[1]), max(ys[-1], frame[3])

    cells: list[_RawCell] = []
    for r, members in enumerate(rows):
        parts: dict[tuple[int, int], list[tuple[float, str]]] = {}
        for k in sorted(members, key=lambda k: lines[k].top):
            for w in segs[k]:
                # 2 pt inwards: a run touching a column boundary belongs to the column it is in.
                c0, c1 = col_of(min(w.x0 + 2, (w.x0 + w.x1) / 2)), col_of(max(w.x1 - 2, (w.x0 + w.x1) / 2))
                key = next((p for p in parts if p[0] <= c0 < p[1] or c0 <= p[0] < c1 + 1), None)
                if key is None:
                    parts[(c0, c1 + 1)] = [(lines[k].top, w.text)]
                else:
                    parts[key].append((lines[k].top, w.text))
        for (c0, c1), texts in parts.items():
            texts.sort()
            merged: list[str] = []
            last_top = None
            for top, text in texts:
                if last_top is not None and abs(top - last_top) < 0.5 * size:
                    merged[-1] += " " + text
                else:
                    merged.append(text)
                last_top = top
            cells.append(_RawCell((edges[c0], ys[r], edges[c1], ys[r + 1]), "\n".join(merged)))
    for x0, _x1, text, top, bottom in vertical:
        covered = [r for r, (a, b) in enumerate(bands) if top - size <= (a + b) / 2 <= bottom + size]
        if not covered:
            continue
        c = col_of(x0)
        r0, r1 = min(covered), max(covered) + 1
        cells = [cl for cl in cells if not (cl.bbox[0] == edges[c] and ys[r0] <= cl.bbox[1] < ys[r1] and not cl.text)]
        cells.append(_RawCell((edges[c], ys[r0], edges[c + 1], ys[r1]), text))
    n_label = len(label_cols)
    first_body = next((r for r, members in enumerate(rows) if any(data[k] for k in members)), len(rows))
    cells = _group_label_spans(cells, edges, ys, n_label, first_body)
    bbox = (edges[0], ys[0], edges[-1], ys[-1])
    return _Frag(page_no, bbox, cells, page_height, text_columns=edges)


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MARKER_NUMBER = re.compile(r"^\s*(?:[（(]([一二三四五六七八九十\d]+)[)）]|([一二三四五六七八九十]+)[、.．]|(\d+)\s*[、.．])")


def _marker_number(text: str) -> int | None:
    """The number of a row label's numbering: 3 for "3." "（三）" "三、"."""
    m = _MARKER_NUMBER.match(text)
    if not m:
        return None
    num = next(g for g in m.groups() if g)
    if num.isdigit():
        return int(num)
    if "十" in num:
        tens, _, ones = num.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(num)


def _group_label_spans(cells: list[_RawCell], edges: list[float], ys: list[float], n_label: int,
                       first_body: int) -> list[_RawCell]:
    """Group labels of a table without rules, as cells spanning their group's rows.

    Without rules a group label ("（三）不予公开" beside its eight numbered rows) is
    printed somewhere down its group, often centred, so its text lands in a row in the
    middle. The group is the run of rows whose labels in the next column are numbered
    1, 2, 3, ... without a gap; the label text found beside the run becomes one cell
    over all of it. Inner columns go first, so an outer label ("三、本年度办理结果")
    groups rows numbered by the inner groups' labels."""
    def at(cell: _RawCell) -> tuple[int, int, int, int]:
        c0 = min(range(len(edges)), key=lambda k: abs(edges[k] - cell.bbox[0]))
        c1 = min(range(len(edges)), key=lambda k: abs(edges[k] - cell.bbox[2]))
        r0 = min(range(len(ys)), key=lambda k: abs(ys[k] - cell.bbox[1]))
        r1 = min(range(len(ys)), key=lambda k: abs(ys[k] - cell.bbox[3]))
        return r0, r1, c0, c1

    for c in range(n_label - 2, -1, -1):
        inner: dict[int, tuple[int, int]] = {}  # row -> (number, anchor row) of its label in column c+1
        outer: dict[int, _RawCell] = {}  # row -> label alone in column c
        for cell in cells:
            r0, r1, c0, c1 = at(cell)
            if c0 == c + 1 and cell.text and (n := _marker_number(cell.text)) is not None:
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
            if not texts or r - start < 2 or any(_ROW_MARKER.match(t.text) for t in texts[1:]):
                continue  # numbered texts beside the run are labels of rows of their own
            drop = {id(t) for t in texts}
            cells = [cl for cl in cells if id(cl) not in drop]
            cells.append(_RawCell((edges[c], ys[start], edges[c + 1], ys[r]), "\n".join(t.text for t in texts)))
    return cells


# --------------------------------------------------------------------------------------
# Grid building and joining fragments into one table


def _cluster(values: Iterable[float], tol: float) -> list[float]:
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


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


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
    lines: list[_Line]
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


def _build_table(frags: list[_Frag], index: int, settings: PdfSettings, notes: list[str]) -> Table:
    tol = settings.grid_tolerance
    xs = _cluster([c.bbox[0] for f in frags for c in f.cells] + [c.bbox[2] for f in frags for c in f.cells], tol)
    spans: list[_Span] = []
    frag_rows: list[tuple[int, int]] = []  # [start, end) rows of each fragment
    frag_ys: list[list[float]] = []
    offset = 0
    for f in frags:
        ys = _cluster([c.bbox[1] for c in f.cells] + [c.bbox[3] for c in f.cells], tol)
        frag_ys.append(ys)
        for cell in f.cells:
            r0, r1 = _nearest(ys, cell.bbox[1]), _nearest(ys, cell.bbox[3])
            c0, c1 = _nearest(xs, cell.bbox[0]), _nearest(xs, cell.bbox[2])
            r1, c1 = max(r1, r0 + 1), max(c1, c0 + 1)
            spans.append(_Span(cell.text, r0 + offset, r1 + offset, c0, c1,
                               [_Part(f.page, cell.bbox, r0 + offset, r1 + offset)], cell.lines, cell.conf))
        frag_rows.append((offset, offset + len(ys) - 1))
        offset += len(ys) - 1
    n_rows, n_cols = offset, len(xs) - 1
    # Fill positions no cell rectangle covers (a border missing in the PDF) with blanks.
    grid = _make_grid(spans, n_rows, n_cols)
    for k, (a, b) in enumerate(frag_rows):
        ys = frag_ys[k]
        for r in range(a, b):
            for c in range(n_cols):
                if grid[r][c] is None:
                    box = (xs[c], ys[r - a], xs[c + 1], ys[r - a + 1])
                    s = _Span("", r, r + 1, c, c + 1, [_Part(frags[k].page, box, r, r + 1)], [])
                    spans.append(s)
                    grid[r][c] = s
    # Header rows repeated at the top of a continuation page.
    header = 0
    while header < n_rows and not any(s is not None and _is_number(s.text) for s in grid[header]):
        header += 1
    drop: set[int] = set()
    for a, b in frag_rows[1:]:
        h = 0
        while h < header and a + h < b and _row_texts(grid, a + h) == _row_texts(grid, h) and any(_row_texts(grid, h)):
            h += 1
        drop.update(range(a, a + h))
    if drop:
        spans = [s for s in spans if not all(r in drop for r in range(s.r0, s.r1))]
        remap = {}
        new = 0
        for r in range(n_rows):
            if r not in drop:
                remap[r] = new
                new += 1
        remap[n_rows] = new
        for s in spans:
            s.r0 = remap[min(r for r in range(s.r0, s.r1 + 1) if r in remap)]
            s.r1 = remap[min(r for r in range(s.r1, n_rows + 1) if r in remap)]
            for p in s.parts:
                p.r0 = remap[min(r for r in range(p.r0, p.r1 + 1) if r in remap)]
                p.r1 = remap[min(r for r in range(p.r1, n_rows + 1) if r in remap)]
        boundaries = []
        for a, b in frag_rows[1:]:
            first_kept = next((r for r in range(a, b) if r not in drop), None)
            if first_kept is not None:
                boundaries.append(remap[first_kept])
        n_rows = new
    else:
        boundaries = [a for a, _ in frag_rows[1:]]
    # Cells cut by a page break.
    for b in sorted(boundaries, reverse=True):
        if 0 < b < n_rows:
            n_rows = _join_across_break(spans, b, n_rows, n_cols)
    _split_number_runs(spans, xs, notes)
    grid = _make_grid(spans, n_rows, n_cols)
    rows: list[list[Cell]] = []
    for r in range(n_rows):
        row: list[Cell] = []
        for c in range(n_cols):
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
    return Table(index=index, rows=rows, page=frags[0].page)


def _bracket_depth(text: str) -> int:
    """Opening minus closing brackets: > 0 when the text stops inside a bracket."""
    return sum(text.count(ch) for ch in "(（[【《") - sum(text.count(ch) for ch in ")）]】》")


def _continues_label(p: _Span, n: _Span) -> bool:
    """True when label text `n` at the head of a page continues label `p` at the foot of
    the previous one (one label cut by the break), not the label of a row of its own."""
    nt, pt = squash(n.text), squash(p.text)
    if not nt or not pt or _is_number(nt) or _is_number(pt):
        return False
    if _ROW_MARKER.match(n.text) or _SUMMARY_LABEL.fullmatch(nt):
        return False  # numbered, or a 小计/合计 row: a row of its own
    if _bracket_depth(pt) > 0 or _bracket_depth(nt) < 0:
        return True  # "（二）部分公开（区分处理的，只计" / "这一情形，不计其他情形）"
    if p.lines:
        # The upper label's last line runs to the cell's right edge: it wrapped there.
        last = p.lines[-1]
        box = p.parts[-1].bbox
        pad = max(min(ln.x0 for ln in p.lines) - box[0], 0.0)
        if box[2] - pad - last.x1 < 2 * last.size:
            return True
    # In a column of numbered labels an unnumbered fragment is the rest of a label.
    return bool(_ROW_MARKER.match(p.text))


def _row_cut_by_break(above: list[_Span | None], below: list[_Span | None], b: int) -> bool:
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
    up_numbers = any(s.r0 == b - 1 and _is_number(s.text) for s in above)
    low_numbers = any(_is_number(s.text) for s in below)
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
        if p.r0 < b - 1 and not _ROW_MARKER.match(n.text) and not _is_number(n.text):
            continue  # a group label spanning rows above, continued below
        if not _continues_label(p, n):
            return False
    return True


def _join_across_break(spans: list[_Span], b: int, n_rows: int, n_cols: int) -> int:
    """Join cells cut by the page break between grid rows b-1 and b. Returns the new
    row count (one less when a whole row straddled the break)."""
    grid = _make_grid(spans, n_rows, n_cols)
    above = [grid[b - 1][c] for c in range(n_cols)]
    below = [grid[b][c] for c in range(n_cols)]

    def label(s: _Span | None) -> bool:
        return s is not None and not _is_number(s.text)

    row_split = _row_cut_by_break(above, below, b)
    merged_any = False
    for c in range(n_cols):
        p, n = above[c], below[c]
        if p is None or n is None or p is n or c != n.c0 or (p.c0, p.c1) != (n.c0, n.c1):
            continue
        if not row_split:
            # A group label cut by the break: the lower part is blank or a label fragment
            # without numbering, and the cell spans rows on at least one side.
            ok = (label(p) and bool(p.text) and (not n.text or (label(n) and not _ROW_MARKER.match(n.text)))
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
        by_col: dict[int, list[_Word]] = {}
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


# --------------------------------------------------------------------------------------
# Document assembly: reading order, paragraphs, joining table fragments across pages


@dataclass
class _PageItems:
    page: int
    width: float
    height: float
    items: list[_Line | _Frag]


@dataclass
class _Metrics:
    left: float
    right: float
    size: float
    pitch: float


def _page_metrics(lines: list[_Line], fallback: _Metrics | None, page_width: float) -> _Metrics:
    body = [ln for ln in lines if len(squash(ln.text)) >= 8]
    if len(body) < 3:
        if fallback is not None:
            return fallback
        body = lines
    if not body:
        return _Metrics(72, 520, 12, 20)
    # The body type size carries the most characters (captions and table notes in
    # smaller type outside the tables must not set the margins).
    weight: dict[int, int] = {}
    for ln in body:
        weight[round(ln.size)] = weight.get(round(ln.size), 0) + len(squash(ln.text))
    size = max(weight, key=lambda k: (weight[k], k))
    sized = [ln for ln in body if round(ln.size) == size]
    if len(sized) < 3 and fallback is not None:
        return fallback
    body = sized
    left = min(statistics.multimode(round(ln.x0) for ln in body))
    rights = sorted(ln.x1 for ln in body)
    # Justified body lines end at the right margin. When no line reaches it (a page of
    # short lines), assume margins as wide as the left one, less a character.
    right = max(rights[int(0.8 * (len(rights) - 1))], page_width - left - size)
    pitches = [b.top - a.top for a, b in zip(body, body[1:], strict=False) if 0 < b.top - a.top < 4 * size]
    pitch = statistics.median(pitches) if pitches else size * 1.5
    return _Metrics(left, right, size, pitch)


def _join_text(a: str, b: str) -> str:
    if _ASCII_WORD_END.search(a) and _ASCII_WORD_START.search(b):
        return a + " " + b
    return a + b


class _Assembler:
    def __init__(self, doc: Document, settings: PdfSettings):
        self.doc = doc
        self.settings = settings
        self.chain: list[_Frag] = []
        self.chain_open = False  # the chain's last fragment ended its page
        self.para_lines: list[_Line] = []
        self.para_open = False  # the paragraph may continue on the next page
        self.metrics: _Metrics | None = None
        self.para_metrics: _Metrics | None = None

    def add_page(self, pi: _PageItems) -> None:
        lines = [it for it in pi.items if isinstance(it, _Line)]
        m = _page_metrics(lines, self.metrics, pi.width)
        self.metrics = m
        first = True
        for k, item in enumerate(pi.items):
            last = k == len(pi.items) - 1
            if isinstance(item, _Frag):
                self._flush_paragraph()
                if self.chain and first and self.chain_open and self._continues(item):
                    self.chain.append(item)
                else:
                    self._flush_table()
                    self.chain = [item]
                self.chain_open = last
            else:
                self._flush_table()
                if first and self.para_lines and self.para_open and self._continues_paragraph(item, m):
                    pass  # the paragraph runs on from the previous page
                elif self.para_lines and self._breaks(self.para_lines[-1], item, m):
                    self._flush_paragraph()
                self.para_lines.append(item)
                self.para_metrics = m
                self.para_open = last and not self._ends_short(item, m) and not self._set_off(item, m)
            first = False
        if not pi.items:
            self.chain_open = False
            self.para_open = False

    def finish(self) -> None:
        self._flush_paragraph()
        self._flush_table()

    # tables ------------------------------------------------------------------------
    def _continues(self, frag: _Frag) -> bool:
        prev = self.chain[-1]
        if frag.page != prev.page + 1:
            return False
        tol = self.settings.join_edge_tolerance
        if prev.text_columns is not None or frag.text_columns is not None:
            # Columns placed from text positions: one set of column edges must contain
            # the other (a continuation may lack a label column).
            a, b = prev.text_columns or [], frag.text_columns or []

            def within(xs: list[float], ys: list[float]) -> bool:
                return all(any(abs(x - y) <= tol for y in ys) for x in xs)
            return bool(a and b) and (within(a, b) or within(b, a))
        same_edges = abs(prev.bbox[0] - frag.bbox[0]) <= tol and abs(prev.bbox[2] - frag.bbox[2]) <= tol
        if same_edges:
            return True
        # Same column count and the continuation does not open with a header row.
        def cols(f: _Frag) -> int:
            return len(_cluster([c.bbox[0] for c in f.cells], self.settings.grid_tolerance))
        top = min(c.bbox[1] for c in frag.cells)
        first_row = [c for c in frag.cells if abs(c.bbox[1] - top) <= self.settings.grid_tolerance]
        return cols(prev) == cols(frag) and any(_is_number(c.text) for c in first_row)

    def _flush_table(self) -> None:
        if not self.chain:
            return
        table = _build_table(self.chain, len(self.doc.tables), self.settings, self.doc.notes)
        prev = self.doc.blocks[-1] if self.doc.blocks else None
        if isinstance(prev, Paragraph) and len(squash(prev.text)) <= 40:
            table.caption = prev.text
        self.doc.blocks.append(table)
        self.chain = []
        self.chain_open = False

    # paragraphs --------------------------------------------------------------------
    def _ends_short(self, line: _Line, m: _Metrics) -> bool:
        right = line.column[1] if line.column else m.right
        return line.x1 < right - 1.5 * m.size

    def _indented(self, line: _Line, m: _Metrics) -> bool:
        left = line.column[0] if line.column else m.left
        return line.x0 > left + 0.8 * m.size

    def _breaks(self, prev: _Line, line: _Line, m: _Metrics) -> bool:
        if line.page != prev.page:
            return True
        big = max(prev.size, line.size) >= m.size * 1.2
        if abs(prev.size - line.size) > 1.0:
            return True
        gap = line.top - prev.bottom
        if big:
            # Title lines in large type: one paragraph while they follow closely.
            return gap > 1.2 * line.size
        if gap > max(m.pitch * 1.6 - (prev.bottom - prev.top), 1.2 * m.size):
            return True
        return self._indented(line, m) or self._ends_short(prev, m)

    def _set_off(self, line: _Line, m: _Metrics) -> bool:
        """Right-aligned or centred (a date, a signature): a body line that runs on to
        the next page starts at the left margin or at its first-line indent."""
        left = line.column[0] if line.column else m.left
        return line.x0 > left + 2.5 * m.size

    def _continues_paragraph(self, line: _Line, m: _Metrics) -> bool:
        prev = self.para_lines[-1]
        if _BLOCK_START.match(squash(line.text)):
            return False  # 附件1, 一、..., a new block at the head of the page
        return abs(prev.size - line.size) <= 1.0 and not self._indented(line, m)

    def _flush_paragraph(self) -> None:
        if not self.para_lines:
            return
        text = ""
        for ln in self.para_lines:
            text = _join_text(text, ln.text.strip()) if text else ln.text.strip()
        m = self.para_metrics or self.metrics
        size = max(ln.size for ln in self.para_lines)
        style = None
        if m is not None and size >= m.size * 1.25:
            style = "title" if not self.doc.paragraphs else "heading"
        self.doc.blocks.append(Paragraph(text=text, page=self.para_lines[0].page, style=style))
        self.para_lines = []
        self.para_open = False


# --------------------------------------------------------------------------------------
# Opening, metadata, pages


def _rejection(exc: BaseException) -> RejectedInput:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    name = type(inner).__name__
    if "Password" in name or "password" in str(inner).lower():
        return RejectedInput("encrypted PDF: password required")
    if "Encryption" in name:
        return RejectedInput(f"encrypted PDF: unsupported encryption ({inner})")
    reason = str(inner).strip().splitlines()[0] if str(inner).strip() else name
    return RejectedInput(f"corrupt PDF: {reason}")


def _pdf_date(value: str) -> str | None:
    """'D:20250225100250+08'00'' → '2025-02-25T10:02:50+08:00'."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?", value.strip())
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo or 1), int(d or 1), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace("'", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        dt = dt.replace(tzinfo=timezone(sign * offset))
    elif tz == "Z":
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


def _metadata(pdf: pdfplumber.PDF, data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (pdf.metadata or {}).items():
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str) and value.strip():
            out[str(key)] = value.strip()
    # pdfminer decodes UTF-16LE strings (BOM FF FE, which WPS writes) as PDFDocEncoding;
    # PDFium reads the standard keys correctly.
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data, password="")
        try:
            for key, value in doc.get_metadata_dict().items():
                if value and value.strip():
                    out[key] = value.strip()
        finally:
            doc.close()
    except Exception as exc:  # metadata is a courtesy; the text layer was readable
        log.debug("pdfium metadata failed: %s", exc)
    for key in ("CreationDate", "ModDate"):
        if key in out:
            iso = _pdf_date(out[key])
            if iso:
                out[key + ".iso"] = iso
    return out


class _OcrContext:
    """Renders pages for OCR with PDFium, opened once and only when needed."""

    def __init__(self, data: bytes, settings: PdfSettings):
        self.data = data
        self.settings = settings
        self._doc: Any = None
        self.seconds = 0.0
        self.pages = 0

    def page(self, index: int) -> Any:
        import pypdfium2 as pdfium

        if self._doc is None:
            self._doc = pdfium.PdfDocument(self.data, password="")
        return self._doc[index]

    def has_ink(self, index: int) -> bool:
        page = self.page(index)
        try:
            image = page.render(scale=24 / 72, grayscale=True).to_pil()
        finally:
            page.close()
        darkest = image.getextrema()[0]
        return isinstance(darkest, (int, float)) and darkest < 200

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def _ocr_items(ctx: _OcrContext, index: int, page_no: int, notes: list[str]) -> tuple[list[_Line | _Frag], float, float]:
    from pipeline.readers import ocr

    page = ctx.page(index)
    try:
        result = ocr.ocr_pdfium_page(page, dpi=ctx.settings.ocr_dpi)
    finally:
        page.close()
    ctx.seconds += result.seconds
    ctx.pages += 1
    items: list[_Line | _Frag] = []
    for ol in result.lines:
        words: list[_Word] = []
        for w in ol.words:
            text = nfkc(w.text)
            # Tesseract splits CJK text into "words" at arbitrary points; only gaps
            # between Latin/digit words are real spaces.
            if words and (_CJK.search(words[-1].text[-1]) or _CJK.search(text[0])):
                words[-1] = _Word(words[-1].x0, w.x1, words[-1].text + text)
            else:
                words.append(_Word(w.x0, w.x1, text))
        if words:
            items.append(_Line(words, ol.top, ol.bottom, ol.size, page_no))
    for ot in result.tables:
        cells = []
        for oc in ot.cells:
            line = _Line([_Word(oc.bbox[0], oc.bbox[2], nfkc(oc.text))], oc.bbox[1], oc.bbox[3], 10, page_no)
            cells.append(_RawCell(oc.bbox, nfkc(oc.text), [line] if oc.text else [], oc.conf))
        items.append(_Frag(page_no, ot.bbox, cells, result.height))
    notes.append(f"page {page_no}: no usable text layer, read by OCR "
                 f"(mean confidence {result.mean_confidence:.0f})")
    return items, result.width, result.height


def _page_items(page: Page, index: int, settings: PdfSettings, expect_table: bool,
                ctx: _OcrContext, doc: Document) -> _PageItems:
    page_no = index + 1
    view, turned = _upright(page)
    if turned:
        doc.notes.append(f"page {page_no}: text runs sideways; page {turned} to read it")
    chars = [c for c in view.chars if c.get("upright", True)]
    width, height = float(view.width), float(view.height)
    if _needs_ocr(view.chars, settings):
        if ctx.has_ink(index):
            items, width, height = _ocr_items(ctx, index, page_no, doc.notes)
            items.sort(key=lambda it: it.top if isinstance(it, _Line) else it.bbox[1])
            return _PageItems(page_no, width, height, _drop_page_numbers(items, height, settings))
        return _PageItems(page_no, width, height, [])
    lines = _lines_from_chars(chars, page_no)
    frags: list[_Frag] = []
    if expect_table or _has_table_keyword(lines, settings.table_keywords):
        frags = _ruled_fragments(view, page_no, chars, settings)
        if frags:
            boxes = [f.bbox for f in frags]
            rest = [c for c in chars if not any(_center_in(c, b) for b in boxes)]
            lines = _lines_from_chars(rest, page_no)
        else:
            rules = _horizontal_rules(view.filter(_visible), settings)
            if len(rules) >= 2:  # no line of text crosses a rule
                lines = _lines_from_chars(chars, page_no, cuts=[r.y for r in rules])
            lines = [ln for ln in lines if not _is_page_number(ln, height, settings.margin_band)]
            frags, lines = _unruled_fragments(lines, page_no, width, height, settings, rules)
            if frags:
                doc.notes.append(f"page {page_no}: table without ruling lines, grid taken from text positions")
    lines = _split_columns(lines, width, settings)
    items: list[_Line | _Frag] = [*lines, *frags]
    items.sort(key=_reading_order)
    return _PageItems(page_no, width, height, _drop_page_numbers(items, height, settings))


def _reading_order(it: _Line | _Frag) -> tuple[float, int, float]:
    if isinstance(it, _Frag):
        return (it.bbox[1], 0, it.bbox[1])
    return it.order or (it.top, 0, it.top)


def _drop_page_numbers(items: list[_Line | _Frag], height: float, settings: PdfSettings) -> list[_Line | _Frag]:
    return [it for it in items if not (isinstance(it, _Line) and _is_page_number(it, height, settings.margin_band))]


@dataclass
class _MarginLine:
    """A line in the top or bottom margin band, as compared across pages."""

    zone: str  # "top" or "bottom"
    offset: float  # distance from that page edge (pages may differ in size)
    x0: float
    x1: float
    key: str  # squashed text, digits as "#" ("第3页" and "第4页" match)
    line: _Line
    items: _PageItems


class _Furniture:
    """Running headers and footers: a line in the top or bottom margin band printed with
    the same text (digits aside) at the same place on one of the previous pages
    (`settings.furniture_lookback`) is page furniture, not text; both copies are
    dropped. A page's own copy is found only once a later page repeats it, so the
    reader hands pages to the assembler that many pages late."""

    def __init__(self, settings: PdfSettings):
        self.settings = settings
        self.recent: list[list[_MarginLine]] = []

    def _margin_lines(self, pi: _PageItems) -> list[_MarginLine]:
        band = self.settings.margin_band * pi.height
        out = []
        for it in pi.items:
            if not isinstance(it, _Line):
                continue
            key = re.sub(r"\d+", "#", squash(it.text))
            if not key or len(key) > self.settings.furniture_max_chars:
                continue
            if it.bottom <= band:
                out.append(_MarginLine("top", it.top, it.x0, it.x1, key, it, pi))
            elif it.top >= pi.height - band:
                out.append(_MarginLine("bottom", pi.height - it.bottom, it.x0, it.x1, key, it, pi))
        return out

    def _same(self, a: _MarginLine, b: _MarginLine) -> bool:
        tol = self.settings.furniture_tolerance
        if a.zone != b.zone or a.key != b.key or abs(a.offset - b.offset) > tol:
            return False
        # Left-aligned, right-aligned or centred: one of the three agrees (a page
        # number's width changes the other two).
        return (abs(a.x0 - b.x0) <= tol or abs(a.x1 - b.x1) <= tol
                or abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) <= tol)

    def strip(self, pi: _PageItems) -> None:
        """Drop from this page, and from the recent pages, the lines they share."""
        mine = self._margin_lines(pi)
        drop: dict[int, list[_MarginLine]] = {}
        for m in mine:
            for page_lines in self.recent:
                for o in page_lines:
                    if self._same(m, o):
                        drop.setdefault(id(m.items), []).append(m)
                        drop.setdefault(id(o.items), []).append(o)
        for found in drop.values():
            gone = {id(m.line) for m in found}
            owner = found[0].items
            owner.items = [it for it in owner.items if id(it) not in gone]
        self.recent.append(mine)
        del self.recent[: -self.settings.furniture_lookback]


def _ends_with_table(pi: _PageItems, settings: PdfSettings) -> bool:
    """The page's last item, short lines in the bottom margin band aside (a running
    footer not yet recognised as one), is a table: it may go on on the next page."""
    band = pi.height * (1 - settings.margin_band)
    for it in reversed(pi.items):
        if isinstance(it, _Frag):
            return True
        if not (it.top >= band and len(squash(it.text)) <= settings.furniture_max_chars):
            return False
    return False


def read_pdf(path: str, data: bytes, sha256: str, settings: PdfSettings = DEFAULT_SETTINGS) -> Document:
    """Read a PDF report: paragraphs and tables in reading order, every cell with its
    page and box. Raises RejectedInput for encrypted (with a user password), corrupt
    or truncated files, and for scans when Tesseract is missing."""
    doc = Document(source_path=path, sha256=sha256, file_type="pdf")
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="", unicode_norm="NFKC")
    except PdfminerException as exc:
        raise _rejection(exc) from exc
    except Exception as exc:  # pdfminer raises plain errors on some damaged files
        raise _rejection(exc) from exc
    ctx = _OcrContext(data, settings)
    started = time.perf_counter()
    try:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _rejection(exc) from exc
        if not pages:
            raise RejectedInput("corrupt PDF: no pages")
        doc.pages = len(pages)
        doc.metadata = _metadata(pdf, data)
        if b"%%EOF" not in data[-2048:]:
            doc.notes.append("PDF has no %%EOF marker at its end: the file may be truncated")
        assembler = _Assembler(doc, settings)
        furniture = _Furniture(settings)
        pending: list[_PageItems] = []  # read, not yet assembled (furniture may follow)
        expect_table = False
        failures = 0
        for index, page in enumerate(pages):
            try:
                items = _page_items(page, index, settings, expect_table, ctx, doc)
            except RejectedInput:
                raise
            except Exception as exc:
                failures += 1
                if failures == len(pages) or index == 0 and len(pages) == 1:
                    raise _rejection(exc) from exc
                doc.notes.append(f"page {index + 1} unreadable: {type(exc).__name__}: {str(exc)[:120]}")
                items = _PageItems(index + 1, float(page.width), float(page.height), [])
            finally:
                # Drop the page's parsed objects: memory stays flat on long reports.
                page.close()
            furniture.strip(items)
            pending.append(items)
            if len(pending) > settings.furniture_lookback:
                assembler.add_page(pending.pop(0))
            expect_table = _ends_with_table(items, settings)
        for items in pending:
            assembler.add_page(items)
        assembler.finish()
        if failures == len(pages):
            raise RejectedInput("corrupt PDF: no page could be read")
        if ctx.pages:
            doc.ocr = True
        # Timings go to the log, not into the document: the same file must give the
        # same Document on every run.
        log.info("read %s: %d pages in %.2f s (%d by OCR in %.2f s)", path, len(pages),
                 time.perf_counter() - started, ctx.pages, ctx.seconds)
    finally:
        ctx.close()
        pdf.close()
    return doc

"""Document assembly: reading order, paragraphs, tables joined across pages."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from pipeline.model import Document, Paragraph
from pipeline.normalize import squash
from pipeline.readers.pdf.layout import Frag, Line, cluster, is_number, is_page_number
from pipeline.readers.pdf.settings import PdfSettings
from pipeline.readers.pdf.tables import build_table

# What starts a block of its own at the head of a page: an attachment label, a
# numbered heading.
_BLOCK_START = re.compile(r"^(?:附件|附表|[一二三四五六七八九十]+、(?![一二三四五六七八九十]))")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")

@dataclass
class PageItems:
    page: int
    width: float
    height: float
    items: list[Line | Frag]


@dataclass
class Metrics:
    left: float
    right: float
    size: float
    pitch: float


# A page without text, and no page before it: A4 with one-inch margins and 12 pt type.
_A4_METRICS = Metrics(72, 520, 12, 20)


def _page_metrics(lines: list[Line], fallback: Metrics | None, page_width: float,
                  settings: PdfSettings) -> Metrics:
    body = [ln for ln in lines if len(squash(ln.text)) >= settings.body_min_chars]
    if len(body) < settings.body_min_lines:
        if fallback is not None:
            return fallback
        body = lines
    if not body:
        return _A4_METRICS
    # The body type size carries the most characters (captions and table notes in
    # smaller type outside the tables must not set the margins).
    weight: dict[int, int] = {}
    for ln in body:
        weight[round(ln.size)] = weight.get(round(ln.size), 0) + len(squash(ln.text))
    size = max(weight, key=lambda k: (weight[k], k))
    sized = [ln for ln in body if round(ln.size) == size]
    if len(sized) < settings.body_min_lines and fallback is not None:
        return fallback
    body = sized
    left = min(statistics.multimode(round(ln.x0) for ln in body))
    rights = sorted(ln.x1 for ln in body)
    # Justified body lines end at the right margin. When no line reaches it (a page of
    # short lines), assume margins as wide as the left one, less a character.
    right = max(rights[int(settings.right_margin_quantile * (len(rights) - 1))], page_width - left - size)
    pitches = [b.top - a.top for a, b in zip(body, body[1:], strict=False)
               if 0 < b.top - a.top < settings.pitch_max_em * size]
    pitch = statistics.median(pitches) if pitches else size * settings.fallback_pitch_em
    return Metrics(left, right, size, pitch)


def _join_text(a: str, b: str) -> str:
    if _ASCII_WORD_END.search(a) and _ASCII_WORD_START.search(b):
        return a + " " + b
    return a + b


class Assembler:
    def __init__(self, doc: Document, settings: PdfSettings):
        self.doc = doc
        self.settings = settings
        self.chain: list[Frag] = []
        self.chain_open = False  # the chain's last fragment ended its page
        self.para_lines: list[Line] = []
        self.para_open = False  # the paragraph may continue on the next page
        self.metrics: Metrics | None = None
        self.para_metrics: Metrics | None = None

    def add_page(self, pi: PageItems) -> None:
        lines = [it for it in pi.items if isinstance(it, Line)]
        m = _page_metrics(lines, self.metrics, pi.width, self.settings)
        self.metrics = m
        first = True
        for k, item in enumerate(pi.items):
            last = k == len(pi.items) - 1
            if isinstance(item, Frag):
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
    def _continues(self, frag: Frag) -> bool:
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
        def cols(f: Frag) -> int:
            return len(cluster([c.bbox[0] for c in f.cells], self.settings.grid_tolerance))
        top = min(c.bbox[1] for c in frag.cells)
        first_row = [c for c in frag.cells if abs(c.bbox[1] - top) <= self.settings.grid_tolerance]
        return cols(prev) == cols(frag) and any(is_number(c.text) for c in first_row)

    def _flush_table(self) -> None:
        if not self.chain:
            return
        table = build_table(self.chain, len(self.doc.tables), self.settings, self.doc.notes)
        prev = self.doc.blocks[-1] if self.doc.blocks else None
        if isinstance(prev, Paragraph) and len(squash(prev.text)) <= self.settings.caption_max_chars:
            table.caption = prev.text
        self.doc.blocks.append(table)
        self.chain = []
        self.chain_open = False

    # paragraphs --------------------------------------------------------------------
    def _ends_short(self, line: Line, m: Metrics) -> bool:
        right = line.column[1] if line.column else m.right
        return line.x1 < right - self.settings.short_line_em * m.size

    def _indented(self, line: Line, m: Metrics) -> bool:
        left = line.column[0] if line.column else m.left
        return line.x0 > left + self.settings.indent_em * m.size

    def _breaks(self, prev: Line, line: Line, m: Metrics) -> bool:
        if line.page != prev.page:
            return True
        s = self.settings
        big = max(prev.size, line.size) >= m.size * s.big_type
        if abs(prev.size - line.size) > s.size_tolerance:
            return True
        gap = line.top - prev.bottom
        if big:
            # Title lines in large type: one paragraph while they follow closely.
            return gap > s.big_gap_em * line.size
        if gap > max(m.pitch * s.para_gap_pitch - (prev.bottom - prev.top), s.para_gap_em * m.size):
            return True
        return self._indented(line, m) or self._ends_short(prev, m)

    def _set_off(self, line: Line, m: Metrics) -> bool:
        """Right-aligned or centred (a date, a signature): a body line that runs on to
        the next page starts at the left margin or at its first-line indent."""
        left = line.column[0] if line.column else m.left
        return line.x0 > left + self.settings.set_off_em * m.size

    def _continues_paragraph(self, line: Line, m: Metrics) -> bool:
        prev = self.para_lines[-1]
        if _BLOCK_START.match(squash(line.text)):
            return False  # 附件1, 一、..., a new block at the head of the page
        return abs(prev.size - line.size) <= self.settings.size_tolerance and not self._indented(line, m)

    def _flush_paragraph(self) -> None:
        if not self.para_lines:
            return
        text = ""
        for ln in self.para_lines:
            text = _join_text(text, ln.text.strip()) if text else ln.text.strip()
        m = self.para_metrics or self.metrics
        size = max(ln.size for ln in self.para_lines)
        style = None
        if m is not None and size >= m.size * self.settings.heading_type:
            style = "title" if not self.doc.paragraphs else "heading"
        self.doc.blocks.append(Paragraph(text=text, page=self.para_lines[0].page, style=style))
        self.para_lines = []
        self.para_open = False



def reading_order(it: Line | Frag) -> tuple[float, int, float]:
    if isinstance(it, Frag):
        return (it.bbox[1], 0, it.bbox[1])
    return it.order or (it.top, 0, it.top)


def drop_page_numbers(items: list[Line | Frag], height: float, settings: PdfSettings) -> list[Line | Frag]:
    return [it for it in items if not (isinstance(it, Line) and is_page_number(it, height, settings.margin_band))]

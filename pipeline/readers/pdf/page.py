"""One page read, step by step: turned upright, triaged (OCR or text, table page or
not), tables found (ruled, else from word positions), two-column text split, items put
in reading order. Every step's result stays an attribute of `PageRead`, the way
pdfplumber's TableFinder keeps its edges and cells, so that `debug` can draw it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pdfplumber.page import Page

from pipeline.model import Document
from pipeline.readers.pdf.assemble import PageItems, drop_page_numbers, reading_order
from pipeline.readers.pdf.columns import ColumnSplit
from pipeline.readers.pdf.layout import Frag, Line, center_in, is_page_number, lines_from_chars
from pipeline.readers.pdf.ocr_pages import OcrContext, ocr_items
from pipeline.readers.pdf.pages import has_table_keyword, needs_ocr, upright, visible
from pipeline.readers.pdf.ruled import RuledFinder
from pipeline.readers.pdf.settings import PdfSettings
from pipeline.readers.pdf.unruled import UnruledFinder, horizontal_rules


@dataclass
class PageRead:
    """What each step saw on one page.

    `turned` says which way a sideways page was turned; `ocr` whether the page went to
    OCR; `lines` the text lines as first grouped; `table_page` whether the table finder
    ran (a keyword on the page, or a table running on from the page before); `ruled`
    the ruled-table finder; `unruled` the finder of tables without vertical rules (run
    only when no ruled table was found); `columns` the two-column split; `found` the
    items in reading order, page numbers dropped, before running headers and footers
    are recognised across pages (`items`, the page as assembled, loses those later);
    `page_numbers` the page-number lines dropped."""

    index: int
    settings: PdfSettings
    expect_table: bool = False
    turned: str | None = None
    width: float = 0.0
    height: float = 0.0
    ocr: bool = False
    lines: list[Line] = field(default_factory=list)
    table_page: bool = False
    ruled: RuledFinder | None = None
    unruled: UnruledFinder | None = None
    columns: ColumnSplit | None = None
    found: list[Line | Frag] = field(default_factory=list)
    page_numbers: list[Line] = field(default_factory=list)
    items: PageItems | None = None

    @property
    def page_no(self) -> int:
        return self.index + 1

    def run(self, page: Page, ctx: OcrContext, doc: Document) -> PageItems:
        settings, page_no = self.settings, self.page_no
        view, self.turned = upright(page, settings)
        if self.turned:
            doc.notes.append(f"page {page_no}: text runs sideways; page {self.turned} to read it")
        self.width, self.height = float(view.width), float(view.height)
        if needs_ocr(view.chars, settings):
            return self._ocr(ctx, doc)
        chars = [c for c in view.chars if c.get("upright", True)]
        lines = self.lines = lines_from_chars(chars, page_no, settings)
        frags: list[Frag] = []
        self.table_page = self.expect_table or has_table_keyword(lines, settings.table_keywords,
                                                                    settings.keyword_column_step)
        if self.table_page:
            frags, lines = self._tables(view, chars, lines, doc)
        self.columns = ColumnSplit(self.width, settings)
        lines = self.columns.run(lines)
        items: list[Line | Frag] = [*lines, *frags]
        items.sort(key=reading_order)
        return self._done(items)

    def _ocr(self, ctx: OcrContext, doc: Document) -> PageItems:
        if not ctx.has_ink(self.index):
            return self._done([])
        self.ocr = True
        items, self.width, self.height = ocr_items(ctx, self.index, self.page_no, doc.notes)
        items.sort(key=lambda it: it.top if isinstance(it, Line) else it.bbox[1])
        return self._done(items)

    def _tables(self, view: Page, chars: list[dict[str, Any]], lines: list[Line],
                doc: Document) -> tuple[list[Frag], list[Line]]:
        """Ruled tables first; without any, tables from word positions (within the
        horizontal rules of a three-line table when there are any)."""
        settings, page_no = self.settings, self.page_no
        self.ruled = RuledFinder(page_no)
        frags = self.ruled.run(view, chars, settings)
        if frags:
            boxes = [f.bbox for f in frags]
            rest = [c for c in chars if not any(center_in(c, b) for b in boxes)]
            return frags, lines_from_chars(rest, page_no, settings)
        rules = horizontal_rules(view.filter(lambda o: visible(o, settings)), settings)
        if len(rules) >= 2:  # no line of text crosses a rule
            lines = lines_from_chars(chars, page_no, settings, cuts=[r.y for r in rules])
        lines = [ln for ln in lines if not is_page_number(ln, self.height, settings.margin_band)]
        self.unruled = UnruledFinder(page_no, self.width, self.height, settings, rules)
        frags = self.unruled.run(lines)
        if frags:
            doc.notes.append(f"page {page_no}: table without ruling lines, grid taken from text positions")
        return frags, self.unruled.rest

    def _done(self, items: list[Line | Frag]) -> PageItems:
        self.found = drop_page_numbers(items, self.height, self.settings)
        kept = {id(it) for it in self.found}
        self.page_numbers = [it for it in items if isinstance(it, Line) and id(it) not in kept]
        self.items = PageItems(self.page_no, self.width, self.height, list(self.found))
        return self.items

"""Pages without a usable text layer: rendered with PDFium and read by OCR into the
same lines and fragments as text pages."""

from __future__ import annotations

import re
from typing import Any

from pipeline.normalize import nfkc
from pipeline.readers.pdf.layout import Frag, Line, RawCell, Word
from pipeline.readers.pdf.settings import PdfSettings

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

class OcrContext:
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
            image = page.render(scale=self.settings.ink_check_dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()
        darkest = image.getextrema()[0]
        return isinstance(darkest, (int, float)) and darkest < self.settings.ink_level

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def ocr_items(ctx: OcrContext, index: int, page_no: int, notes: list[str]) -> tuple[list[Line | Frag], float, float]:
    from pipeline.readers import ocr

    page = ctx.page(index)
    try:
        result = ocr.ocr_pdfium_page(page, dpi=ctx.settings.ocr_dpi)
    finally:
        page.close()
    ctx.seconds += result.seconds
    ctx.pages += 1
    items: list[Line | Frag] = []
    for ol in result.lines:
        words: list[Word] = []
        for w in ol.words:
            text = nfkc(w.text)
            # Tesseract splits CJK text into "words" at arbitrary points; only gaps
            # between Latin/digit words are real spaces.
            if words and (_CJK.search(words[-1].text[-1]) or _CJK.search(text[0])):
                words[-1] = Word(words[-1].x0, w.x1, words[-1].text + text)
            else:
                words.append(Word(w.x0, w.x1, text))
        if words:
            items.append(Line(words, ol.top, ol.bottom, ol.size, page_no))
    for ot in result.tables:
        cells = []
        for oc in ot.cells:
            line = Line([Word(oc.bbox[0], oc.bbox[2], nfkc(oc.text))], oc.bbox[1], oc.bbox[3],
                         ctx.settings.ocr_cell_size, page_no)
            cells.append(RawCell(oc.bbox, nfkc(oc.text), [line] if oc.text else [], oc.conf))
        items.append(Frag(page_no, ot.bbox, cells, result.height))
    notes.append(f"page {page_no}: no usable text layer, read by OCR "
                 f"(mean confidence {result.mean_confidence:.0f})")
    return items, result.width, result.height

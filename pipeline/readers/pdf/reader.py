"""Reading a PDF page by page into the document model."""

from __future__ import annotations

import io
import logging
import time

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.model import Document, RejectedInput
from pipeline.readers.pdf.assemble import Assembler, PageItems
from pipeline.readers.pdf.document import read_metadata, rejection
from pipeline.readers.pdf.furniture import Furniture, ends_with_table
from pipeline.readers.pdf.ocr_pages import OcrContext
from pipeline.readers.pdf.page import PageRead
from pipeline.readers.pdf.pdfium_objects import page_objects
from pipeline.readers.pdf.settings import DEFAULT_SETTINGS, PdfSettings

log = logging.getLogger(__name__)


def read_pdf(path: str, data: bytes, sha256: str, settings: PdfSettings = DEFAULT_SETTINGS) -> Document:
    """Read a PDF report: paragraphs and tables in reading order, every cell with its
    page and box. Raises RejectedInput for encrypted (with a user password), corrupt
    or truncated files, and for scans when Tesseract is missing."""
    return read_pdf_steps(path, data, sha256, settings)[0]


def read_pdf_steps(path: str, data: bytes, sha256: str, settings: PdfSettings,
                   keep: int | None = None) -> tuple[Document, PageRead | None]:
    """`read_pdf`, also returning what each step saw on page number `keep`."""
    doc = Document(source_path=path, sha256=sha256, file_type="pdf")
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="", unicode_norm="NFKC")
    except PdfminerException as exc:
        raise rejection(exc) from exc
    except Exception as exc:  # pdfminer raises plain errors on some damaged files
        raise rejection(exc) from exc
    ctx = OcrContext(data, settings)
    started = time.perf_counter()
    try:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise rejection(exc) from exc
        if not pages:
            raise RejectedInput("corrupt PDF: no pages")
        doc.pages = len(pages)
        fast = _pdfium(data)
        try:
            doc.metadata = read_metadata(pdf, data, fast)
            if b"%%EOF" not in data[-settings.eof_window:]:
                doc.notes.append("PDF has no %%EOF marker at its end: the file may be truncated")
            kept = read_pages(pages, settings, ctx, doc, keep, fast)
        finally:
            if fast is not None:
                fast.close()
        if ctx.pages:
            doc.ocr = True
        # Timings go to the log, not into the document: the same file must give the
        # same Document on every run.
        log.info("read %s: %d pages in %.2f s (%d by OCR in %.2f s)", path, len(pages),
                 time.perf_counter() - started, ctx.pages, ctx.seconds)
    finally:
        ctx.close()
        pdf.close()
    return doc, kept


def _pdfium(data: bytes) -> pdfium.PdfDocument | None:
    """The file opened in PDFium too: its pages' objects spare pdfminer's parse."""
    try:
        return pdfium.PdfDocument(data, password="")
    except Exception as exc:  # pdfminer opened it: every page falls back to pdfminer
        log.debug("pdfium open failed: %s", exc)
        return None


def read_pages(pages: list[Page], settings: PdfSettings, ctx: OcrContext, doc: Document,
               keep: int | None = None, fast: pdfium.PdfDocument | None = None) -> PageRead | None:
    """Read the pages into `doc`, one at a time; returns the `PageRead` of page number
    `keep` (what each step saw there), else None. With `fast` (the file in PDFium) a
    page's objects come from PDFium where they can be made exactly as pdfminer's."""
    assembler = Assembler(doc, settings)
    furniture = Furniture(settings)
    pending: list[PageItems] = []  # read, not yet assembled (furniture may follow)
    expect_table = False
    failures = 0
    kept: PageRead | None = None
    font_cache: dict[int, tuple[set[str], float | None]] = {}
    for index, page in enumerate(pages):
        read = PageRead(index, settings, expect_table)
        try:
            objects = page_objects(fast, page, settings, font_cache) if fast is not None else None
            if objects is not None:
                page._objects = objects  # what Page.objects would parse with pdfminer
            items = read.run(page, ctx, doc)
        except RejectedInput:
            raise
        except Exception as exc:
            failures += 1
            if failures == len(pages) or index == 0 and len(pages) == 1:
                raise rejection(exc) from exc
            doc.notes.append(f"page {index + 1} unreadable: {type(exc).__name__}: "
                             f"{str(exc)[:settings.note_max_chars]}")
            items = PageItems(index + 1, float(page.width), float(page.height), [])
        finally:
            # Drop the page's parsed objects: memory stays flat on long reports.
            page.close()
        if index + 1 == keep:
            kept = read
        furniture.strip(items)
        pending.append(items)
        if len(pending) > settings.furniture_lookback:
            assembler.add_page(pending.pop(0))
        expect_table = ends_with_table(items, settings)
    for items in pending:
        assembler.add_page(items)
    assembler.finish()
    if failures == len(pages):
        raise RejectedInput("corrupt PDF: no page could be read")
    return kept

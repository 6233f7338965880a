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
back, and so is a number that filled its narrow cell and runs on at the head of the
next page (`4604` / `6`, decided by the cell's geometry); two whole rows never are (a
header row over a value row, a row of its own at the head of the page), and a row
whose label runs on while its numbers do not is left as two rows with a note. Without vertical rules the grid comes from word positions,
within the horizontal rules of a 三线表 when there are any.

Pages without a usable text layer (scans, "(cid:123)" glyph soup) go to OCR
(`pipeline.readers.ocr`), whose cells and lines pass through the same assembly.

Every text is NFKC-normalised (pdfplumber's unicode_norm plus the radical
look-alikes of `pipeline.normalize.nfkc`): WPS exports Kangxi radicals (⾏) for
common characters.

Coordinates (Cell.bbox) are PDF points with the origin at the top left of the page
as displayed: /Rotate is applied, and a page whose text runs sideways is turned a
quarter so that it reads left to right (the note says which way).

Steps, one module each: `layout` (chars → words and lines), `pages` (turned pages,
pages for OCR, table pages), `ruled` (ruled fragments), `unruled` and `grid` (tables
without vertical rules), `columns` (two-column text), `spans` and `tables` (fragments
→ one table), `page_rows` (joins across page breaks), `furniture` and `assemble` (page
furniture, reading order, paragraphs), `ocr_pages`, `document` (open, reject,
metadata), `reader` (the page loop), `debug` (what each step saw on one page, drawn).
Every threshold is in `settings`.
"""

from __future__ import annotations

from pipeline.readers.pdf.reader import read_pdf
from pipeline.readers.pdf.settings import DEFAULT_SETTINGS, PdfSettings

__all__ = ["DEFAULT_SETTINGS", "PdfSettings", "read_pdf"]

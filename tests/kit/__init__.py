"""The test kit: synthetic annual reports with known truth, written the way agencies publish them.

Not part of the product (the wheel ships `pipeline` only); tests import it as `tests.kit`
(pytest puts the repository root on sys.path), scripts after adding the root themselves.

- report.py: `make_report`/`make_series` draw consistent numbers and matching prose.
- composer.py: the composer, a report as layout-neutral blocks (paragraphs, tables of cells
  with spans, merges and keys), with the variations real publishers introduce (`Variant`).
- one writer per format, each rendering the composer's blocks: docx_writer.py (Word),
  html_writer.py (portal pages, bare HTML tables), txt_writer.py (docx-to-text dump),
  pdf_writer.py (a reportlab typesetter), doc_writer.py (.doc and PDF through LibreOffice).
- pdf_builders.py: hand-drawn PDFs for the PDF reader's own tests (grids, rotations,
  encryption, scans).
"""

from tests.kit.composer import compose, printed_cells
from tests.kit.doc_writer import write_doc
from tests.kit.docx_writer import write_docx
from tests.kit.html_writer import write_html
from tests.kit.pdf_writer import write_pdf
from tests.kit.report import (
    PROFILES,
    SECTION_TITLES,
    SynthReport,
    format_for_year,
    item_keys,
    make_report,
    make_series,
    rule_violations,
)
from tests.kit.txt_writer import txt_text, write_txt

__all__ = [
    "PROFILES",
    "SECTION_TITLES",
    "SynthReport",
    "compose",
    "format_for_year",
    "item_keys",
    "make_report",
    "make_series",
    "printed_cells",
    "rule_violations",
    "txt_text",
    "write_doc",
    "write_docx",
    "write_html",
    "write_pdf",
    "write_txt",
]

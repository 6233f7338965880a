"""The document model every reader yields and every later stage consumes.

A reader turns one file into a `Document`: an ordered list of blocks, each a
`Paragraph` or a `Table`. Tables are grids of `Cell`s in which merged cells are
already resolved: every grid position covered by a merged cell carries its anchor
cell's text and points at the anchor, so extraction never needs to know whether the
source was Word, HTML, PDF or OCR.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RejectedInput(Exception):
    """The file cannot be read as a report; the message is the one-line reason."""


@dataclass
class Cell:
    text: str
    row: int
    col: int
    # Grid position of the merged cell's anchor when this position is covered by a
    # merge (gridSpan/vMerge/colspan/rowspan); None when the cell is its own anchor.
    anchor: tuple[int, int] | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom (PDF points)
    ocr_confidence: float | None = None  # 0..100 when the text came from OCR

    @property
    def is_anchor(self) -> bool:
        return self.anchor is None


@dataclass
class Table:
    index: int  # 0-based order of the table in the document
    rows: list[list[Cell]]
    page: int | None = None  # first page (1-based) for paged formats
    caption: str | None = None  # nearest preceding short paragraph, e.g. 表一

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    style: str | None = None  # e.g. "Heading 1", "title"; a hint only


Block = Paragraph | Table


@dataclass
class Document:
    source_path: str
    sha256: str
    file_type: str  # docx, doc, txt, html, pdf
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    ocr: bool = False  # some text came from OCR
    notes: list[str] = field(default_factory=list)  # reader remarks worth a finding
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. PDF CreationDate

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def grid_from_rows(rows: list[list[str]], page: int | None = None) -> list[list[Cell]]:
    """Plain text rows to cells (no merges known); used by simple readers and tests."""
    return [[Cell(text=t, row=r, col=c, page=page) for c, t in enumerate(row)] for r, row in enumerate(rows)]

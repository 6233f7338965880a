"""What OCR of one page yields: lines of text outside tables and ruled tables of cells.

Coordinates are PDF points with a top-left origin, like pdfplumber's, so the PDF reader
assembles an OCR page exactly like a text page. Confidences are 0-100: RapidOCR's
recognition score (the mean per-character probability, 0-1) times 100.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass
class OcrWord:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float


@dataclass
class OcrLine:
    words: list[OcrWord]
    conf: float
    font_size: float | None = None  # the printed size the line's box height stands for

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        if self.font_size is not None:
            return self.font_size
        return round(statistics.median(w.bottom - w.top for w in self.words), 1)


@dataclass
class OcrCell:
    bbox: BBox  # PDF points
    text: str
    conf: float  # 0-100; blank cells (no ink) are certain: 100


@dataclass
class OcrTable:
    bbox: BBox
    cells: list[OcrCell]


@dataclass
class OcrPage:
    width: float  # PDF points, of the upright page
    height: float
    lines: list[OcrLine] = field(default_factory=list)
    tables: list[OcrTable] = field(default_factory=list)
    seconds: float = 0.0
    skew: float = 0.0  # degrees the bitmap was turned to make its lines level
    rotation: int = 0  # 0, 90, 180, 270: quarter turns applied to make the page upright

    @property
    def mean_confidence(self) -> float:
        confs = [c.conf for t in self.tables for c in t.cells if c.text] + [ln.conf for ln in self.lines]
        return statistics.fmean(confs) if confs else 0.0

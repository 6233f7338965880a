"""Page triage: turned pages, visible drawings, pages for OCR, pages holding a statistics table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pdfplumber.page import DerivedPage, Page

from pipeline.normalize import squash
from pipeline.readers.pdf.layout import Line
from pipeline.readers.pdf.settings import PdfSettings


class TurnedPage(DerivedPage):
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


def upright(page: Page, settings: PdfSettings) -> tuple[Page, str | None]:
    """The page as read: turned when most of its text runs sideways."""
    chars = page.chars
    sideways = [c for c in chars if not c.get("upright", True)]
    if not chars or len(sideways) <= settings.sideways_share * len(chars):
        return page, None
    # Text rotated counter-clockwise has a text matrix (0, 1, -1, 0): b > 0.
    ccw = sum(1 for c in sideways if (c.get("matrix") or (1, 0, 0, 1))[1] > 0)
    clockwise = ccw >= 0.5 * len(sideways)  # the majority way
    return TurnedPage(page, clockwise), "turned clockwise" if clockwise else "turned counter-clockwise"


def visible(obj: dict[str, Any], settings: PdfSettings) -> bool:
    """False for an unstroked rectangle filled white: WPS draws boxed paragraphs and
    cell backgrounds that way, and their edges are not ruling lines."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    if not obj.get("fill"):
        return False
    color = obj.get("non_stroking_color")
    if isinstance(color, (tuple, list)) and color:
        values = [float(v) for v in color if isinstance(v, (int, float))]
        white = settings.white_level
        if len(values) == 1 and values[0] >= white:
            return False
        if len(values) == 3 and min(values) >= white:
            return False
        if len(values) == 4 and max(values) <= 1 - white:  # CMYK white
            return False
    return True


def needs_ocr(chars: Sequence[dict[str, Any]], settings: PdfSettings) -> bool:
    real = [c for c in chars if c["text"].strip()]
    if len(real) < settings.min_chars_for_text:
        return True
    cid = sum(1 for c in real if c["text"].startswith("(cid:"))
    return cid / len(real) > settings.cid_ratio_for_ocr


def has_table_keyword(lines: Iterable[Line], keywords: Sequence[str],
                      column_step: float = PdfSettings.keyword_column_step) -> bool:
    """A keyword in the page's lines, or read down a column: in a narrow table cell a
    label wraps every two or three characters (予以 / 公开, 自然 / 人), so no line holds it."""
    lines = list(lines)
    text = squash("".join(ln.text for ln in lines))
    if any(k in text for k in keywords):
        return True
    columns: dict[int, list[tuple[float, str]]] = {}
    for ln in lines:
        for w in ln.words:
            columns.setdefault(round(w.x0 / column_step), []).append((ln.top, w.text))
    down = "|".join(squash("".join(t for _, t in sorted(ws))) for ws in columns.values())
    return any(k in down for k in keywords)


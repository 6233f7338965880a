"""Page furniture: running headers and footers repeated at the same place on nearby pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.normalize import squash
from pipeline.readers.pdf.assemble import PageItems
from pipeline.readers.pdf.layout import Frag, Line
from pipeline.readers.pdf.settings import PdfSettings


@dataclass
class _MarginLine:
    """A line in the top or bottom margin band, as compared across pages."""

    zone: str  # "top" or "bottom"
    offset: float  # distance from that page edge (pages may differ in size)
    x0: float
    x1: float
    key: str  # squashed text, digits as "#" ("第3页" and "第4页" match)
    line: Line
    items: PageItems


class Furniture:
    """Running headers and footers: a line in the top or bottom margin band printed with
    the same text (digits aside) at the same place on one of the previous pages
    (`settings.furniture_lookback`) is page furniture, not text; both copies are
    dropped. A page's own copy is found only once a later page repeats it, so the
    reader hands pages to the assembler that many pages late."""

    def __init__(self, settings: PdfSettings):
        self.settings = settings
        self.recent: list[list[_MarginLine]] = []

    def _margin_lines(self, pi: PageItems) -> list[_MarginLine]:
        band = self.settings.margin_band * pi.height
        out = []
        for it in pi.items:
            if not isinstance(it, Line):
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

    def strip(self, pi: PageItems) -> None:
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


def ends_with_table(pi: PageItems, settings: PdfSettings) -> bool:
    """The page's last item, short lines in the bottom margin band aside (a running
    footer not yet recognised as one), is a table: it may go on on the next page."""
    band = pi.height * (1 - settings.margin_band)
    for it in reversed(pi.items):
        if isinstance(it, Frag):
            return True
        if not (it.top >= band and len(squash(it.text)) <= settings.furniture_max_chars):
            return False
    return False

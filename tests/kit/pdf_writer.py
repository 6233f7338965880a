"""The PDF writer: a small typesetter that prints composed reports as born-digital PDFs.

The title in large type, justified body text in 12 pt with a two-character first-line
indent, the statistics tables drawn from the same blocks the Word writer renders (merged
cells, wrapped labels), tables broken across pages at a row boundary (optionally at a
chosen row, optionally with the header rows repeated), page furniture (running header,
page-x-of-y footer), landscape and rotated pages, images. Drawing operations are
collected per page and rendered once the page count is known (for "共 N 页" footers).
The other road to PDF, Word through LibreOffice, is in doc_writer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from tests.kit.composer import Block, PTable, compose, placed_cells
from tests.kit.pdf_builders import cjk_font
from tests.kit.report import SynthReport

FONT = cjk_font()


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    out: list[str] = []
    for raw in text.split("\n"):
        cur = ""
        for ch in raw:
            if cur and text_width(cur + ch, size) > width:
                out.append(cur)
                cur = ch
            else:
                cur += ch
        out.append(cur)
    return out


_NUMBERISH = re.compile(r"^[\d\s,.\u2009\u00a0０-９．－\-+—/]*$")


@dataclass
class Grid:
    """A PTable laid out: column widths, row heights, cells (r0, c0, r1, c1, lines)."""

    widths: list[float]
    heights: list[float]
    cells: list[tuple[int, int, int, int, list[str]]]
    size: float
    header_rows: int

    @classmethod
    def of(cls, t: PTable, width: float = 480.0, size: float = 9.0, header_rows: int = 0,
           min_row: float = 16.0) -> Grid:
        scale = width / sum(t.widths)
        ws = [w * scale for w in t.widths]
        cells: list[list] = []
        open_: dict[int, list] = {}
        for r, row in enumerate(placed_cells(t.rows)):
            for col, cell in row:
                if cell.vmerge == "continue":
                    open_[col][2] = r + 1
                    continue
                c = [r, col, r + 1, col + cell.span, cell.text]
                cells.append(c)
                if cell.vmerge == "restart":
                    open_[col] = c
        lead = size * 1.25
        heights = [min_row] * len(t.rows)
        out = []
        for r0, c0, r1, c1, text in cells:
            lines = wrap(text, sum(ws[c0:c1]) - 4, size) if text else []
            need = len(lines) * lead + 5
            have = sum(heights[r0:r1])
            if need > have:
                heights[r1 - 1] += need - have
            out.append((r0, c0, r1, c1, lines))
        return cls(ws, heights, out, size, header_rows)


@dataclass
class Style:
    rules: str = "full"  # full | no_outer (inner rules only, no left/right border) | booktabs
    num_align: str = "center"  # center | right
    num_size: float | None = None  # type size of the numbers (default: the table's)
    num_text: Callable[[str], str] | None = None  # how a number is printed


class RLReport:
    """Pages of drawing operations, rendered once the page count is known."""

    def __init__(self, pagesize=A4, margin: float = 72.0, size: float = 12.0,
                 header: str | None = None, footer: Callable[[int, int], str] | None = None,
                 title: str = "", author: str = "") -> None:
        self.margin = margin
        self.size = size
        self.header = header
        self.footer = footer
        self.props = (title, author)
        self.pages: list[dict] = []
        self.new_page(pagesize)

    # pages -------------------------------------------------------------------------
    def new_page(self, pagesize=None, rotate: int | None = None) -> None:
        """A new page; without arguments, the same size and rotation as the last one."""
        size = pagesize or (self.pages[-1]["size"] if self.pages else A4)
        if rotate is None:
            rotate = self.pages[-1]["rotate"] if self.pages and pagesize is None else 0
        self.pages.append({"size": size, "rotate": rotate, "ops": []})
        self.y = self.margin

    @property
    def w(self) -> float:
        return self.pages[-1]["size"][0]

    @property
    def h(self) -> float:
        return self.pages[-1]["size"][1]

    @property
    def bottom(self) -> float:
        return self.h - self.margin

    def op(self, fn: Callable) -> None:
        self.pages[-1]["ops"].append(fn)

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    # text --------------------------------------------------------------------------
    def text_line(self, x: float, top: float, text: str, size: float, char_space: float = 0.0) -> None:
        def draw(c, ph, x=x, top=top, text=text, size=size, cs=char_space):
            c.setFont(FONT, size)
            c.drawString(x, ph - top - size * 0.88, text, charSpace=cs)
        self.op(draw)

    def para(self, text: str, size: float | None = None, align: str = "justify", indent: float = 2.0,
             pitch: float | None = None, left: float | None = None, right: float | None = None) -> None:
        size = size or self.size
        pitch = pitch or size * 1.65
        left = self.margin if left is None else left
        right = self.w - self.margin if right is None else right
        if not text:
            self.y += pitch
            return
        first = True
        rest = text
        while rest:
            x0 = left + (indent * size if first and align == "justify" else 0)
            line = ""
            for ch in rest:
                if line and text_width(line + ch, size) > right - x0:
                    break
                line += ch
            rest = rest[len(line):]
            self.ensure(pitch)
            lw = text_width(line, size)
            if align == "center":
                self.text_line((self.w - lw) / 2, self.y, line, size)
            elif align == "right":
                self.text_line(right - lw, self.y, line, size)
            elif rest and len(line) > 1:  # justified full line
                self.text_line(x0, self.y, line, size, (right - x0 - lw) / (len(line) - 1))
            else:
                self.text_line(x0, self.y, line, size)
            self.y += pitch
            first = False

    # tables ------------------------------------------------------------------------
    def table(self, g: Grid, style: Style | None = None, break_before: int | None = None,
              repeat_header: bool = False) -> None:
        style = style or Style()
        a = 0
        n = len(g.heights)
        while a < n:
            if self.y + g.heights[a] > self.bottom:
                self.new_page()
            top = self.y
            if a > 0 and repeat_header and g.header_rows:
                self._draw(g, style, (0, g.header_rows), top)
                top += sum(g.heights[: g.header_rows])
            b = a
            y = top
            while b < n and y + g.heights[b] <= self.bottom and not (b == break_before and b > a):
                y += g.heights[b]
                b += 1
            if b == a:
                raise ValueError("row taller than a page")
            self._draw(g, style, (a, b), top)
            self.y = y + 6
            a = b
            if a < n:
                self.new_page()

    def _draw(self, g: Grid, style: Style, rows: tuple[int, int], top: float) -> None:
        a, b = rows
        x0 = (self.w - sum(g.widths)) / 2
        xs = [x0]
        for w in g.widths:
            xs.append(xs[-1] + w)
        ys = {a: top}
        for r in range(a, b):
            ys[r + 1] = ys[r] + g.heights[r]
        ncols = len(g.widths)

        def draw(c, ph):
            c.setLineWidth(0.5)
            if style.rules == "booktabs":
                c.setLineWidth(1.0)
                c.line(xs[0], ph - ys[a], xs[-1], ph - ys[a])
                c.line(xs[0], ph - ys[b], xs[-1], ph - ys[b])
                if a < g.header_rows <= b:
                    c.setLineWidth(0.5)
                    c.line(xs[0], ph - ys[g.header_rows], xs[-1], ph - ys[g.header_rows])
            for r0, c0, r1, c1, lines in g.cells:
                if r1 <= a or r0 >= b:
                    continue
                top_, bot = ys[max(r0, a)], ys[min(r1, b)]
                left, right = xs[c0], xs[c1]
                if style.rules == "full":
                    c.rect(left, ph - bot, right - left, bot - top_, stroke=1, fill=0)
                elif style.rules == "no_outer":
                    c.line(left, ph - top_, right, ph - top_)
                    c.line(left, ph - bot, right, ph - bot)
                    if c0 > 0:
                        c.line(left, ph - top_, left, ph - bot)
                    if c1 < ncols:
                        c.line(right, ph - top_, right, ph - bot)
                if r0 < a or not lines:
                    continue  # a merged cell's text stays where the cell starts
                number = len(lines) == 1 and bool(lines[0]) and bool(_NUMBERISH.match(lines[0]))
                size = style.num_size if number and style.num_size else g.size
                shown = [style.num_text(lines[0])] if number and style.num_text else lines
                lead = g.size * 1.25
                block = lead * (len(shown) - 1) + size
                y = top_ + (bot - top_ - block) / 2 + size * 0.88
                for line in shown:
                    c.setFont(FONT, size)
                    parts = line.split("\u2009")  # a thin space: a gap, no glyph
                    gap = size * 0.25
                    lw = sum(text_width(p, size) for p in parts) + gap * (len(parts) - 1)
                    if number and style.num_align == "right":
                        x = right - 3 - lw
                    elif number or right - left < 40 or len(shown) > 3:
                        x = left + (right - left - lw) / 2
                    else:
                        x = left + 2
                    for p in parts:
                        c.drawString(x, ph - y, p)
                        x += text_width(p, size) + gap
                    y += lead
        self.op(draw)

    # images --------------------------------------------------------------------------
    def image(self, img, width: float, height: float) -> None:
        from reportlab.lib.utils import ImageReader

        self.ensure(height)
        x, top = (self.w - width) / 2, self.y

        def draw(c, ph, x=x, top=top):
            c.drawImage(ImageReader(img), x, ph - top - height, width=width, height=height)
        self.op(draw)
        self.y += height + 12

    # output ------------------------------------------------------------------------
    def render(self) -> bytes:
        buf = io.BytesIO()
        c = rl_canvas.Canvas(buf, pagesize=self.pages[0]["size"])
        c.setTitle(self.props[0])
        c.setAuthor(self.props[1])
        c.setCreator("WPS Office")
        total = len(self.pages)
        for i, page in enumerate(self.pages):
            vw, vh = page["size"]
            if page["rotate"] == -90:
                # A landscape page printed sideways on a portrait sheet, no /Rotate: the text
                # runs bottom to top on screen (see pdf_builders.sideways_table_pdf).
                c.setPageSize((vh, vw))
                c.setPageRotation(0)
                c.translate(vh, 0)
                c.rotate(90)
            elif page["rotate"] == 90:
                # A portrait media box shown turned a quarter clockwise: content drawn turned
                # counter-clockwise reads upright on screen (see pdf_builders.rotated_table_pdf).
                c.setPageSize((vw, vh))
                c.setPageRotation(90)
                c.translate(vh, 0)
                c.rotate(90)
            else:
                c.setPageSize((vw, vh))
                c.setPageRotation(0)
            if self.header:
                c.setFont(FONT, 9)
                c.drawCentredString(vw / 2, vh - 40, self.header)
                c.setLineWidth(0.75)
                c.line(self.margin, vh - 46, vw - self.margin, vh - 46)
            if self.footer:
                c.setFont(FONT, 9)
                c.drawCentredString(vw / 2, 36, self.footer(i + 1, total))
            for fn in page["ops"]:
                fn(c, vh)
            c.showPage()
        c.save()
        return buf.getvalue()


def typeset(doc: RLReport, rep: SynthReport, blocks: list[Block] | None = None, title_lines: list[str] | None = None,
            styles: dict[str, Style] | None = None, table_hook: Callable | None = None,
            title: bool = True, sizes: dict[str, float] | None = None, repeat_header: bool = False,
            title_spacing: float = 0.0) -> RLReport:
    """The report's blocks on the pages: title (two centred lines in 20 pt), text, tables.

    `table_hook(doc, table_id, k)` runs before the k-th table of a kind (to start a
    landscape page, say); `styles` gives each kind its ruling."""
    bs = blocks if blocks is not None else compose(rep)
    styles = styles or {}
    seen: dict[str, int] = {}
    for b in bs:
        if isinstance(b, PTable):
            k = seen.get(b.table_id, 0)
            seen[b.table_id] = k + 1
            if table_hook:
                table_hook(doc, b.table_id, k)
            hdr = {"t2": 0, "t3": 3, "t4": 3}[b.table_id]
            width = min(480.0, doc.w - 60)
            g = Grid.of(b, width=width, size=(sizes or {}).get(b.table_id, 9.0), header_rows=hdr)
            doc.table(g, styles.get(b.table_id), repeat_header=repeat_header)
        elif b.role == "title":
            if title:
                for line in title_lines or [rep.agency, b.text[len(rep.agency):]]:
                    if title_spacing:  # letter-spaced: each character followed by a gap
                        lw = text_width(line, 20) + title_spacing * (len(line) - 1)
                        doc.ensure(32)
                        doc.text_line((doc.w - lw) / 2, doc.y, line, 20, title_spacing)
                        doc.y += 32
                    else:
                        doc.para(line, size=20, align="center", pitch=32)
                doc.y += 10
        elif b.role == "blank":
            continue
        elif b.role in ("signature", "date"):
            doc.para(b.text, align="right", indent=0, right=doc.w - doc.margin - 24)
        else:
            doc.para(b.text)
    return doc


def write_pdf(rep: SynthReport, path: str | Path, *, header: str | None = None,
              footer: Callable[[int, int], str] | None = None, pagesize: tuple[float, float] = A4,
              **typeset_kwargs: object) -> Path:
    """Typeset the report on fresh pages (see `typeset` for the options) and write the PDF.

    The document properties stay empty: the reader must find the title in the text."""
    doc = RLReport(pagesize=pagesize, title="", author="", header=header, footer=footer)
    typeset(doc, rep, **typeset_kwargs)  # type: ignore[arg-type]
    path = Path(path)
    path.write_bytes(doc.render())
    return path

"""What each step of the PDF reader saw on one page, drawn over the page image
(`gongkai show FILE --debug-page N --png OUT`).

The page is read as part of the whole document (a table running on from the page
before, running headers recognised on the pages after), and its `PageRead` gives
every step's result; each step is drawn in a colour of its own (`LAYERS`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.model import Document
from pipeline.readers.pdf.layout import BBox, Frag, Line
from pipeline.readers.pdf.page import PageRead
from pipeline.readers.pdf.reader import read_pdf_steps
from pipeline.readers.pdf.settings import PdfSettings

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Layer:
    name: str
    color: RGB
    meaning: str


# Pure colours that a rendered report page (black text, gray rules) does not contain,
# so that each step can be told apart on the image (and found by a test).
LAYERS: tuple[Layer, ...] = (
    Layer("lines", (160, 160, 160), "text lines as grouped from the characters"),
    Layer("cells", (0, 170, 0), "table cells found"),
    Layer("edges", (0, 90, 255), "ruling edges seen by pdfplumber's table finder"),
    Layer("outer", (255, 0, 255), "outer borders added where a ruled table has none"),
    Layer("boxed", (190, 190, 0), "one-column boxes set aside (boxed paragraphs)"),
    Layer("rules", (255, 140, 0), "long horizontal rules (tables without vertical rules)"),
    Layer("frames", (128, 0, 128), "three-line tables: the box of their rules"),
    Layer("grid", (0, 200, 200), "column and row boundaries taken from word positions"),
    Layer("gutter", (255, 220, 0), "gutter of text set in two columns"),
    Layer("dropped", (255, 0, 0), "page numbers, running headers and footers dropped"),
    Layer("order", (0, 0, 160), "reading order of the lines and tables kept"),
)
COLOR = {layer.name: layer.color for layer in LAYERS}

# A shape in page points: ("rect", box), ("line", (x0, y0, x1, y1)), ("fill", box) or
# ("label", (x, y, text)).
Shape = tuple[str, tuple]


def debug_page(path: str, data: bytes, page_no: int, settings: PdfSettings) -> tuple[Document, PageRead]:
    """Read the document, keeping what each step saw on page `page_no` (from 1)."""
    doc, read = read_pdf_steps(path, data, "", settings, keep=page_no)
    if read is None:
        raise ValueError(f"no page {page_no}: the document has {doc.pages} pages")
    return doc, read


def shapes(read: PageRead) -> dict[str, list[Shape]]:
    """Every step's result as shapes, by layer."""
    out: dict[str, list[Shape]] = {layer.name: [] for layer in LAYERS}
    out["lines"] = [("rect", _line_box(ln)) for ln in read.lines]
    if read.ruled is not None:
        finder = read.ruled.finder
        if finder is not None:
            out["edges"] = [("line", (e["x0"], e["top"], e["x1"], e["bottom"])) for e in finder.edges]
        out["outer"] = [("line", (e["x0"], e["top"], e["x1"], e["bottom"])) for e in read.ruled.outer_rules]
        out["boxed"] = [("rect", box) for box in read.ruled.boxed]
    if read.unruled is not None:
        out["rules"] = [("line", (r.x0, r.y, r.x1, r.y)) for r in read.unruled.rules]
        out["frames"] = [("rect", box) for box in read.unruled.frames]
        out["grid"] = list(_grid_lines(read))
    out["cells"] = [("rect", c.bbox) for it in read.found if isinstance(it, Frag) for c in it.cells]
    if read.columns is not None:
        out["gutter"] = [("fill", box) for box in read.columns.gutters]
    kept = {id(it) for it in (read.items.items if read.items is not None else [])}
    gone = [it for it in read.found if id(it) not in kept] + list(read.page_numbers)
    out["dropped"] = [("rect", _line_box(it)) for it in gone if isinstance(it, Line)]
    for n, it in enumerate((it for it in read.found if id(it) in kept), start=1):
        box = it.bbox if isinstance(it, Frag) else _line_box(it)
        out["order"].append(("label", (box[0], box[1], str(n))))
    return out


def _grid_lines(read: PageRead) -> Iterator[Shape]:
    assert read.unruled is not None
    for grid in read.unruled.grids:
        if not grid.edges or not grid.ys:
            continue
        top, bottom = grid.ys[0], grid.ys[-1]
        left, right = grid.edges[0], grid.edges[-1]
        for x in grid.edges:
            yield ("line", (x, top, x, bottom))
        for y in grid.ys:
            yield ("line", (left, y, right, y))


def _line_box(ln: Line) -> BBox:
    return (ln.x0, ln.top, ln.x1, ln.bottom)


def page_image(data: bytes, read: PageRead, resolution: int = 110) -> Image.Image:
    """The page rendered as the reader saw it: turned like the text when it ran sideways."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        image = pdf.pages[read.index].to_image(resolution=resolution).original.convert("RGB")
    if read.turned == "turned clockwise":
        image = image.transpose(Image.Transpose.ROTATE_270)
    elif read.turned == "turned counter-clockwise":
        image = image.transpose(Image.Transpose.ROTATE_90)
    return image


def draw(data: bytes, read: PageRead, out: Path, resolution: int = 110) -> dict[str, int]:
    """Draw every step over the page and save a PNG; returns the shape count per layer."""
    image = page_image(data, read, resolution)
    scale = image.width / read.width if read.width else resolution / 72
    found = shapes(read)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw_fill = ImageDraw.Draw(overlay)
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    width = {"cells": 3, "outer": 3, "rules": 3, "frames": 2, "dropped": 2}
    for layer in LAYERS:
        color = layer.color
        for kind, geom in found[layer.name]:
            pts = [v * scale for v in geom[:4]] if kind != "label" else []
            if kind == "rect":
                pen.rectangle(_box(pts), outline=color, width=width.get(layer.name, 1))
            elif kind == "line":
                pen.line(pts, fill=color, width=width.get(layer.name, 1))
            elif kind == "fill":
                draw_fill.rectangle(_box(pts), fill=(*color, 90))
            else:
                x, y, text = geom
                pen.text((x * scale, max(y * scale - 10, 0)), text, fill=color, font=font)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    image.save(out, format="PNG")
    return {name: len(v) for name, v in found.items()}


def _box(pts: list[float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = pts
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

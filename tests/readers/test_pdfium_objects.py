"""A page's objects from PDFium against pdfminer's parse: the same chars, lines, rects
and curves (text exact, boxes within float32 noise), the same Document; pages this
reader does not reproduce go to pdfminer."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from pipeline.readers.pdf import reader
from pipeline.readers.pdf.pdfium_objects import page_objects
from pipeline.readers.pdf.settings import DEFAULT_SETTINGS
from tests.kit import pdf_builders as pb
from tests.paths import FIXTURES

# PDFium keeps float32: 800 pt in float32 is good to about 5e-5 pt.
TOLERANCE = 1e-3
KINDS = ("char", "line", "rect", "curve")


def _key(o: dict[str, Any]) -> tuple[float, float, str]:
    return (round(o["top"], 1), round(o["x0"], 1), o.get("text", ""))


def _same_objects(mine: dict[str, list[dict[str, Any]]], theirs: dict[str, list[dict[str, Any]]]) -> None:
    for kind in KINDS:
        a = sorted(theirs.get(kind, []), key=_key)
        b = sorted(mine.get(kind, []), key=_key)
        assert len(a) == len(b), (kind, len(a), len(b))
        for x, y in zip(a, b, strict=True):
            assert x.get("text") == y.get("text"), (kind, x.get("text"), y.get("text"))
            for k in ("x0", "x1", "top", "bottom", "doctop"):
                assert abs(x[k] - y[k]) <= TOLERANCE, (kind, x.get("text"), k, x[k], y[k])
            if kind == "char":
                assert abs(x["size"] - y["size"]) <= TOLERANCE
                assert x["upright"] == y["upright"]
            else:
                assert (x["stroke"], x["fill"]) == (y["stroke"], y["fill"])
                for (px, pt), (qx, qt) in zip(x.get("pts", []), y.get("pts", []), strict=True):
                    assert abs(px - qx) <= TOLERANCE and abs(pt - qt) <= TOLERANCE


def _pdfs() -> dict[str, bytes]:
    out = {
        "huaian": (FIXTURES / "huaian-city-2024.pdf").read_bytes(),
        "ruled": pb.table_pdf(pb.t3_spec()),
        "unruled": pb.table_pdf(pb.t4_spec(), ruled=False),
        "split": pb.split_table_pdf(pb.simple_spec(12), [pb.PagePart((0, 7)), pb.PagePart((7, 13), repeat_header=True)]),
        "narrative": pb.narrative_pdf(),
        "rotated": pb.rotated_table_pdf(pb.t3_spec()),
        "sideways": pb.sideways_table_pdf(pb.t3_spec()),
    }
    return out


PDFS = _pdfs()


def _read(data: bytes, fast: bool) -> dict[str, Any]:
    saved = reader._pdfium
    if not fast:
        reader._pdfium = lambda _data: None  # type: ignore[assignment]
    try:
        doc = reader.read_pdf("r.pdf", data, hashlib.sha256(data).hexdigest())
    finally:
        reader._pdfium = saved  # type: ignore[assignment]
    return dataclasses.asdict(doc)


@pytest.mark.parametrize("name", sorted(PDFS))
def test_objects_as_pdfminer_parses_them(name: str) -> None:
    data = PDFS[name]
    fast = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data), unicode_norm="NFKC") as pdf:
        for page in pdf.pages:
            mine = page_objects(fast, page, DEFAULT_SETTINGS)
            if mine is None:
                continue
            _same_objects(mine, page.objects)
    fast.close()


@pytest.mark.parametrize("name", sorted(PDFS))
def test_same_document(name: str) -> None:
    assert _read(PDFS[name], fast=True) == _read(PDFS[name], fast=False)


def _objects_or_none(data: bytes) -> list[bool]:
    fast = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = [page_objects(fast, p, DEFAULT_SETTINGS) is not None for p in pdf.pages]
    fast.close()
    return out


def test_pages_left_to_pdfminer() -> None:
    """A /Rotate page and a page of sideways text go to pdfminer; an upright page of
    ruled cells and text does not (else the speed is gone)."""
    assert _objects_or_none(PDFS["rotated"]) == [False]
    assert _objects_or_none(PDFS["sideways"]) == [False]
    assert _objects_or_none(PDFS["ruled"]) == [True]
    assert all(_objects_or_none(PDFS["huaian"]))


def _one_page(draw: Any) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_standard_font_without_widths_goes_to_pdfminer() -> None:
    """Helvetica without /Widths: pdfminer measures it with its own AFM metrics."""
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "Annual report 2024")
    assert _objects_or_none(_one_page(draw)) == [False]


def test_form_xobject_goes_to_pdfminer() -> None:
    def draw(c: canvas.Canvas) -> None:
        c.beginForm("box")
        c.rect(100, 100, 200, 50)
        c.endForm()
        c.doForm("box")
    assert _objects_or_none(_one_page(draw)) == [False]


def test_near_white_fill_goes_to_pdfminer() -> None:
    """A background filled at the white threshold: pdfminer sees gray 0.95, PDFium an
    RGB rounded to 242/255; which side of `white_level` it falls is not decided here."""
    def draw(c: canvas.Canvas) -> None:
        c.setFillGray(0.95)
        c.rect(100, 100, 200, 50, stroke=0, fill=1)
    assert _objects_or_none(_one_page(draw)) == [False]


def test_curves_lines_and_rects_as_pdfminer() -> None:
    """Paths of every shape pdfminer tells apart: a rect, a closed four-sided shape
    that is not one, lines (one of them diagonal), a Bezier, two subpaths in one path."""
    def draw(c: canvas.Canvas) -> None:
        c.setFont(pb.cjk_font(), 12)
        c.drawString(72, 760, "表格")
        c.rect(72, 600, 300, 100)
        c.line(72, 580, 372, 580)
        c.line(72, 560, 300, 500)
        c.bezier(72, 400, 100, 450, 200, 450, 300, 400)
        p = c.beginPath()
        p.moveTo(72, 300)
        p.lineTo(200, 300)
        p.lineTo(220, 350)
        p.lineTo(72, 350)
        p.close()
        p.moveTo(300, 300)
        p.lineTo(400, 300)
        c.drawPath(p, stroke=1, fill=0)
    data = _one_page(draw)
    fast = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data), unicode_norm="NFKC") as pdf:
        mine = page_objects(fast, pdf.pages[0], DEFAULT_SETTINGS)
        assert mine is not None
        _same_objects(mine, pdf.pages[0].objects)
        assert {k: len(v) for k, v in mine.items() if k != "char"} == {
            k: len(v) for k, v in pdf.pages[0].objects.items() if k in KINDS and k != "char"}
    fast.close()

"""A page's chars, rects, lines and curves from PDFium, in the dicts pdfplumber makes.

pdfminer's page parse (a content-stream interpreter in Python) is most of a PDF's
reading time; PDFium parses the same page in C about ten times faster. Every step
after the parse (upright, triage, the table finder, lines from chars) works on
pdfplumber's object dicts, so this module builds those dicts from PDFium and hands
them to the pdfplumber page (`Page._objects`): pdfminer never parses the page.

The boxes are pdfminer's, not PDFium's: a char's box is pdfminer's (origin to origin
+ advance, the font descriptor's /Descent below the baseline, one font size tall,
through the char's matrix), paths are classified into lines, rects and curves by
pdfminer's rules. PDFium keeps coordinates as float32; inputs are rounded to seven
significant digits (what float32 holds, and no content stream writes more) before
pdfminer's float64 arithmetic is repeated on them.

Whatever this module does not reproduce exactly makes it return None, and the page is
parsed by pdfminer as before: a /Rotate or an offset page box, Form XObjects, Type3
fonts, vertical writing, fonts without widths or descriptor, chars without a Unicode
mapping or turned off the horizontal, fills near the white threshold of
`pages.visible`. tests/readers/test_pdfium_objects.py compares the dicts with
pdfminer's on every PDF the suite builds and on the real reports."""

from __future__ import annotations

import ctypes
import functools
import re
import unicodedata
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import apply_matrix_pt
from pdfplumber.page import Page

from pipeline.readers.pdf.settings import PdfSettings

Objects = dict[str, list[dict[str, Any]]]
_UNSUPPORTED = None  # a font pdfminer measures in a way not reproduced here
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_SEGMENT_OPS = {raw.FPDF_SEGMENT_MOVETO: "m", raw.FPDF_SEGMENT_LINETO: "l", raw.FPDF_SEGMENT_BEZIERTO: "c"}


class Unsupported(Exception):
    """The page holds something this module does not reproduce: pdfminer parses it."""


@functools.lru_cache(maxsize=100_000)  # cached roundings (a few MB at most)
def _r(v: float) -> float:
    """A float32 back to the decimal it was written as (seven significant digits)."""
    return float(f"{v:.7g}")


def _name(v: Any) -> str:
    v = resolve1(v)
    if isinstance(v, PSLiteral):
        v = v.name
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def _names(base: str) -> set[str]:
    """A BaseFont with and without its subset tag ("ABCDEF+"): PDFium drops the tag of
    some fonts."""
    return {base, _SUBSET_TAG.sub("", base)}


def _font_descent(spec: dict[str, Any]) -> float | None:
    """pdfminer's descent (text space units, per unit of font size) of a font
    resource, or None when pdfminer measures it otherwise (Type3, vertical, no
    widths, no descriptor)."""
    subtype = _name(spec.get("Subtype", ""))
    if subtype == "Type3":
        return _UNSUPPORTED
    if subtype == "Type0":
        if _name(spec.get("Encoding", "")).endswith("-V"):
            return _UNSUPPORTED
        descendants = resolve1(spec.get("DescendantFonts"))
        if not isinstance(descendants, list) or not descendants:
            return _UNSUPPORTED
        spec = resolve1(descendants[0])
        if not isinstance(spec, dict):
            return _UNSUPPORTED
    elif "Widths" not in spec:
        return _UNSUPPORTED  # pdfminer: the standard 14's metrics or MissingWidth
    descriptor = resolve1(spec.get("FontDescriptor"))
    if not isinstance(descriptor, dict):
        return _UNSUPPORTED
    descent = resolve1(descriptor.get("Descent", 0))
    if not isinstance(descent, (int, float)):
        return _UNSUPPORTED
    descent = float(descent)
    return (-descent if descent > 0 else descent) * 0.001


def font_descents(page: Page, cache: dict[int, tuple[set[str], float | None]] | None = None
                  ) -> dict[str, float | None]:
    """BaseFont name → pdfminer's descent, for the fonts of the page's resources;
    `cache` keeps each font object's names and descent for the document's next pages."""
    out: dict[str, float | None] = {}
    resources = resolve1(page.page_obj.resources) or {}
    fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
    for ref in (fonts or {}).values():
        objid = getattr(ref, "objid", None)
        hit = cache.get(objid) if cache is not None and objid is not None else None
        if hit is None:
            hit = _font_entry(resolve1(ref))
            if hit is None:
                continue
            if cache is not None and objid is not None:
                cache[objid] = hit
        names, descent = hit
        for n in names:
            # Two fonts of one name measured differently: which one a char uses is unknown.
            out[n] = descent if out.get(n, descent) == descent else _UNSUPPORTED
    return out


def _font_entry(spec: Any) -> tuple[set[str], float | None] | None:
    if not isinstance(spec, dict):
        return None
    names = _names(_name(spec.get("BaseFont", "")))
    for d in resolve1(spec.get("DescendantFonts")) or []:
        d = resolve1(d)
        if isinstance(d, dict):
            names |= _names(_name(d.get("BaseFont", "")))
    return names, _font_descent(spec)


def _native(name: str, restype: Any, *argtypes: Any) -> Any:
    """PDFium's `name` with plain-pointer (int) arguments and result: pypdfium2's typed
    handles need a ctypes cast per char to compare or hash, which costs more than the
    call."""
    address = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_VP, _INT = ctypes.c_void_p, ctypes.c_int
_text_object = _native("FPDFText_GetTextObject", _VP, _VP, _INT)
_text_font = _native("FPDFTextObj_GetFont", _VP, _VP)
_glyph_width = _native("FPDFFont_GetGlyphWidth", _INT, _VP, ctypes.c_uint32, ctypes.c_float,
                       ctypes.POINTER(ctypes.c_float))
_base_font_name = _native("FPDFFont_GetBaseFontName", ctypes.c_size_t, _VP, ctypes.c_char_p, ctypes.c_size_t)


class _Fonts:
    """pdfminer's measures of a char's font: its descent (looked up by BaseFont) and
    advance widths, cached per PDFium text object and font."""

    def __init__(self, descents: dict[str, float | None]) -> None:
        self.descents = descents
        self.by_object: dict[int, tuple[int, float]] = {}  # text object → (font, descent)
        self.widths: dict[tuple[int, int], float] = {}
        self.buf = ctypes.create_string_buffer(256)
        self.width = ctypes.c_float()

    def font(self, text_obj: int) -> tuple[int, float]:
        """The text object's font and pdfminer's descent for it."""
        hit = self.by_object.get(text_obj)
        if hit is not None:
            return hit
        font = _text_font(text_obj)
        n = _base_font_name(font, self.buf, len(self.buf))
        name = self.buf.raw[: max(n - 1, 0)].decode("utf-8", "replace")
        descent = self.descents.get(name)
        if descent is None:
            raise Unsupported(f"font {name!r}")
        self.by_object[text_obj] = (font, descent)
        return font, descent

    def advance(self, font: int, code: int) -> float:
        """pdfminer's advance per unit of font size: the font dictionary's width for the
        char (/Widths, /W). FPDFFont_GetGlyphWidth takes the Unicode value and looks up
        the char code, then that width."""
        key = (font, code)
        w = self.widths.get(key)
        if w is None:
            if not _glyph_width(font, code, 1.0, ctypes.byref(self.width)):
                raise Unsupported("a char without a width")
            w = self.widths[key] = _r(self.width.value)
        return w


def _chars(tp: Any, height: float, doctop: float, page_number: int, fonts: _Fonts) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    m = raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    last_origin: tuple[float, float] | None = None
    tp_address = ctypes.cast(tp, ctypes.c_void_p).value
    last_obj: int | None = None
    a = b = c = d = fs = 0.0
    font, descent = 0, 0.0
    for i in range(raw.FPDFText_CountChars(tp)):
        if raw.FPDFText_IsGenerated(tp, i):
            continue  # a space or line break PDFium inferred: pdfminer has no such char
        code = raw.FPDFText_GetUnicode(tp, i)
        if raw.FPDFText_HasUnicodeMapError(tp, i) == 1 or code in (0, 0xFFFE, 0xFFFF):
            raise Unsupported("a char without a Unicode mapping")
        raw.FPDFText_GetCharOrigin(tp, i, ox, oy)
        origin = (ox.value, oy.value)
        if origin == last_origin:
            # One glyph mapped to several code points (a ligature's "fi"), or a glyph
            # printed twice on the spot: pdfminer's chars differ from PDFium's.
            raise Unsupported("two chars at one origin")
        last_origin = origin
        obj = _text_object(tp_address, i)
        first = obj != last_obj
        if first:
            # Matrix, font and size belong to the text object: read once per object.
            last_obj = obj
            raw.FPDFText_GetMatrix(tp, i, m)
            a, b, c, d = _r(m.a), _r(m.b), _r(m.c), _r(m.d)
            if b != 0 or c != 0 or a <= 0 or d <= 0:
                raise Unsupported("a char off the horizontal")
            font, descent = fonts.font(obj)
            fs = raw.FPDFText_GetFontSize(tp, i)
        # The matrix's translation is the text object's; pdfminer's is the char's origin.
        e, f = _r(ox.value), _r(oy.value)
        adv = fonts.advance(font, code) * fs
        low = descent * fs
        # pdfminer's apply_matrix_rect on (0, low, adv, low + fs) with b = c = 0, in its
        # order of operations: the same doubles.
        x0, x1 = e, a * adv + e
        y0, y1 = d * low + f, d * (low + fs) + f
        if first:
            raw.FPDFText_GetLooseCharBox(tp, i, box)
            if box.right < x1 - _ADVANCE_SLACK:
                # PDFium's box covers at least the advance: a shorter one means a width
                # pdfminer computes otherwise (horizontal scaling, a width missing).
                raise Unsupported("a char narrower than its advance")
        top = height - y1
        out.append({
            "matrix": (a, b, c, d, e, f), "adv": adv, "upright": True, "x0": x0, "y0": y0, "x1": x1,
            "y1": y1, "width": x1 - x0, "height": y1 - y0, "size": y1 - y0, "object_type": "char",
            "page_number": page_number, "text": _text(code), "top": top, "bottom": height - y0,
            "doctop": doctop + top,
        })
    return out


_TEXTS: dict[int, str] = {}


def _text(code: int) -> str:
    """The char's text as pdfplumber gives it with unicode_norm="NFKC"."""
    t = _TEXTS.get(code)
    if t is None:
        t = _TEXTS[code] = unicodedata.normalize("NFKC", chr(code))
    return t


def _path_ops(obj: Any) -> list[tuple[str, tuple[float, float]]]:
    """The path's operators as pdfminer records them, each with its end point in user
    space (a closing "h" ends at its subpath's start)."""
    ops: list[tuple[str, tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    pending_bezier = 0
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind not in _SEGMENT_OPS:
            raise Unsupported("an unknown path segment")
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        pt = (_r(x.value), _r(y.value))
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            pending_bezier += 1
            if pending_bezier < 3:
                continue  # control points: pdfminer keeps a curve's end point only
            pending_bezier = 0
        ops.append((_SEGMENT_OPS[kind], pt))
        if raw.FPDFPathSegment_GetClose(seg):
            ops.append(("h", pt))
    return ops


def _split_subpaths(ops: list[tuple[str, tuple[float, float]]]) -> list[list[tuple[str, tuple[float, float]]]]:
    out: list[list[tuple[str, tuple[float, float]]]] = []
    for op in ops:
        if op[0] == "m" or not out:
            out.append([])
        out[-1].append(op)
    return out


def _paint(sub: list[tuple[str, tuple[float, float]]], matrix: tuple[float, ...], common: dict[str, Any],
           height: float, doctop: float) -> dict[str, Any] | None:
    """One subpath as pdfminer's LTLine, LTRect or LTCurve, in pdfplumber's dict."""
    shape = "".join(op for op, _ in sub)
    if shape[:1] != "m":
        return None
    start = sub[0][1]
    pts = [apply_matrix_pt(matrix, start if op == "h" else pt) for op, pt in sub]  # type: ignore[arg-type]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    kind = "curve"
    if shape in {"mlh", "ml"}:
        kind = "line"
        pts = pts[:2]
    elif shape in {"mlllh", "mllll"}:
        (px0, py0), (px1, py1), (px2, py2), (px3, py3), _ = pts
        square = (px0 == px1 and py1 == py2 and px2 == px3 and py3 == py0) or (
            py0 == py1 and px1 == px2 and py2 == py3 and px3 == px0)
        if pts[0] == pts[4] and square:
            kind = "rect"
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    top = height - y1
    obj = {**common, "object_type": kind, "x0": x0, "y0": y0, "x1": x1, "y1": y1,
           "width": x1 - x0, "height": y1 - y0, "top": top, "bottom": height - y0, "doctop": doctop + top}
    if kind == "rect":  # LTRect's corners: from the path's first and third points
        (ax, ay), (bx, by) = pts[0], pts[2]
        pts = [(ax, ay), (bx, ay), (bx, by), (ax, by)]
    obj["pts"] = [(px, height - py) for px, py in pts]
    return obj


def _color(obj: Any, getter: Any, settings: PdfSettings) -> tuple[float, float, float]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    getter(obj, r, g, b, a)
    rgb = (r.value / 255, g.value / 255, b.value / 255)
    return rgb


def _paths(page: Any, height: float, doctop: float, page_number: int,
           settings: PdfSettings) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    m = raw.FS_MATRIX()
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    width = ctypes.c_float()
    for k in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            raise Unsupported("a Form XObject")
        if kind != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
        if not fill_mode.value and not stroke.value:
            continue
        raw.FPDFPageObj_GetMatrix(obj, m)
        matrix = (_r(m.a), _r(m.b), _r(m.c), _r(m.d), _r(m.e), _r(m.f))
        raw.FPDFPageObj_GetStrokeWidth(obj, width)
        fill = _color(obj, raw.FPDFPageObj_GetFillColor, settings)
        if fill_mode.value and not stroke.value and abs(min(fill) - settings.white_level) < _WHITE_MARGIN:
            # pdfminer's colour is in the colour space's own terms, PDFium's is RGB:
            # near the threshold the two may disagree on a background.
            raise Unsupported("a fill near the white threshold")
        common = {"page_number": page_number, "linewidth": _r(width.value), "stroke": bool(stroke.value),
                  "fill": bool(fill_mode.value), "evenodd": fill_mode.value == raw.FPDF_FILLMODE_ALTERNATE,
                  "stroking_color": _color(obj, raw.FPDFPageObj_GetStrokeColor, settings),
                  "non_stroking_color": fill}
        for sub in _split_subpaths(_path_ops(obj)):
            item = _paint(sub, matrix, common, height, doctop)
            if item is not None:
                out.setdefault(item["object_type"], []).append(item)
    return out


# PDFium's float32 box may end this far short of pdfminer's float64 advance.
_ADVANCE_SLACK = 0.01
# Fills this close to `white_level` (RGB share) are left to pdfminer (see _paths).
_WHITE_MARGIN = 0.03


def page_objects(doc: pdfium.PdfDocument, page: Page, settings: PdfSettings,
                 font_cache: dict[int, tuple[set[str], float | None]] | None = None) -> Objects | None:
    """The page's chars, lines, rects and curves as pdfplumber would parse them, or
    None when the page needs pdfminer (see the module's docstring). `font_cache`, one
    per document, spares reading a font's dictionaries again on every page."""
    if page.rotation or tuple(page.mediabox[:2]) != (0, 0) or tuple(page.cropbox) != tuple(page.mediabox):
        return None
    try:
        descents = font_descents(page, font_cache)
        pg = doc[page.page_number - 1]
        try:
            height, doctop = float(page.height), float(page.initial_doctop)
            tp = pg.get_textpage()
            try:
                chars = _chars(tp.raw, height, doctop, page.page_number, _Fonts(descents))
            finally:
                tp.close()
            objects = _paths(pg.raw, height, doctop, page.page_number, settings)
        finally:
            pg.close()
    except Unsupported:
        return None
    if chars:
        objects["char"] = chars
    return objects

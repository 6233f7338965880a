"""OCR of pages without a usable text layer (scans, glyphs without a Unicode map).

The page is rendered in colour and read through its red channel, in which a red seal
stamped over the table is as light as the paper while black print stays black. The
page is turned upright and levelled (`orient`), read line by line with RapidOCR
(`engine`: PP-OCR detection and recognition, offline), its tables found from their
ruling lines (`grid`), and every detected line assigned to its grid cell (`cells`), so
every number keeps its grid position and empty cells stay empty. Coordinates are
returned in PDF points (top-left origin) like pdfplumber's, so the PDF reader assembles
OCR pages exactly like text pages; each cell and line carries its confidence (0-100).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from PIL import Image

from pipeline.readers.ocr import engine, orient
from pipeline.readers.ocr.cells import assign, clean_digits, page_lines
from pipeline.readers.ocr.grid import find_tables
from pipeline.readers.ocr.model import OcrCell, OcrLine, OcrPage, OcrTable, OcrWord

__all__ = ["OcrCell", "OcrLine", "OcrPage", "OcrTable", "OcrWord", "clean_digits",
           "ensure_engine", "find_tables", "ocr_image", "ocr_pdfium_page", "seal_free_gray", "tinted"]

ensure_engine = engine.ensure_engine

# Red ink: red exceeds green and blue by this much (a seal ~170; black or grey print
# under 15).
_RED_TINT = 60
# ... and the fringe of a seal (JPEG smears its edge into pink): this much.
_PINK_TINT = 20
# Red-channel level from which a pixel is paper (seal ink is ~215 there, print < 150).
_PAPER = 190
# A page's longest lines read this much better turned half round: it is upside down.
_FLIP_MARGIN = 0.1
# Median score of the longest lines above which a page is taken as upright unchecked
# (upright pages measured 0.95-1.0; upside-down ones 0.3-0.7).
_UPRIGHT_SCORE = 0.9
# A detected line box this many times longer one way than the other runs that way (a
# lone CJK character or digit is square and says nothing).
_ELONGATED = 2.0


def _rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB")).astype(np.int16)


def _tint(rgb: np.ndarray) -> np.ndarray:
    """How much redder than green and blue each pixel is."""
    return rgb[:, :, 0] - np.maximum(rgb[:, :, 1], rgb[:, :, 2])


def tinted(image: Image.Image) -> np.ndarray | None:
    """The mask of pixels with any red tint (a seal's ink and its JPEG fringe; None for a
    grey image): a printed rule under a seal is black (red multiplies with black to
    black), a seal's own stroke is tinted."""
    if image.mode in ("L", "1", "P", "LA"):
        return None
    return _tint(_rgb(image)) > _PINK_TINT


def seal_free_gray(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """A grey page (uint8) in which red ink (seals, red headers) is as light as paper:
    the red channel of a colour image, the image itself when it is grey already; and
    the mask of the red ink (None for a grey image). Black print under a seal stays
    black, but a seal over a number still blurs it: cells under red ink are doubtful."""
    if image.mode in ("L", "1", "P", "LA"):
        return np.asarray(image.convert("L")), None
    rgb = _rgb(image)
    tint = _tint(rgb)
    red = tint > _RED_TINT
    # In the red channel a seal is light grey, not white, and the recogniser still reads
    # its strokes ("66" under a seal's rim came back "2666"): light enough is paper, but
    # only on and around red ink. Elsewhere a light pixel is print: the thin grey rules
    # of a LibreOffice table (1-2 px at 200 dpi, 185-200 here) are that light, and
    # whitening them merged the rows of the Pingtan 2023 scan.
    reddish = cv2.dilate((tint > _PINK_TINT).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    gray = np.where((rgb[:, :, 0] >= _PAPER) & reddish, 255, rgb[:, :, 0]).astype(np.uint8)
    return np.ascontiguousarray(gray), (red if red.any() else None)


def _crop(gray: np.ndarray, box: engine.Box, pad: int = 2) -> np.ndarray:
    h, w = gray.shape
    x0, x1 = max(int(box.x0) - pad, 0), min(int(box.x1) + pad, w)
    y0, y1 = max(int(box.top) - pad, 0), min(int(box.bottom) + pad, h)
    return gray[y0:y1, x0:x1]


def _upside_down(gray: np.ndarray, boxes: list[engine.Box]) -> bool:
    """True when the page's longest lines read clearly better turned half round."""
    wide = sorted((b for b in boxes if b.x1 - b.x0 > 3 * (b.bottom - b.top)),
                  key=lambda b: b.x1 - b.x0, reverse=True)[:6]
    # A page read the right way up scores high on its long lines: no need to look.
    if not wide or sorted(b.score for b in wide)[len(wide) // 2] >= _UPRIGHT_SCORE:
        return False
    crops = [_crop(gray, b) for b in wide]
    flipped = engine.recognise([np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
    as_is = engine.recognise(crops)
    gain = sum(s for _, s in flipped) - sum(s for _, s in as_is)
    return gain / len(wide) > _FLIP_MARGIN


def _lines_run_down(gray: np.ndarray) -> bool:
    """True when most elongated text lines the detector finds are taller than wide.

    The ink profiles (`orient.is_sideways`) cannot tell on their own: a table with many
    columns has a sharper column profile than row profile although it stands upright
    (the Pingtan 2023 table 三, 19 ruled columns, was turned a quarter round by them). The
    detector's line boxes can: on an upright page text lines are wide."""
    wide = tall = 0
    for quad in engine.detect(gray):
        w = float(quad[:, 0].max() - quad[:, 0].min())
        h = float(quad[:, 1].max() - quad[:, 1].min())
        if w >= _ELONGATED * h:
            wide += 1
        elif h >= _ELONGATED * w:
            tall += 1
    return tall > wide


def _turn(masks: list[np.ndarray | None], how: Callable[[np.ndarray], np.ndarray]) -> list[np.ndarray | None]:
    """Masks (uint8, 255 = set) turned the way the page is."""
    return [how(m) if m is not None else None for m in masks]


def _upright(gray: np.ndarray, masks: list[np.ndarray | None]
             ) -> tuple[np.ndarray, np.ndarray, list[engine.Box], float, int, list[np.ndarray | None]]:
    """(page, ink mask, OCR boxes, skew, quarter-turn rotation, masks) of the page made
    upright; the masks (bool: red ink, tinted ink) go through the same turns."""
    rotation = 0
    turned = [m.astype(np.uint8) * 255 if m is not None else None for m in masks]
    ink = orient.binarise(gray)
    # The profiles are cheap and never miss a sideways page; the detector confirms.
    if orient.is_sideways(ink) and _lines_run_down(gray):
        gray, rotation = orient.quarter_turns(gray, 1), 90
        turned = _turn(turned, lambda m: orient.quarter_turns(m, 1))
        ink = orient.binarise(gray)
    skew = orient.skew_angle(ink)
    if skew:
        gray = orient.rotate(gray, skew)
        turned = _turn(turned, lambda m: 255 - orient.rotate(255 - m, skew))
        ink = orient.binarise(gray)
    boxes = engine.read_page(gray)
    if _upside_down(gray, boxes):
        gray, rotation = orient.quarter_turns(gray, 2), (rotation + 180) % 360
        turned = _turn(turned, lambda m: orient.quarter_turns(m, 2))
        ink = orient.binarise(gray)
        boxes = engine.read_page(gray)
    return gray, ink, boxes, skew, rotation, [m > 127 if m is not None else None for m in turned]


def ocr_image(image: Image.Image, dpi: int) -> OcrPage:
    """OCR one page bitmap rendered at `dpi`."""
    engine.ensure_engine()
    started = time.perf_counter()
    gray, red = seal_free_gray(image)
    gray, ink, boxes, skew, rotation, (red, pink) = _upright(gray, [red, tinted(image) if red is not None else None])
    scale = 72 / dpi  # pixels → points
    page = OcrPage(width=gray.shape[1] * scale, height=gray.shape[0] * scale, skew=skew, rotation=rotation)
    tables = find_tables(ink > 0, dpi, red, [(int(b.x0), int(b.top), int(b.x1), int(b.bottom)) for b in boxes], pink)
    page.tables, rest = assign(gray, ink, tables, boxes, dpi, red)
    page.lines = page_lines(rest, scale)
    page.seconds = time.perf_counter() - started
    return page


def ocr_pdfium_page(page: Any, dpi: int = 300) -> OcrPage:
    """Render a pypdfium2 page (its /Rotate applied) in colour and OCR it."""
    engine.ensure_engine()
    image = page.render(scale=dpi / 72).to_pil()
    return ocr_image(image, dpi)

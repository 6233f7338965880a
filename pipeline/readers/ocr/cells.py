"""OCR lines into table cells and page lines.

Every detected line lands in the grid cell that holds it. A line that straddles a
vertical rule (the detector now and then joins two short numbers across a thin rule)
is cut at the cell edges and each part recognised again. A cell no line landed in but
with glyph-sized ink in it is recognised on its own; when even that reads nothing the
cell is "?" with confidence 0, never a silent blank (a blank is a 0 in the database).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.readers.ocr import engine
from pipeline.readers.ocr.grid import PxBox, _PxCell
from pipeline.readers.ocr.model import OcrCell, OcrLine, OcrTable, OcrWord

_CJK = re.compile(r"[\u3400-\u9fff]")
# A line is in one cell when that cell holds this share of its box.
_ONE_CELL = 0.75
# ... and a part of a straddling line is read again when its cell holds this share.
_PART = 0.15
UNREADABLE = "?"
_NUMBER = re.compile(r"[\d.,，]+")
SPLIT_NUMBERS = 30.0  # confidence of a cell holding two numbers side by side
# A seal stamped over a cell blurs what is under it (the seal ring turns "66" into
# "2666" with a confident score): a cell with this share of red ink is doubtful, its
# confidence capped here (under any review threshold).
_SEALED_SHARE = 0.01
SEALED = 40.0


# Latin letters the recogniser reads for digits (a "1" in a narrow cell came back "I"
# from the Huai'an 150-dpi scan). A count cell never prints a Latin letter, so a cell of
# digits and these letters only is the number they stand for; its score is kept.
_DIGIT_LOOKALIKES = str.maketrans({"I": "1", "l": "1", "O": "0", "o": "0"})


def clean_digits(text: str) -> str:
    """A numeric cell as printed: stray spaces and rule fragments removed, letters read
    for digits mapped back. Rule fragments alone ("|") stay: they are not a number."""
    t = text.replace(" ", "").replace("，", ",").replace("。", ".")
    if re.fullmatch(r"[\dIlOo|丨.,]*[\dIlOo][\dIlOo|丨.,]*", t):
        t = t.translate(_DIGIT_LOOKALIKES)
    stripped = t.replace("|", "").replace("丨", "")
    if re.fullmatch(r"[.,\-—]*\d[\d.,]*[.,\-—]*", stripped):
        return stripped.strip(".,-—")
    return t


def _join(texts: list[str]) -> str:
    """Pieces of one line: spaces only between Latin/digit pieces."""
    out = ""
    for t in texts:
        if not t:
            continue
        if out and not (_CJK.search(out[-1]) or _CJK.search(t[0])):
            out += " "
        out += t
    return out


@dataclass
class _Piece:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    score: float


@dataclass
class _Slot:
    box: PxBox
    pieces: list[_Piece] = field(default_factory=list)


def _lines(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped into lines (vertical centres within half a line height), top down,
    each left to right."""
    out: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.top + p.bottom) / 2):
        mid = (p.top + p.bottom) / 2
        if out:
            last = out[-1]
            top = min(q.top for q in last)
            bottom = max(q.bottom for q in last)
            if top <= mid <= bottom and abs(mid - (top + bottom) / 2) <= 0.5 * (bottom - top):
                last.append(p)
                continue
        out.append([p])
    return [sorted(line, key=lambda p: p.x0) for line in out]


def _cell_text(pieces: list[_Piece]) -> tuple[str, float]:
    lines = _lines(pieces)
    text = "\n".join(_join([p.text for p in line]) for line in lines)
    score = min(p.score for p in pieces)
    # Two numbers side by side in one cell: a rule between them was not found (the
    # columns merged) or a stray mark was read. Never glue them into one number ("0" and
    # "11" are not 011): keep them apart and make the cell doubtful.
    if any(sum(1 for p in line if _NUMBER.fullmatch(p.text.strip())) >= 2 for line in lines):
        return text, min(score, SPLIT_NUMBERS / 100)
    return (clean_digits(text) if "\n" not in text else text), score


def _inner(gray_shape: tuple[int, int], box: PxBox, inset: int) -> PxBox:
    x0, y0, x1, y1 = box
    h, w = gray_shape
    return max(x0 + inset, 0), max(y0 + inset, 0), min(x1 - inset, w), min(y1 - inset, h)


def _glyph_ink(ink: np.ndarray, box: PxBox, dpi: int) -> PxBox | None:
    """The bounding box of glyph-sized ink inside a cell (rules and specks ignored)."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    crop = ink[y0:y1, x0:x1].copy()
    # Remnants of rules along the crop edges: rows/columns that are almost all ink.
    crop[(crop > 0).mean(axis=1) > 0.6, :] = 0
    crop[:, (crop > 0).mean(axis=0) > 0.6] = 0
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    min_h = max(dpi / 36, 4)  # 2 pt: the height of a full stop is below, any digit above
    found = [s for s in stats[1:] if s[cv2.CC_STAT_HEIGHT] >= min_h and s[cv2.CC_STAT_AREA] >= min_h]
    if not found:
        return None
    gx0 = min(int(s[cv2.CC_STAT_LEFT]) for s in found)
    gy0 = min(int(s[cv2.CC_STAT_TOP]) for s in found)
    gx1 = max(int(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH]) for s in found)
    gy1 = max(int(s[cv2.CC_STAT_TOP] + s[cv2.CC_STAT_HEIGHT]) for s in found)
    return x0 + gx0, y0 + gy0, x0 + gx1, y0 + gy1


def _pad_crop(gray: np.ndarray, box: PxBox, pad: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _overlap(a: tuple[float, float, float, float], b: PxBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _place(gray: np.ndarray, slots: list[_Slot], box: engine.Box, inset: int) -> None:
    """Put one OCR line into the cell(s) it covers."""
    rect = (box.x0, box.top, box.x1, box.bottom)
    area = max((rect[2] - rect[0]) * (rect[3] - rect[1]), 1.0)
    shares = [(_overlap(rect, s.box) / area, s) for s in slots]
    shares = [(f, s) for f, s in shares if f > 0]
    if not shares:
        return
    best, slot = max(shares, key=lambda fs: fs[0])
    if best >= _ONE_CELL:
        slot.pieces.append(_Piece(*rect, box.text, box.score))
        return
    parts = [s for f, s in shares if f >= _PART]
    crops, kept = [], []
    for s in parts:
        x0, y0, x1, y1 = _inner(gray.shape, s.box, inset)
        part = (max(int(rect[0]), x0), max(int(rect[1]), y0), min(int(rect[2]), x1), min(int(rect[3]), y1))
        if part[2] - part[0] >= 3 and part[3] - part[1] >= 3:
            crops.append(_pad_crop(gray, part, 4))
            kept.append((s, part))
    for (s, part), (text, score) in zip(kept, engine.recognise(crops), strict=True):
        if text:
            s.pieces.append(_Piece(*map(float, part), text, score))


def _under_seal(red: np.ndarray | None, box: PxBox) -> bool:
    if red is None:
        return False
    x0, y0, x1, y1 = box
    area = red[y0:y1, x0:x1]
    return area.size > 0 and float(area.mean()) > _SEALED_SHARE


def assign(gray: np.ndarray, ink: np.ndarray, tables: list[tuple[PxBox, list[_PxCell]]],
           boxes: list[engine.Box], dpi: int, red: np.ndarray | None = None
           ) -> tuple[list[OcrTable], list[engine.Box]]:
    """The tables with their cells' text, and the boxes outside every table. A cell with
    text under red ink (`red`: a seal) gets confidence SEALED at most."""
    scale = 72 / dpi
    inset = max(int(4 * dpi / 300), 2)
    rest: list[engine.Box] = []
    all_slots = [[_Slot(c.box) for c in cells] for _tb, cells in tables]
    for box in boxes:
        cx, cy = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
        home = next((i for i, (tb, _c) in enumerate(tables) if tb[0] <= cx <= tb[2] and tb[1] <= cy <= tb[3]), None)
        if home is None:
            rest.append(box)
        else:
            _place(gray, all_slots[home], box, inset)
    out = []
    for (tb, _cells), slots in zip(tables, all_slots, strict=True):
        _read_missed(gray, ink, slots, dpi, inset)
        cells = []
        for s in slots:
            bbox = tuple(v * scale for v in s.box)
            pieces = [p for p in s.pieces if p.text]
            if pieces:
                text, score = _cell_text(pieces)
                conf = round(score * 100, 1)
                if _under_seal(red, s.box):
                    conf = min(conf, SEALED)
                cells.append(OcrCell(bbox, text, conf))  # type: ignore[arg-type]
            elif s.pieces:  # detected ink the recogniser read as nothing
                cells.append(OcrCell(bbox, UNREADABLE, 0.0))  # type: ignore[arg-type]
            else:
                cells.append(OcrCell(bbox, "", 100.0))  # type: ignore[arg-type]
        out.append(OcrTable(tuple(v * scale for v in tb), cells))  # type: ignore[arg-type]
    return out, rest


def _read_missed(gray: np.ndarray, ink: np.ndarray, slots: list[_Slot], dpi: int, inset: int) -> None:
    """Cells no line landed in but with glyph-sized ink: recognise that ink on its own."""
    todo: list[tuple[_Slot, PxBox]] = []
    for s in slots:
        if s.pieces:
            continue
        glyphs = _glyph_ink(ink, _inner(gray.shape, s.box, inset), dpi)
        if glyphs is not None:
            todo.append((s, glyphs))
    crops = [_pad_crop(gray, g, max(int(dpi / 25), 4)) for _s, g in todo]
    for (s, g), (text, score) in zip(todo, engine.recognise(crops), strict=True):
        s.pieces.append(_Piece(*map(float, g), text, score))


# Chinese type sizes (初号 … 小六, points): a detected line's height is snapped to one,
# so that lines of one font compare equal as the PDF reader expects (it merges lines
# whose sizes differ by at most 1 pt).
_TYPE_SIZES = (42.0, 36.0, 26.0, 24.0, 22.0, 18.0, 16.0, 15.0, 14.0, 12.0, 10.5, 9.0, 7.5, 6.5)
# A detected box is this much taller than the type (brackets, the detector's margin):
# measured on the Huai'an scan, 16 pt body lines are 17.2-18.2 pt boxes, 22 pt title
# lines 22.1-23.2.
_BOX_MARGIN = 1.5
# Lines whose height is within this share of the body lines' are body type.
_BODY_SHARE = 0.12


def _type_size(height: float) -> float:
    return min(_TYPE_SIZES, key=lambda s: abs(s - (height - _BOX_MARGIN)))


def page_lines(boxes: list[engine.Box], scale: float) -> list[OcrLine]:
    """Boxes outside the tables as lines of page text, top down."""
    pieces = [_Piece(b.x0, b.top, b.x1, b.bottom, b.text, b.score) for b in boxes if b.text]
    out = []
    for line in _lines(pieces):
        words = [OcrWord(p.text, p.x0 * scale, p.top * scale, p.x1 * scale, p.bottom * scale,
                         round(p.score * 100, 1)) for p in line]
        out.append(OcrLine(words, round(sum(w.conf for w in words) / len(words), 1)))
    heights = [ln.bottom - ln.top for ln in out]
    long_lines = sorted(h for ln, h in zip(out, heights, strict=True) if len(ln.text) >= 10)
    body = long_lines[len(long_lines) // 2] if long_lines else None
    for ln, h in zip(out, heights, strict=True):
        near_body = body is not None and abs(h - body) <= _BODY_SHARE * body
        ln.font_size = _type_size(body if near_body and body is not None else h)
    return out

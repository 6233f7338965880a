"""The previous OCR engine (Tesseract, per cell), kept only so that scripts/bench_ocr.py
can measure it against RapidOCR on the same scans (`--engine tesseract`). Not used by
the pipeline.

OCR of pages without a usable text layer (scans, glyphs without a Unicode map).

The page is rendered with PDFium at ~300 dpi. Table cells are found from the ruling
lines of the bitmap (long thin runs of dark pixels, found with numpy; no OpenCV),
and each cell is recognised on its own, which keeps every number in its grid
position: a page-level OCR would read a table row as one line of numbers and lose
the empty cells. Cells go to Tesseract in batches (one process per batch via a list
file: starting Tesseract and loading chi_sim costs ~0.15 s, more than recognising a
cell):

* pass 1, every non-blank cell: chi_sim+eng, --psm 6 (a block: labels wrap);
* pass 2, cells whose pass-1 text looks numeric: eng, --psm 7 (one line), digits
  whitelist. Tesseract's language model happily turns "0" into "O" or "口" and
  reads a ruling line as "|"; the whitelist rules that out.

Text outside tables is recognised from the page with the tables blanked out.
Coordinates are returned in PDF points (top-left origin) like pdfplumber's, so
`pdf_reader` assembles OCR pages exactly like text pages. Confidences are
Tesseract's word confidences (0-100), averaged per cell or line.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from pipeline.model import RejectedInput

BBox = tuple[float, float, float, float]

# Its review threshold: mean Tesseract word confidence (0-100).
REVIEW_CONFIDENCE = 50.0
LANG_TEXT = "chi_sim+eng"  # page text: Chinese with e-mail addresses, URLs, dates
# Table cells: labels are Chinese only, and with eng loaded Tesseract reads the
# numeral 三 in "（三）" as "=".
CELL_LANG = "chi_sim"
DIGIT_WHITELIST = "-c tessedit_char_whitelist=0123456789.,%-"
# Three digit readings vote: one text line (psm 7) at ~45 px, the same at 0.6x
# (~27 px), a raw line (psm 13) at ~45 px. Measured on 813 numeric cells (three
# tables rasterised at 150/200/300 dpi): psm 7 alone misses or misreads 63, 0.6x
# psm 7 misses 15 (never wrong), psm 13 reads "1" as "4" (49 errors); the majority
# of the three misses 1 and misreads none.
DIGIT_CONFIGS = (f"--psm 7 {DIGIT_WHITELIST}", f"--psm 13 {DIGIT_WHITELIST}")
SMALL_DIGIT_SCALE = 0.6
CELL_CONFIG = "--psm 6"
RETRY_CONFIG = "--psm 13"
PAGE_CONFIG = "--psm 4"  # a single column of text of variable sizes: report pages
# A ruling line is a run of dark pixels at least this long (at 300 dpi: 5 mm). The
# longest stroke of a 12 pt CJK glyph ("一") is ~45 px, so glyphs never qualify.
MIN_RULE_PX_AT_300 = 60
# ... and at most this thick (a heavy table border is ~1.5 pt = 6 px at 300 dpi).
MAX_RULE_THICKNESS_AT_300 = 10
TARGET_LINE_PX = 45
DARK = 160  # grey level below which a pixel is ink (paper ~255, text and rules < 100)
_VALUE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
_NUMERIC_LIKE = re.compile(r"^[\s\dOoIl|丨.,，。%\-—]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")


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

    @property
    def text(self) -> str:
        return _join_words([w.text for w in self.words])

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        # Glyph boxes of CJK text are about the font size tall.
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
    width: float  # PDF points
    height: float
    lines: list[OcrLine] = field(default_factory=list)
    tables: list[OcrTable] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def mean_confidence(self) -> float:
        confs = [c.conf for t in self.tables for c in t.cells if c.text] + [ln.conf for ln in self.lines]
        return statistics.fmean(confs) if confs else 0.0


# --------------------------------------------------------------------------------------
# Tesseract


@functools.cache
def tesseract_languages() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:] if line.strip())


def ensure_tesseract() -> str:
    """The language string to use; RejectedInput when OCR is impossible here."""
    if shutil.which("tesseract") is None:
        raise RejectedInput("scanned PDF needs OCR: tesseract not installed")
    langs = tesseract_languages()
    if "chi_sim" not in langs:
        raise RejectedInput("scanned PDF needs OCR: tesseract language chi_sim not installed")
    return LANG_TEXT if "eng" in langs else "chi_sim"


def _tesseract_batch(images: Sequence[Image.Image], lang: str, config: str) -> list[list[dict[str, Any]]]:
    """Recognise several images with one Tesseract process; words per image."""
    import pytesseract

    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="gongkai-ocr-") as tmp:
        paths = []
        for i, im in enumerate(images):
            p = os.path.join(tmp, f"{i:05d}.png")
            im.save(p)
            paths.append(p)
        listing = os.path.join(tmp, "list.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(paths) + "\n")
        data = pytesseract.image_to_data(listing, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    out: list[list[dict[str, Any]]] = [[] for _ in images]
    for k in range(len(data["text"])):
        text = str(data["text"][k]).strip()
        conf = float(data["conf"][k])
        if not text or conf < 0:
            continue
        page = int(data["page_num"][k]) - 1
        if 0 <= page < len(out):
            out[page].append({
                "text": text, "conf": conf,
                "left": int(data["left"][k]), "top": int(data["top"][k]),
                "width": int(data["width"][k]), "height": int(data["height"][k]),
                "block": int(data["block_num"][k]), "par": int(data["par_num"][k]), "line": int(data["line_num"][k]),
            })
    return out


def _join_words(words: Sequence[str]) -> str:
    """Tesseract separates CJK characters with spaces; keep spaces only between
    Latin/digit words."""
    out = ""
    for w in words:
        if out and not (_CJK.search(out[-1]) or _CJK.search(w[0])):
            out += " "
        out += w
    return out


def clean_digits(text: str) -> str:
    """A numeric cell as printed: stray spaces and rule fragments removed."""
    t = text.replace("|", "").replace("丨", "").replace(" ", "").replace("，", ",").replace("。", ".")
    return t.strip(".,-—") if re.fullmatch(r"[.,\-—]*\d[\d.,]*[.,\-—]*", t) else t


# --------------------------------------------------------------------------------------
# Ruling lines and cells


def _runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of horizontal runs of True at least `min_len` long."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    starts = np.argwhere(d == 1)
    ends = np.argwhere(d == -1)
    lengths = ends[:, 1] - starts[:, 1]
    keep = lengths >= min_len
    return [(int(r), int(s), int(e)) for (r, s), (_, e) in zip(starts[keep], ends[keep], strict=True)]


@dataclass
class _Rule:
    pos: float  # y of a horizontal rule, x of a vertical one (pixels)
    a: int  # extent along the rule
    b: int
    thickness: int


def _rules(mask: np.ndarray, min_len: int, max_thick: int) -> list[_Rule]:
    """Long thin runs grouped across adjacent rows into rules. Runs interrupted by a
    few pixels (a scan's broken line) are bridged first."""
    runs = _runs(mask, min_len // 3)
    by_row: dict[int, list[list[int]]] = {}
    for r, s, e in runs:
        row = by_row.setdefault(r, [])
        if row and s - row[-1][1] <= 4:
            row[-1][1] = e
        else:
            row.append([s, e])
    open_rules: list[list[int]] = []  # [first_row, last_row, a, b]
    done: list[list[int]] = []
    for r in sorted(by_row):
        segs = [seg for seg in by_row[r] if seg[1] - seg[0] >= min_len]
        still: list[list[int]] = []
        for rule in open_rules:
            if rule[1] < r - 1:
                done.append(rule)
            else:
                still.append(rule)
        open_rules = still
        for s, e in segs:
            for rule in open_rules:
                if rule[1] == r - 1 and min(e, rule[3]) - max(s, rule[2]) > 0.5 * min(e - s, rule[3] - rule[2]):
                    rule[1] = r
                    rule[2] = min(rule[2], s)
                    rule[3] = max(rule[3], e)
                    break
            else:
                open_rules.append([r, r, s, e])
    done.extend(open_rules)
    return [_Rule((first + last) / 2, a, b, last - first + 1) for first, last, a, b in done if last - first + 1 <= max_thick]


def _coverage(rules: list[_Rule], pos: float, a: float, b: float, tol: float) -> float:
    """Share of [a, b] covered by rules lying within `tol` of `pos`."""
    segs = sorted((max(r.a, a), min(r.b, b)) for r in rules if abs(r.pos - pos) <= tol and r.b > a and r.a < b)
    covered = 0.0
    end = a
    for s, e in segs:
        if e <= end:
            continue
        covered += e - max(s, end)
        end = e
    return covered / max(b - a, 1)


def _cluster(values: Sequence[float], tol: float) -> list[float]:
    vs = sorted(values)
    if not vs:
        return []
    groups = [[vs[0]]]
    for v in vs[1:]:
        if v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _root(parent: list[int], i: int) -> int:
    """Union-find root with path halving."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@dataclass
class _PxCell:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


def find_tables(ink: np.ndarray, dpi: int) -> list[tuple[tuple[int, int, int, int], list[_PxCell]]]:
    """Tables (pixel bbox, cells) from the ruling lines of a binarised page."""
    k = dpi / 300
    min_len = max(int(MIN_RULE_PX_AT_300 * k), 20)
    max_thick = max(int(MAX_RULE_THICKNESS_AT_300 * k), 3)
    hrules = _rules(ink, min_len, max_thick)
    vrules = _rules(ink.T, min_len, max_thick)
    if len(hrules) < 2 or len(vrules) < 2:
        return []
    tol = max(4 * k, 3)
    # Group rules into tables: rules that touch belong to the same table.
    parent = list(range(len(hrules) + len(vrules)))
    for i, h in enumerate(hrules):
        for j, v in enumerate(vrules):
            if v.a - tol <= h.pos <= v.b + tol and h.a - tol <= v.pos <= h.b + tol:
                parent[_root(parent, i)] = _root(parent, len(hrules) + j)
    groups: dict[int, tuple[list[_Rule], list[_Rule]]] = {}
    for i, h in enumerate(hrules):
        groups.setdefault(_root(parent, i), ([], []))[0].append(h)
    for j, v in enumerate(vrules):
        groups.setdefault(_root(parent, len(hrules) + j), ([], []))[1].append(v)
    tables = []
    for hs, vs in groups.values():
        if len(hs) < 2 or len(vs) < 2:
            continue
        ys = _cluster([h.pos for h in hs], tol)
        xs = _cluster([v.pos for v in vs], tol)
        if len(ys) < 2 or len(xs) < 3:
            continue  # a box around a paragraph, not a table
        nr, nc = len(ys) - 1, len(xs) - 1
        idx = {(r, c): r * nc + c for r in range(nr) for c in range(nc)}
        up = list(range(nr * nc))
        # Neighbouring grid positions without a rule between them are one merged cell.
        for r in range(nr):
            for c in range(nc):
                if c + 1 < nc and _coverage(vs, xs[c + 1], ys[r], ys[r + 1], tol) < 0.5:
                    up[_root(up, idx[(r, c)])] = _root(up, idx[(r, c + 1)])
                if r + 1 < nr and _coverage(hs, ys[r + 1], xs[c], xs[c + 1], tol) < 0.5:
                    up[_root(up, idx[(r, c)])] = _root(up, idx[(r + 1, c)])
        comps: dict[int, list[tuple[int, int]]] = {}
        for (r, c), i in idx.items():
            comps.setdefault(_root(up, i), []).append((r, c))
        cells = []
        for members in comps.values():
            r0 = min(r for r, _ in members)
            r1 = max(r for r, _ in members) + 1
            c0 = min(c for _, c in members)
            c1 = max(c for _, c in members) + 1
            cells.append(_PxCell((int(xs[c0]), int(ys[r0]), int(xs[c1]), int(ys[r1]))))
        tables.append(((int(xs[0]), int(ys[0]), int(xs[-1]), int(ys[-1])), cells))
    return tables


def _ink_bands(ink: np.ndarray, min_gap: int = 2) -> list[tuple[int, int]]:
    """Row ranges [a, b) that hold ink, separated by at least `min_gap` blank rows."""
    rows = ink.any(axis=1)
    bands: list[tuple[int, int]] = []
    start = None
    blank = 0
    for y, has in enumerate(rows):
        if has:
            if start is None:
                start = y
            blank = 0
        elif start is not None:
            blank += 1
            if blank >= min_gap:
                bands.append((start, y - blank + 1))
                start = None
                blank = 0
    if start is not None:
        bands.append((start, len(rows) - blank))
    return bands


def _cell_image(gray: np.ndarray, box: tuple[int, int, int, int], inset: int) -> Image.Image | None:
    """The cell's ink, rules removed, on a white margin, scaled to the glyph height
    Tesseract reads best; None when the cell is blank. A label printed one character
    per line down a narrow cell is laid out as one horizontal line first: Tesseract
    drops a lone "三" (three strokes) as noise but reads it in a line of text."""
    x0, y0, x1, y1 = box
    crop = gray[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    if crop.size == 0:
        return None
    ink = crop < DARK
    # Remnants of rules along the crop edges: rows/columns that are almost all ink.
    crop = crop.copy()
    crop[ink.mean(axis=1) > 0.6, :] = 255
    crop[:, ink.mean(axis=0) > 0.6] = 255
    ink = crop < DARK
    if ink.sum() < 12:
        return None
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    crop = crop[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    ink = crop < DARK
    bands = _ink_bands(ink, min_gap=2)
    height, width = crop.shape
    # Glyphs made of separate strokes (三, 二) are several bands: merge bands while the
    # result is no taller than the column is wide (one square CJK glyph).
    merged: list[tuple[int, int]] = []
    for a, b in bands:
        if merged and b - merged[-1][0] <= 1.1 * width:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if len(merged) >= 3 and height > 2.5 * width:
        bands = merged
    if len(bands) >= 3 and height > 2.5 * width and all(b - a < 1.6 * width for a, b in bands):
        glyph = max(b - a for a, b in bands)
        gap = max(glyph // 4, 4)
        line = np.full((glyph, sum(width + gap for _ in bands)), 255, dtype=np.uint8)
        x = 0
        for a, b in bands:
            piece = crop[a:b]
            off = glyph - (b - a)  # bottom-aligned, as on a line of text
            line[off:off + (b - a), x:x + width] = piece
            x += width + gap
        crop = line
        bands = [(0, glyph)]
    # Scale so that a text line is ~45 px tall: small table type (9 pt = 37 px at
    # 300 dpi) loses a box-like first glyph (四) otherwise; much larger (65 px and
    # up) and the digit model starts returning nothing for "0".
    line_h = statistics.median(b - a for a, b in bands) if bands else crop.shape[0]
    factor = min(max(TARGET_LINE_PX / max(line_h, 1), 1.0), 3.0)
    image = Image.fromarray(crop)
    if factor > 1.05:
        image = image.resize((max(int(image.width * factor), 1), max(int(image.height * factor), 1)), Image.LANCZOS)
    pad = 20
    framed = Image.new("L", (image.width + 2 * pad, image.height + 2 * pad), 255)
    framed.paste(image, (pad, pad))
    return framed


def _digit_reading(runs: list[list[dict[str, Any]]]) -> tuple[str, float] | None:
    """Majority of the digit readings that are well-formed numbers (ties: the most
    confident); None when no run read a number. The confidence is the agreeing
    readings' mean, scaled by their share of the readings."""
    readings: list[tuple[str, float]] = []
    for words in runs:
        text = clean_digits("".join(w["text"] for w in words))
        if words and _VALUE.fullmatch(text):
            readings.append((text, _words_conf(words)))
    if not readings:
        return None
    votes: dict[str, list[float]] = {}
    for text, conf in readings:
        votes.setdefault(text, []).append(conf)
    text, confs = max(votes.items(), key=lambda kv: (len(kv[1]), max(kv[1])))
    return text, statistics.fmean(confs) * len(confs) / len(readings)


def _choose(text_words: list[dict[str, Any]], digit_runs: list[list[dict[str, Any]]]) -> tuple[str, float]:
    """Pick the digit reading or the text reading of a cell.

    The digit reading wins when it is a well-formed number and the text reading has
    no Chinese, or is a short guess no more confident than the digits (chi_sim reads
    a small "35" as 双 and a lone "1" as "]").
    """
    text, conf = _cell_text(text_words), _words_conf(text_words)
    digits = _digit_reading(digit_runs)
    if digits is not None:
        short_guess = len(re.sub(r"\s", "", text)) <= 2 and digits[1] >= min(conf, 60)
        if not _CJK.search(text) or short_guess:
            return digits
    if _NUMERIC_LIKE.match(text) and not _CJK.search(text):
        return clean_digits(text), conf
    return text, conf


def _words_conf(words: list[dict[str, Any]]) -> float:
    if not words:
        return 0.0
    weights = [max(len(w["text"]), 1) for w in words]
    return sum(w["conf"] * n for w, n in zip(words, weights, strict=True)) / sum(weights)


def _cell_text(words: list[dict[str, Any]]) -> str:
    """Words of one cell in reading order: lines by Tesseract's line ids."""
    lines: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for w in words:
        lines.setdefault((w["block"], w["par"], w["line"]), []).append(w)
    ordered = sorted(lines.values(), key=lambda ws: min(w["top"] for w in ws))
    return "\n".join(_join_words([w["text"] for w in sorted(ws, key=lambda w: w["left"])]) for ws in ordered)


# --------------------------------------------------------------------------------------
# Pages


def ocr_image(image: Image.Image, dpi: int) -> OcrPage:
    """OCR one page bitmap rendered at `dpi`."""
    lang = ensure_tesseract()
    started = time.perf_counter()
    scale = 72 / dpi  # pixels → points
    gray = np.asarray(image.convert("L"))
    ink = gray < DARK
    page = OcrPage(width=gray.shape[1] * scale, height=gray.shape[0] * scale)
    tables = find_tables(ink, dpi)
    inset = max(int(4 * dpi / 300), 2)
    cell_refs: list[tuple[int, int]] = []
    crops: list[Image.Image] = []
    results: list[list[OcrCell]] = []
    for ti, (_tb, cells) in enumerate(tables):
        row: list[OcrCell] = []
        for ci, cell in enumerate(cells):
            x0, y0, x1, y1 = cell.box
            bbox = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
            im = _cell_image(gray, cell.box, inset)
            row.append(OcrCell(bbox, "", 100.0))
            if im is not None:
                cell_refs.append((ti, ci))
                crops.append(im)
        results.append(row)
    # The page text outside tables, with the tables blanked, runs alongside the cells.
    text_gray = gray.copy()
    for (x0, y0, x1, y1), _cells in tables:
        text_gray[max(y0 - 3, 0):y1 + 4, max(x0 - 3, 0):x1 + 4] = 255
    has_text = bool((text_gray < DARK).sum() > 50)
    cell_lang = CELL_LANG if CELL_LANG in tesseract_languages() else lang
    digit_lang = "eng" if "eng" in tesseract_languages() else cell_lang
    # Independent Tesseract runs: page text, cells as text, cells as digits (twice).
    with ThreadPoolExecutor(max_workers=3) as pool:
        page_job = pool.submit(_tesseract_batch, [Image.fromarray(text_gray)], lang, PAGE_CONFIG) if has_text else None
        small = [im.resize((max(int(im.width * SMALL_DIGIT_SCALE), 1), max(int(im.height * SMALL_DIGIT_SCALE), 1)),
                           Image.LANCZOS) for im in crops]
        digit_jobs = [pool.submit(_tesseract_batch, crops, digit_lang, cfg) for cfg in DIGIT_CONFIGS]
        digit_jobs.append(pool.submit(_tesseract_batch, small, digit_lang, DIGIT_CONFIGS[0]))
        first = _tesseract_batch(crops, cell_lang, CELL_CONFIG)
        digit_runs = [job.result() for job in digit_jobs]
        # Block layout analysis (psm 6) now and then finds no text in a short label
        # ("法提供"); those cells are read again as a raw line (psm 13).
        retry = [k for k in range(len(crops)) if _words_conf(first[k]) < 60
                 and _digit_reading([run[k] for run in digit_runs]) is None]
        again = _tesseract_batch([crops[k] for k in retry], cell_lang, RETRY_CONFIG)
        for k, words in zip(retry, again, strict=True):
            if _words_conf(words) > _words_conf(first[k]):
                first[k] = words
        page_words = page_job.result()[0] if page_job is not None else []
    for k, (ti, ci) in enumerate(cell_refs):
        text, conf = _choose(first[k], [run[k] for run in digit_runs])
        results[ti][ci].text = text
        results[ti][ci].conf = round(conf, 1)
    for (tb, _cells), row in zip(tables, results, strict=True):
        x0, y0, x1, y1 = tb
        page.tables.append(OcrTable((x0 * scale, y0 * scale, x1 * scale, y1 * scale), row))
    # Lines of page text.
    by_line: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for w in page_words:
        by_line.setdefault((w["block"], w["par"], w["line"]), []).append(w)
    for ws in by_line.values():
        ws.sort(key=lambda w: w["left"])
        words = [OcrWord(w["text"], w["left"] * scale, w["top"] * scale, (w["left"] + w["width"]) * scale,
                         (w["top"] + w["height"]) * scale, w["conf"]) for w in ws]
        page.lines.append(OcrLine(words, round(_words_conf(ws), 1)))
    page.lines.sort(key=lambda ln: (ln.top, ln.words[0].x0))
    page.seconds = time.perf_counter() - started
    return page


def ocr_pdfium_page(page: Any, dpi: int = 300) -> OcrPage:
    """Render a pypdfium2 page (rotation applied) and OCR it."""
    ensure_tesseract()
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    return ocr_image(image, dpi)

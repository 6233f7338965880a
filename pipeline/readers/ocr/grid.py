"""Table grids from the ruling lines of a page bitmap.

Ruling lines are isolated with OpenCV morphology (an opening with a long thin kernel
keeps only runs of ink longer than any glyph stroke, bridging the small breaks of a
scanned line first); they are then grouped into tables and the grid's merged cells
found where a rule between two grid positions is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

# A ruling line is a run of ink at least this long (at 300 dpi: 5 mm). The longest
# stroke of a 12 pt CJK glyph ("一") is ~45 px, so glyphs never qualify.
MIN_RULE_PX_AT_300 = 60
# ... and at most this thick (a heavy table border is ~1.5 pt = 6 px at 300 dpi; a
# scanned rule smears to about twice that).
MAX_RULE_THICKNESS_AT_300 = 14

# A rule a quarter of whose run (measured: seal flanks 0.31-0.41, printed rules under a
# seal up to 0.13) lies on or within _SEAL_FRINGE px of red ink is
# a seal's stroke.
_SEAL_RULE_SHARE = 0.25
_SEAL_FRINGE = 3
# ... but only when that much of its own ink is tinted red: a printed rule the seal lies
# over is black (red multiplies with black to black) and was measured 0.08-0.23 tinted
# (JPEG bleeds the seal's colour into it), a seal's stroke 0.26-1.0. The share near red
# ink alone removed the column rule under the seal of a 200-dpi scan of
# qinghe-county-office-2019 (0.30 of it near red ink, 0.15 tinted): table 四 lost a column.
_SEAL_INK_SHARE = 0.25

# A rule lying this much (of its run) inside the text lines the recogniser found is a
# glyph stroke: the close that bridges a scan's broken rules also joins the aligned
# strokes of neighbouring characters (二 三 本 年 …), and of a label's lines one above the
# other, into runs of 60-130 px; in a LibreOffice table of 12 pt type such runs became
# grid lines that split and merged cells (a 300-dpi scan of qinghe-county-office-2019
# lost 82 of its 198 cells to them). A text box is trusted only inside this share of its
# height (or width) from its edges, where a real rule does not pass.
_STROKE_SHARE = 0.6
_TEXT_INSET = 0.15

PxBox = tuple[int, int, int, int]


def rule_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) masks (bool) of the ruling lines in an ink mask."""
    k = dpi / 300
    length = max(int(MIN_RULE_PX_AT_300 * k), 20)
    im = ink.astype(np.uint8) * 255
    bridge = max(int(3 * k), 1)
    h = cv2.morphologyEx(im, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * bridge + 1, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    v = cv2.morphologyEx(im, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * bridge + 1)))
    v = cv2.morphologyEx(v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return h > 0, v > 0


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
    segs = [(max(r.a, a), min(r.b, b)) for r in rules if abs(r.pos - pos) <= tol and r.b > a and r.a < b]
    return _union_length(segs, a) / max(b - a, 1)


def _union_length(segs: list[tuple[float, float]], start: float) -> float:
    """Length of the union of segments (each already clipped to begin at or after `start`)."""
    covered, end = 0.0, start
    for s, e in sorted(segs):
        if e > end:
            covered += e - max(s, end)
            end = e
    return covered


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


def _red_share(red: np.ndarray, rule: _Rule) -> float:
    """Share of a rule's run (`red` in the rule's own orientation) that is red ink."""
    row = min(max(int(round(rule.pos)), 0), red.shape[0] - 1)
    run = red[row, max(rule.a, 0):rule.b]
    return float(run.mean()) if run.size else 0.0


def _tinted_share(rules_mask: np.ndarray, tinted: np.ndarray, rule: _Rule) -> float:
    """Share of a rule's own ink (both masks in the rule's own orientation) that is tinted."""
    row = int(round(rule.pos))
    lo, hi = max(row - rule.thickness // 2 - 1, 0), row + rule.thickness // 2 + 2
    own = rules_mask[lo:hi, max(rule.a, 0):rule.b]
    return float(tinted[lo:hi, max(rule.a, 0):rule.b][own].mean()) if own.any() else 0.0


def _seal_stroke(rule: _Rule, near: np.ndarray, rules_mask: np.ndarray, tinted: np.ndarray | None) -> bool:
    return _red_share(near, rule) > _SEAL_RULE_SHARE and (
        tinted is None or _tinted_share(rules_mask, tinted, rule) > _SEAL_INK_SHARE)


def _inside_text(rule: _Rule, spans: list[tuple[float, float, float, float]]) -> bool:
    """True when most of a rule's run lies inside text boxes, given as (across from,
    across to, along from, along to) in the rule's own orientation, already inset."""
    segs = [(max(a, rule.a), min(b, rule.b)) for lo, hi, a, b in spans
            if lo <= rule.pos <= hi and b > rule.a and a < rule.b]
    return _union_length(segs, rule.a) >= _STROKE_SHARE * max(rule.b - rule.a, 1)


def _text_spans(text: Sequence[PxBox]) -> tuple[list[tuple[float, float, float, float]],
                                                list[tuple[float, float, float, float]]]:
    """The inset text boxes as seen by horizontal rules and by vertical ones."""
    hs, vs = [], []
    for x0, y0, x1, y1 in text:
        dy, dx = _TEXT_INSET * (y1 - y0), _TEXT_INSET * (x1 - x0)
        hs.append((y0 + dy, y1 - dy, x0, x1))
        vs.append((x0 + min(dx, dy), x1 - min(dx, dy), y0, y1))
    return hs, vs


def find_tables(ink: np.ndarray, dpi: int, red: np.ndarray | None = None,
                text: Sequence[PxBox] = (), tinted: np.ndarray | None = None) -> list[tuple[PxBox, list[_PxCell]]]:
    """Tables (pixel bbox, cells) from the ruling lines of an ink mask (bool). `red`: the
    mask of red ink (a seal), whose strokes are never rules (`tinted`, the mask of any
    red tint, tells them from the black rules they lie over); `text`: the boxes (x0, y0,
    x1, y1) of the text lines read on the page, whose glyph strokes are never rules."""
    k = dpi / 300
    min_len = max(int(MIN_RULE_PX_AT_300 * k), 20)
    max_thick = max(int(MAX_RULE_THICKNESS_AT_300 * k), 3)
    hmask, vmask = rule_masks(ink, dpi)
    hrules = _rules(hmask, min_len, max_thick)
    vrules = _rules(vmask.T, min_len, max_thick)
    if red is not None:
        # The near-vertical flank of a seal's ring is a long thin run of ink once JPEG has
        # darkened its edge: it split a column of the Huai'an seal scan in two. A printed
        # rule under the seal stays black (red multiplies with black to black) and is
        # red only where the ring crosses it.
        near = cv2.dilate(red.astype(np.uint8), np.ones((2 * _SEAL_FRINGE + 1,) * 2, np.uint8)) > 0
        hrules = [r for r in hrules if not _seal_stroke(r, near, hmask, tinted)]
        vrules = [r for r in vrules if not _seal_stroke(r, near.T, vmask.T, tinted.T if tinted is not None else None)]
    if text:
        hspans, vspans = _text_spans(text)
        hrules = [r for r in hrules if not _inside_text(r, hspans)]
        vrules = [r for r in vrules if not _inside_text(r, vspans)]
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
        # Rules closer than 3.6 pt are one grid line (a double or smeared border): no
        # text fits between them, and the PDF reader takes edges that close as one.
        ys = _cluster([h.pos for h in hs], max(tol, dpi / 20))
        xs = _cluster([v.pos for v in vs], max(tol, dpi / 20))
        if len(ys) < 2 or len(xs) < 3:
            continue  # a box around a paragraph, not a table
        if xs[-1] - xs[0] < dpi or ys[-1] - ys[0] < dpi / 4:
            continue  # strokes of large title glyphs crossing, not a table (under 1 in x 1/4 in)
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

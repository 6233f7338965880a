"""Text set in two columns: split at the gutter and read column by column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.readers.pdf.layout import Line
from pipeline.readers.pdf.settings import PdfSettings


def _free_runs(free: int, lo: int) -> list[tuple[int, int]]:
    """Runs of set bits of a 1-pt occupancy mask, as (x0, x1) page coordinates."""
    return [(lo + m.start(), lo + m.end()) for m in re.finditer("1+", bin(free)[2:][::-1])]


def _has_run(mask: int, length: int) -> bool:
    """True when the mask has `length` consecutive set bits."""
    k = 1
    while k < length and mask:
        step = min(k, length - k)
        mask &= mask >> step
        k += step
    return mask != 0


def split_columns(lines: list[Line], page_width: float, settings: PdfSettings) -> list[Line]:
    """Lines of text set in two columns, split at the gutter and ordered column by column
    (see `ColumnSplit`)."""
    return ColumnSplit(page_width, settings).run(lines)


@dataclass
class ColumnSplit:
    """Text set in two columns, found and split.

    A gutter is a vertical strip in the middle band of the page
    (`settings.column_gutter_band`), at least `settings.column_gutter_em` type sizes
    wide, that no character of a run of consecutive lines touches, with text on both
    sides of it on at least `settings.column_min_lines` of them, the left side justified
    to the gutter on most (prose, not a form of labels and values). Each line of the run
    is cut in two; the left halves are read before the right ones (`Line.order`), and
    every half knows its column's margins (`Line.column`) for paragraph breaks.
    `gutters` keeps (x0, top, x1, bottom) of every gutter found, for the debug drawing."""

    page_width: float
    settings: PdfSettings
    gutters: list[tuple[float, float, float, float]] = field(default_factory=list)

    def run(self, lines: list[Line]) -> list[Line]:
        s = self.settings
        if len(lines) < s.column_min_lines:
            return lines
        lo, hi = int(self.page_width * s.column_gutter_band[0]), int(self.page_width * s.column_gutter_band[1])
        if hi <= lo:
            return lines
        frees = [_free_mask(ln, lo, hi) for ln in lines]
        out = list(lines)
        i = 0
        while i < len(lines):
            j, runs = self._free_run(lines, frees, i, lo)
            block = self._block(lines, i, j, runs) if runs else None
            if block is None:
                i += 1
                continue
            run, mid = block
            at = out.index(run[0])
            out[at:at + len(run)] = self._halves(run, mid)
            i = j
        return out

    def _free_run(self, lines: list[Line], frees: list[int], i: int, lo: int) -> tuple[int, list[tuple[int, int]]]:
        """From line i, the end of the run of lines sharing a free strip at least a
        gutter wide, and the strips (empty when the run is too short)."""
        s = self.settings
        size = lines[i].size
        gap = max(int(s.column_gutter_em * size), 1)
        free = frees[i]
        j = i + 1
        while j < len(lines) and _has_run(free, gap):
            if lines[j].top - lines[j - 1].bottom > s.column_line_gap_em * size:
                break
            if abs(lines[j].size - size) > s.size_tolerance:
                break
            if not _has_run(free & frees[j], gap):
                break
            free &= frees[j]
            j += 1
        if j - i < s.column_min_lines:
            return j, []
        return j, [r for r in _free_runs(free, lo) if r[1] - r[0] >= gap]

    def _block(self, lines: list[Line], i: int, j: int,
               runs: list[tuple[int, int]]) -> tuple[list[Line], float] | None:
        """The lines of the run set in two columns and the gutter's middle, or None when
        the run is not two columns of prose."""
        s = self.settings
        size = lines[i].size
        a, b = max(runs, key=lambda r: r[1] - r[0])
        mid = (a + b) / 2

        def one_sided(ln: Line) -> bool:
            return all(w.x1 < mid for w in ln.words) or all(w.x0 > mid for w in ln.words)

        # One-sided lines at the ends of the run set off by more than the run's line
        # pitch (a heading before or after the columns) are not part of them.
        pitches = sorted(lines[k + 1].top - lines[k].top for k in range(i, j - 1))
        pitch = pitches[len(pitches) // 2]
        set_off = s.column_heading_pitch * pitch
        while j - i > 1 and one_sided(lines[j - 1]) and lines[j - 1].top - lines[j - 2].top > set_off:
            j -= 1
        first = i
        while j - first > 1 and one_sided(lines[first]) and lines[first + 1].top - lines[first].top > set_off:
            first += 1
        block = lines[first:j]
        two_sided = [ln for ln in block if not one_sided(ln)]
        justified = sum(1 for ln in two_sided
                        if a - max(w.x1 for w in ln.words if w.x1 < mid) < s.column_justified_em * size)
        if len(two_sided) < s.column_min_lines or justified < s.column_justified_share * len(two_sided):
            return None
        self.gutters.append((a, block[0].top, b, block[-1].bottom))
        return block, mid

    @staticmethod
    def _halves(block: list[Line], mid: float) -> list[Line]:
        halves: list[Line] = []
        for ln in block:
            for side, words in enumerate(([w for w in ln.words if (w.x0 + w.x1) / 2 < mid],
                                          [w for w in ln.words if (w.x0 + w.x1) / 2 >= mid])):
                if words:
                    halves.append(Line(words, ln.top, ln.bottom, ln.size, ln.page,
                                       order=(block[0].top, side, ln.top)))
        for side in (0, 1):
            col = [h for h in halves if h.order is not None and h.order[1] == side]
            box = (min(h.x0 for h in col), max(h.x1 for h in col))
            for h in col:
                h.column = box
        return halves


def _free_mask(ln: Line, lo: int, hi: int) -> int:
    """The 1-pt slots of [lo, hi) that no word of the line touches."""
    full = (1 << (hi - lo)) - 1
    occ = 0
    for w in ln.words:
        a, b = max(int(w.x0) - lo, 0), min(int(w.x1 + 1) - lo, hi - lo)
        if b > a:
            occ |= ((1 << (b - a)) - 1) << a
    return full & ~occ

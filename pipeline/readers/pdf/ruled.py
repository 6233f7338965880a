"""Ruled tables on one page: pdfplumber's line-based table finder, with the outer
borders a table style leaves out added back."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.page import Page
from pdfplumber.table import Table, TableFinder, TableSettings

from pipeline.readers.pdf.layout import (
    BBox,
    Frag,
    RawCell,
    cell_text,
    center_in,
    cluster,
    is_page_number,
    lines_from_chars,
)
from pipeline.readers.pdf.pages import visible
from pipeline.readers.pdf.settings import PdfSettings


def _rule_groups(h_edges: list[dict[str, Any]], v_edges: list[dict[str, Any]],
                 tol: float) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Ruling edges grouped into connected drawings (edges that touch or cross):
    (horizontal, vertical) edges per group."""
    edges = h_edges + v_edges
    n_h = len(h_edges)
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def touch(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (a["x0"] - tol <= b["x1"] and b["x0"] - tol <= a["x1"]
                and a["top"] - tol <= b["bottom"] and b["top"] - tol <= a["bottom"])

    for i in range(len(edges)):
        for j in range(i + 1, len(edges)):
            if find(i) != find(j) and touch(edges[i], edges[j]):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(find(i), ([], []))[0 if i < n_h else 1].append(e)
    return list(groups.values())


def missing_outer_rules(page: Page, chars: list[dict[str, Any]], settings: PdfSettings) -> list[dict[str, Any]]:
    """Vertical rules to add where a ruled table has no left or right border (a table
    style with inner rules only): the line finder needs a rule on both sides of a
    column, so it would drop the first and last columns. The missing rule lies where
    the table's horizontal rules end; it is added only when the table has inner
    vertical rules and text lies between the rules' end and the nearest of them."""
    min_len = settings.ruled_table.get("edge_min_length", 5)
    h_edges = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= min_len]
    v_edges = [e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= min_len]
    if not h_edges or not v_edges:
        return []
    added: list[dict[str, Any]] = []
    for hs, vs in _rule_groups(h_edges, v_edges, settings.grid_tolerance):
        if len(hs) < 2 or not vs:
            continue
        for side in ("left", "right"):
            rule = _outer_rule(side, hs, vs, chars, settings)
            if rule is not None:
                added.append(rule)
    return added


def _outer_rule(side: str, hs: list[dict[str, Any]], vs: list[dict[str, Any]], chars: list[dict[str, Any]],
                settings: PdfSettings) -> dict[str, Any] | None:
    """The missing border on one side of one drawing, or None when it is there (or
    nothing needs it)."""
    tol = settings.grid_tolerance
    min_len = settings.ruled_table.get("edge_min_length", 5)
    if side == "left":
        x = min(e["x0"] for e in hs)
        reach = [e for e in hs if e["x0"] <= x + tol]
        near = min((v["x0"] for v in vs if v["x0"] > x + tol), default=None)
    else:
        x = max(e["x1"] for e in hs)
        reach = [e for e in hs if e["x1"] >= x - tol]
        near = max((v["x0"] for v in vs if v["x0"] < x - tol), default=None)
    top, bottom = min(e["top"] for e in reach), max(e["top"] for e in reach)
    if near is None or bottom - top < min_len:
        return None
    covered = sum(max(0.0, min(v["bottom"], bottom) - max(v["top"], top))
                  for v in vs if abs(v["x0"] - x) <= tol)
    if covered >= settings.border_present_share * (bottom - top):
        return None  # the border is there
    lo, hi = sorted((x, near))
    if not any(lo < (c["x0"] + c["x1"]) / 2 < hi and top < (c["top"] + c["bottom"]) / 2 < bottom
               for c in chars):
        return None
    return {"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom,
            "width": 0.0, "height": bottom - top}


@dataclass
class RuledFinder:
    """The ruled tables of one page, with what each step saw (as pdfplumber's
    TableFinder keeps its edges, intersections and cells): `outer_rules` the borders
    added, `finder` pdfplumber's own finder (its `edges`, `intersections`, `cells`),
    `boxed` the one-column "tables" set aside as boxed paragraphs, `frags` the result."""

    page_no: int
    outer_rules: list[dict[str, Any]] = field(default_factory=list)
    finder: TableFinder | None = None
    boxed: list[BBox] = field(default_factory=list)
    frags: list[Frag] = field(default_factory=list)

    def run(self, page: Page, chars: list[dict[str, Any]], settings: PdfSettings) -> list[Frag]:
        finder_page = page.filter(lambda o: visible(o, settings))
        table_settings = dict(settings.ruled_table)
        self.outer_rules = missing_outer_rules(finder_page, chars, settings)
        if self.outer_rules:
            table_settings["explicit_vertical_lines"] = self.outer_rules
        # What Page.find_tables does, keeping the finder for the debug drawing.
        self.finder = TableFinder(finder_page, TableSettings.resolve(table_settings))
        for table in self.finder.tables:
            frag = self._fragment(table, chars, float(page.height), settings)
            if frag is not None:
                self.frags.append(frag)
        return self.frags

    def _fragment(self, table: Table, chars: list[dict[str, Any]], page_height: float,
                  settings: PdfSettings) -> Frag | None:
        boxes: list[BBox] = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in table.cells]
        if not boxes:
            return None
        tb: BBox = (float(table.bbox[0]), float(table.bbox[1]), float(table.bbox[2]), float(table.bbox[3]))
        xs = cluster([b[0] for b in boxes] + [b[2] for b in boxes], settings.grid_tolerance)
        if len(xs) < 3:
            self.boxed.append(tb)
            return None  # one column: a boxed paragraph, not a table
        inside = [c for c in chars if center_in(c, tb)]
        cells: list[RawCell] = []
        by_cell = _CharsByCentre(inside)
        for box in boxes:
            cell_chars = by_cell.within(box)
            lines = lines_from_chars(cell_chars, self.page_no, settings,
                                     settings.ruled_table.get("text_x_tolerance", 3))
            # A page number printed over the table at the foot of the page.
            lines = [ln for ln in lines if not is_page_number(ln, page_height, settings.margin_band, bare=False)]
            cells.append(RawCell(box, cell_text(lines, settings), lines, chars=cell_chars))
        if not any(c.text for c in cells):
            return None
        return Frag(self.page_no, tb, cells, page_height)


class _CharsByCentre:
    """The chars whose centre falls in a box (layout.center_in), for every cell of a table
    without testing every char against every cell: centres sorted by height, a box's
    rows found by bisection. The chars come back in their page order, as a plain filter
    would give them."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        self.chars = chars
        self.centres = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]
        self.order = sorted(range(len(chars)), key=lambda i: self.centres[i][1])
        self.ys = [self.centres[i][1] for i in self.order]

    def within(self, box: BBox) -> list[dict[str, Any]]:
        lo, hi = bisect_left(self.ys, box[1]), bisect_right(self.ys, box[3])
        hits = sorted(i for i in self.order[lo:hi] if box[0] <= self.centres[i][0] <= box[2])
        return [self.chars[i] for i in hits]

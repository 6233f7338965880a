"""Find tables t2, t3 and t4 wherever they are and map their cells to canonical keys.

Works on the document model only: a table may be one big table holding all three, four
small t2 tables, a t3 split in two with its header repeated, or a text dump where merged
cells are blank. Rows are first assigned to a statistics table (segmenting), then each
table's parser maps labels to keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline import spec
from pipeline.extract import columns
from pipeline.extract import labels as lab
from pipeline.extract.sections import NUMBERS
from pipeline.extract.t2_lines import t2_line_cells
from pipeline.extract.t3_align import ValueRow, fill_unlabelled, value_window
from pipeline.extract.values import numeric_tokens, parse_value
from pipeline.model import Cell, Document, Paragraph, Table
from pipeline.normalize import norm_label, squash
from pipeline.record import Finding
from pipeline.validate.catalogue import finding

_SECTION = re.compile(rf"^\s*([{NUMBERS}])\s*[、.．，,]")
_SECTION_TABLES = spec.section_tables()
# Table 四's rows are the groups of its header (行政复议, two kinds of suit); its columns the outcomes.
_T4_ROWS = tuple(spec.row_keys("2021", "t4"))
_T4_OUTCOMES = tuple(spec.col_keys("2021", "t4"))
_PAGE_NO = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")


@dataclass
class Row:
    table: Table
    index: int  # row index in the table's grid
    cells: list[Cell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def anchor_texts(self) -> list[str]:
        return [c.text for c in self.cells if c.anchor is None]

    @property
    def joined(self) -> str:
        return norm_label("".join(self.anchor_texts()))


@dataclass
class RawCell:
    """A value cell matched to a key, before the template format is known."""

    table_id: str
    row_key: str
    col_key: str
    cell: Cell
    table_index: int | None  # None: read from text lines, not a table (see t2_lines)
    row: int
    column_unit: str | None = None


@dataclass
class Found:
    cells: list[RawCell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables_seen: set[str] = field(default_factory=set)
    t3_other_split: bool = False

    def note(self, rule_id: str, cells: list[str] | None = None, **fields: object) -> None:
        """A finding of a catalogued extraction rule (see pipeline.validate.catalogue)."""
        self.findings.append(finding(rule_id, cells, **fields))


# ---------------------------------------------------------------- segmenting


def _marker(row: Row) -> str | None:
    """Which table a row starts, when it is one of the printed table headers."""
    j = row.joined
    if "第二十条" in j:
        return "t2"
    if "申请人情况" in j or "勾稽关系" in j:
        return "t3"
    if "行政复议" in j and "行政诉讼" in j and not _has_numbers(row):
        return "t4"
    return None


def _has_numbers(row: Row) -> bool:
    return any(parse_value(t).kind == "number" for t in row.texts if t.strip())


def _content_kind(row: Row) -> str | None:
    """A table's kind from labels only that table prints (总计 alone says nothing)."""
    j = row.joined
    group = lab.match(j, "t3", "group")
    if lab.match(j, "t3", "row") or (group and group != "total"):
        return "t3"
    if lab.match(j, "t2", "row") or "信息内容" in j:
        return "t2"
    keys = [columns.label_key(t, "t4") for t in row.texts]
    if any(k in ("litigation_direct", "litigation_after_reconsideration") for k in keys) or \
            sum(k in ("upheld", "corrected", "pending") for k in keys) >= 2:
        return "t4"
    # 行政复议 or 行政诉讼 alone across a table's top: table 四 printed as two tables
    if keys and all(k in columns.TOP_LEVEL["t4"] for t, k in zip(row.texts, keys, strict=True) if t.strip()) \
            and any(keys):
        return "t4"
    # table 三 printed without its 申请人情况 band: the applicant columns are its header
    # (自然人 and the organisations); no other table names them.
    t3cols = {columns.label_key(t, "t3") for t in row.texts} & set(columns.CANONICAL["t3"])
    if "natural_person" in t3cols and len(t3cols) >= 2 and not _has_numbers(row):
        return "t3"
    return None


# A section heading names its table: the table part of some reports numbers its sections
# afresh (一、主动公开政府信息情况 after the narrative's 六), so the topic decides before the number.
_SECTION_TOPICS = (("收到和处理政府信息公开申请", "t3"), ("行政复议", "t4"), ("主动公开政府信息", "t2"))


def _section_of(text: str) -> str | None:
    m = _SECTION.match(text)
    if not m:
        return None
    label = norm_label(text)
    if lab.match(label, "t3", "row") or _RESULTS_HEADING.match(lab.strip_enum(label)):
        return None  # a row of table 三 (二、上年结转…) printed as a heading above its fragment
    topic = next((tid for words, tid in _SECTION_TOPICS if words in squash(text)), None)
    return topic or _SECTION_TABLES.get(NUMBERS.index(m.group(1)) + 1) or "none"


def _t4_group_heading(text: str) -> str | None:
    """The group of table 四 a short heading names (行政复议, 行政诉讼（未经复议直接起诉）…),
    when it names one only: a converter that printed each group as a table of its own put
    the group's name above it."""
    t = norm_label(text)
    if len(t) > 20 or ("行政复议" in t and "行政诉讼" in t):
        return None
    key = columns.label_key(t, "t4")
    return key if key in _T4_ROWS else None


def _heading_row(table: Table, text: str, width: int) -> Row:
    """A heading printed above a table fragment, as the merged header row it stands for."""
    return Row(table, -1, [Cell(text=text, row=-1, col=c, anchor=None if c == 0 else (-1, 0)) for c in range(width)])


def segment(doc: Document) -> dict[str, list[Row]]:
    """Rows of each statistics table, in printed order, across tables and pages."""
    out: dict[str, list[Row]] = {"t2": [], "t3": [], "t4": []}
    section: str | None = None  # the statistics table the current heading announces
    current: str | None = None
    set_under: str | None = None  # the heading in force when `current` was decided
    t4_group: str | None = None  # the paragraph right above the table, when it names a t4 group
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            s = _section_of(block.text)
            if s is not None and len(squash(block.text)) <= 40:
                section = s if s != "none" else None
            t4_group = block.text if _t4_group_heading(block.text) else None
            continue
        assert isinstance(block, Table)
        first = True
        above, t4_group = t4_group, None
        for i, cells in enumerate(block.rows):
            row = Row(block, i, cells)
            if not any(t.strip() for t in row.texts):
                # An all-blank row is kept: in table 四 it is the value row of a report
                # whose 15 numbers are all printed blank.
                if current is not None:
                    out[current].append(row)
                continue
            if len(row.texts) <= 2 and _PAGE_NO.match(" ".join(row.texts)):
                continue  # a page number caught inside a table at a page break
            kind = _marker(row)
            if kind is None and first:
                # A table without a printed marker: its own labels say what it is, else
                # the section heading above it; a headerless table right after another
                # under the same heading continues it (a table split by a page break).
                kind = _content_kind(row)
                if kind is None and section in out and (current is None or section != set_under):
                    kind = section
            if kind is not None:
                current, set_under = kind, section
            if first and current == "t4" and above is not None:
                out["t4"].append(_heading_row(block, above, len(cells)))
            first = False
            if current is not None:
                out[current].append(row)
    return out


# ---------------------------------------------------------------- t2


def _t2_header(row: Row) -> dict[int, tuple[str, str | None]] | None:
    """Grid column → (col_key, unit printed in the header) for a t2 header row."""
    cols: dict[int, tuple[str, str | None]] = {}
    for ci, cell in enumerate(row.cells):
        t = norm_label(cell.text)
        key = lab.match(t, "t2", "col")
        if key:
            unit = "万元" if "万元" in t else ("元" if re.search(r"单位元|元$", t) else None)
            cols[ci] = (key, unit)
    if not cols:
        return None
    if "信息内容" in row.joined or lab.match(norm_label(row.cells[0].text), "t2", "row") is None:
        return cols
    return None


def parse_t2(rows: list[Row], found: Found) -> None:
    header: dict[int, tuple[str, str | None]] = {}
    for row in rows:
        if "第二十条" in row.joined:
            continue
        h = _t2_header(row)
        if h is not None:
            header = h
            continue
        label_cell = next((c for c in row.cells if c.text.strip()), None)
        if label_cell is None:
            continue
        rkey = lab.match(norm_label(label_cell.text), "t2", "row")
        if rkey is None:
            continue
        if not header:
            found.note("t2.no_header", label=label_cell.text)
            continue
        taken: dict[str, int] = {}
        for ci, (ckey, unit) in header.items():
            if ci >= len(row.cells) or ckey in taken:
                continue
            cell = row.cells[ci]
            if cell.anchor is not None and cell.anchor[1] < ci and cell.anchor[0] == cell.row and cell.anchor[1] in taken.values():
                continue  # the same merged value cell, already taken
            taken[ckey] = ci
            found.cells.append(RawCell("t2", rkey, ckey, cell, row.table.index, row.index, unit))


# ---------------------------------------------------------------- t3


def _t3_row_key(label: str, group: str | None) -> tuple[str | None, str | None, bool]:
    """(row_key, group, is_group_row) for a t3 label (norm_label'ed)."""
    rk = lab.match(label, "t3", "row")
    if rk:
        return rk, None, False
    hits = lab.find_all(label, "t3", "group")
    rest = label
    if hits:
        _, group, pat = hits[-1]
        rest = label[label.find(pat) + len(pat):]
    elif (leaf := _leaf_of_any_group(label, group)) is not None:
        # The group's heading was lost (a converter split the table at it) or printed
        # apart: a leaf label only one group has says which group it is under.
        return leaf, leaf.split(".")[0], False
    if group is None:
        return None, None, False
    if group in ("granted", "partially_granted", "total"):
        return group, group, False
    leaf = lab.match(rest, "t3", "leaf", prefix=group) if rest else None
    if leaf:
        return leaf, group, False
    if hits:
        return None, group, True  # a group row: （六）其他处理 printed as one row, or a subtotal
    return None, group, False


def _leaf_of_any_group(label: str, group: str | None) -> str | None:
    """The leaf a label names when it is not one of `group`'s and exactly one leaf of the
    template matches it, or it is enumerated and the whole of one `exact` label row (3.其他
    is other.other's: no other leaf is just 其他)."""
    if group is not None and group not in ("granted", "partially_granted", "total") \
            and lab.match(label, "t3", "leaf", prefix=group):
        return None
    keys = {k for _, k, _ in lab.find_all(label, "t3", "leaf")}
    if not keys and lab.strip_enum(label) != label:
        whole = lab.whole_label(label, "t3", "leaf")
        keys = {whole} if whole is not None else set()
    return keys.pop() if len(keys) == 1 else None


def _value_cells(row: Row, k: int) -> list[Cell] | None:
    cells = row.cells
    if len(cells) >= k:
        return cells[-k:]
    # A run of numbers in one cell (PDF text runs): split it into k cells.
    for i, c in enumerate(cells):
        toks = numeric_tokens(c.text)
        if toks and len(toks) + (len(cells) - i - 1) >= k:
            split = [Cell(text=t, row=c.row, col=c.col, anchor=c.anchor, page=c.page, bbox=c.bbox,
                          ocr_confidence=c.ocr_confidence) for t in toks]
            return (split + cells[i + 1:])[-k:]
    return None


# 三、本年度办理结果: the heading over the result rows, merged down the first column or
# printed as a row of its own; it is part of no key.
_RESULTS_HEADING = re.compile(r"^三?本年度?办理结果")


def grid_positions(header: list[Row], table_id: str) -> dict[int, list[tuple[int, str]]]:
    """Grid column → key for each grid width the header rows have.

    Reads each grid column's header labels top-down (merged cells carry their anchor's
    text) and keeps the deepest: a sliver column with no label holds no value, and a
    column two grid columns wide counts once. Only a header naming every column of t3
    (for t4: a whole number of groups) is used.
    """
    out: dict[int, list[tuple[int, str]]] = {}
    widths = {len(r.cells) for r in header}
    for width in widths:
        rows = [r for r in header if len(r.cells) == width]
        positions: list[tuple[int, str]] = []
        for ci in range(width):
            keys = [columns.label_key(r.cells[ci].text, table_id) for r in rows]
            key = _column_key(keys, table_id)
            if key is None:
                continue
            if positions and positions[-1][1] == key:
                continue  # the same merged header cell over a second grid column
            if any(k == key for _, k in positions):
                positions = []
                break  # the same column twice, apart: not a header to trust
            positions.append((ci, key))
        keys = [k for _, k in positions]
        full = columns.CANONICAL[table_id]
        if (table_id == "t3" and sorted(keys) == sorted(full)) or (
                table_id == "t4" and keys and len(keys) % 5 == 0 and set(keys) <= set(full)):
            out[width] = positions
    return out


def _column_key(keys: list[str | None], table_id: str) -> str | None:
    if table_id == "t3":
        cols = [k for k in keys if k in columns.CANONICAL["t3"]]
        return cols[-1] if cols else None
    groups = [k for k in keys if k in _T4_ROWS]
    outcomes = [k for k in keys if k in _T4_OUTCOMES]
    return f"{groups[-1]}.{outcomes[-1]}" if groups and outcomes else None


def _is_header_repeat(row: Row, table_id: str) -> bool:
    """A header row printed again after a page break: several column labels, no numbers."""
    keys = {columns.label_key(t, table_id) for t in row.texts} - {None}
    return len(keys) >= 3 and not _has_numbers(row)


def parse_t3(rows: list[Row], found: Found) -> None:
    header: list[Row] = []
    cols: list[str] | None = None
    grid: dict[int, list[tuple[int, str]]] = {}
    group: str | None = None
    values: list[ValueRow] = []  # every value row in printed order, read or not
    for row in rows:
        n = len(row.cells)
        if "勾稽关系" in row.joined or "申请人情况" in row.joined:
            if cols is None:
                header.append(row)
            continue  # the first header row, or its repetition after a page break
        if cols is None:
            grid = grid_positions(header, "t3")
        positions = grid.get(n)
        window = None if positions else value_window(row.cells, len(cols or columns.CANONICAL["t3"]))
        if window is not None:
            label_cells = row.cells[:next(i for i, c in enumerate(row.cells) if c is window[0])]
        else:
            label_cells = row.cells[: positions[0][0]] if positions else row.cells[: max(0, n - 7)]
        if cols is not None and not positions and n < 8 and not _has_numbers(row) \
                and not any(columns.label_key(t, "t3") for t in row.texts):
            # below the header, a short row without numbers is a label only (a group's
            # heading printed on a row of its own): every cell is label
            label_cells = row.cells
        label = _RESULTS_HEADING.sub("", norm_label("".join(_dedupe([c.text for c in label_cells]))))
        if "小计" in label:
            continue  # a group subtotal: its leaves carry the numbers
        rkey, g, is_group = _t3_row_key(label, group) if label else (None, None, False)
        if rkey is None and not is_group:
            if cols is None and not _has_numbers(row):
                header.append(row)
            elif cols is not None and _has_numbers(row) and not _is_header_repeat(row, "t3"):
                # a value row whose label is lost or unreadable: its neighbours may place it
                vals = window if window is not None else _value_cells(row, len(cols))
                values.append(ValueRow(None, vals, row.table.index, row.index, label))
            elif label and not _is_header_repeat(row, "t3"):
                found.note("t3.unknown_row", label=label[:40])
            continue
        if cols is None:
            cols = [k for _, k in positions] if positions else columns.resolve(
                [r.anchor_texts() for r in header], "t3")
            if cols is None:
                found.note("t3.header")
                cols = columns.CANONICAL["t3"]
        continued, group = rkey == group and not lab.find_all(label, "t3", "group"), g
        if is_group:
            if len(label_cells) == n:
                continue  # the group's heading on a row of its own: its leaves follow
            if group == "other":
                rkey = "other"
            else:
                continue  # a subtotal row of a group: its leaves carry the numbers
        if positions:
            by_key = {k: row.cells[p] for p, k in positions}
            vals = [by_key[c] for c in cols] if set(by_key) == set(cols) else [row.cells[p] for p, _ in positions]
        else:
            vals = window if window is not None else _value_cells(row, len(cols))
        if continued and vals and all(parse_value(c.text).kind == "text" for c in vals):
            continue  # not a line of the label above: a header repeated over the next fragment
        if vals is None:
            found.note("t3.short_row", [f"t3.{rkey}.{c}" for c in cols], row=rkey, count=n,
                       expected_count=len(cols))
        values.append(ValueRow(rkey, vals, row.table.index, row.index, label))
    if cols is not None:
        _emit_t3(values, cols, found)


def _emit_t3(values: list[ValueRow], cols: list[str], found: Found) -> None:
    fill_unlabelled(values)
    seen: set[str] = set()
    for v in values:
        if v.key is None:
            found.note("t3.unknown_row", label=(v.label or "(no label) " + " ".join(
                c.text for c in v.cells or []))[:40])
            continue
        if v.cells is None:
            if not v.label:  # placed by its neighbours, but too short to read
                found.note("t3.short_row", [f"t3.{v.key}.{c}" for c in cols], row=v.key, count=0,
                           expected_count=len(cols))
            continue  # a labelled short row was noted where it was read
        if v.key in seen:
            found.note("t3.duplicate_row", row=v.key)
            continue
        seen.add(v.key)
        if v.key.startswith("other."):
            found.t3_other_split = True
        for ckey, cell in zip(cols, v.cells, strict=True):
            found.cells.append(RawCell("t3", v.key, ckey, cell, v.table_index, v.row_index))


def _dedupe(texts: Iterable[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        if t.strip() and (not out or out[-1] != t):
            out.append(t)
    return out


# ---------------------------------------------------------------- t4




def _t4_row_group(row: Row) -> str | None:
    """The group a transposed t4 row is about (行政复议 | 未经复议直接起诉 | 复议后起诉)."""
    keys = [columns.label_key(t, "t4") for t in row.texts if parse_value(t).kind == "text"]
    specific = [k for k in keys if k in _T4_ROWS]
    return specific[-1] if specific else None


def _parse_t4_transposed(rows: list[Row], header: list[list[str]], found: Found) -> bool:
    """Some reports print table 四 turned: a row per group, a column per outcome."""
    outcomes = [k for r in header for t in r if (k := columns.label_key(t, "t4")) in _T4_OUTCOMES]
    if sorted(outcomes) != sorted(_T4_OUTCOMES):
        return False
    hits = 0
    for row in rows:
        group = _t4_row_group(row)
        vals = _value_cells(row, len(outcomes)) if group else None
        if group is None or vals is None or not all(parse_value(c.text).kind != "text" for c in vals):
            continue
        for ckey, cell in zip(outcomes, vals, strict=True):
            found.cells.append(RawCell("t4", group, ckey, cell, row.table.index, row.index))
        hits += 1
    return hits > 0


def parse_t4(rows: list[Row], found: Found) -> None:
    """Header rows then a value row; repeated when 行政复议 and 行政诉讼 are printed as
    two tables, each with its own header."""
    header: list[Row] = []
    got: set[str] = set()
    for i, row in enumerate(rows):
        if any(columns.label_key(t, "t4") for t in row.texts) and not _has_numbers(row):
            # A transposed table's first group row may print no digit (all blank or dashed):
            # it is a value row once the header above it has named every outcome.
            if not got and _t4_row_group(row) and _parse_t4_transposed(
                    rows[i:], [r.anchor_texts() for r in header], found):
                return
            header.append(row)
            continue
        if not got and not header and not _has_numbers(row):
            continue
        if not got and _t4_row_group(row) and _parse_t4_transposed(rows[i:], [r.anchor_texts() for r in header],
                                                                    found):
            return
        positions = grid_positions(header, "t4").get(len(row.cells))
        if positions:
            keys, vals = [k for _, k in positions], [row.cells[p] for p, _ in positions]
        else:
            keys = columns.resolve([r.anchor_texts() for r in header], "t4", partial=True) or []
            if not keys and not got:
                found.note("t4.header")
                keys = columns.CANONICAL["t4"]
            vals = _value_cells(row, len(keys)) if keys else None
        if not keys or vals is None:
            if _has_numbers(row) and len(got) < 15:
                found.note("t4.short_row", count=len(row.cells), expected_count=len(keys))
            header = []
            continue
        for key, cell in zip(keys, vals, strict=True):
            if key in got:
                continue
            got.add(key)
            rkey, ckey = key.split(".")
            found.cells.append(RawCell("t4", rkey, ckey, cell, row.table.index, row.index))
        header = []
        if len(got) == len(columns.CANONICAL["t4"]):
            return


def _under_t2(doc: Document) -> list[bool]:
    """Per block: whether it stands under the t2 section's heading (as `segment` reads them)."""
    out: list[bool] = []
    section: str | None = None
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            s = _section_of(block.text)
            if s is not None and len(squash(block.text)) <= 40:
                section = s
        out.append(section == "t2")
    return out


def _t2_from_lines(doc: Document, found: Found) -> None:
    """Sub-tables of table 二 no table printed, read from their text lines (t2_lines)."""
    have = {c.row_key for c in found.cells if c.table_id == "t2"}
    cols = {c.col_key for c in found.cells if c.table_id == "t2"}
    formats = {f for f in ("2019", "2021") if cols & spec.own_col_keys(f, "t2")} or {"2019", "2021"}
    cells, ambiguous = t2_line_cells(doc, _under_t2(doc), have, formats)
    for rkey, ckey, cell, block, unit in cells:
        found.cells.append(RawCell("t2", rkey, ckey, cell, None, block, unit))
    if cells:
        found.tables_seen.add("t2")
        rows = sorted({c[0] for c in cells})
        found.note("t2.from_lines", [f"t2.{c[0]}.{c[1]}" for c in cells], rows=", ".join(rows))
    for label in ambiguous:
        found.note("t2.lines_ambiguous", label=label)


def find_tables(doc: Document) -> Found:
    found = Found()
    segs = segment(doc)
    for tid, parser in (("t2", parse_t2), ("t3", parse_t3), ("t4", parse_t4)):
        if segs[tid]:
            found.tables_seen.add(tid)
            parser(segs[tid], found)
    _t2_from_lines(doc, found)
    return found

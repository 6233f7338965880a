"""Table 二's sub-tables printed as text lines: a document converter (PDF → Markdown) that
lost the grid of 第二十条第（五）（六）（八）项 leaves a block of lines such as

    第二十条第（五）项
    信息内容本年处理决定数量
    行政许可 97

under the t2 section. Such a line is a row of the sub-table: its label is a t2 row label
(data/labels.csv), its numbers are the row's cells in the template's column order
(data/items.csv). The order is only known when the count of numbers fits one template's
columns for that row (or the header line above names them); otherwise nothing is read and a
finding says why. Only rows no table printed are read this way.

Provenance: such a value has no table (`table_index` None); `row` is the line's block
index in the document and `col` the number's position on the line.
"""

from __future__ import annotations

import re

from pipeline import spec
from pipeline.extract import labels as lab
from pipeline.extract.values import parse_value
from pipeline.model import Cell, Document, Paragraph, Table
from pipeline.normalize import nfkc, norm_label, squash

# label, then one or more numbers separated by white space, and nothing else
_LINE = re.compile(r"^(?P<label>[^\d\s][^\d]*?)\s+(?P<nums>[\d.,\-—]+(?:\s+[\d.,\-—]+)*)$")


def _row_columns(row_key: str, count: int, header: tuple[str, ...], formats: set[str]) -> tuple[str, ...] | None:
    """The row's columns when `count` numbers fit exactly one template's columns."""
    options = set()
    for fmt in sorted(formats):
        cols = tuple(i.col_key for i in spec.items(fmt) if i.table_id == "t2" and i.row_key == row_key)
        if len(cols) == count:
            options.add(cols)
    if header in options:
        return header
    return options.pop() if len(options) == 1 else None


def _header_columns(text: str) -> tuple[tuple[str, ...], str | None]:
    """Column keys a sub-table's header line names, in printed order, and its money unit."""
    t = norm_label(text)
    cols = tuple(k for _, k, _ in lab.find_all(t, "t2", "col"))
    unit = "万元" if "万元" in t else ("元" if re.search(r"单位元|元$", t) else None)
    return cols, unit


def t2_line_cells(doc: Document, in_t2: list[bool], have_rows: set[str],
                  formats: set[str]) -> tuple[list[tuple[str, str, Cell, int, str | None]], list[str]]:
    """(row_key, col_key, cell, block index, unit) of every value read from text lines, and
    the labels of lines whose column order is ambiguous."""
    out: list[tuple[str, str, Cell, int, str | None]] = []
    ambiguous: list[str] = []
    header: tuple[str, ...] = ()
    unit: str | None = None
    for bi, block in enumerate(doc.blocks):
        if isinstance(block, Table) or not in_t2[bi]:
            header, unit = (), None
            continue
        assert isinstance(block, Paragraph)
        text = nfkc(block.text).strip()
        m = _LINE.match(text)
        label = norm_label(m["label"]) if m else ""
        rkey = lab.match(label, "t2", "row") if label else None
        if rkey is None:
            if "第二十条" in squash(text):
                header, unit = (), None
            elif lab.find_all(norm_label(text), "t2", "col"):
                header, unit = _header_columns(text)
            continue
        assert m is not None
        if rkey in have_rows:
            continue
        nums = m["nums"].split()
        if not all(parse_value(n, money=True).kind in ("number", "dash") for n in nums):
            continue
        cols = _row_columns(rkey, len(nums), header, formats)
        if cols is None:
            ambiguous.append(squash(block.text)[:40])
            continue
        have_rows.add(rkey)
        for ci, (ckey, num) in enumerate(zip(cols, nums, strict=True)):
            out.append((rkey, ckey, Cell(text=num, row=bi, col=ci, page=block.page), bi, unit))
    return out, ambiguous

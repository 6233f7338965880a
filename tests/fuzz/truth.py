"""What a fuzzed document is: the drawn truth (agency, year, template, every cell) and the
layout it is printed in. Renderers and the check read only these."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cache
from pathlib import Path

# The package's copy of the national key spec; only the keys are taken from it.
ITEMS_CSV = Path(__file__).resolve().parents[2] / "pipeline" / "data" / "items.csv"


@cache
def keys(template: str) -> tuple[str, ...]:
    with ITEMS_CSV.open(encoding="utf-8") as f:
        return tuple(f"{r['table_id']}.{r['row_key']}.{r['col_key']}" for r in csv.DictReader(f)
                     if r["format"] == template)


@cache
def money_keys(template: str) -> frozenset[str]:
    with ITEMS_CSV.open(encoding="utf-8") as f:
        return frozenset(f"{r['table_id']}.{r['row_key']}.{r['col_key']}" for r in csv.DictReader(f)
                         if r["format"] == template and r["unit"] == "万元")


@dataclass(frozen=True)
class Layout:
    """Every printing choice, each one a dimension the strategy draws."""

    title_form: str = "agency_first"  # agency_first, year_first, guanyu, qingkuang, bracket, cn_year,
    # no_agency (the agency only in the signature or the preamble)
    title_break: int | None = None  # split the title line after this many characters
    title_style: str = "plain"  # plain, bold_center, heading
    preamble: str = "plain"  # plain, notice (quotes the format notice), agency_notice (agency opens it)
    caption: bool = False  # a caption line above each table
    width: str = "full"  # punctuation: full or half width
    top_enum: str = "dun"
    group_enum: str = "paren"
    leaf_enum: str = "dot"
    alt_labels: frozenset[str] = frozenset()
    zero_styles: tuple[str, ...] = ("0",)  # cycled over the zero cells: 0, blank, —, /, 无, -
    number_style: str = "plain"  # plain, padded, fullwidth, grouped (12,345)
    t2_style: str = "official"  # official (one table), split (one table per 第二十条 item)
    t3_header: str = "official"  # official (three rows), flat (one row), two_rows
    t3_rows: str = "spans"  # spans, repeat, joined, grouprow
    t4_style: str = "official"  # official, split, transposed
    money_unit: str = "万元"  # 万元 or 元
    placement: str = "inline"  # inline (under each section) or appendix (all tables at the end)
    table_order: tuple[str, ...] = ("t2", "t3", "t4")  # order in the appendix
    page_breaks: frozenset[str] = frozenset()  # before_t3, before_t4, in_t3 (docx/pdf)
    narrative_numbers: bool = False  # sections quote numbers of the tables
    signature: str = "plain"  # none, plain, cn_date
    html_style: str = "plain"  # plain, portal (TRS-style wrappers), word (MsoNormal spans in cells),
    # js_var / js_write (the article inside a <script> string, rendered client-side)
    encoding: str = "utf-8"  # utf-8, gbk, gb18030 (HTML and text)
    text_style: str = "cells"  # cells (one cell a line, Word's text export), rows (tab-separated)
    label_break: str = "none"  # a long label cell wrapped: none, br (a line break), para (two paragraphs)
    md_style: str = "pipe"  # Markdown tables: pipe, html (<table> blocks, as conversion tools write)


@dataclass(frozen=True)
class Report:
    agency: str
    year: int
    template: str
    values: dict[str, int | Decimal] = field(hash=False, repr=False)
    layout: Layout = Layout()

    def __repr__(self) -> str:
        # Hypothesis prints this for a falsifying example: the layout choices that differ
        # from the defaults say what the minimal failing document looks like.
        return f"Report({self.agency!r}, {self.year}, {self.template!r}, layout={layout_diff(self.layout)})"

    @property
    def published(self) -> tuple[int, int, int]:
        return (self.year + 1, 1 + self.year % 3, 10 + self.year % 17)


def layout_diff(layout: Layout) -> dict[str, object]:
    base = Layout()
    return {f.name: getattr(layout, f.name) for f in fields(Layout)
            if getattr(layout, f.name) != getattr(base, f.name)}

"""The canonical keys (items.csv, shipped in the package) and the label maps.

Label maps are data (labels.csv), not code branches: a new wording seen in the wild is
one more row, not one more `if`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

TABLES = ("t2", "t3", "t4")
FORMATS = ("2019", "2021")
MONEY_UNIT = "万元"


@dataclass(frozen=True)
class Item:
    format: str
    table_id: str
    row_key: str
    col_key: str
    row_label: str
    col_label: str
    unit: str

    @property
    def key(self) -> str:
        return f"{self.table_id}.{self.row_key}.{self.col_key}"

    @property
    def is_money(self) -> bool:
        return self.unit == MONEY_UNIT


def _read_csv(name: str) -> list[dict[str, str]]:
    with resources.files("pipeline.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def items(fmt: str | None = None) -> tuple[Item, ...]:
    """All items, or those of one template format ('2019' or '2021'), in items.csv order."""
    rows = [Item(**r) for r in _read_csv("items.csv")]
    return tuple(r for r in rows if fmt is None or r.format == fmt)


@cache
def item_index(fmt: str) -> dict[tuple[str, str, str], Item]:
    return {(i.table_id, i.row_key, i.col_key): i for i in items(fmt)}


def row_keys(fmt: str, table_id: str) -> list[str]:
    seen: dict[str, None] = {}
    for i in items(fmt):
        if i.table_id == table_id:
            seen.setdefault(i.row_key, None)
    return list(seen)


def col_keys(fmt: str, table_id: str) -> list[str]:
    seen: dict[str, None] = {}
    for i in items(fmt):
        if i.table_id == table_id:
            seen.setdefault(i.col_key, None)
    return list(seen)


@dataclass(frozen=True)
class Label:
    table_id: str
    kind: str  # row, group, leaf, col, colgroup
    key: str
    pattern: str  # normalized (norm_label) phrase
    formats: str  # "2019", "2021" or "2019 2021"
    # contains: the pattern occurs in the label; exact: the label after its enumeration is
    # the pattern (a wording such as 其他 that also occurs inside longer labels)
    match: str = "contains"


@cache
def labels(table_id: str | None = None, kind: str | None = None) -> tuple[Label, ...]:
    rows = [Label(**r) for r in _read_csv("labels.csv")]
    return tuple(
        r for r in rows if (table_id is None or r.table_id == table_id) and (kind is None or r.kind == kind)
    )


def t3_result_rows(fmt: str) -> tuple[str, ...]:
    """Result rows (一)…(六) of t3 in printed order (every row between 上年结转 and
    (七)总计): `other` in 2019, the three `other.*` sub-rows in 2021."""
    rows = row_keys(fmt, "t3")
    return tuple(rows[rows.index("carried_over") + 1 : rows.index("total")])


def t3_applicant_cols() -> tuple[str, ...]:
    """The six applicant columns of t3 (every column but 总计), the same in both formats."""
    return tuple(c for c in col_keys("2021", "t3") if c != "total")


# ---------------------------------------------------------------- the template's structure
# structure.csv: what items.csv (one row per cell) cannot say: the templates and the year
# each starts, the six sections (printed heading, the table under it, words that identify
# its heading), the column header tree of t3 and t4, and the words of a table page.


@dataclass(frozen=True)
class Part:
    formats: str  # "2019", "2021" or "2019 2021"
    table_id: str
    kind: str  # template, section, section_word, col, colgroup, page_word
    key: str
    parent: str
    text: str
    standalone: str  # "yes": a column that may be printed without its group's band


@cache
def structure(kind: str, table_id: str | None = None) -> tuple[Part, ...]:
    """Rows of structure.csv of one kind (and table), in file order, which is printed order."""
    return tuple(r for r in _all_parts() if r.kind == kind and (table_id is None or r.table_id == table_id))


def first_year(fmt: str) -> int:
    """The first reported year of a template format."""
    return next(int(p.text) for p in structure("template") if p.key == fmt)


def format_for_year(year: int) -> str:
    """The template a report on `year` uses: the newest that had started by then (the
    oldest for a year before any)."""
    started = [p.key for p in sorted(structure("template"), key=lambda p: int(p.text)) if int(p.text) <= year]
    return started[-1] if started else FORMATS[0]


def own_col_keys(fmt: str, table_id: str) -> frozenset[str]:
    """Column keys that only this format's table has: evidence for the format."""
    others = {c for f in FORMATS if f != fmt for c in col_keys(f, table_id)}
    return frozenset(c for c in col_keys(fmt, table_id) if c not in others)


def section_keywords() -> dict[int, tuple[str, ...]]:
    """Section number → words one of which its heading contains."""
    out: dict[int, list[str]] = {}
    for p in structure("section_word"):
        out.setdefault(int(p.key), []).append(p.text)
    return {n: tuple(ws) for n, ws in out.items()}


def section_tables() -> dict[int, str | None]:
    """Section number → the statistics table printed under it (None for narrative only)."""
    return {int(p.key): p.table_id or None for p in structure("section")}


def section_titles() -> tuple[str, ...]:
    """The six headings as the template prints them."""
    return tuple(p.text for p in structure("section"))


def _columns(table_id: str) -> tuple[Part, ...]:
    return tuple(p for p in _all_parts() if p.table_id == table_id and p.kind in ("col", "colgroup"))


@cache
def _all_parts() -> tuple[Part, ...]:
    return tuple(Part(**r) for r in _read_csv("structure.csv"))


def column_groups(table_id: str) -> dict[str, tuple[str, ...]]:
    """Group key → its children's keys in printed order (the header tree of t3/t4)."""
    out: dict[str, list[str]] = {}
    for p in _columns(table_id):
        if p.parent:
            out.setdefault(p.parent, []).append(p.key)
    return {g: tuple(ks) for g, ks in out.items()}


def column_roots(table_id: str) -> tuple[str, ...]:
    """Columns and groups at the top of the header, and those that may stand there alone."""
    return tuple(dict.fromkeys(p.key for p in _columns(table_id) if not p.parent or p.standalone == "yes"))


def column_paths(table_id: str) -> tuple[str, ...]:
    """Value columns in printed order: t3 `natural_person`…; t4, whose header groups are its
    rows, `reconsideration.upheld`…"""
    rows = set(row_keys(FORMATS[-1], table_id))
    return tuple(f"{p.parent}.{p.key}" if p.parent in rows else p.key
                 for p in structure("col", table_id))


def page_words() -> tuple[str, ...]:
    """Words printed on a page that holds one of the statistics tables."""
    return tuple(p.text for p in structure("page_word"))

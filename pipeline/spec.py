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
    pattern: str  # normalized (norm_label) phrase matched as a substring
    formats: str  # "2019", "2021" or "2019 2021"


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

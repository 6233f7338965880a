"""`gongkai compare`: agency × year headline numbers of the current reports."""

from __future__ import annotations

import os

import duckdb

from pipeline.db import query

# (column of report_summary, short heading that fits an 80-column terminal, in the narrow table)
COLUMNS: list[tuple[str, str, bool]] = [
    ("agency", "agency", True),
    ("year", "year", True),
    ("format_version", "template", False),
    ("scope", "scope", False),
    ("status", "status", True),
    ("carried_over", "carried over", False),
    ("new_requests", "new", True),
    ("granted", "granted", True),
    ("handled", "handled", True),
    ("carried_forward", "carried fwd", False),
    ("reconsiderations", "reconsid.", True),
    ("lawsuits", "lawsuits", True),
]


def compare_rows(con: duckdb.DuckDBPyConnection, agency: str | None, wide: bool) -> tuple[list[str], list[tuple]]:
    """Headings and rows (every column with `wide`, else those that fit 80 columns)."""
    cols = [c for c in COLUMNS if wide or c[2]]
    rows = query(con, f"""SELECT {', '.join(c[0] for c in cols)} FROM report_summary
                          WHERE ? IS NULL OR agency LIKE '%' || ? || '%'
                          ORDER BY agency, year""", [agency, agency])
    return [c[1] for c in cols], rows


def common_prefix(names: list[str]) -> str:
    """The leading part every agency name shares (江城市 in 江城市汉阳区…, 江城市统计局), cut
    back so that no name is left empty: shown once in the title, not on every row."""
    names = [n for n in names if n]
    if len(names) < 2:
        return ""
    prefix = os.path.commonprefix(names)
    while prefix and any(len(n) <= len(prefix) for n in names):
        prefix = prefix[:-1]
    return prefix

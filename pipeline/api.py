"""Python API for notebooks: the CLI's comparison queries as pandas DataFrames.

    import gongkai                       # or: from pipeline import api as gongkai
    g = gongkai.open("gongkai.duckdb")   # the published read-only snapshot (live=True: the file)
    g.trend("武汉市硚口区档案馆")
    g.compare(region="武汉市", year=2024, level="county", sort="granted_share")
    g.coverage(region="武汉市", years="2019-2025")
    g.query("SELECT * FROM indicators WHERE province = ?", ["湖北省"])

The same functions (pipeline.compare.queries) answer the CLI, so the numbers are the same.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from pipeline.compare import queries as q
from pipeline.db import DEFAULT_DB
from pipeline.snapshot import open_reader

Years = q.Years
QueryError = q.QueryError


def _years(years: str | tuple[int, int] | Years | None) -> Years | None:
    if years is None or isinstance(years, Years):
        return years
    if isinstance(years, tuple):
        return Years(*years)
    return Years.parse(str(years))


class Gongkai:
    """A read-only view of one gongkai database."""

    def __init__(self, db: str | Path = DEFAULT_DB, live: bool = False) -> None:
        self.db = Path(db)
        self.con: duckdb.DuckDBPyConnection = open_reader(self.db, live=live)

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def agencies(self, region: str | None = None) -> pd.DataFrame:
        return q.agencies(self.con, region)

    def indicators(self, region: str | None = None, year: int | None = None) -> pd.DataFrame:
        return q.compare(self.con, region, year, metrics=builtins.list(q.METRICS))

    def trend(self, agency: str, metrics: builtins.list[str] | None = None) -> pd.DataFrame:
        return q.trend(self.con, agency, metrics)

    def compare(self, region: str | None = None, year: int | None = None, level: str | None = None,
                metrics: builtins.list[str] | None = None, sort: str | None = None,
                agency: str | None = None) -> pd.DataFrame:
        return q.compare(self.con, region, year, level, metrics, sort, agency)

    def coverage(self, region: str | None = None, years: str | tuple[int, int] | Years | None = None,
                 register: builtins.list[str] | None = None) -> pd.DataFrame:
        return q.coverage(self.con, region, _years(years), register)

    def facts(self, region: str | None = None, years: str | tuple[int, int] | Years | None = None) -> pd.DataFrame:
        """Tidy current facts (facts_current) of a region and years."""
        where, params = q.region_filter(region)
        y = _years(years)
        if y is not None:
            where += " AND year BETWEEN ? AND ?"
            params += [y.first, y.last]
        return self.query(f"SELECT * FROM facts_current WHERE {where} "
                          "ORDER BY agency, year, table_id, row_key, col_key", params)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Gongkai:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open(db: str | Path = DEFAULT_DB, live: bool = False) -> Gongkai:  # noqa: A001 - gongkai.open(db) reads well
    return Gongkai(db, live=live)

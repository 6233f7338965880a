"""The comparison queries: each returns a pandas DataFrame, for the CLI and the Python API alike.

All of them read the views of pipeline/sql/compare.sql (indicators, report_agency,
agencies); none writes, so they run on a read-only snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline.agencies.names import normalise_name

METRICS = ("new_requests", "carried_over", "handled", "granted", "partially_granted", "granted_share",
           "denied", "unavailable", "not_processed", "other_handling", "carried_forward",
           "reconsiderations", "corrected_share", "lawsuits")
DEFAULT_METRICS = ("new_requests", "handled", "granted", "granted_share", "reconsiderations", "lawsuits")
SHARES = ("granted_share", "corrected_share")
LEVELS = ("province", "city", "county", "township")
REGION_COLS = ("province", "city", "county", "township")


class QueryError(ValueError):
    """A request that cannot be answered (unknown agency, metric, level…); one line."""


@dataclass(frozen=True)
class Years:
    first: int
    last: int

    @classmethod
    def parse(cls, text: str) -> Years:
        """'2019-2025', '2024' or '2019..2025'."""
        m = re.fullmatch(r"\s*(\d{4})\s*(?:(?:-|\.\.|–|~)\s*(\d{4}))?\s*", text)
        if not m:
            raise QueryError(f"years must look like 2024 or 2019-2025, not {text!r}")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise QueryError(f"years {text!r}: the last year is before the first")
        return cls(first, last)

    def list(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def check_metrics(metrics: list[str] | tuple[str, ...] | None) -> list[str]:
    ms = list(metrics or DEFAULT_METRICS)
    bad = [m for m in ms if m not in METRICS]
    if bad:
        raise QueryError(f"unknown metric {bad[0]!r}; one of: {', '.join(METRICS)}")
    return ms


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def resolve_agency(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str, str]:
    """(agency_id, canonical name) for an id, a name seen (any spelling), or a unique part of one."""
    rows = con.execute("SELECT agency_id, name FROM agencies WHERE agency_id = ?", [text]).fetchall()
    if rows:
        return rows[0]
    key = normalise_name(text)
    rows = con.execute("""SELECT DISTINCT a.agency_id, a.name FROM agencies a, unnest(a.names) AS u(n)
                          WHERE u.n = ? OR a.name = ?""", [text, text]).fetchall()
    if not rows:
        cands = con.execute("SELECT agency_id, name, names FROM agencies ORDER BY name").fetchall()
        rows = [(i, n) for i, n, ns in cands if any(normalise_name(x) == key for x in ns)]
        if not rows:
            rows = [(i, n) for i, n, ns in cands if any(text in x for x in ns)]
    if not rows:
        raise QueryError(f"no agency matches {text!r}")
    if len(rows) > 1:
        names = "; ".join(n for _, n in rows[:5])
        raise QueryError(f"{text!r} matches {len(rows)} agencies ({names}…): give more of the name or the id")
    return rows[0]


def region_filter(region: str | None, alias: str = "") -> tuple[str, list]:
    """SQL condition: the region names (any level), its code, or the joined region name."""
    if not region:
        return "true", []
    p = f"{alias}." if alias else ""
    conds = " OR ".join(f"{p}{c} = ?" for c in REGION_COLS)
    codes = " OR ".join(f"{p}{c}_code = ?" for c in ("province", "city", "county"))
    return f"({conds} OR {codes} OR {p}region LIKE '%' || ? || '%')", [region] * 4 + [region] * 3 + [region]


def trend(con: duckdb.DuckDBPyConnection, agency: str, metrics: list[str] | None = None) -> pd.DataFrame:
    """One agency's indicators over the years, each with its change on the year before
    (`<metric>_change`: the difference; `<metric>_pct`: percent of the year before)."""
    ms = check_metrics(metrics)
    aid, _ = resolve_agency(con, agency)
    cols = ", ".join(ms)
    df = _df(con, f"SELECT agency_id, agency, year, template, {cols} FROM indicators "
                  "WHERE agency_id = ? ORDER BY year", [aid])
    for m in ms:
        prev = df[m].shift(1)
        # Only consecutive years: a change across a missing year is not year on year.
        consecutive = df["year"].diff() == 1
        if m in SHARES:
            change = (df[m].astype("Float64") - prev.astype("Float64")).round(4)
        else:
            change = df[m].astype("Int64") - prev.astype("Int64")
        df[f"{m}_change"] = change.where(consecutive, pd.NA)
        if m not in SHARES:
            pct = (change.astype("Float64") * 100 / prev.astype("Float64")).round(1)
            df[f"{m}_pct"] = pct.where(consecutive & (prev.astype("Float64") != 0), pd.NA)
    return df


def compare(con: duckdb.DuckDBPyConnection, region: str | None = None, year: int | None = None,
            level: str | None = None, metrics: list[str] | None = None, sort: str | None = None,
            agency: str | None = None) -> pd.DataFrame:
    """Agencies side by side (one row per agency and year), ranked by `sort` (descending)."""
    ms = check_metrics(metrics)
    if level is not None and level not in LEVELS:
        raise QueryError(f"--level is one of {', '.join(LEVELS)}, not {level!r}")
    if sort is not None and sort not in METRICS:
        raise QueryError(f"unknown sort metric {sort!r}; one of: {', '.join(METRICS)}")
    where, params = region_filter(region)
    conds = [where]
    if year is not None:
        conds.append("year = ?")
        params.append(year)
    if level is not None:
        conds.append("level = ?")
        params.append(level)
    if agency:
        conds.append("(agency LIKE '%' || ? || '%' OR agency_id = ?)")
        params += [agency, agency]
    order = f"{sort} DESC NULLS LAST, agency, year" if sort else "agency, year"
    rank = f"rank() OVER (PARTITION BY year ORDER BY {sort} DESC NULLS LAST)" if sort else "NULL"
    cols = ", ".join(dict.fromkeys([*ms, *([sort] if sort else [])]))
    df = _df(con, f"""SELECT {rank}::INTEGER AS rank, agency_id, agency, region, level, year, template, scope, {cols}
                      FROM indicators WHERE {' AND '.join(conds)} ORDER BY {order}""", params)
    return df if sort else df.drop(columns=["rank"])


def coverage(con: duckdb.DuckDBPyConnection, region: str | None = None, years: Years | None = None,
             register: list[str] | None = None) -> pd.DataFrame:
    """Agency × year: published (True/False) and how many current reports. Expected agencies:
    the register's (names resolved like trend's) or every agency in the database; years: those
    asked for or the database's first to last."""
    if years is None:
        span = con.execute("SELECT min(year), max(year) FROM report_agency").fetchall()[0]
        if span is None or span[0] is None:
            return pd.DataFrame(columns=["agency_id", "agency", "region", "year", "published", "reports"])
        years = Years(span[0], span[1])
    where, params = region_filter(region, "a")
    expected = "SELECT agency_id, name, region FROM agencies a WHERE " + where
    if register is not None:
        ids = []
        for name in register:
            try:
                ids.append(resolve_agency(con, name))
            except QueryError:
                ids.append((None, name))
        con.register("_register", pd.DataFrame(ids, columns=["agency_id", "name"]))
        expected = f"""SELECT r.agency_id, coalesce(a.name, r.name) AS name, a.region
                       FROM _register r LEFT JOIN agencies a USING (agency_id)
                       WHERE a.agency_id IS NULL OR {where}"""
    try:
        return _df(con, f"""
            WITH expected AS ({expected}),
            y AS (SELECT unnest(range(?::INTEGER, ?::INTEGER + 1)) AS year),
            pub AS (SELECT agency_id, year, count(*) AS n FROM report_agency GROUP BY ALL)
            SELECT e.agency_id, e.name AS agency, e.region, y.year, p.n IS NOT NULL AS published,
                   coalesce(p.n, 0)::INTEGER AS reports
            FROM expected e CROSS JOIN y LEFT JOIN pub p ON p.agency_id = e.agency_id AND p.year = y.year
            ORDER BY e.name, y.year""", [*params, years.first, years.last])
    finally:
        if register is not None:
            con.unregister("_register")


def agencies(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pd.DataFrame:
    """Every agency with its region, names seen and years on record."""
    where, params = region_filter(region, "a")
    return _df(con, f"""
        SELECT a.agency_id, a.name, a.agency_type, a.level, a.region, a.region_code, a.names,
               list(DISTINCT ra.year ORDER BY ra.year) FILTER (WHERE ra.year IS NOT NULL) AS years
        FROM agencies a LEFT JOIN report_agency ra USING (agency_id)
        WHERE {where} GROUP BY ALL ORDER BY a.name""", params)

"""What each page shows, read from the snapshot: plain rows for the templates.

Every query is parameterised (the text a person types never becomes SQL). The comparison
numbers come from pipeline.compare.queries, the functions the CLI and the Python API use, so
the page, `gongkai trend/compare/coverage` and a notebook agree.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import duckdb
import numpy as np
import pandas as pd
from pypinyin import Style, lazy_pinyin

from pipeline import spec
from pipeline.compare import queries as q
from pipeline.show import rules_for

PAGE_ROWS = 500  # rows a compare/coverage/quality page shows (then ?page=2…); downloads hold the same rows


@dataclass(frozen=True)
class Page:
    """Which rows of a long table a page shows: `number` counts from 1."""

    number: int = 1
    size: int = PAGE_ROWS

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def clean(v: Any) -> Any:
    """pandas' missing values (NA, NaN, NaT) as None, numpy scalars as Python ones."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return None if isinstance(v, np.floating) and np.isnan(v) else v.item()
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: clean(v) for k, v in row.items()} for row in df.to_dict("records")]


def report_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM reports").fetchone()[0]


# ---- search ---------------------------------------------------------------------------------

@dataclass
class Entry:
    agency_id: str
    name: str
    region: str
    names: list[str]
    years: list[int]
    initials: str
    haystack: str = field(repr=False, default="")


@lru_cache(maxsize=1 << 18)
def initials(text: str) -> str:
    """Pinyin initials, lower case: 武汉市硚口区 → whsqkq (letters and digits kept as they are)."""
    return "".join(p[:1] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def search_index(con: duckdb.DuckDBPyConnection) -> list[Entry]:
    out = []
    for r in records(q.agencies(con)):
        names = [] if r["names"] is None else list(r["names"])
        yrs = [] if r["years"] is None else [int(y) for y in r["years"]]
        e = Entry(r["agency_id"], r["name"], r["region"] or "", names, yrs, initials(r["name"]))
        e.haystack = "\n".join([r["name"], *names, e.region]).lower()
        out.append(e)
    return out


def search(index: list[Entry], text: str, limit: int = 50) -> tuple[list[Entry], int]:
    """Agencies whose name (any name seen), region or pinyin initials contain `text`;
    name prefixes and initials prefixes first. Returns (shown, total)."""
    t = text.strip().lower()
    letters = "".join(t.split())  # initials are typed with or without spaces
    if not t:
        return [], 0
    hits = []
    for e in index:
        if t in e.haystack:
            rank = 0 if e.name.lower().startswith(t) else 1
        elif letters in e.initials:
            rank = 0 if e.initials.startswith(letters) else 2
        else:
            continue
        hits.append((rank, e.name, e))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [h[2] for h in hits[:limit]], len(hits)


def search_sql(con: duckdb.DuckDBPyConnection, text: str, limit: int = 50) -> tuple[list[Entry], int]:
    """`search` without the pinyin index, while it is being built for a new snapshot: the same
    matches on names and regions in the same order, read by SQL (no initials yet)."""
    t = text.strip().lower()
    if not t:
        return [], 0
    df = con.execute("""
        WITH hit AS (
            SELECT a.agency_id, a.name, coalesce(a.region, '') AS region, a.names,
                   CASE WHEN starts_with(lower(a.name), ?) THEN 0 ELSE 1 END AS rank
            FROM agencies a
            WHERE contains(lower(concat_ws(chr(10), a.name, array_to_string(a.names, chr(10)), a.region)), ?))
        SELECT h.*, (SELECT count(*) FROM hit) AS total,
               (SELECT list(DISTINCT ra.year ORDER BY ra.year) FROM report_agency ra
                WHERE ra.agency_id = h.agency_id AND ra.year IS NOT NULL) AS years
        FROM hit h ORDER BY rank, name LIMIT ?""", [t, t, limit]).df()
    out = [Entry(r["agency_id"], r["name"], r["region"], [] if r["names"] is None else list(r["names"]),
                 [int(y) for y in (r["years"] if r["years"] is not None else [])], "") for r in records(df)]
    return out, int(df["total"].iloc[0]) if len(df) else 0


# ---- agency ---------------------------------------------------------------------------------

def agency(con: duckdb.DuckDBPyConnection, text: str) -> dict[str, Any] | None:
    """The agency page: identity, trend (every indicator with its change), versions, links."""
    try:
        aid, _ = q.resolve_agency(con, text)
    except q.QueryError:
        return None
    head = con.execute("SELECT agency_id, name, names, agency_type, level, region, region_code "
                       "FROM agencies WHERE agency_id = ?", [aid]).fetchone()
    keys = ("agency_id", "name", "names", "agency_type", "level", "region", "region_code")
    info = dict(zip(keys, head, strict=True))
    trend = q.trend(con, aid, list(q.METRICS))
    versions = con.execute("""
        SELECT r.year, r.version, r.is_current, r.status, r.reason, r.published_on, r.report_id, r.title,
               r.agency AS printed, r.file_type, r.source_path
        FROM reports r JOIN agency_names n ON n.name = r.agency
        WHERE n.agency_id = ? ORDER BY r.year DESC, r.version DESC""", [aid]).df()
    return {"info": info, "trend": records(trend), "versions": records(versions),
            "urls": report_urls(con, versions["report_id"].tolist())}


def report_urls(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[str]]:
    """Where each report was fetched from, when the crawler recorded it (report_urls view)."""
    if not ids:
        return {}
    if not con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'report_urls'").fetchone()[0]:
        return {}  # a database made before the crawler existed
    rows = con.execute("SELECT report_id, url FROM report_urls WHERE report_id IN "
                       f"({', '.join('?' for _ in ids)}) ORDER BY url", ids).fetchall()
    out: dict[str, list[str]] = {}
    for rid, url in rows:
        out.setdefault(rid, []).append(url)
    return out


# ---- report ---------------------------------------------------------------------------------

REPORT_COLS = ("report_id", "source_path", "file_type", "title", "agency", "year", "published_on",
               "period_start", "period_end", "format_version", "scope", "status", "reason", "pages",
               "version", "is_current")
FACT_COLS = ("table_id", "row_key", "col_key", "value", "amount", "value_kind", "printed_text", "unit",
             "page", "table_index", "row_index", "col_index", "bbox", "ocr_confidence", "derived",
             "derived_value", "derived_amount", "derived_rule")


def _report_row(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {', '.join(REPORT_COLS)} FROM reports WHERE report_id = ?", [report_id]).fetchone()
    return dict(zip(REPORT_COLS, row, strict=True)) if row else None


def _facts(con: duckdb.DuckDBPyConnection, report_id: str, key: str | None = None) -> list[dict[str, Any]]:
    cond, params = "f.report_id = ?", [report_id]
    if key is not None:
        cond += " AND f.table_id || '.' || f.row_key || '.' || f.col_key = ?"
        params.append(key)
    rows = con.execute(f"""
        SELECT f.table_id, f.row_key, f.col_key, f.value, f.amount, f.value_kind, f.printed_text, f.unit,
               f.page, f.table_index, f.row_index, f.col_index, f.bbox, f.ocr_confidence, f.derived,
               d.value, d.amount, d.rule_id
        FROM facts f LEFT JOIN derived_facts d ON d.report_id = f.report_id AND d.table_id = f.table_id
             AND d.row_key = f.row_key AND d.col_key = f.col_key
        WHERE {cond}""", params).fetchall()
    return [dict(zip(FACT_COLS, r, strict=True)) for r in rows]


def _findings(con: duckdb.DuckDBPyConnection, report_id: str) -> list[dict[str, Any]]:
    cols = ("rule_id", "severity", "message", "message_zh", "cells", "expected", "printed", "origin")
    rows = con.execute(f"""SELECT {', '.join(cols)} FROM findings WHERE report_id = ?
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule_id""",
                       [report_id]).fetchall()
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _labels(fmt: str, table_id: str) -> tuple[dict[str, str], dict[str, str]]:
    rows: dict[str, str] = {}
    cols: dict[str, str] = {}
    for i in spec.items(fmt):
        if i.table_id == table_id:
            rows.setdefault(i.row_key, i.row_label)
            cols.setdefault(i.col_key, i.col_label)
    return rows, cols


def layout(fmt: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The three tables as the template prints them: rows and columns in printed order with
    their printed labels; keys a report printed beyond the template follow at the end."""
    by_key = {(f["table_id"], f["row_key"], f["col_key"]): f for f in facts}
    out = []
    for tid in spec.TABLES:
        rows, cols = spec.row_keys(fmt, tid), spec.col_keys(fmt, tid)
        seen = [f for f in facts if f["table_id"] == tid]
        rows += sorted({f["row_key"] for f in seen} - set(rows))
        cols += sorted({f["col_key"] for f in seen} - set(cols))
        row_lab, col_lab = _labels(fmt, tid)
        grid = [{"key": r, "label": row_lab.get(r, r), "cells": [by_key.get((tid, r, c)) for c in cols]}
                for r in rows]
        grid = [g for g in grid if any(g["cells"])]
        out.append({"table_id": tid, "cols": [{"key": c, "label": col_lab.get(c, c)} for c in cols],
                    "rows": grid, "count": len(seen)})
    return out


def report(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, Any] | None:
    rep = _report_row(con, report_id)
    if rep is None:
        return None
    facts = _facts(con, report_id)
    findings = _findings(con, report_id)
    flagged = {c for f in findings for c in (f["cells"] or [])}
    sections = con.execute("SELECT number, heading, text FROM sections WHERE report_id = ? ORDER BY number",
                           [report_id]).fetchall()
    aid = con.execute("SELECT agency_id FROM agency_names WHERE name = ?", [rep["agency"]]).fetchone()
    return {"report": rep, "tables": layout(str(rep["format_version"] or "2021"), facts), "findings": findings,
            "flagged": flagged, "sections": sections, "agency_id": aid[0] if aid else None}


KEY_IN_URL = 200  # longer keys (a label read as a row key) are named by their hash in links


def cell_ref(key: str) -> str:
    """How a link names a cell: its key, or `md5-<hash>` when the key is too long for a URL."""
    return key if len(key) <= KEY_IN_URL else "md5-" + hashlib.md5(key.encode()).hexdigest()


def cell_href(report_id: str, key: str) -> str:
    """The provenance page of one value (path segments quoted: a key read from a label may hold '/')."""
    return f"/report/{quote(report_id, safe='')}/cell/{quote(cell_ref(key), safe='')}"


def cell(con: duckdb.DuckDBPyConnection, report_id: str, ref: str) -> dict[str, Any] | None:
    rep = _report_row(con, report_id)
    if rep is None:
        return None
    key = ref
    if ref.startswith("md5-"):
        row = con.execute("""SELECT table_id || '.' || row_key || '.' || col_key FROM facts WHERE report_id = ?
                             AND md5(table_id || '.' || row_key || '.' || col_key) = ?""",
                          [report_id, ref[4:]]).fetchone()
        key = row[0] if row else ref
    facts = _facts(con, report_id, key)
    if not facts:
        return {"report": rep, "fact": None, "key": key}
    f = facts[0]
    row_lab, col_lab = _labels(str(rep["format_version"] or "2021"), f["table_id"])
    hits = [x for x in _findings(con, report_id) if key in (x["cells"] or [])]
    return {"report": rep, "fact": f, "key": key, "rules": rules_for(key), "findings": hits,
            "row_label": row_lab.get(f["row_key"], f["row_key"]), "col_label": col_lab.get(f["col_key"], f["col_key"]),
            "has_image": rep["file_type"] == "pdf" and bool(f["page"]) and bool(f["bbox"])}


# ---- compare --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompareQuery:
    region: str | None
    year: int | None
    level: str | None
    metrics: tuple[str, ...]
    sort: str | None
    desc: bool
    page: Page = Page()


SORTABLE = ("agency", "region", "year")


def compare(con: duckdb.DuckDBPyConnection, cq: CompareQuery) -> tuple[pd.DataFrame, int]:
    """The compare table exactly as the page shows it (and the CSV/XLSX download writes it):
    agency, region, level, year, then the chosen indicators; shares as percent with 2
    decimals (the 4-decimal share × 100, exact). Returns (rows shown, rows in all)."""
    df = q.compare(con, cq.region, cq.year, cq.level, list(cq.metrics))
    if cq.sort and cq.sort in df.columns:
        df = df.sort_values([cq.sort, "agency"], ascending=[not cq.desc, True], na_position="last", kind="stable")
    total = len(df)
    df = df.iloc[cq.page.offset:cq.page.offset + cq.page.size]
    out = df[["agency_id", "agency", "region", "level", "year", *cq.metrics]].copy()
    for m in cq.metrics:
        # One Python type per column, so the page and the downloads print a value alike.
        conv = (lambda v: round(float(v) * 100, 2)) if m in q.SHARES else int
        out[m] = pd.Series([None if clean(v) is None else conv(clean(v)) for v in out[m]], dtype=object,
                           index=out.index)
    return out.reset_index(drop=True), total


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT year FROM report_agency WHERE year IS NOT NULL "
                                      "ORDER BY year").fetchall()]


def regions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Province and city names for the region picker (counties are typed)."""
    rows = con.execute("""SELECT DISTINCT x FROM (SELECT province AS x FROM agencies UNION ALL
                          SELECT city FROM agencies) WHERE x IS NOT NULL AND x <> '' ORDER BY x""").fetchall()
    return [r[0] for r in rows]


# ---- coverage -------------------------------------------------------------------------------

def coverage(con: duckdb.DuckDBPyConnection, region: str | None, span: q.Years | None, missing_only: bool,
             page: Page = Page()) -> tuple[list[int], list[dict[str, Any]], int]:
    """Agency × year matrix: (years, rows shown, rows in all); a row's `cells` is the number
    of current reports per year (0 = missing). The same expected set and published test as
    `gongkai coverage` (pipeline.compare.queries.coverage), but grouped, filtered and cut to
    the page inside DuckDB: a national database has tens of thousands of agencies."""
    if span is None:
        lo, hi = con.execute("SELECT min(year), max(year) FROM report_agency").fetchone()
        if lo is None:
            return [], [], 0
        span = q.Years(lo, hi)
    ys = list(range(span.first, span.last + 1))
    where, params = q.region_filter(region, "a")
    rows = con.execute(f"""
        WITH expected AS (SELECT agency_id, name, region FROM agencies a WHERE {where}),
        y AS (SELECT unnest(range(?::INTEGER, ?::INTEGER + 1)) AS year),
        pub AS (SELECT agency_id, year, count(*) AS n FROM report_agency
                WHERE year BETWEEN ? AND ? GROUP BY ALL),
        per AS (SELECT e.agency_id, e.name, e.region, list(coalesce(p.n, 0)::INTEGER ORDER BY y.year) AS cells,
                       count(*) FILTER (WHERE p.n IS NULL) AS missing
                FROM expected e CROSS JOIN y LEFT JOIN pub p ON p.agency_id = e.agency_id AND p.year = y.year
                GROUP BY ALL),
        shown AS (SELECT * FROM per WHERE NOT ? OR missing > 0)
        -- the count of all rows comes back even with a page past the last row
        SELECT t.total, s.agency_id, s.name, s.region, s.cells, s.missing
        FROM (SELECT count(*) AS total FROM shown) t
        LEFT JOIN (SELECT * FROM shown ORDER BY name, agency_id LIMIT ? OFFSET ?) s ON true
        ORDER BY s.name, s.agency_id""",
                       [*params, span.first, span.last, span.first, span.last, missing_only,
                        page.size, page.offset]).fetchall()
    out = [{"agency_id": aid, "agency": name, "region": reg, "cells": dict(zip(ys, cells, strict=True)),
            "missing": int(missing)} for _, aid, name, reg, cells, missing in rows if aid is not None]
    return ys, out, int(rows[0][0])


# ---- quality --------------------------------------------------------------------------------

@dataclass(frozen=True)
class QualityFilter:
    """The quality page's filters as SQL: on the findings (alias f) and on the current
    reports they fall on (alias ra), each with its parameters."""

    findings: str
    findings_params: tuple[Any, ...]
    reports: str
    reports_params: tuple[Any, ...]

    @classmethod
    def of(cls, rule: str | None, region: str | None, year: int | None, severity: str | None) -> QualityFilter:
        fconds, fparams = ["true"], []
        if rule:
            fconds.append("f.rule_id = ?")
            fparams.append(rule)
        if severity:
            fconds.append("f.severity = ?")
            fparams.append(severity)
        where, rparams = q.region_filter(region, "ra")
        if year is not None:
            where += " AND ra.year = ?"
            rparams.append(year)
        return cls(" AND ".join(fconds), tuple(fparams), where, tuple(rparams))


def _quality_groups(con: duckdb.DuckDBPyConnection, qf: QualityFilter) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Findings counted by rule (with the reports they fall on), by region and by year in one
    pass: the findings folded per report and rule first, then joined to the current reports
    once, under three grouping sets (a national database holds hundreds of thousands)."""
    rows = con.execute(f"""
        WITH fr AS (SELECT report_id, rule_id, any_value(severity) AS severity, count(*) AS n
                    FROM findings f WHERE {qf.findings} GROUP BY ALL)
        SELECT grouping(fr.rule_id) = 0, grouping(g) = 0, fr.rule_id,
               coalesce(nullif(ra.city, ''), ra.province, '?') AS g, ra.year,
               any_value(fr.severity), sum(fr.n)::BIGINT, count(*)
        FROM fr JOIN report_agency ra USING (report_id) WHERE {qf.reports}
        GROUP BY GROUPING SETS ((fr.rule_id), (g), (ra.year))""",
                       [*qf.findings_params, *qf.reports_params]).fetchall()
    by_rule = sorted(((r[2], r[5], r[6], r[7]) for r in rows if r[0]), key=lambda x: (-x[2], x[0]))
    by_region = sorted(((r[3], r[6]) for r in rows if r[1]), key=lambda x: (-x[1], x[0]))
    by_year = sorted(((r[4], r[6]) for r in rows if not r[0] and not r[1]),
                     key=lambda x: (x[0] is None, x[0] or 0))
    return by_rule, by_region, by_year


def quality(con: duckdb.DuckDBPyConnection, rule: str | None, region: str | None, year: int | None,
            severity: str | None, page: Page = Page()) -> dict[str, Any]:
    """Findings of current reports grouped by rule, region (city, else province) and year,
    and the findings themselves, each with the report and the cells it names."""
    qf = QualityFilter.of(rule, region, year, severity)
    base = f"FROM findings f JOIN report_agency ra USING (report_id) WHERE {qf.findings} AND {qf.reports}"
    params = [*qf.findings_params, *qf.reports_params]
    by_rule, by_region, by_year = _quality_groups(con, qf)
    cols = ("agency_id", "agency", "year", "report_id", "rule_id", "severity", "message", "message_zh", "cells",
            "expected", "printed")
    rows = con.execute(f"""SELECT ra.agency_id, ra.agency, ra.year, f.report_id, f.rule_id, f.severity, f.message,
        f.message_zh, f.cells, f.expected, f.printed {base}
        ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, ra.agency, ra.year, f.rule_id,
                 f.report_id, f.cells, f.message  -- a total order: pages must not overlap or skip
        LIMIT ? OFFSET ?""", [*params, page.size, page.offset]).fetchall()
    total = sum(n for _, _, n, _ in by_rule)
    rejected = con.execute("SELECT source_path, reason FROM rejected_files ORDER BY 1 LIMIT ?", [page.size]).fetchall()
    return {"by_rule": by_rule, "by_region": by_region, "by_year": by_year, "total": total,
            "rows": [dict(zip(cols, r, strict=True)) for r in rows], "rejected": rejected}

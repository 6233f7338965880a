"""Load extracted records into DuckDB: in bulk, in one transaction, idempotently.

A record whose report_id (the file's sha256) is already loaded is left alone unless
`replace` is asked for, so rerunning a load changes nothing. A different file for the
same agency and year is a new version; the newest (by publication date, then load
time) is marked current. Cross-year checks run again for every agency touched.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.db import query
from pipeline.record import Record, read_record


@dataclass
class LoadResult:
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    by_status: dict[str, int] | None = None


def iter_records(folder: Path) -> Iterable[Record]:
    for path in sorted(folder.glob("*.json")):
        yield read_record(path)


def _date(s: object) -> object:
    return s if s else None


def _frames(records: list[Record], now: datetime) -> dict[str, pd.DataFrame]:
    reports, facts, sections, findings, derived = [], [], [], [], []
    for r in records:
        m = r.metadata
        reports.append({
            "report_id": r.sha256, "sha256": r.sha256, "source_path": r.source_path,
            "file_type": r.file_type, "title": m.get("title"), "agency": m.get("agency"),
            "agency_source": m.get("agency_source"), "year": m.get("year"),
            "published_on": _date(m.get("published_on")), "period_start": _date(m.get("period_start")),
            "period_end": _date(m.get("period_end")), "format_version": m.get("format_version"),
            "format_basis": m.get("format_basis"), "scope": m.get("scope"), "status": r.status,
            "reason": r.reason, "pages": m.get("pages"), "ocr": m.get("ocr"),
            "extracted_at": r.provenance.get("extracted_at"), "loaded_at": now,
            "extractor": r.provenance.get("extractor"),
            "metadata": json.dumps(m, ensure_ascii=False, default=str),
        })
        for f in r.facts:
            money = isinstance(f.value, Decimal)
            facts.append({
                "report_id": r.sha256, "table_id": f.table_id, "row_key": f.row_key, "col_key": f.col_key,
                "value": None if money or f.value is None else int(f.value),
                "amount": str(f.value) if money else None,
                "value_kind": f.value_kind, "printed_text": f.printed_text, "unit": f.unit,
                "page": f.page, "table_index": f.table_index, "row_index": f.row, "col_index": f.col,
                "bbox": f.bbox, "ocr_confidence": f.ocr_confidence, "derived": f.derived,
            })
        for s in r.sections:
            sections.append({"report_id": r.sha256, "number": s["number"], "heading": s.get("heading"),
                             "text": s.get("text"), "page": s.get("page")})
        for fd in r.findings:
            findings.append({"report_id": r.sha256, "rule_id": fd.rule_id, "severity": fd.severity,
                             "message": fd.message, "message_zh": fd.message_zh, "cells": list(fd.cells),
                             "expected": fd.expected, "printed": fd.printed, "origin": "extract"})
        for d in _derived(r):
            derived.append(d)
    return {
        "reports": pd.DataFrame(reports), "facts": pd.DataFrame(facts), "sections": pd.DataFrame(sections),
        "findings": pd.DataFrame(findings), "derived_facts": pd.DataFrame(derived),
    }


def _derived(r: Record) -> list[dict[str, object]]:
    if r.status == "rejected":
        return []
    try:
        from pipeline.validate import derived_values
    except ImportError:
        return []
    out = []
    for f in derived_values(r):
        money = isinstance(f.value, Decimal)
        out.append({"report_id": r.sha256, "table_id": f.table_id, "row_key": f.row_key, "col_key": f.col_key,
                    "value": None if money or f.value is None else int(f.value),
                    "amount": str(f.value) if money else None, "rule_id": "t3.blank_column"})
    return out



def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    if df.empty:
        return
    cols = ", ".join(df.columns)
    name = f"_in_{table}"
    con.register(name, df)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)


TABLES = ("reports", "facts", "sections", "findings", "derived_facts")


def load_records(con: duckdb.DuckDBPyConnection, records: Iterable[Record], replace: bool = False) -> LoadResult:
    records = list(records)
    res = LoadResult()
    now = datetime.now(UTC).replace(tzinfo=None)
    started = now
    existing = dict(query(con, "SELECT report_id, status FROM reports"))
    # The same file listed twice in one batch is one document.
    batch: dict[str, Record] = {}
    for r in records:
        batch.setdefault(r.sha256, r)
    todo = []
    for sha, r in batch.items():
        # A file rejected before (say, before its reader existed) that now reads is
        # replaced; anything else already loaded stays as it is unless asked.
        upgrade = existing.get(sha) == "rejected" and r.status != "rejected"
        if sha in existing and not (replace or upgrade):
            res.unchanged += 1
            continue
        if sha in existing:
            res.replaced += 1
        else:
            res.inserted += 1
        todo.append(r)
    con.execute("BEGIN TRANSACTION")
    try:
        if todo:
            ids = pd.DataFrame({"report_id": [r.sha256 for r in todo]})
            con.register("_ids", ids)
            # A replaced report may have been filed under another agency name before;
            # that agency's series is checked again too.
            before = {a for (a,) in query(con, "SELECT DISTINCT agency FROM reports WHERE agency IS NOT NULL "
                                              "AND report_id IN (SELECT report_id FROM _ids)")}
            for t in TABLES:
                con.execute(f"DELETE FROM {t} WHERE report_id IN (SELECT report_id FROM _ids)")
            con.unregister("_ids")
            frames = _frames(todo, now)
            for t in TABLES:
                _insert(con, t, frames[t])
            agencies = sorted(before | {r.metadata.get("agency") for r in todo if r.metadata.get("agency")})
            _recompute_versions(con)
            _crossyear(con, agencies)
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?)",
            [uuid.uuid4().hex, started, datetime.now(UTC).replace(tzinfo=None), len(records),
             res.inserted, res.replaced, res.unchanged],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    res.by_status = dict(query(con, "SELECT status, count(*) FROM reports GROUP BY ALL ORDER BY 1"))
    return res


def load_folder(con: duckdb.DuckDBPyConnection, folder: Path, replace: bool = False) -> LoadResult:
    return load_records(con, iter_records(folder), replace=replace)


def _recompute_versions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        UPDATE reports SET version = v.version, is_current = v.is_current
        FROM (
            SELECT report_id,
                   row_number() OVER (PARTITION BY agency, year ORDER BY loaded_at, report_id) AS version,
                   row_number() OVER (PARTITION BY agency, year
                                      ORDER BY published_on DESC NULLS LAST, loaded_at DESC, report_id) = 1
                       AS is_current
            FROM reports WHERE status <> 'rejected' AND agency IS NOT NULL AND year IS NOT NULL
        ) v
        WHERE reports.report_id = v.report_id
    """)
    con.execute("UPDATE reports SET version = NULL, is_current = false "
                "WHERE status = 'rejected' OR agency IS NULL OR year IS NULL")


def _crossyear(con: duckdb.DuckDBPyConnection, agencies: list[str]) -> None:
    """Re-run the rules that compare an agency's years, then restate report status."""
    try:
        from pipeline.validate.crossyear import SeriesReport, check_series
    except ImportError:
        return
    if not agencies:
        return
    ag = pd.DataFrame({"agency": agencies})
    con.register("_ag", ag)
    try:
        con.execute("""DELETE FROM findings WHERE origin = 'crossyear' AND report_id IN
                       (SELECT report_id FROM reports WHERE agency IN (SELECT agency FROM _ag))""")
        rows = query(con, """
            SELECT r.report_id, r.agency, r.year, r.format_version,
                   f.table_id || '.' || f.row_key || '.' || f.col_key AS key, f.value, f.amount
            FROM reports r JOIN facts f USING (report_id)
            WHERE r.is_current AND r.agency IN (SELECT agency FROM _ag)
            ORDER BY r.agency, r.year""")
    finally:
        con.unregister("_ag")
    series: dict[str, dict[str, SeriesReport]] = {}
    for rid, agency, year, fmt, key, value, amount in rows:
        by_id = series.setdefault(agency, {})
        sr = by_id.get(rid)
        if sr is None:
            sr = by_id[rid] = SeriesReport(report_id=rid, agency=agency, year=year, format_version=fmt, values={})
        sr.values[key] = amount if amount is not None else value
    out = []
    for by_id in series.values():
        for rid, fd in check_series(sorted(by_id.values(), key=lambda s: s.year)):
            out.append({"report_id": rid, "rule_id": fd.rule_id, "severity": fd.severity, "message": fd.message,
                        "message_zh": fd.message_zh, "cells": list(fd.cells), "expected": fd.expected,
                        "printed": fd.printed, "origin": "crossyear"})
    _insert(con, "findings", pd.DataFrame(out))
    _restate_status(con, agencies)


def _restate_status(con: duckdb.DuckDBPyConnection, agencies: list[str]) -> None:
    """A report's status follows all of its findings, cross-year ones included."""
    ag = pd.DataFrame({"agency": agencies})
    con.register("_ag2", ag)
    try:
        con.execute("""
            UPDATE reports SET status = CASE
                    WHEN s.errors > 0 THEN 'review' WHEN s.warnings > 0 THEN 'warnings' ELSE 'ok' END,
                reason = CASE WHEN s.errors > 0 THEN s.first_error WHEN s.warnings > 0 THEN s.first_warning END
            FROM (
                SELECT r.report_id,
                       count(*) FILTER (WHERE f.severity = 'error') AS errors,
                       count(*) FILTER (WHERE f.severity = 'warning') AS warnings,
                       min(f.message) FILTER (WHERE f.severity = 'error') AS first_error,
                       min(f.message) FILTER (WHERE f.severity = 'warning') AS first_warning
                FROM reports r LEFT JOIN findings f USING (report_id)
                WHERE r.status <> 'rejected' AND r.agency IN (SELECT agency FROM _ag2)
                GROUP BY r.report_id
            ) s
            WHERE reports.report_id = s.report_id""")
    finally:
        con.unregister("_ag2")


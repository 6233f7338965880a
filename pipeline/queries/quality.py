"""The quality report behind `gongkai check`: findings by agency and year, totals by rule."""

from __future__ import annotations

from typing import Any

import duckdb

from pipeline.db import query

SEVERITIES = ("error", "warning", "info")
_AT_LEAST = {"error": ("error",), "warning": ("error", "warning"), "info": ("error", "warning", "info")}
COLUMNS = ["agency", "year", "status", "rule_id", "severity", "cells", "expected", "printed", "message",
           "message_zh", "source_path", "origin"]


def _where(agency: str | None, year: int | None, severity: str) -> tuple[str, list[Any]]:
    sevs = _AT_LEAST[severity]
    sql = "severity IN (" + ", ".join("?" for _ in sevs) + ")"
    params: list[Any] = list(sevs)
    if agency:
        sql += " AND agency LIKE '%' || ? || '%'"
        params.append(agency)
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    return sql, params


def quality_rows(con: duckdb.DuckDBPyConnection, agency: str | None, year: int | None,
                 severity: str = "warning") -> list[dict[str, Any]]:
    where, params = _where(agency, year, severity)
    rows = query(con, f"""SELECT {', '.join(COLUMNS)} FROM quality WHERE {where}
        ORDER BY agency NULLS LAST, year, CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                 rule_id""", params)
    rej = [] if agency or year else query(con, "SELECT source_path, reason FROM rejected_files ORDER BY 1")
    out = [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    # Rejected files carry no findings; they appear once each with their reason.
    for path, reason in rej:
        out.append({"agency": None, "year": None, "status": "rejected", "rule_id": "file.rejected",
                    "severity": "error", "cells": [], "expected": None, "printed": None, "message": reason,
                    "message_zh": "", "source_path": path, "origin": "extract"})
    return out


def rule_totals(con: duckdb.DuckDBPyConnection, agency: str | None, year: int | None,
                severity: str = "warning") -> list[tuple]:
    where, params = _where(agency, year, severity)
    return query(con, f"""SELECT rule_id, severity, count(*), count(DISTINCT report_id) FROM quality
                          WHERE {where} GROUP BY ALL ORDER BY 3 DESC, 1""", params)

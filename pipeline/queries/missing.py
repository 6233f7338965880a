"""`gongkai missing`: agency and year with no current report since the agency's first one."""

from __future__ import annotations

import duckdb

from pipeline.db import query


def missing_rows(con: duckdb.DuckDBPyConnection, agency: str | None = None) -> list[tuple[str, int]]:
    return [(a, y) for a, y in query(con, """SELECT agency, year FROM missing_reports
                                             WHERE ? IS NULL OR agency LIKE '%' || ? || '%'
                                             ORDER BY agency, year""", [agency, agency])]

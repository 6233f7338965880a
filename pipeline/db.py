"""The DuckDB file: connect, create schema and views from sql/*.sql."""

from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
DEFAULT_DB = "gongkai.duckdb"


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def connect(path: str | Path = DEFAULT_DB, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    con = duckdb.connect(str(path))
    con.execute(sql_file("schema.sql"))
    con.execute(sql_file("views.sql"))
    return con


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Run and fetch everything: in DuckDB 2.x an unread result holds the connection."""
    return con.execute(sql, params or []).fetchall()

"""The DuckDB file: writers apply the schema and views, readers open it read-only.

The SQL lives in `pipeline/sql/` (package data, so an installed wheel has it). A writer
(`ingest`, `load`) brings the database up to the code's schema and views and records their
version in `gongkai_meta`; a reader (`check`, `compare`, `missing`, …) opens the file
read-only, runs no DDL (so any number of readers run beside each other and beside a
notebook) and is told plainly when the database was made by another version of the code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

DEFAULT_DB = "gongkai.duckdb"


class DatabaseUnusable(Exception):
    """A database a verb cannot use as asked: missing, in a missing folder, or made by
    another version of the code. The message is one line for the user."""


@cache
def sql_file(name: str) -> str:
    return resources.files("pipeline.sql").joinpath(name).read_text(encoding="utf-8")


@cache
def sql_version() -> str:
    """Changes whenever the schema or the views change, so a reader can tell."""
    text = sql_file("schema.sql") + "\n-- views --\n" + sql_file("views.sql")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def connect(path: str | Path = DEFAULT_DB, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A writer's connection (schema and views applied), or a reader's when `read_only`."""
    if read_only:
        return connect_reader(path)
    path = Path(path)
    if not path.parent.is_dir():
        raise DatabaseUnusable(f"no folder {path.parent} for the database {path}")
    con = duckdb.connect(str(path))
    try:
        if _stored_version(con) != sql_version():
            con.execute("BEGIN TRANSACTION")
            con.execute(sql_file("schema.sql"))
            con.execute(sql_file("views.sql"))
            con.execute("CREATE TABLE IF NOT EXISTS gongkai_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.execute("INSERT OR REPLACE INTO gongkai_meta VALUES ('sql_version', ?)", [sql_version()])
            con.execute("COMMIT")
    except BaseException:
        con.close()
        raise
    return con


def connect_reader(path: str | Path = DEFAULT_DB) -> duckdb.DuckDBPyConnection:
    """Read-only, no DDL; refuses a missing file (DuckDB would create it) and a database
    whose schema or views are not this code's."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseUnusable(f"no database at {path}: run gongkai ingest (or load) first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        stored = _stored_version(con)
        if stored != sql_version():
            made = "an older gongkai" if stored is None else f"another gongkai (views version {stored})"
            raise DatabaseUnusable(f"database {path} was made by {made}; this code expects views version "
                                   f"{sql_version()}: run gongkai load --db {path} to update it")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def reading(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A reader's connection, closed however the block ends."""
    con = connect_reader(path)
    try:
        yield con
    finally:
        con.close()


def _stored_version(con: duckdb.DuckDBPyConnection) -> str | None:
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'gongkai_meta'"
                      ).fetchone()
    if not has or not has[0]:
        return None
    row = con.execute("SELECT value FROM gongkai_meta WHERE key = 'sql_version'").fetchone()
    return row[0] if row else None


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Run and fetch everything: in DuckDB 2.x an unread result holds the connection."""
    return con.execute(sql, params or []).fetchall()

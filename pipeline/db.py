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


# Every SQL file a writer applies, in order (the crawl tables and the comparison views
# refer to `reports`): all of them make up the version a reader checks.
SQL_FILES: tuple[tuple[str, str], ...] = (
    ("pipeline.sql", "schema.sql"),
    ("pipeline.crawl", "schema.sql"),
    ("pipeline.sql", "views.sql"),
    ("pipeline.sql", "compare.sql"),
    ("pipeline.sql", "report_wide.sql"),
)


@cache
def sql_file(name: str, package: str = "pipeline.sql") -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


@cache
def sql_version() -> str:
    """Changes whenever any SQL file changes (schema, crawl tables, views), so a reader can tell."""
    text = "".join(f"\n-- {pkg}/{name} --\n" + sql_file(name, pkg) for pkg, name in SQL_FILES)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def apply_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Every SQL file, in order (each is idempotent)."""
    for pkg, name in SQL_FILES:
        con.execute(sql_file(name, pkg))


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
            apply_sql(con)
            con.execute("CREATE TABLE IF NOT EXISTS gongkai_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.execute("INSERT OR REPLACE INTO gongkai_meta VALUES ('sql_version', ?)", [sql_version()])
            con.execute("COMMIT")
    except BaseException:
        con.close()
        raise
    return con


def connect_reader(path: str | Path = DEFAULT_DB) -> duckdb.DuckDBPyConnection:
    """The database file itself, read-only, no DDL; refuses a missing file (DuckDB would
    create it) and a database whose schema or views are not this code's."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseUnusable(missing_message(path))
    return open_checked(path, path)


def missing_message(path: Path) -> str:
    return f"no database at {path}: run gongkai ingest (or load) first"


def open_checked(file: Path, db: Path) -> duckdb.DuckDBPyConnection:
    """Open `file` (the database `db` or its snapshot) read-only and check its SQL version."""
    con = duckdb.connect(str(file), read_only=True)
    try:
        stored = _stored_version(con)
        if stored != sql_version():
            made = "an older gongkai" if stored is None else f"another gongkai (views version {stored})"
            raise DatabaseUnusable(f"database {db} was made by {made}; this code expects views version "
                                   f"{sql_version()}: run gongkai load --db {db} to update it")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def reading(path: str | Path, live: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A reader's connection (the published snapshot unless `live`), closed however the
    block ends."""
    from pipeline.snapshot import open_reader

    con = open_reader(Path(path), live=live)
    try:
        yield con
    finally:
        con.close()


def _stored_version(con: duckdb.DuckDBPyConnection) -> str | None:
    # fetchall, not fetchone: an unfinished result holds a DuckDB 2.x connection (a later
    # register() on it fails).
    has = query(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'gongkai_meta'")
    if not has[0][0]:
        return None
    row = query(con, "SELECT value FROM gongkai_meta WHERE key = 'sql_version'")
    return row[0][0] if row else None


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Run and fetch everything: in DuckDB 2.x an unread result holds the connection."""
    return con.execute(sql, params or []).fetchall()

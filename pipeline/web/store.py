"""The server's read-only connection to the published snapshot, reopened when a new one appears.

A load publishes a new generation file and swings the `<db>.snapshot` link to it
(pipeline.snapshot). Each request asks `current()`: when the link points elsewhere than the
connection we hold, we open the new generation and keep the old connection until requests
that took it are done (DuckDB frees it when its last cursor closes; the file system keeps an
unlinked generation readable while it is open). Every request works on its own cursor, since
one DuckDB connection must not be used from two threads at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipeline.snapshot import snapshot_path


@dataclass
class Generation:
    """One opened database file; `key` names it (for ETags and per-generation caches)."""

    con: duckdb.DuckDBPyConnection
    key: str
    cache: dict[str, Any] = field(default_factory=dict)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()


class NoDatabase(Exception):
    """Neither a snapshot nor a database file exists yet."""


class Store:
    def __init__(self, db: Path, live: bool = False) -> None:
        self.db = Path(db)
        self.live = live
        self._gen: Generation | None = None
        self._lock = threading.Lock()

    def _target(self) -> tuple[Path, str]:
        link = snapshot_path(self.db)
        if not self.live and link.is_symlink():
            target = link.resolve()
            return target, target.name
        if not self.db.exists():
            raise NoDatabase(str(self.db))
        st = self.db.stat()
        # The live file (no snapshot published): a reload shows up as a new mtime.
        return self.db, f"{self.db.name}.{st.st_mtime_ns}"

    def current(self) -> Generation:
        path, key = self._target()
        gen = self._gen
        if gen is not None and gen.key == key:
            return gen
        with self._lock:
            if self._gen is None or self._gen.key != key:
                # Open exactly the generation resolved above (it is kept by the next publish
                # too); requests still holding the previous one finish on it.
                con = duckdb.connect(str(path), read_only=True)
                # A table name must never resolve to a Python variable of the server.
                con.execute("SET python_enable_replacements = false")
                self._gen = Generation(con, key)
            return self._gen

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.con.close()
                self._gen = None

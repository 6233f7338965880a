"""Read while a job writes: a read-only snapshot published after each load.

A DuckDB file has one writer and, while it is open for writing, no other process may open
it at all. So after each load the writer publishes a copy for readers:

1. CHECKPOINT, so the database file alone holds every committed change (no WAL);
2. copy it to a new generation file `<db>.snapshot.<n>` (temp name, fsync, rename);
3. point the symlink `<db>.snapshot` at it by renaming a new link over the old one
   (os.replace: atomic on POSIX).

A reader resolves the link and opens that generation read-only: it sees the old file or the
new one, never a mix. Generations (not one file renamed over) because DuckDB shares one
database instance per path inside a process: a notebook that opens again must get the new
file, not the instance it already has. The previous generation is kept when a new one is
published (a reader may have just resolved the link); older ones are unlinked, and a reader
that still has one open keeps reading it, since the file system frees an unlinked file only
when its last reader closes it. No reader ever blocks the writer, and the writer never
waits for readers.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.db import connect, connect_reader, open_checked

SUFFIX = ".snapshot"
KEEP = 2  # generations kept: the current one and the one before


def snapshot_path(db: Path) -> Path:
    """The link readers open."""
    return db.with_name(db.name + SUFFIX)


def generations(db: Path) -> list[Path]:
    """Published generation files, oldest first."""
    prefix = db.name + SUFFIX + "."
    gens = [p for p in db.parent.glob(prefix + "*") if p.name[len(prefix):].isdigit()]
    return sorted(gens, key=lambda p: int(p.name[len(prefix):]))


def publish(con: duckdb.DuckDBPyConnection, db: Path) -> float:
    """Publish a snapshot of `db`, whose writing connection is `con`; returns seconds taken."""
    t0 = time.perf_counter()
    con.execute("CHECKPOINT")
    link = snapshot_path(db)
    gen = db.with_name(f"{link.name}.{time.time_ns()}")
    tmp = gen.with_name("." + gen.name + ".tmp")
    tmp_link = link.with_name("." + link.name + f".{os.getpid()}.link")
    try:
        shutil.copyfile(db, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, gen)
        tmp_link.unlink(missing_ok=True)
        os.symlink(gen.name, tmp_link)
        os.replace(tmp_link, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        tmp_link.unlink(missing_ok=True)
        raise
    for old in generations(db)[:-KEEP]:
        old.unlink(missing_ok=True)
    return time.perf_counter() - t0


def open_reader(db: Path, live: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection: the newest snapshot (unless `live`), else the file itself;
    either is refused, in one line, when missing or made by another version of the code."""
    link = snapshot_path(db)
    if not live and link.is_symlink():
        for _ in range(5):
            target = link.resolve()
            try:
                return open_checked(target, db)
            except duckdb.IOException:
                # Two publishes between resolving the link and opening it: resolve again.
                if target.exists():
                    raise
        raise duckdb.IOException(f"snapshot of {db} keeps changing under the reader")
    return connect_reader(db)


@contextmanager
def writing(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writer's connection; when the block succeeds the snapshot is published, so that
    readers see what it wrote."""
    con = connect(db)
    try:
        yield con
        publish(con, db)
    finally:
        con.close()

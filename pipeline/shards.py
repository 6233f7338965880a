"""Shards: the companions of many records in two Parquet files, so a load opens few files.

A companion per record (pipeline.companion) costs the loader a file open per record
(1.3–2.2 ms however fast the rest is), which capped a load at 100–150k facts/s. A shard
holds a batch of records: `<name>.shard-facts.parquet` (every fact of them, the database's
column types, report_id first) and `<name>.shard-index.parquet`, one row per record: its
sha256, the size and modification time of its JSON when the shard was written, and its
header (the record without its facts, and its derived facts) as JSON text.

The JSON records stay the truth and the unit of resumability. A shard entry is trusted
only as a companion is: same format, same sha256 as the JSON's name, and the JSON's size
and modification time unchanged. The index is written last (each file to a temp name,
then renamed), so a killed writer leaves at most a facts file no index names, which the
loader ignores; deleting shards is always safe, only slower. Names start with the time in
nanoseconds and hold a random uuid, so writers on many machines never collide, and when
two shards hold the same record the newer one is read.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch import TEMP_PREFIX
from pipeline.companion import (
    CompanionRecord,
    companion_meta,
    read_each_or_set_aside,
    trusted_record,
)
from pipeline.damaged import Damaged
from pipeline.record import Record, _default

FACTS_SUFFIX = ".shard-facts.parquet"
INDEX_SUFFIX = ".shard-index.parquet"
INDEX = pa.schema([("sha256", pa.string()), ("json_size", pa.int64()), ("json_mtime_ns", pa.int64()),
                   ("format", pa.int32()), ("header", pa.string()), ("derived", pa.string())])


def shard_name() -> str:
    return f"shard-{time.time_ns():020d}-{uuid.uuid4().hex}"


def facts_file(index: Path) -> Path:
    return index.with_name(index.name.removesuffix(INDEX_SUFFIX) + FACTS_SUFFIX)


def _write(table: pa.Table, target: Path) -> None:
    tmp = target.with_name(f"{TEMP_PREFIX}{target.name}")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_shard(folder: Path, items: Iterable[tuple[Record, Path, pa.Table | None]]) -> Path | None:
    """One shard of these records, each already written as JSON at its path (and its facts
    table when the caller built it). A record the loader would refuse gets no entry (its
    JSON says why). Returns the index file, or None when no record had an entry."""
    tables, rows = [], []
    for rec, path, facts in items:
        got = companion_meta(rec, path, facts)
        if got is None:
            continue
        table, meta = got
        tables.append(table)
        rows.append({"sha256": rec.sha256, "json_size": meta["json_size"], "json_mtime_ns": meta["json_mtime_ns"],
                     "format": meta["format"],
                     "header": json.dumps(meta["record"], ensure_ascii=False, default=_default),
                     "derived": json.dumps(meta["derived"], ensure_ascii=False, default=_default)})
    if not rows:
        return None
    index = folder / f"{shard_name()}{INDEX_SUFFIX}"
    _write(pa.concat_tables(tables), facts_file(index))
    _write(pa.Table.from_pylist(rows, INDEX), index)  # last: the shard exists once this does
    return index


def shard_indexes(folder: Path) -> list[Path]:
    """Index files whose facts file is there too, oldest first."""
    return sorted(p for p in folder.glob(f"shard-*{INDEX_SUFFIX}") if facts_file(p).is_file())


def _index_rows(con: duckdb.DuckDBPyConnection, files: list[str]) -> list[tuple]:
    return con.execute("SELECT filename, sha256, json_size, json_mtime_ns, format, header, derived "
                       "FROM read_parquet(?, filename = true)", [files]).fetchall()


def read_shards(con: duckdb.DuckDBPyConnection, folder: Path, damaged: Damaged | None = None) -> dict[str, tuple]:
    """Every shard entry of a folder by sha256 (the newest shard's when several hold it),
    all indexes read in one statement. An index DuckDB cannot read is moved to damaged/
    with its reason, and its records are left to their companions or JSON."""
    files = [str(p) for p in shard_indexes(folder)]
    if not files:
        return {}
    rows = read_each_or_set_aside(lambda fs: _index_rows(con, fs), files, damaged)
    rows.sort(key=lambda r: r[0])  # oldest shard first: a newer entry wins
    return {r[1]: r for r in rows}


def shard_record(path: Path, row: tuple) -> CompanionRecord | None:
    """The record a shard entry stands for, if trusted (see pipeline.companion.trusted_record)."""
    index, sha, size, mtime, fmt, header, derived = row
    try:
        meta = {"format": fmt, "sha256": sha, "json_size": size, "json_mtime_ns": mtime,
                "record": json.loads(header), "derived": json.loads(derived)}
        return trusted_record(path, meta, facts_file(Path(index)))
    except Exception:  # an unreadable entry: the JSON is read instead
        return None


PACK_RECORDS = 2000  # loose companions merged into one shard


def pack(con: duckdb.DuckDBPyConnection, folder: Path, damaged: Damaged | None = None) -> int:
    """Merge a folder's trusted loose companions into shards, PACK_RECORDS to a shard, and
    remove them; returns how many were packed. DuckDB copies their facts in one statement a
    shard. A killed pack leaves companions and whole shards, both trusted, never half a
    shard; a companion no longer trusted (its JSON written again) is left for the loader."""
    from pipeline.companion import SUFFIX, _kv

    loose = sorted(folder.glob(f"*{SUFFIX}"))
    loose = [c for c in loose if not c.name.startswith(TEMP_PREFIX)]
    packed = 0
    for i in range(0, len(loose), PACK_RECORDS):
        files = [str(c) for c in loose[i:i + PACK_RECORDS]]
        try:
            kv = _kv(con, files)
        except duckdb.Error:
            continue  # the loader finds which file is bad, and says why
        rows, keep = [], []
        for f, text in kv:
            try:
                meta = json.loads(text)
                path = Path(f).with_name(f"{meta.get('sha256')}.json")
                trusted = Path(f).name == f"{meta['sha256']}{SUFFIX}" and trusted_record(path, meta, Path(f))
            except Exception:  # an unreadable header or no JSON: left to the loader
                continue
            if trusted:
                keep.append(f)
                rows.append({"sha256": meta["sha256"], "json_size": meta["json_size"],
                             "json_mtime_ns": meta["json_mtime_ns"], "format": meta["format"],
                             "header": json.dumps(meta["record"], ensure_ascii=False),
                             "derived": json.dumps(meta["derived"], ensure_ascii=False)})
        if not rows:
            continue
        index = folder / f"{shard_name()}{INDEX_SUFFIX}"
        facts = facts_file(index)
        tmp = facts.with_name(f"{TEMP_PREFIX}{facts.name}")
        try:
            con.execute(f"COPY (SELECT * FROM read_parquet(?)) TO '{_sql_path(tmp)}' "
                        "(FORMAT parquet, COMPRESSION zstd)", [keep])
            os.replace(tmp, facts)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _write(pa.Table.from_pylist(rows, INDEX), index)
        for f in keep:
            Path(f).unlink(missing_ok=True)
        packed += len(keep)
    return packed


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")

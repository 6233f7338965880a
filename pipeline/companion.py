"""The columnar companion of a record: `<sha>.facts.parquet` beside `<sha>.json`.

A record's facts are most of its bytes, and turning them from JSON into Python objects
into Arrow columns was most of a load's time. So `write_record` also writes the facts as
Parquet, in the database's own column types (DECIMAL(38, 10) values: exact, no float),
with the rest of the record (metadata, sections, findings, the derived facts) as a small
JSON header in the file's key-value metadata. The loader lets DuckDB read the companions
in bulk and never parses the record's JSON.

The JSON stays the whole record: the companion is a cache of it. It is trusted only when
its header names the same sha256, its format is this one, and the JSON's size and
modification time are the ones it was written beside; anything else (no companion, an
older one, a JSON rewritten by hand or by another tool) is loaded from the JSON. So
deleting companions is always safe, only slower.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.damaged import set_aside
from pipeline.load_tables import EXACT, FACTS, Columns, _money, _number
from pipeline.record import Record, _default, record_dict, stored_findings

FORMAT = 1  # bump when the companion's columns or header change: older ones are ignored
SUFFIX = ".facts.parquet"
META_KEY = "gongkai.companion"
DECIMAL = pa.decimal128(38, 10)
assert EXACT == "DECIMAL(38, 10)"  # the parquet type must be the database's
# The facts table's column types, so DuckDB inserts the companion without casts.
TYPES = {"value": DECIMAL, "amount": DECIMAL, "page": pa.int32(), "table_index": pa.int32(),
         "row_index": pa.int32(), "col_index": pa.int32()}


def companion_path(record_path: Path) -> Path:
    return record_path.with_name(record_path.name.removesuffix(".json") + SUFFIX)


@dataclass
class CompanionRecord(Record):
    """A record read from its companion's header: no Fact objects, the facts stay in the file."""

    record_file: Path | None = None
    facts_file: Path | None = None
    derived_rows: list[dict[str, Any]] = field(default_factory=list)


def _facts_table(rec: Record) -> pa.Table:
    cols = Columns(FACTS)
    cols.add_facts(rec)
    return pa.table({c: pa.array(cols.data[c], t).cast(TYPES.get(c, t)) for c, t in FACTS.columns})


def _derived_rows(rec: Record) -> list[dict[str, Any]]:
    from pipeline.validate import derived_values  # validate imports the record module

    if rec.status == "rejected":
        return []
    return [{"table_id": f.table_id, "row_key": f.row_key, "col_key": f.col_key, "value": _number(f.value),
             "amount": _money(f.value), "rule_id": getattr(f, "rule_id", None)} for f in derived_values(rec)]


def companion_meta(rec: Record, record_path: Path, facts: pa.Table | None = None) -> tuple[pa.Table, dict] | None:
    """A record's facts table and header (what a companion or a shard holds of it), or None
    for a record the loader would refuse (two facts under one key, a number with too many
    decimals): loading it from the JSON says why. `record_path` is the JSON just written,
    whose size and modification time the header keeps."""
    try:
        keys = [f.key for f in rec.facts]
        if len(set(keys)) != len(keys):
            return None
        table = _facts_table(rec) if facts is None else facts
        header = {k: v for k, v in record_dict(rec).items() if k != "facts"}
        st = record_path.stat()
        meta = {"format": FORMAT, "sha256": rec.sha256, "json_size": st.st_size, "json_mtime_ns": st.st_mtime_ns,
                "record": header, "derived": _derived_rows(rec)}
        json.dumps(meta, ensure_ascii=False, default=_default)  # what cannot be written is refused here
    except Exception:  # whatever the loader's JSON path will report in its own words
        return None
    return table, meta


def write_companion(rec: Record, record_path: Path, facts: pa.Table | None = None) -> Path | None:
    """Write the companion of a record just written at `record_path` (atomically: a temp
    file, then a rename). `facts` is the record's facts table when the caller built it
    already (the database bench builds its generated records' tables from one template,
    20 times faster)."""
    target = companion_path(record_path)
    got = companion_meta(rec, record_path, facts)
    if got is None:
        return None
    table, meta = got
    table = table.replace_schema_metadata({META_KEY: json.dumps(meta, ensure_ascii=False, default=_default)})
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=record_path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _header_record(path: Path, text: str | bytes) -> CompanionRecord | None:
    """The record a companion stands for, or None when it is not to be trusted."""
    try:
        return trusted_record(path, json.loads(text), companion_path(path))
    except Exception:  # unreadable header: the JSON is read instead
        return None


def trusted_record(path: Path, meta: dict, facts_file: Path) -> CompanionRecord | None:
    """The record a header (of a companion or a shard entry) stands for, its facts in
    `facts_file`; None unless it is this format, for this file name, and the JSON at `path`
    is the one it was written beside (same size and modification time)."""
    if meta.get("format") != FORMAT or f"{meta.get('sha256')}.json" != path.name:
        return None
    st = path.stat()
    if (st.st_size, st.st_mtime_ns) != (meta["json_size"], meta["json_mtime_ns"]):
        return None  # the JSON was written again since: it is the record
    d = dict(meta["record"])
    d.pop("facts", None)
    findings = stored_findings(d.pop("findings"))
    return CompanionRecord(facts=[], findings=findings, record_file=path, facts_file=facts_file,
                           derived_rows=meta["derived"], **d)


def read_each_or_set_aside(read: Callable[[list[str]], list[Any]], files: list[str],
                           damaged: list[tuple[Path, str]] | None) -> list[Any]:
    """`read` over all the files in one DuckDB statement; when one bad file fails it, file
    by file, each unreadable one moved to damaged/ with its reason (companions, shards)."""
    try:
        return read(files)
    except duckdb.Error:
        rows: list[Any] = []
        for f in files:
            try:
                rows += read([f])
            except duckdb.Error as exc:
                set_aside(Path(f), exc, damaged)
        return rows


def read_headers(con: duckdb.DuckDBPyConnection, paths: Iterable[Path],
                 damaged: list[tuple[Path, str]] | None = None) -> dict[Path, CompanionRecord]:
    """The trusted companions of these record paths, by record path: their headers read by
    DuckDB in one pass. A companion that cannot be opened is moved to damaged/, with its
    reason in `damaged`, and its record left to the JSON."""
    by_file = {str(c): p for p in paths if (c := companion_path(p)).is_file()}
    if not by_file:
        return {}
    rows = read_each_or_set_aside(lambda fs: _kv(con, fs), list(by_file), damaged)
    out = {}
    for f, text in rows:
        rec = _header_record(by_file[f], text)
        if rec is not None:
            out[by_file[f]] = rec
    return out


def _kv(con: duckdb.DuckDBPyConnection, files: list[str]) -> list[tuple[str, bytes]]:
    return con.execute("SELECT file_name, value FROM parquet_kv_metadata(?) WHERE decode(key) = ?",
                       [files, META_KEY]).fetchall()

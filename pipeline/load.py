"""Load extracted records into DuckDB: in bulk, in one transaction, idempotently.

A record whose report_id (the file's sha256) is already loaded is left alone unless
`replace` is asked for, so rerunning a load changes nothing. A different file for the
same agency and year is a new version; the newest (by publication date, then load
time) is marked current. Cross-year checks run again for every agency touched, and the
status of those agencies' reports is restated from all their findings.

Memory does not grow with the batch: records are read `BATCH_RECORDS` at a time and
staged (as Arrow tables, one bulk INSERT per table) into `_stage_*` tables, each batch
committed so that DuckDB need not hold it; then one transaction moves the staged rows
into the real tables, and the cross-year rules and status run as SQL over every agency
touched at once. Records come from shards (pipeline.shards) or companions when trusted, so
DuckDB reads their facts from few files, else from their JSON. A killed load leaves only
staging tables, which the next load drops.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.agencies import refresh_agencies, refresh_indicators
from pipeline.batch import TEMP_PREFIX, clean_stale_temp
from pipeline.companion import CompanionRecord, read_headers
from pipeline.damaged import set_aside
from pipeline.db import query
from pipeline.load_tables import FACTS, REPORTS, TABLES, Columns, TableSpec
from pipeline.record import Record, read_record
from pipeline.shards import FACTS_SUFFIX, read_shards, shard_record
from pipeline.validate import derived_values
from pipeline.validate.crossyear import SERIES_KEYS, series_findings_sql
from pipeline.validate.status import restate_sql

BATCH_RECORDS = 100
JSON_WEIGHT = 100  # a batch holds 10 times as many records read from companions,
COMPANION_WEIGHT = 10  # and 100 times as many read from shards
HEADER_CHUNK = 1000  # companions whose headers DuckDB reads in one pass
# DuckDB's buffer pool during a load: it otherwise keeps every page it wrote cached (up
# to 80% of RAM), so a long load's memory would grow with its size; past this it spills.
LOAD_MEMORY_LIMIT = "256MB"


@dataclass
class LoadResult:
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    by_status: dict[str, int] | None = None
    damaged: list[tuple[Path, str]] = field(default_factory=list)  # record moved aside, why


def record_paths(folder: Path) -> list[Path]:
    """The records of a folder: `*.json`, never a temp file being (or left half) written."""
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith(TEMP_PREFIX) and p.is_file())


def iter_records(folder: Path, damaged: list[tuple[Path, str]] | None = None) -> Iterator[Record]:
    """Each readable record of a folder (see iter_record_files)."""
    return iter_record_files(record_paths(folder), damaged)


def iter_folder_records(con: duckdb.DuckDBPyConnection, paths: list[Path],
                        damaged: list[tuple[Path, str]] | None = None) -> Iterator[Record]:
    """Each readable record, in order: from its shard entry or its companion's header when
    it has a trusted one (its facts then stay in that file, for DuckDB to read), else from
    its JSON."""
    shards = read_shards(con, paths[0].parent, damaged) if paths else {}
    for i in range(0, len(paths), HEADER_CHUNK):
        chunk = paths[i:i + HEADER_CHUNK]
        from_shards = {}
        for p in chunk:
            row = shards.get(p.name.removesuffix(".json"))
            if row is not None and (rec := shard_record(p, row)) is not None:
                from_shards[p] = rec
        headers = read_headers(con, [p for p in chunk if p not in from_shards], damaged)
        for p in chunk:
            if p in from_shards:
                yield from_shards[p]
            elif p in headers:
                yield headers[p]
            else:
                yield from iter_record_files([p], damaged)


def iter_record_files(paths: Iterable[Path], damaged: list[tuple[Path, str]] | None = None) -> Iterator[Record]:
    """Each readable record, read one at a time. One that cannot be read (truncated by a
    full disk, edited by hand) is moved to `damaged/` so that later loads do not trip on it
    again, and listed in `damaged` with a one-line reason; the rest load."""
    for path in paths:
        try:
            rec = read_record(path)
        except Exception as exc:  # any malformed record: JSON, fields, values
            set_aside(path, exc, damaged)
            continue
        yield rec


def load_folder(con: duckdb.DuckDBPyConnection, folder: Path, replace: bool = False) -> LoadResult:
    clean_stale_temp(folder)
    damaged: list[tuple[Path, str]] = []
    res = load_records(con, iter_folder_records(con, record_paths(folder), damaged), replace=replace,
                       damaged=damaged)
    res.damaged = damaged
    return res


def _weight(r: Record) -> int:
    """A record's share of a batch: one read from JSON holds its Fact objects; one read
    from a companion holds none, and DuckDB reads their files faster many to a statement;
    a shard holds many records in one file, which a batch had best read once."""
    if not isinstance(r, CompanionRecord):
        return JSON_WEIGHT
    return 1 if r.facts_file is not None and r.facts_file.name.endswith(FACTS_SUFFIX) else COMPANION_WEIGHT


def _batches(records: Iterable[Record], n: int) -> Iterator[list[Record]]:
    """Batches of at most n records read from JSON, or as many of the others as weigh the same."""
    chunk: list[Record] = []
    weight = 0
    for r in records:
        chunk.append(r)
        weight += _weight(r)
        if weight >= n * JSON_WEIGHT:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def _stage(t: TableSpec) -> str:
    return f"_stage_{t.name}"


def load_records(con: duckdb.DuckDBPyConnection, records: Iterable[Record], replace: bool = False,
                 batch_size: int = BATCH_RECORDS, paths_given: bool = False,
                 damaged: list[tuple[Path, str]] | None = None) -> LoadResult:
    """Stage the records batch by batch (each batch committed to staging tables, so DuckDB
    holds no more than a batch in memory), then move them into the real tables, recompute
    versions and cross-year findings in one transaction: a load is all or nothing.

    Every record's source_path goes into report_paths. With `paths_given` (ingest: the
    records carry the paths given in this run) a report already loaded takes the new path
    as its source_path too; a plain load of extracted/ leaves it as it is."""
    res = LoadResult()
    now = datetime.now(UTC).replace(tzinfo=None)
    (limit, order) = query(con, "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order')")[0]
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    # Rows carry their order in columns (findings.seq, report_paths by seq); DuckDB keeping
    # the files' row order as well made the bulk inserts half as fast (2000 companions:
    # 3.6 s against 1.6 s).
    con.execute("SET preserve_insertion_order = false")
    _drop_stages(con)  # what a killed load left, if anything
    try:
        for t in TABLES:
            con.execute(f"CREATE TABLE {_stage(t)} AS SELECT * FROM {t.name} LIMIT 0")
        paths: dict[tuple[str, str], None] = {}
        total = _stage_all(con, records, replace, batch_size, now, res, paths, damaged)
        _move_staged(con, now, total, res, list(paths), paths_given)
    finally:
        _drop_stages(con)
        con.execute(f"SET memory_limit = '{limit}'")
        con.execute(f"SET preserve_insertion_order = {bool(order)}")
    res.by_status = dict(query(con, "SELECT status, count(*) FROM reports GROUP BY ALL ORDER BY 1"))
    return res


def _drop_stages(con: duckdb.DuckDBPyConnection) -> None:
    for t in TABLES:
        con.execute(f"DROP TABLE IF EXISTS {_stage(t)}")


def _stage_all(con: duckdb.DuckDBPyConnection, records: Iterable[Record], replace: bool, batch_size: int,
               now: datetime, res: LoadResult, paths: dict[tuple[str, str], None],
               damaged: list[tuple[Path, str]] | None = None) -> int:
    existing = dict(query(con, "SELECT report_id, status FROM reports"))
    seen: set[str] = set()
    total = 0
    for chunk in _batches(records, batch_size):
        total += len(chunk)
        for r in chunk:  # every path, also of a file listed twice or already loaded
            paths[(r.sha256, r.source_path)] = None
        todo = _stage_companions(con, _todo(chunk, existing, seen, replace, res), damaged)
        for r in todo:
            if r.sha256 in existing:
                res.replaced += 1
            else:
                res.inserted += 1
        if not todo:
            continue
        cols = {t.name: Columns(t) for t in TABLES}
        for r in todo:
            _add_record(cols, r, now)
        for t in TABLES:
            _insert(con, _stage(t), cols[t.name].table(), t.select)
    return total


def _move_staged(con: duckdb.DuckDBPyConnection, now: datetime, total: int, res: LoadResult,
                 paths: list[tuple[str, str]], paths_given: bool) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        if res.inserted or res.replaced:
            # A replaced report may have been filed under another agency name before: that
            # agency's series is checked again too.
            agencies = [a for (a,) in query(con, f"""
                SELECT agency FROM reports WHERE report_id IN (SELECT report_id FROM {_stage(REPORTS)})
                UNION SELECT agency FROM {_stage(REPORTS)} ORDER BY 1""") if a is not None]
            for t in TABLES:
                con.execute(f"DELETE FROM {t.name} WHERE report_id IN (SELECT report_id FROM {_stage(REPORTS)})")
                con.execute(f"INSERT INTO {t.name} BY NAME SELECT * FROM {_stage(t)}")
            _recompute_versions(con)
            _crossyear(con, agencies)
            # The comparison tables follow from the reports: indicators of the reports
            # loaded now, the agency table (ids, names, regions, aliases) whole.
            refresh_indicators(con, [rid for (rid,) in query(con, f"SELECT report_id FROM {_stage(REPORTS)}")])
            refresh_agencies(con)
        _record_paths(con, paths, now, paths_given)
        con.execute("INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [uuid.uuid4().hex, now, datetime.now(UTC).replace(tzinfo=None), total,
                     res.inserted, res.replaced, res.unchanged])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _record_paths(con: duckdb.DuckDBPyConnection, paths: list[tuple[str, str]], now: datetime,
                  paths_given: bool) -> None:
    """report_paths: a path seen again is touched, a new one added. With `paths_given` the
    reports already loaded take the last path given for them as source_path (those loaded
    now have it from their record)."""
    if not paths:
        return
    tbl = pa.table({"report_id": pa.array([p[0] for p in paths], pa.string()),
                    "path": pa.array([p[1] for p in paths], pa.string()),
                    "seq": pa.array(range(len(paths)), pa.int64())})
    con.register("_paths", tbl)
    try:
        con.execute("""UPDATE report_paths SET last_seen = ? FROM _paths p
                       WHERE report_paths.report_id = p.report_id AND report_paths.path = p.path""", [now])
        con.execute("""INSERT INTO report_paths SELECT DISTINCT p.report_id, p.path, ?, ? FROM _paths p
                       WHERE NOT EXISTS (SELECT 1 FROM report_paths q
                                         WHERE q.report_id = p.report_id AND q.path = p.path)""", [now, now])
        if paths_given:
            con.execute("""UPDATE reports SET source_path = l.path
                           FROM (SELECT report_id, arg_max(path, seq) AS path FROM _paths GROUP BY ALL) l
                           WHERE reports.report_id = l.report_id AND reports.source_path <> l.path""")
    finally:
        con.unregister("_paths")


def _todo(chunk: list[Record], existing: dict[str, str], seen: set[str], replace: bool,
          res: LoadResult) -> list[Record]:
    todo = []
    for r in chunk:
        if r.sha256 in seen:  # the same file listed twice in one load is one document
            continue
        seen.add(r.sha256)
        # A file rejected before (say, before its reader existed) that now reads is
        # replaced; anything else already loaded stays as it is unless asked.
        upgrade = existing.get(r.sha256) == "rejected" and r.status != "rejected"
        if r.sha256 in existing and not (replace or upgrade):
            res.unchanged += 1
            continue
        _check_unique_facts(r)
        todo.append(r)
    return todo


def _stage_companions(con: duckdb.DuckDBPyConnection, todo: list[Record],
                      damaged: list[tuple[Path, str]] | None) -> list[Record]:
    """Stage the facts of the records read from companions and shards, DuckDB reading the
    Parquet files in one statement (of a shard, only the records to load). A file DuckDB
    cannot read is moved to damaged/ (with its reason) and its records read from the JSON."""
    by_file: dict[str, list[CompanionRecord]] = {}
    for r in todo:
        if isinstance(r, CompanionRecord) and r.facts_file is not None and r.record_file is not None:
            by_file.setdefault(str(r.facts_file), []).append(r)
    if not by_file:
        return todo
    try:
        _insert_parquet(con, by_file)
        return todo
    except duckdb.Error:
        pass  # one bad file fails the statement (and stages nothing): find which
    bad: set[str] = set()
    for f, recs in by_file.items():
        try:
            _insert_parquet(con, {f: recs})
        except duckdb.Error as exc:
            set_aside(Path(f), exc, damaged)
            bad.add(f)
    out: list[Record] = []
    for r in todo:
        if isinstance(r, CompanionRecord) and str(r.facts_file) in bad and r.record_file is not None:
            out += iter_record_files([r.record_file], damaged)
        else:
            out.append(r)
    return out


def _insert_parquet(con: duckdb.DuckDBPyConnection, by_file: dict[str, list[CompanionRecord]]) -> None:
    want = pa.table({"file": pa.array([f for f, rs in by_file.items() for _ in rs], pa.string()),
                     "report_id": pa.array([r.sha256 for rs in by_file.values() for r in rs], pa.string())})
    con.register("_want", want)
    try:
        con.execute(f"""INSERT INTO {_stage(FACTS)} BY NAME
                        SELECT p.* EXCLUDE (filename) FROM read_parquet(?, filename = true) p
                        SEMI JOIN _want w ON w.file = p.filename AND w.report_id = p.report_id""", [list(by_file)])
    finally:
        con.unregister("_want")


class DuplicateFact(ValueError):
    """A record with two facts under one key: an extraction bug, never loaded half."""


def _check_unique_facts(r: Record) -> None:
    keys = [f.key for f in r.facts]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise DuplicateFact(f"record {r.sha256} ({r.source_path}) has two facts for {dup}")


def _add_record(cols: dict[str, Columns], r: Record, now: datetime) -> None:
    cols["reports"].add_report(r, now)
    cols["sections"].add_sections(r)
    cols["findings"].add_findings(r.sha256, r.findings, "extract")
    if isinstance(r, CompanionRecord):  # facts staged from the file; derived at extraction
        if r.status != "rejected":
            for d in r.derived_rows:
                cols["derived_facts"].add(report_id=r.sha256, **d)
        return
    cols["facts"].add_facts(r)
    if r.status != "rejected":
        cols["derived_facts"].add_derived(r.sha256, derived_values(r))


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, select: str) -> None:
    if data.num_rows == 0:
        return
    name = f"_in_{table}"
    con.register(name, data)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(data.column_names)}) SELECT {select} FROM {name}")
    finally:
        con.unregister(name)


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
    """Re-run the rules that compare an agency's years, then restate report status: both
    set-based SQL over all these agencies at once (pipeline.validate.crossyear,
    pipeline.validate.status).

    The facts the rules read (SERIES_KEYS, a tenth of a report's) of all these agencies'
    current reports are picked out in one scan."""
    if not agencies:
        return
    con.register("_series_agencies", pa.table({"agency": pa.array(agencies, pa.string())}))
    con.register("_series_keys", pa.table({"key": pa.array(SERIES_KEYS, pa.string())}))
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _series AS
            SELECT r.report_id, r.agency, r.year, r.format_version, k.key,
                   -- counts as integers, as the rules saw them at extraction
                   CASE WHEN f.amount IS NULL THEN f.value::BIGINT END AS value, f.amount
            FROM reports r JOIN facts f USING (report_id)
            JOIN _series_keys k ON k.key = f.table_id || '.' || f.row_key || '.' || f.col_key
            WHERE r.is_current AND r.agency IN (SELECT agency FROM _series_agencies)""")
        con.execute("CREATE OR REPLACE TEMP TABLE _touched AS SELECT report_id FROM reports "
                    "WHERE agency IN (SELECT agency FROM _series_agencies)")
        con.execute("DELETE FROM findings WHERE origin = 'crossyear' AND report_id IN (SELECT report_id FROM _touched)")
        con.execute(f"""INSERT INTO findings BY NAME
                        SELECT *, 'crossyear' AS origin FROM ({series_findings_sql('_series')})""")
        con.execute(restate_sql("SELECT report_id FROM _touched"))
    finally:
        con.unregister("_series_agencies")
        con.unregister("_series_keys")
        con.execute("DROP TABLE IF EXISTS _series")
        con.execute("DROP TABLE IF EXISTS _touched")

"""The database at scale: a synthetic database of N reports (default 100,000, about 20
million facts) built through the real loading path — record files in a folder, loaded by
pipeline.load.load_folder as `gongkai load` does (shards, staging, one transaction) —
then the snapshot publish time and the latency of trend, compare (one region-year),
coverage and export to Parquet, each the median of several runs on the published
snapshot. Goals: loading ≥ 1,000,000 facts/s, each query < 200 ms.

    python scripts/bench_db.py [--reports 5000] [--db /tmp/x.duckdb]

Writing the record files is not timed (it stands in for extraction); the load is. They are
written by a process pool, compact JSON plus one shard (pipeline.shards) per range of
reports, each record's facts table built from one table per template (100,000 in 25 min
with 2 processes at load 7–10 when each had a companion; write_record, indented JSON and
every fact built into Arrow, one process, had taken over an hour); `--records DIR` keeps
them for the next run. The load's CPU seconds (all threads) and the peak RSS are printed
beside its wall time: the machine is shared, and CPU time depends less on the others.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    import pyarrow as pa

    from pipeline.record import Record

YEARS = list(range(2019, 2025))
DEPTS = ("人民政府办公室", "档案馆", "生态环境局", "教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局",
         "自然资源和规划局", "住房和城乡建设局", "交通运输局", "卫生健康委员会", "市场监督管理局", "统计局",
         "医疗保障局", "应急管理局", "水务局", "农业农村局", "文化和旅游局", "退役军人事务局")


def agency_names(n: int) -> list[str]:
    """n agencies spread over the real counties of the division table."""
    from pipeline.regions.divisions import divisions

    counties = sorted((d for ds in divisions().names["county"].values() for d in ds if d.code),
                      key=lambda d: d.code)
    out = []
    for i in range(n):
        c = counties[(i // len(DEPTS)) * 7 % len(counties)]
        out.append(f"{c.city or c.province}{c.name}{DEPTS[i % len(DEPTS)]}")
    return out


def _keys() -> dict[str, list[tuple[str, str, str, str | None]]]:
    from pipeline import spec

    return {fmt: [(i.table_id, i.row_key, i.col_key, i.unit) for i in spec.items(fmt)] for fmt in spec.FORMATS}


def record(k: int, names: list[str], keys: dict[str, list[tuple[str, str, str, str | None]]]) -> Record:
    """Report k: agency k // 6, year 2019 + k % 6, its values drawn from a generator seeded
    by k (so any worker writes the same report k)."""
    from pipeline.record import Fact, Record

    rng = random.Random(k)
    name, year = names[k // len(YEARS)], YEARS[k % len(YEARS)]
    fmt = "2019" if year < 2021 else "2021"
    facts = []
    for t, r, c, unit in keys[fmt]:
        v: int | Decimal = Decimal(rng.randrange(0, 10**6)) / 100 if unit == "万元" else rng.randrange(0, 50)
        facts.append(Fact(t, r, c, v, "number", str(v), unit))
    return Record(sha256=f"{k:064x}", source_path=f"/bench/{k}.txt", file_type="txt", status="ok",
                  metadata={"title": f"{name}{year}年政府信息公开工作年度报告", "agency": name, "year": year,
                            "format_version": fmt, "scope": "agency", "published_on": f"{year + 1}-01-20"},
                  facts=facts, provenance={"extractor": "bench"})


def records(n: int) -> Iterator[Record]:
    keys, names = _keys(), agency_names(n // len(YEARS) + 1)
    for k in range(n):
        yield record(k, names, keys)


def _facts_templates(names: list[str], keys: dict) -> dict[str, pa.Table]:
    """Each template's companion facts table (of report 0 or 2), whose report_id and value
    columns each generated record replaces: the columns that are the same in every report
    are built once."""
    from pipeline.companion import _facts_table

    return {"2019": _facts_table(record(0, names, keys)), "2021": _facts_table(record(2, names, keys))}


def _write_range(folder: Path, start: int, stop: int, n: int) -> int:
    """Write reports start..stop-1 as an extract worker does: each `<sha>.json` (compact:
    the loader reads any JSON; indented, writing was 40 ms a record), then one shard of
    them all (pipeline.shards.write_shard, which the loader reads instead)."""
    from pipeline.shards import write_shard

    counted = [0]
    write_shard(folder, _written(folder, start, stop, n, counted))
    return counted[0]


def _written(folder: Path, start: int, stop: int, n: int, counted: list[int]) -> Iterator[tuple]:
    """Each record written as JSON, with its facts table built from its template's: the
    shard writer takes them one at a time, so a worker holds one record's Fact objects."""
    import json
    import os

    import pyarrow as pa

    from pipeline.companion import DECIMAL
    from pipeline.load_tables import _money, _number
    from pipeline.record import _default, record_dict

    keys, names = _keys(), agency_names(n // len(YEARS) + 1)
    templates = _facts_templates(names, keys)
    for k in range(start, stop):
        rec = record(k, names, keys)
        counted[0] += len(rec.facts)
        target = folder / f"{rec.sha256}.json"
        tmp = folder / f".tmp-{rec.sha256}.json"
        tmp.write_text(json.dumps(record_dict(rec), ensure_ascii=False, default=_default), encoding="utf-8")
        os.replace(tmp, target)
        t = templates[rec.metadata["format_version"]]
        table = t.set_column(0, "report_id", pa.array([rec.sha256] * t.num_rows, pa.string()))
        for col, fn in (("value", _number), ("amount", _money)):
            i = t.schema.get_field_index(col)
            table = table.set_column(i, col, pa.array([fn(f.value) for f in rec.facts], pa.string()).cast(DECIMAL))
        i = t.schema.get_field_index("printed_text")
        table = table.set_column(i, "printed_text", pa.array([f.printed_text for f in rec.facts], pa.string()))
        yield rec, target, table


def _facts_of(n: int) -> int:
    """The facts of reports 0..n-1 (the count of their template's cells)."""
    size = {fmt: len(k) for fmt, k in _keys().items()}
    return sum(size["2019" if YEARS[k % len(YEARS)] < 2021 else "2021"] for k in range(n))


def write_records(n: int, folder: Path, workers: int) -> int:
    """The n record files, written by `workers` processes; the number of facts."""
    from concurrent.futures import ProcessPoolExecutor

    folder.mkdir(parents=True, exist_ok=True)
    step = max(1, n // (workers * 20))
    with ProcessPoolExecutor(workers) as pool:
        futs = [pool.submit(_write_range, folder, i, min(n, i + step), n) for i in range(0, n, step)]
        return sum(f.result() for f in futs)


def _rss() -> str:
    """Peak resident memory of this process so far (the DuckDB threads' included)."""
    import resource

    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB"


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def timed(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes writing the records")
    ap.add_argument("--records", default=None, help="folder of the record files: written when it has none, "
                    "reused when it has (default: a temporary one)")
    ap.add_argument("--db", default=None, help="database file (default: a temporary one)")
    a = ap.parse_args()
    from pipeline.compare import queries as q
    from pipeline.compare.export import export
    from pipeline.db import connect
    from pipeline.load import load_folder
    from pipeline.snapshot import open_reader, publish

    tmp = tempfile.TemporaryDirectory(prefix="gongkai-bench-db-")
    db = Path(a.db) if a.db else Path(tmp.name) / "bench.duckdb"
    folder = Path(a.records) if a.records else Path(tmp.name) / "extracted"
    t = time.perf_counter()
    if folder.is_dir() and any(folder.glob("*.json")):
        facts = _facts_of(a.reports)
        print(f"reusing {folder}: {a.reports:,} record files ({facts:,} facts)")
    else:
        facts = write_records(a.reports, folder, a.workers)
        print(f"wrote {a.reports:,} record files ({facts:,} facts) in {time.perf_counter() - t:.0f}s (not timed)")
    con = connect(db)
    print(f"load average before the load: {_loadavg()}")
    t, cpu = time.perf_counter(), time.process_time()
    res = load_folder(con, folder)
    load_s, load_cpu = time.perf_counter() - t, time.process_time() - cpu
    assert res.inserted == a.reports and not res.damaged, res
    print(f"gongkai load: {a.reports:,} reports, {facts:,} facts in {load_s:.1f}s: {facts / load_s:,.0f} facts/s "
          f"({a.reports / load_s:,.0f} reports/s; goal 1,000,000 facts/s); CPU {load_cpu:.1f}s "
          f"(all threads: {facts / load_cpu:,.0f} facts per CPU second); load average after: {_loadavg()}; "
          f"peak RSS so far {_rss()}")
    pub = publish(con, db)
    con.close()
    print(f"snapshot published in {pub * 1000:.0f} ms ({db.stat().st_size / 2**20:,.0f} MiB); peak RSS {_rss()}")
    r = open_reader(db)
    agency = r.execute("SELECT name FROM agencies ORDER BY agency_id LIMIT 1").fetchall()[0][0]
    city = r.execute("SELECT coalesce(city, province) AS c FROM agencies WHERE c IS NOT NULL GROUP BY c "
                     "ORDER BY count(*) DESC, c LIMIT 1").fetchall()[0][0]
    n_city = len(q.compare(r, region=city, year=2024))
    out = Path(tmp.name) / "export.parquet"
    results = {
        f"trend ({agency})": timed(lambda: q.trend(r, agency)),
        f"compare ({city} 2024, {n_city} agencies)": timed(lambda: q.compare(r, region=city, year=2024,
                                                                             sort="granted")),
        f"coverage ({city} 2019-2025)": timed(lambda: q.coverage(r, region=city, years=q.Years(2019, 2025))),
        f"export to parquet ({city}, tidy)": timed(lambda: export(r, out, "parquet", region=city)),
    }
    for name, ms in results.items():
        print(f"{name:60} {ms:8.1f} ms {'ok' if ms < 200 else 'over the 200 ms goal'}")
    print(f"peak RSS after the queries {_rss()}")
    t = time.perf_counter()
    n = export(r, out, "parquet")
    print(f"export to parquet (everything, tidy): {n:,} rows in {time.perf_counter() - t:.1f}s; peak RSS {_rss()}")
    r.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()

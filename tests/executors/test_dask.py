"""`--executor dask`: the same per-document function on a real dask.distributed LocalCluster
of worker processes; the database equals a local run's fact for fact, a worker killed
mid-batch loses nothing, a crashing or hanging document is rejected alone."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from pipeline.batch import TEMP_PREFIX, extract_many
from pipeline.cli import app
from pipeline.executors.dask_run import CRASHED, dask_client, extract_on_dask
from pipeline.executors.store import RecordStore
from pipeline.settings import Settings
from tests.executors import hooks
from tests.paths import ROOT

RAW = ROOT / "raw"


def gk(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """Two single-threaded worker processes, as `--executor dask -j 2` starts them."""
    with dask_client(None, 2, dashboard=None) as c:
        yield c


def _corpus(tmp_path: Path, wuhan_txt: Path, n: int) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    text = wuhan_txt.read_text(encoding="utf-8")
    files = []
    for i in range(n):  # distinct content (so distinct records): the publication day differs
        p = folder / f"r{i}.txt"
        p.write_text(text.replace("2025年1月13日", f"2025年1月{i + 1}日"), encoding="utf-8")
        files.append(p)
    return files


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every table a report lands in, less the load's own timestamps, in a fixed order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * EXCLUDE ({ex}) FROM {t}" if ex else f"SELECT * FROM {t}").fetchall(),
                          key=repr)
                for t, ex in (("reports", "extracted_at, loaded_at"), ("facts", ""), ("derived_facts", ""),
                              ("sections", ""), ("findings", ""))}
    finally:
        con.close()


def test_dask_ingest_equals_local_fact_for_fact(tmp_path: Path, client: object) -> None:
    docs = tmp_path / "raw"
    shutil.copytree(RAW, docs)
    local = gk("ingest", docs, "--db", tmp_path / "local.duckdb", "--out", tmp_path / "ex-local", "-j", "1", "-q")
    address = client.scheduler.address  # type: ignore[attr-defined]
    dask = gk("ingest", docs, "--db", tmp_path / "dask.duckdb", "--out", tmp_path / "ex-dask",
              "--executor", "dask", "--scheduler", address, "-q")
    assert local.exit_code == dask.exit_code == 0, dask.output
    assert "dask: 2 workers, 2 threads; dashboard" in dask.output
    a, b = _dump(tmp_path / "local.duckdb"), _dump(tmp_path / "dask.duckdb")
    assert len(a["reports"]) == len(list(RAW.iterdir())) and len(a["facts"]) > 1000
    assert a == b
    # Resumable: a rerun finds every record there and extracts nothing.
    again = gk("extract", docs, "--out", tmp_path / "ex-dask", "--executor", "dask", "--scheduler", address, "-q")
    assert f"({len(a['reports'])} already extracted)" in again.output


def test_documents_and_records_by_fsspec_url(tmp_path: Path, client: object) -> None:
    docs = tmp_path / "raw"
    shutil.copytree(RAW, docs, ignore=shutil.ignore_patterns("*.pdf"))
    address = client.scheduler.address  # type: ignore[attr-defined]
    by_url = gk("ingest", f"file://{docs}", "--db", tmp_path / "url.duckdb", "--out", f"file://{tmp_path}/store",
                "--executor", "dask", "--scheduler", address, "-q")
    by_path = gk("ingest", docs, "--db", tmp_path / "path.duckdb", "--out", tmp_path / "ex", "-j", "1", "-q")
    assert by_url.exit_code == by_path.exit_code == 0, by_url.output
    # The same record files (a local folder also gets each record's columnar companion, a
    # cache the loader reads instead when it can; a store by URL has none).
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == sorted(
        p.name for p in (tmp_path / "ex").iterdir() if not p.name.endswith(".facts.parquet"))
    a, b = _dump(tmp_path / "url.duckdb"), _dump(tmp_path / "path.duckdb")
    # The same records; only the source path differs (the URL the document was named by).
    assert [r[0] for r in a["reports"]] == [r[0] for r in b["reports"]]
    assert {k: v for k, v in a.items() if k != "reports"} == {k: v for k, v in b.items() if k != "reports"}
    con = duckdb.connect(str(tmp_path / "url.duckdb"), read_only=True)
    paths = [p for (p,) in con.execute("SELECT source_path FROM reports").fetchall()]
    con.close()
    assert len(paths) == 13 and all(p.startswith(f"file://{docs}/") for p in paths), paths


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path: Path, wuhan_txt: Path, client: object) -> None:
    files = _corpus(tmp_path, wuhan_txt, 8)
    store = RecordStore(str(tmp_path / "ex"))
    pids = client.run(os.getpid)  # type: ignore[attr-defined]
    outcomes = []
    killed = None
    for o in extract_on_dask(client, files, store, False, 600, Settings(), process=hooks.slow):
        outcomes.append(o)
        if killed is None:
            # kill -9 a worker that holds a document right now
            busy = [w for w, keys in client.processing().items() if keys]  # type: ignore[attr-defined]
            killed = pids[busy[0]]
            os.kill(killed, signal.SIGKILL)
    assert killed is not None
    assert sorted(o.path.name for o in outcomes) == sorted(f.name for f in files)  # type: ignore[union-attr]
    assert [o.status for o in outcomes] == ["ok"] * 8
    # The killed worker may leave its half-written temp file (never read as a record, removed
    # when stale); the records themselves are each there once.
    names = [p.name for p in (tmp_path / "ex").glob("*.json")]
    assert len([n for n in names if not n.startswith(TEMP_PREFIX)]) == 8, names
    local = {o.sha256 for o in extract_many(files, tmp_path / "ex-local", jobs=1)}
    assert {o.sha256 for o in outcomes} == local


def test_a_crashing_document_is_rejected_alone(tmp_path: Path, wuhan_txt: Path, client: object) -> None:
    files = _corpus(tmp_path, wuhan_txt, 5)
    outcomes = {o.path.name: o for o in extract_on_dask(  # type: ignore[union-attr]
        client, files, RecordStore(str(tmp_path / "ex")), False, 600, Settings(), process=hooks.crash_on_r2)}
    assert outcomes["r2.txt"].status == "rejected" and outcomes["r2.txt"].reason == CRASHED
    assert all(outcomes[f"r{i}.txt"].status == "ok" for i in (0, 1, 3, 4))
    # The rejected record is named by the file's content, so that it is replaced once it reads.
    assert (tmp_path / "ex" / f"{outcomes['r2.txt'].sha256}.json").exists()
    assert outcomes["r2.txt"].sha256 == next(o.sha256 for o in extract_many([files[2]], tmp_path / "ex-local"))


def test_a_hanging_document_is_stopped_and_rejected(tmp_path: Path, wuhan_txt: Path, client: object) -> None:
    files = _corpus(tmp_path, wuhan_txt, 3)
    # 10 s, not less: a worker's document on a machine at load 8 took over 2 s, and the limit
    # must stop only the document that hangs (a minute) while the others finish.
    outcomes = {o.path.name: o for o in extract_on_dask(  # type: ignore[union-attr]
        client, files, RecordStore(str(tmp_path / "ex")), False, 10, Settings(), process=hooks.hang_on_r0)}
    assert outcomes["r0.txt"].status == "rejected"
    assert outcomes["r0.txt"].reason == "extraction stopped: took longer than 10 s"
    assert outcomes["r1.txt"].status == outcomes["r2.txt"].status == "ok"


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"),
    (["--out", "s3://bucket/extracted"], "named by URL need --executor dask"),
    (["--executor", "spark"], "--executor is one of local, dask"),
])
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    res = gk("extract", RAW / "jiangcheng-city-2022.html", *args)
    assert res.exit_code == 2 and message in res.output

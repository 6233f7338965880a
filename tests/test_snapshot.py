"""Reading while a job writes: readers use the published snapshot, never the file being written."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.db import DatabaseUnusable, connect
from pipeline.load import load_records
from pipeline.snapshot import generations, open_reader, publish, snapshot_path
from tests.compare import build_db as cdb
from tests.kit import make_report, write_txt
from tests.paths import ROOT

AGENCY = "淮安市人民政府办公室"

READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from typer.testing import CliRunner
    from pipeline.cli import app
    db, out, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    run = CliRunner()
    seen = []
    # keep reading until told to stop, then a few more reads of the final state
    extra = 0
    while extra < 3:
        if stop.exists():
            extra += 1
        r = run.invoke(app, ["trend", "--db", db, "--agency", sys.argv[4], "-m", "new_requests",
                             "-m", "granted", "-m", "handled", "--format", "json"])
        seen.append({"code": r.exit_code, "out": r.stdout, "err": r.stderr,
                     "exc": None if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)})
    out.write_text(json.dumps(seen, ensure_ascii=False), encoding="utf-8")
""")


def _state(rows: list[dict]) -> list[tuple]:
    return [(r["year"], r["new_requests"], r["granted"], r["handled"]) for r in rows]


def test_reader_in_a_loop_while_ingest_loads_a_batch(tmp_path: Path) -> None:
    db = tmp_path / "g.duckdb"
    truth = cdb.build(db)
    old = sorted((y, *(cdb.indicator(t, m) for m in ("new_requests", "granted", "handled")))
                 for (n, y), t in truth.items() if n == AGENCY)
    batch = tmp_path / "batch"
    batch.mkdir()
    rng = random.Random(5)
    new_rep = make_report(rng, AGENCY, 2025)
    write_txt(new_rep, batch / "huaian-2025.txt")
    for i in range(12):  # more work for the load, other agencies
        write_txt(make_report(rng, f"淮安市第{i + 1}局", 2025), batch / f"other-{i}.txt")
    v = new_rep.values
    new = sorted([*old, (2025, int(v["t3.new_received.total"]), int(v["t3.granted.total"]), int(v["t3.total.total"]))])
    stop = tmp_path / "stop"
    out = tmp_path / "seen.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(out), str(stop), AGENCY], cwd=ROOT)
    try:
        time.sleep(1.5)  # the reader is reading the old state before the load starts
        ing = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(batch), "--db", str(db),
                              "--out", str(tmp_path / "ex"), "-j", "1", "-q"], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        assert ing.returncode == 0, ing.stdout + ing.stderr
    finally:
        stop.touch()
        reader.wait(timeout=120)
    seen = json.loads(out.read_text(encoding="utf-8"))
    states = []
    for s in seen:
        assert s["code"] == 0 and s["exc"] is None, s
        states.append(_state(json.loads(s["out"])))
    assert all(st in (old, new) for st in states), [st for st in states if st not in (old, new)][:1]
    # both states were seen, old before new and never old again after new
    assert states[0] == old and states[-1] == new
    first_new = states.index(new)
    assert all(st == new for st in states[first_new:])


def test_snapshot_is_a_complete_database_and_old_readers_keep_their_view(tmp_path: Path) -> None:
    db = tmp_path / "g.duckdb"
    cdb.build(db)
    snap = snapshot_path(db)
    old_reader = open_reader(db)
    n_old = old_reader.execute("SELECT count(*) FROM reports").fetchone()
    con = connect(db)
    rec, _ = cdb.make_record("淮安市第九局", 2024, seed=99)
    load_records(con, [rec])
    seconds = publish(con, db)
    assert seconds >= 0
    # the writer still holds the file; a new reader opens the new snapshot
    new_reader = open_reader(db)
    assert new_reader.execute("SELECT count(*) FROM reports").fetchone() == (n_old[0] + 1,)
    # the reader opened before the publish still reads its own, complete, old file
    assert old_reader.execute("SELECT count(*) FROM reports").fetchone() == n_old
    assert old_reader.execute("SELECT count(*) FROM indicators WHERE agency = '淮安市第九局'").fetchone() == (0,)
    old_reader.close()
    new_reader.close()
    con.close()
    assert not list(tmp_path.glob(".*"))  # no temp copy or link left behind
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(snap), read_only=True).execute("CREATE TABLE x (a INT)")


def test_old_generations_are_pruned(tmp_path: Path) -> None:
    db = tmp_path / "g.duckdb"
    con = connect(db)
    for i in range(4):
        rec, _ = cdb.make_record(f"淮安市第{i + 1}局", 2024, seed=i)
        load_records(con, [rec])
        publish(con, db)
    con.close()
    gens = generations(db)
    assert len(gens) == 2
    assert snapshot_path(db).resolve() == gens[-1]
    r = open_reader(db)
    assert r.execute("SELECT count(*) FROM reports").fetchone() == (4,)
    r.close()


def test_without_a_snapshot_readers_open_the_file_read_only(tmp_path: Path) -> None:
    db = tmp_path / "g.duckdb"
    con = connect(db)
    con.close()
    r = open_reader(db)
    assert r.execute("SELECT count(*) FROM indicators").fetchone() == (0,)
    r.close()
    with pytest.raises(DatabaseUnusable, match="no database at"):
        open_reader(tmp_path / "none.duckdb")

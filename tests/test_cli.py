"""The command line, run as a user runs it (a real process, a real database file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb


def gk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_ingest_folder_exit_codes_and_rerun(tmp_path: Path, wuhan_txt: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "report.txt").write_bytes(wuhan_txt.read_bytes())
    db = tmp_path / "g.duckdb"
    r = gk("ingest", str(raw), "--db", str(db), "--out", str(tmp_path / "ex"), "-j", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 files: 1 ok" in r.stdout
    (raw / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    r = gk("ingest", str(raw), "--db", str(db), "--out", str(tmp_path / "ex"), "-j", "2", cwd=tmp_path)
    assert r.returncode == 1
    assert "broken.docx" in r.stderr and "rejected" in r.stderr
    assert "1 already extracted" in r.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT status, count(*) FROM reports GROUP BY 1 ORDER BY 1").fetchall() == [
        ("ok", 1), ("rejected", 1)]
    assert con.execute("SELECT count(*) FROM facts").fetchall() == [(200,)]
    con.close()
    r = gk("compare", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0 and "武汉市硚口区档案馆" in r.stdout
    r = gk("check", "--db", str(db), "--format", "csv", cwd=tmp_path)
    assert r.returncode == 1  # a rejected file is an error in the quality report
    assert "broken.docx" in r.stdout


def test_extract_then_load(tmp_path: Path, wuhan_txt: Path) -> None:
    out = tmp_path / "ex"
    r = gk("extract", str(wuhan_txt), "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    records = list(out.glob("*.json"))
    assert len(records) == 1
    data = json.loads(records[0].read_text(encoding="utf-8"))
    assert data["metadata"]["agency"] == "武汉市硚口区档案馆" and len(data["facts"]) == 200
    r = gk("load", "--db", str(tmp_path / "g.duckdb"), "--from", str(out), cwd=tmp_path)
    assert r.returncode == 0 and "1 new" in r.stdout
    r = gk("load", "--db", str(tmp_path / "g.duckdb"), "--from", str(out), cwd=tmp_path)
    assert "0 new" in r.stdout and "1 unchanged" in r.stdout


def test_show_and_trace(tmp_path: Path, wuhan_txt: Path) -> None:
    r = gk("show", str(wuhan_txt), cwd=tmp_path)
    assert r.returncode == 0
    assert "武汉市硚口区档案馆" in r.stdout and "carried_forward" in r.stdout
    r = gk("show", str(wuhan_txt), "--trace", "t3.total.total", cwd=tmp_path)
    assert r.returncode == 0
    assert "table 2, row 27, column 9" in r.stdout and "t3.balance" in r.stdout
    r = gk("show", str(wuhan_txt), "--trace", "t9.nope.nope", cwd=tmp_path)
    assert r.returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert gk("ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "g.duckdb"), cwd=tmp_path).returncode == 2
    assert gk("frobnicate", cwd=tmp_path).returncode == 2
    assert gk("check", "--db", str(tmp_path / "none.duckdb"), cwd=tmp_path).returncode == 2


def test_locked_database_exit_3_and_nothing_lost(tmp_path: Path, wuhan_txt: Path) -> None:
    db = tmp_path / "g.duckdb"
    assert gk("ingest", str(wuhan_txt), "--db", str(db), "-j", "1", cwd=tmp_path).returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = gk("ingest", str(wuhan_txt), "--db", str(db), "-j", "1", cwd=tmp_path)
        assert r.returncode == 3 and "database error" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM facts").fetchall() == [(200,)]
    con.close()


def test_every_verb_is_in_the_readme_and_every_readme_verb_exists(tmp_path: Path) -> None:
    import re

    import typer.main

    from pipeline.cli import app

    verbs = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    verbs_table = readme.split("| verb |", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)[ `]", verbs_table, flags=re.M))
    assert verbs == documented
    assert gk("rules", cwd=tmp_path).stdout.count("t3.balance") == 1

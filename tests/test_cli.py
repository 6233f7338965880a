"""The command line, in-process through typer's CliRunner, on real files and real databases.

Real processes only where a process matters: a writer holding the lock, readers in parallel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from rich.cells import cell_len
from typer.testing import CliRunner, Result

from pipeline.cli import app
from tests.paths import ROOT


def gk(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def gk_process(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _review_variant(src: Path, dst: Path) -> Path:
    """The natural-person cell of 一、本年新收 changed without its total: t3.row_total breaks."""
    text = src.read_text(encoding="utf-8")
    head, sep, tail = text.partition("一、本年新收政府信息公开申请数量\n")
    lines = tail.split("\n")
    lines[0] = "\t7"
    dst.write_text(head + sep + "\n".join(lines), encoding="utf-8")
    return dst


@pytest.fixture
def loaded_db(tmp_path: Path, wuhan_txt: Path) -> Path:
    db = tmp_path / "g.duckdb"
    r = gk("ingest", wuhan_txt, "--db", db, "--out", tmp_path / "ex", "-j", "1")
    assert r.exit_code == 0, r.stdout + r.stderr
    return db


def test_ingest_folder_exit_codes_and_rerun(tmp_path: Path, wuhan_txt: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "report.txt").write_bytes(wuhan_txt.read_bytes())
    db = tmp_path / "g.duckdb"
    r = gk("ingest", raw, "--db", db, "--out", tmp_path / "ex", "-j", "1")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "1 files: 1 ok" in r.stdout
    (raw / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    _review_variant(wuhan_txt, raw / "changed.txt")
    r = gk("ingest", raw, "--db", db, "--out", tmp_path / "ex", "-j", "2")
    assert r.exit_code == 1
    assert f"rejected {raw / 'broken.docx'}: " in r.stderr
    assert "3 files: 1 ok, 1 rejected, 1 review (1 already extracted)" in r.stdout
    # the summary names every file that needs a person, each on one line with its reason
    review = [ln for ln in r.stdout.splitlines() if ln.startswith("review ")]
    assert len(review) == 1 and review[0].startswith(f"review {raw / 'changed.txt'}: ")
    assert [ln for ln in r.stdout.splitlines() if ln.startswith("rejected ")] == [
        f"rejected {raw / 'broken.docx'}: corrupt .docx: File is not a zip file"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT status, count(*) FROM reports GROUP BY 1 ORDER BY 1").fetchall() == [
        ("ok", 1), ("rejected", 1), ("review", 1)]
    assert con.execute("SELECT count(*) FROM facts").fetchall() == [(400,)]
    con.close()
    r = gk("compare", "--db", db)
    assert r.exit_code == 0 and "武汉市硚口区档案馆" in r.stdout
    r = gk("check", "--db", db, "--format", "csv")
    assert r.exit_code == 1  # a rejected file is an error in the quality report
    assert "broken.docx" in r.stdout


def test_extract_then_load_and_load_honours_gongkai_extracted(tmp_path: Path, wuhan_txt: Path) -> None:
    out = tmp_path / "ex"
    r = gk("extract", wuhan_txt, "--out", out)
    assert r.exit_code == 0, r.stderr
    records = list(out.glob("*.json"))
    assert len(records) == 1
    data = json.loads(records[0].read_text(encoding="utf-8"))
    assert data["metadata"]["agency"] == "武汉市硚口区档案馆" and len(data["facts"]) == 200
    r = gk("load", "--db", tmp_path / "g.duckdb", env={"GONGKAI_EXTRACTED": str(out)})
    assert r.exit_code == 0 and "1 new" in r.stdout, r.stdout + r.stderr
    r = gk("load", "--db", tmp_path / "g.duckdb", "--from", out)
    assert "0 new" in r.stdout and "1 unchanged" in r.stdout
    assert gk("load", "--db", tmp_path / "g.duckdb", env={"GONGKAI_EXTRACTED": str(tmp_path / "no")}).exit_code == 2


def test_show_and_trace(tmp_path: Path, wuhan_txt: Path) -> None:
    r = gk("show", wuhan_txt)
    assert r.exit_code == 0
    assert "武汉市硚口区档案馆" in r.stdout and "carried_forward" in r.stdout
    r = gk("show", wuhan_txt, "--trace", "t3.total.total")
    assert r.exit_code == 0
    assert "table 2, row 27, column 9" in r.stdout and "t3.balance" in r.stdout
    assert gk("show", wuhan_txt, "--trace", "t9.nope.nope").exit_code == 1


def test_show_takes_one_regular_file(tmp_path: Path) -> None:
    r = gk("show", tmp_path)
    assert r.exit_code == 2 and r.stderr == f"show takes one file; {tmp_path} is a folder (gongkai extract reads folders)\n"
    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    r = gk("show", fifo)
    assert r.exit_code == 2 and r.stderr == f"{fifo}: not a regular file (a FIFO)\n"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert gk("ingest", tmp_path / "nope", "--db", tmp_path / "g.duckdb").exit_code == 2
    assert gk("frobnicate").exit_code == 2
    assert gk("check", "--format", "xml", "--db", tmp_path / "none.duckdb").exit_code == 2


@pytest.mark.parametrize("verb", ["check", "compare", "missing"])
def test_read_verbs_refuse_a_missing_database_and_create_nothing(tmp_path: Path, verb: str) -> None:
    for db in (tmp_path / "typo.duckdb", tmp_path / "no-such-folder" / "g.duckdb"):
        r = gk(verb, "--db", db)
        assert r.exit_code == 2, r.stdout + r.stderr
        assert r.stderr == f"no database at {db}: run gongkai ingest (or load) first\n" and r.stdout == ""
        assert not db.exists() and not Path(f"{db}.wal").exists()


def test_writers_refuse_a_database_in_a_missing_folder(tmp_path: Path, wuhan_txt: Path) -> None:
    db = tmp_path / "no-such-folder" / "g.duckdb"
    r = gk("ingest", wuhan_txt, "--db", db, "--out", tmp_path / "ex")
    assert r.exit_code == 2 and r.stderr == f"no folder {db.parent} for the database {db}\n"
    assert not (tmp_path / "ex").exists() or not list((tmp_path / "ex").glob("*.json"))  # failed before extracting
    (tmp_path / "ex").mkdir(exist_ok=True)
    assert gk("load", "--db", db, "--from", tmp_path / "ex").exit_code == 2


def test_reader_is_told_its_database_is_older_than_the_code(loaded_db: Path, tmp_path: Path) -> None:
    from pipeline.snapshot import snapshot_path

    # an older gongkai made the file and published its snapshot (the file readers open)
    for f in (loaded_db, snapshot_path(loaded_db).resolve()):
        con = duckdb.connect(str(f))
        con.execute("UPDATE gongkai_meta SET value = 'old' WHERE key = 'sql_version'")
        con.close()
    r = gk("compare", "--db", loaded_db)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"database {loaded_db} was made by another gongkai (views version old)")
    assert r.stderr.count("\n") == 1 and f"run gongkai load --db {loaded_db}" in r.stderr
    # the reader changed nothing; a writer brings the database up to date
    con = duckdb.connect(str(loaded_db), read_only=True)
    assert con.execute("SELECT value FROM gongkai_meta").fetchall() == [("old",)]
    con.close()
    assert gk("load", "--db", loaded_db, "--from", tmp_path / "ex").exit_code == 0
    assert gk("compare", "--db", loaded_db).exit_code == 0


def test_ingest_into_a_locked_database_fails_before_extracting(tmp_path: Path, loaded_db: Path,
                                                               wuhan_txt: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(loaded_db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        other = _review_variant(wuhan_txt, tmp_path / "other.txt")
        r = gk("ingest", other, "--db", loaded_db, "--out", tmp_path / "ex2", "-j", "1")
        assert r.exit_code == 3 and r.stderr.startswith("database error: ") and r.stderr.count("\n") == 1
        assert not list((tmp_path / "ex2").glob("*.json"))  # nothing was extracted
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(loaded_db), read_only=True)
    assert con.execute("SELECT count(*) FROM facts").fetchall() == [(200,)]
    con.close()


def test_read_verbs_in_parallel_beside_a_read_only_connection(loaded_db: Path) -> None:
    notebook = duckdb.connect(str(loaded_db), read_only=True)  # someone's notebook, left open
    try:
        procs = [gk_process(verb, "--db", loaded_db) for verb in ("compare", "compare", "compare", "missing",
                                                                   "check", "compare")]
        results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    finally:
        notebook.close()
    assert [code for _, _, code in results] == [0] * 6, [e for _, e, _ in results]
    assert all("武汉市硚口区档案馆" in results[i][0] for i in (0, 1, 2, 5)), results


def test_database_error_is_one_whole_line(tmp_path: Path) -> None:
    deep = tmp_path / ("很长的文件夹名称" * 6) / ("another-long-folder-name-" * 8)
    deep.mkdir(parents=True)
    db = deep / "g.duckdb"
    db.write_bytes(b"this is not a duckdb file at all " * 100)
    r = gk("load", "--db", db, "--from", tmp_path)
    assert r.exit_code == 3
    assert r.stderr.count("\n") == 1 and str(db) in r.stderr and len(r.stderr) > 300


def test_long_reasons_are_never_wrapped_or_cut(tmp_path: Path) -> None:
    raw = tmp_path / ("子文件夹" * 20) / ("x" * 120)
    raw.mkdir(parents=True)
    (raw / "broken.docx").write_bytes(b"PK\x03\x04 [Content_Types].xml is not really a zip")
    r = gk("extract", raw, "--out", tmp_path / "ex", env={"COLUMNS": "80"})
    assert r.exit_code == 1
    assert r.stderr == f"rejected {raw / 'broken.docx'}: corrupt .docx: File is not a zip file\n"


def test_empty_folder_unwritable_out_and_version(tmp_path: Path, wuhan_txt: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = gk("ingest", tmp_path / "empty", "--db", tmp_path / "g.duckdb")
    assert r.exit_code == 1 and r.stderr == f"no files found in {tmp_path / 'empty'}\n"
    (tmp_path / "a-file").write_text("x")
    r = gk("extract", wuhan_txt, "--out", tmp_path / "a-file" / "ex")
    assert r.exit_code == 2 and r.stderr == f"cannot write records to {tmp_path / 'a-file' / 'ex'}: Not a directory\n"
    r = gk("--version")
    assert r.exit_code == 0 and r.stdout.startswith("gongkai ") and r.stdout.split()[1][0].isdigit()


def test_compare_fits_80_columns_with_short_agency_names(tmp_path: Path) -> None:
    import random

    from tests.kit import make_report, write_txt

    raw = tmp_path / "raw"
    raw.mkdir()
    names = ["江城市汉阳区档案馆", "江城市生态环境局", "江城市汉阳区五里街道办事处"]
    for i, name in enumerate(names):
        write_txt(make_report(random.Random(i), name, 2023, scale=100), raw / f"r{i}.txt")
    db = tmp_path / "g.duckdb"
    assert gk("ingest", raw, "--db", db, "--out", tmp_path / "ex", "-j", "1").exit_code in (0, 1)
    r = gk("compare", "--db", db, env={"COLUMNS": "80"})
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert max(cell_len(ln) for ln in lines) <= 80
    assert "江城市" in lines[0]  # the shared prefix, once, in the title
    for short in ("汉阳区档案馆", "生态环境局", "汉阳区五里街道办事处"):
        assert sum(short in ln for ln in lines) == 1, r.stdout  # whole, on one row
    assert "template" not in r.stdout
    wide = gk("compare", "--db", db, "--wide", env={"COLUMNS": "200"})
    assert "template" in wide.stdout and "江城市汉阳区档案馆" in wide.stdout


def test_missing_prints_a_table_with_a_header(tmp_path: Path) -> None:
    import random

    from tests.kit import make_report, write_txt

    raw = tmp_path / "raw"
    raw.mkdir()
    for year in (2021, 2023):
        write_txt(make_report(random.Random(year), "江城市统计局", year, scale=100), raw / f"{year}.txt")
    db = tmp_path / "g.duckdb"
    gk("ingest", raw, "--db", db, "--out", tmp_path / "ex", "-j", "1")
    r = gk("missing", "--db", db)
    assert r.exit_code == 0
    header = next(ln for ln in r.stdout.splitlines() if "agency" in ln)
    assert "year missing" in header
    rows = [ln for ln in r.stdout.splitlines() if "江城市统计局" in ln]
    assert len(rows) == 1 and "2022" in rows[0]


def test_every_verb_is_in_the_readme_with_an_example() -> None:
    import re

    from typer.main import get_command

    verbs = set(get_command(app).commands)  # type: ignore[attr-defined]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    verbs_table = readme.split("| verb |", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)[ `]", verbs_table, flags=re.M))
    assert verbs == documented
    examples = readme.split("Examples:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    shown = set(re.findall(r"(?:^|&& )gongkai (\w+)", examples, flags=re.M))
    assert verbs <= shown, f"verbs without an example in the README: {sorted(verbs - shown)}"
    assert gk("rules").stdout.count("t3.balance") == 1

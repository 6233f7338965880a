"""Loading into a real DuckDB file: bulk, idempotent, versioned, rejected files recorded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.db import connect, query
from pipeline.load import DuplicateFact, load_folder, load_records
from pipeline.process import process_file
from pipeline.record import write_record
from tests.paths import ROOT


def _variant(src: Path, dst: Path, date: str, new_requests: str | None = None) -> Path:
    text = src.read_text(encoding="utf-8").replace("2025年1月13日", date)
    if new_requests is not None:
        # the natural-person cell of 一、本年新收 and its total
        head, sep, tail = text.partition("一、本年新收政府信息公开申请数量\n")
        lines = tail.split("\n")
        lines[0] = "\t" + new_requests
        lines[6] = "\t" + new_requests
        text = head + sep + "\n".join(lines)
    dst.write_text(text, encoding="utf-8")
    return dst


def test_load_is_idempotent_and_counts(tmp_path: Path, wuhan_txt: Path) -> None:
    db = tmp_path / "g.duckdb"
    rec = process_file(wuhan_txt)
    con = connect(db)
    first = load_records(con, [rec])
    again = load_records(con, [rec, rec])
    assert (first.inserted, again.inserted, again.unchanged) == (1, 0, 1)
    assert query(con, "SELECT count(*) FROM facts") == [(200,)]
    assert query(con, "SELECT count(*) FROM reports") == [(1,)]
    assert query(con, "SELECT agency, year, published_on::VARCHAR, format_version, status, is_current, version "
                      "FROM reports") == [("武汉市硚口区档案馆", 2024, "2025-01-13", "2021", "ok", True, 1)]
    assert query(con, "SELECT count(*) FROM sections") == [(6,)]
    # every number is an exact decimal in `value` (counts and money alike), with its printed
    # text and place; money is in `amount` too
    assert query(con, "SELECT typeof(value), value::VARCHAR, printed_text, table_index, row_index, col_index "
                      "FROM facts WHERE table_id='t3' AND row_key='total' AND col_key='total'") == [
        ("DECIMAL(38,10)", "0.0000000000", "0", 1, 26, 8)]
    assert query(con, "SELECT typeof(amount), value = amount, unit FROM facts WHERE row_key='fees'") == [
        ("DECIMAL(38,10)", True, "万元")]
    con.close()


def test_republication_is_a_new_version_and_newest_is_current(tmp_path: Path, wuhan_txt: Path) -> None:
    old = process_file(wuhan_txt)
    newer = process_file(_variant(wuhan_txt, tmp_path / "v2.txt", "2025年2月20日", new_requests="5"))
    assert newer.sha256 != old.sha256
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [newer])
    load_records(con, [old])  # loaded later, but published earlier
    rows = query(con, "SELECT published_on::VARCHAR, version, is_current FROM reports ORDER BY published_on")
    assert rows == [("2025-01-13", 2, False), ("2025-02-20", 1, True)]
    assert query(con, "SELECT new_requests FROM report_summary") == [(5,)]
    con.close()


def test_rejected_files_are_rows_with_reason_and_batch_goes_on(tmp_path: Path, wuhan_txt: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    recs = [process_file(p) for p in (empty, junk, wuhan_txt)]
    out = tmp_path / "extracted"
    for r in recs:
        write_record(r, out)
    con = connect(tmp_path / "g.duckdb")
    res = load_folder(con, out)
    assert res.inserted == 3
    rej = dict(query(con, "SELECT source_path, reason FROM rejected_files"))
    assert rej[str(empty)] == "empty file"
    assert rej[str(junk)].startswith("unsupported file type")
    assert query(con, "SELECT count(*) FROM current_reports") == [(1,)]
    assert load_folder(con, out).unchanged == 3
    assert query(con, "SELECT count(*) FROM reports") == [(3,)]
    con.close()


def test_failed_load_leaves_database_unchanged(tmp_path: Path, wuhan_txt: Path) -> None:
    db = tmp_path / "g.duckdb"
    good = process_file(wuhan_txt)
    con = connect(db)
    load_records(con, [good])
    newer = process_file(_variant(wuhan_txt, tmp_path / "v2.txt", "2025年2月20日"))
    bad = process_file(_variant(wuhan_txt, tmp_path / "v3.txt", "2025年2月21日"))
    bad.facts[5].printed_text = None  # type: ignore[assignment]  # NOT NULL: the move into facts fails
    with pytest.raises(duckdb.Error):
        load_records(con, [newer, bad], batch_size=1)  # the good one was staged in its own batch
    assert query(con, "SELECT count(*) FROM reports") == [(1,)]
    assert query(con, "SELECT count(*) FROM facts") == [(200,)]
    assert query(con, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '_stage_%'") == [(0,)]
    dup = process_file(_variant(wuhan_txt, tmp_path / "v4.txt", "2025年2月22日"))
    dup.facts.append(dup.facts[0])
    with pytest.raises(DuplicateFact, match="has two facts for t"):
        load_records(con, [dup])
    assert query(con, "SELECT count(*) FROM facts") == [(200,)]
    assert load_records(con, [newer]).inserted == 1  # the database is usable after both
    con.close()


def test_report_summary_headline_numbers(tmp_path: Path) -> None:
    import random

    from tests.kit import make_report, write_docx

    rep = make_report(random.Random(3), "江城市某某局", 2023, scale=500)
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [process_file(write_docx(rep, tmp_path / "r.docx"))])
    v = rep.values
    assert query(con, "SELECT new_requests, granted, handled, carried_forward, reconsiderations, lawsuits "
                      "FROM report_summary") == [(
        v["t3.new_received.total"], v["t3.granted.total"], v["t3.total.total"], v["t3.carried_forward.total"],
        v["t4.reconsideration.total"],
        v["t4.litigation_direct.total"] + v["t4.litigation_after_reconsideration.total"])]
    con.close()


def test_blank_total_column_offers_derived_values(tmp_path: Path) -> None:
    """A report printing the 总计 column blank: one finding, printed blanks kept, sums offered."""
    import random

    from pipeline import spec
    from pipeline.process import process_document
    from tests.extract.test_extract import T3_HEADER, T3_ROWS_2021, _doc, _t3_rows
    from tests.kit import make_report

    rep = make_report(random.Random(8), "江城市某某局", 2023, scale=300)
    cols = spec.col_keys("2021", "t3")
    printed = {key: [str(rep.values[f"t3.{key}.{c}"]) for c in cols[:-1]] + [""] for _, key in T3_ROWS_2021}
    rec = process_document(_doc("江城市某某局2023年政府信息公开工作年度报告", T3_HEADER + _t3_rows(printed)))
    assert [f.rule_id for f in rec.findings if f.rule_id.startswith("t3.")] == ["t3.blank_column"]
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [rec])
    assert query(con, "SELECT value, value_kind FROM facts WHERE table_id='t3' AND row_key='new_received' "
                      "AND col_key='total'") == [(0, "blank")]
    assert query(con, "SELECT value, derived_from_parts FROM facts_with_derived WHERE table_id='t3' "
                      "AND row_key='new_received' AND col_key='total'") == [(rep.values["t3.new_received.total"], True)]
    # derived only where the sum is not the printed 0 anyway
    assert query(con, "SELECT count(*) FROM derived_facts") == [(sum(
        1 for _, k in T3_ROWS_2021 if rep.values[f"t3.{k}.total"] != 0),)]
    con.close()


def test_temp_files_never_read_and_a_damaged_record_moved_aside(tmp_path: Path, wuhan_txt: Path) -> None:
    """What a kill -9 mid-write and a full disk leave behind: the load reports, moves and goes on."""
    out = tmp_path / "extracted"
    good = write_record(process_file(wuhan_txt), out)
    (out / ".tmp-abc123.json").write_bytes(b"")  # killed between mkstemp and os.replace
    truncated = out / ("0" * 64 + ".json")
    truncated.write_text(good.read_text(encoding="utf-8")[:500], encoding="utf-8")
    con = connect(tmp_path / "g.duckdb")
    res = load_folder(con, out)
    assert res.inserted == 1
    assert [(p, why.split(":")[0]) for p, why in res.damaged] == [(out / "damaged" / truncated.name, "JSONDecodeError")]
    assert not truncated.exists() and (out / "damaged" / truncated.name).exists()
    assert query(con, "SELECT count(*) FROM facts") == [(200,)]
    again = load_folder(con, out)  # the damaged record no longer trips anything
    assert (again.unchanged, again.damaged) == (1, [])
    con.close()


def test_derived_values_are_labelled_with_the_rule_that_derived_them(tmp_path: Path) -> None:
    """A blank 总计 row is t3.blank_row's, not t3.blank_column's."""
    import random

    from pipeline import spec
    from pipeline.process import process_document
    from tests.extract.test_extract import T3_HEADER, T3_ROWS_2021, _doc, _t3_rows
    from tests.kit import make_report

    rep = make_report(random.Random(8), "江城市某某局", 2023, scale=300)
    cols = spec.col_keys("2021", "t3")
    printed = {key: [str(rep.values[f"t3.{key}.{c}"]) for c in cols] for _, key in T3_ROWS_2021}
    printed["total"] = [""] * len(cols)
    rec = process_document(_doc("江城市某某局2023年政府信息公开工作年度报告", T3_HEADER + _t3_rows(printed)))
    assert "t3.blank_row" in {f.rule_id for f in rec.findings}
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [rec])
    rows = query(con, "SELECT col_key, value, rule_id FROM derived_facts ORDER BY col_key")
    assert rows == sorted((c, rep.values[f"t3.total.{c}"], "t3.blank_row") for c in cols
                          if rep.values[f"t3.total.{c}"] != 0)
    con.close()


def test_status_restated_after_crossyear_with_the_extraction_wording(tmp_path: Path, wuhan_txt: Path) -> None:
    """The loader restates status through status_and_reason: same reason text as extraction."""
    from pipeline.validate.status import status_and_reason

    rec = process_file(wuhan_txt)
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [rec])
    assert query(con, "SELECT status, reason FROM reports") == [status_and_reason(rec.findings)]
    con.close()


# The child's peak is read from VmHWM (the high-water RSS of its own address space), not
# getrusage's ru_maxrss: Linux keeps ru_maxrss across fork and execve, so a child of a
# pytest process that had grown to 1.5 GB in the full suite reported the parent's 1.5 GB.
_MEMORY_CHILD = r"""
import json, sys
from pathlib import Path
from pipeline.db import connect
from pipeline.load import load_folder
con = connect(Path(sys.argv[2]))
res = load_folder(con, Path(sys.argv[1]))
facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]
con.close()
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"inserted": res.inserted, "facts": facts, "peak_mb": hwm / 1024}))
"""


def test_load_of_5000_records_stays_under_a_fixed_memory_ceiling(tmp_path: Path, wuhan_txt: Path) -> None:
    """Peak memory must not grow with the batch: 5,000 records (1,000,000 facts) load in a
    fresh process under a ceiling that the old load-everything design exceeded (it peaked
    at 880 MB for these records; this design at about 320 MB)."""
    import json
    import subprocess
    import sys

    from pipeline.record import to_json

    rec = process_file(wuhan_txt)
    text = to_json(rec)
    out = tmp_path / "extracted"
    out.mkdir()
    n = 5000
    for i in range(n):
        sha = f"{i:064x}"
        (out / f"{sha}.json").write_text(text.replace(rec.sha256, sha), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(out), str(tmp_path / "g.duckdb")],
                         capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert (got["inserted"], got["facts"]) == (n, n * len(rec.facts))
    assert got["peak_mb"] < 600, got

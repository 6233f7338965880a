"""Loading into a real DuckDB file: bulk, idempotent, versioned, rejected files recorded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.db import connect, query
from pipeline.load import load_folder, load_records
from pipeline.process import process_file
from pipeline.record import write_record


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
    # numbers are integers in the database, with their printed text and place
    assert query(con, "SELECT typeof(value), printed_text, table_index, row_index, col_index FROM facts "
                      "WHERE table_id='t3' AND row_key='total' AND col_key='total'") == [("BIGINT", "0", 1, 26, 8)]
    assert query(con, "SELECT typeof(amount), value IS NULL, unit FROM facts WHERE row_key='fees'") == [
        ("DECIMAL(18,4)", True, "万元")]
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
    bad = process_file(_variant(wuhan_txt, tmp_path / "v2.txt", "2025年2月20日"))
    bad.facts.append(bad.facts[0])  # a duplicate primary key makes the insert fail mid-batch
    with pytest.raises(duckdb.Error):
        load_records(con, [bad])
    assert query(con, "SELECT count(*) FROM reports") == [(1,)]
    assert query(con, "SELECT count(*) FROM facts") == [(200,)]
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
    from tests.kit import make_report
    from tests.test_extract_text import T3_HEADER, T3_ROWS_2021, _doc, _t3_rows

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

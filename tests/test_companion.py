"""The columnar companion (<sha>.facts.parquet): loading through it gives exactly the rows
loading from the JSON gives; a stale, foreign or damaged companion is never trusted."""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import asdict, replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline import spec
from pipeline.companion import SUFFIX, companion_path
from pipeline.db import connect, query
from pipeline.load import load_folder
from pipeline.process import process_document, process_file
from pipeline.record import Fact, Record, _default, to_json, write_record
from tests.extract.test_extract import T3_HEADER, T3_ROWS_2021, _doc, _t3_rows
from tests.kit import make_report

# Every table a load writes, each ordered so two databases compare row by row; loaded_at
# and the paths' first/last seen are the load's clock, not the record's.
TABLES = {
    "reports": "SELECT * EXCLUDE (loaded_at) FROM reports ORDER BY report_id",
    "facts": "SELECT * FROM facts ORDER BY report_id, table_id, row_key, col_key",
    "sections": "SELECT * FROM sections ORDER BY report_id, number",
    "findings": "SELECT * FROM findings ORDER BY report_id, origin, seq, rule_id, message",
    "derived_facts": "SELECT * FROM derived_facts ORDER BY report_id, table_id, row_key, col_key",
    "report_paths": "SELECT report_id, path FROM report_paths ORDER BY ALL",
    "report_indicators": "SELECT * FROM report_indicators ORDER BY report_id",
    "agencies": "SELECT * FROM agencies ORDER BY agency_id",
}


def _odd_facts(rec: Record) -> Record:
    """The record with the cells the companion must carry exactly: money with six decimals,
    blank and dash cells, a bbox, an OCR confidence, a derived cell, a page."""
    facts = list(rec.facts)
    for i, f in enumerate(facts):
        if f.key == "t2.fees.amount":
            facts[i] = replace(f, value=Decimal("5949.088667"), printed_text="5949.088667", bbox=[1.5, 2.25, 3.0, 4.125],
                               ocr_confidence=97.25, page=3)
        elif f.table_id == "t4" and f.col_key == "total":
            facts[i] = replace(f, value=0, value_kind="dash", printed_text="—")
        elif f.table_id == "t2" and f.row_key == "rules":
            facts[i] = replace(f, value=0, value_kind="blank", printed_text="", derived=True)
        elif f.table_id == "t3" and f.row_key == "denied.state_secret":
            facts[i] = replace(f, value=None, value_kind="text", printed_text="见附件", ocr_confidence=41.0)
    return replace(rec, facts=facts)


def _records(tmp_path: Path, wuhan_txt: Path) -> list[Record]:
    real = _odd_facts(process_file(wuhan_txt))
    rep = make_report(random.Random(8), "江城市某某局", 2023, scale=300)
    cols = spec.col_keys("2021", "t3")
    printed = {key: [str(rep.values[f"t3.{key}.{c}"]) for c in cols[:-1]] + [""] for _, key in T3_ROWS_2021}
    blank_total = process_document(_doc("江城市某某局2023年政府信息公开工作年度报告", T3_HEADER + _t3_rows(printed)))
    assert any(f.rule_id == "t3.blank_column" for f in blank_total.findings)
    rejected = Record(sha256="e" * 64, source_path="/x/none.txt", file_type="txt", status="rejected",
                      reason="no tables", facts=[Fact("t2", "rules", "issued", 1, "number", "1")])
    return [real, blank_total, rejected]


def _dump(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: query(con, sql) for t, sql in TABLES.items()}


def test_loading_through_companions_gives_the_rows_the_json_gives(tmp_path: Path, wuhan_txt: Path) -> None:
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    for rec in _records(tmp_path, wuhan_txt):
        write_record(rec, fast)
    assert len(list(fast.glob(f"*{SUFFIX}"))) == 3
    shutil.copytree(fast, slow)
    for p in slow.glob(f"*{SUFFIX}"):
        p.unlink()  # deleting companions is safe: the JSON is the record
    dumps = []
    for folder in (fast, slow):
        con = connect(tmp_path / f"{folder.name}.duckdb")
        res = load_folder(con, folder)
        assert (res.inserted, res.damaged) == (3, [])
        dumps.append(_dump(con))
        con.close()
    assert dumps[0]["derived_facts"] and dumps[0]["findings"] and dumps[0]["sections"]
    assert (Decimal("5949.088667"), Decimal("5949.088667")) in [(r[4], r[5]) for r in dumps[0]["facts"]]
    for t in TABLES:
        assert dumps[0][t] == dumps[1][t], t


def test_the_record_json_is_what_asdict_gave(tmp_path: Path, wuhan_txt: Path) -> None:
    """to_json skips asdict's deep copy; the text written must not change."""
    for rec in _records(tmp_path, wuhan_txt):
        want = json.dumps(asdict(rec), ensure_ascii=False, default=_default, indent=1)
        assert to_json(rec) == want


def test_a_rewritten_json_is_the_record_not_its_old_companion(tmp_path: Path, wuhan_txt: Path) -> None:
    out = tmp_path / "extracted"
    path = write_record(process_file(wuhan_txt), out)
    old = companion_path(path).read_bytes()
    # another tool (or a hand) writes the record again, changing a number, and leaves the
    # companion of the first write beside it
    text = path.read_text(encoding="utf-8").replace('"printed_text": "0"', '"printed_text": "00"', 1)
    path.write_text(text, encoding="utf-8")
    companion_path(path).write_bytes(old)
    con = connect(tmp_path / "g.duckdb")
    assert load_folder(con, out).inserted == 1
    assert query(con, "SELECT count(*) FROM facts WHERE printed_text = '00'") == [(1,)]
    con.close()


def test_a_foreign_companion_is_not_trusted(tmp_path: Path, wuhan_txt: Path) -> None:
    """A companion copied beside another record (same size and time forced) is ignored."""
    out = tmp_path / "extracted"
    rec = process_file(wuhan_txt)
    first = write_record(rec, out)
    other = write_record(replace(rec, sha256="a" * 64, source_path="/x/other.txt",
                                 facts=[replace(f, printed_text=f.printed_text + " ") for f in rec.facts]), out)
    shutil.copyfile(companion_path(first), companion_path(other))
    st = first.stat()
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    con = connect(tmp_path / "g.duckdb")
    assert load_folder(con, out).inserted == 2
    assert query(con, "SELECT count(*) FROM facts WHERE report_id = ? AND printed_text LIKE '% '", ["a" * 64]) == [
        (len(rec.facts),)]
    con.close()


@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_a_damaged_companion_is_moved_aside_and_the_json_loads(tmp_path: Path, wuhan_txt: Path, damage: str) -> None:
    out = tmp_path / "extracted"
    recs = _records(tmp_path, wuhan_txt)
    paths = [write_record(r, out) for r in recs]
    bad = companion_path(paths[0])
    data = bad.read_bytes()
    if damage == "truncated":  # the footer (and the header in it) gone
        bad.write_bytes(data[: len(data) // 2])
    else:  # the footer intact (the header reads), the column pages overwritten
        footer = int.from_bytes(data[-8:-4], "little") + 8
        bad.write_bytes(b"PAR1" + bytes(len(data) - footer - 4) + data[-footer:])
    con = connect(tmp_path / "g.duckdb")
    res = load_folder(con, out)
    assert res.inserted == 3
    assert query(con, "SELECT count(*) FROM facts WHERE report_id = ?", [recs[0].sha256]) == [(len(recs[0].facts),)]
    assert [p for p, _ in res.damaged] == [out / "damaged" / bad.name]
    assert res.damaged[0][1] and not bad.exists()
    assert load_folder(con, out).unchanged == 3
    con.close()

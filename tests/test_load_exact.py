"""Issue 9 items 4-6 in the database: every printed digit of money, `value` for every
number, and the paths a report was seen at. Real records from real files, real DuckDB."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.db import connect, query, sql_version
from pipeline.load import load_records
from pipeline.process import process_file


def _fees_page(tmp_path: Path, printed: str, unit: str) -> Path:
    """Table 二's fees row alone under a report title, the amount printed in `unit`."""
    page = tmp_path / f"fees-{unit}.html"
    page.write_text('<html><head><meta charset="utf-8"><title>平潭综合实验区2023年度政府信息公开工作年度报告</title>'
                    "</head><body><p>二、主动公开政府信息情况</p><table border=\"1\"><tbody>"
                    '<tr><td colspan="4">第二十条第（八）项</td></tr>'
                    f'<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：{unit}）</td></tr>'
                    f'<tr><td>行政事业性收费</td><td colspan="3">{printed}</td></tr>'
                    "</tbody></table></body></html>", encoding="utf-8")
    return page


def _fees(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return query(con, "SELECT value, amount, printed_text FROM facts WHERE row_key = 'fees'")


@pytest.mark.parametrize("printed,unit,want", [
    ("5949.088667", "万元", "5949.088667"),   # six decimals in 万元 (a real report prints this)
    ("75394432.52", "元", "7539.443252"),     # 元 with 角/分: 6 decimals once in 万元
    ("12.3", "元", "0.00123"),                # 1 角 3 分 short of nothing
    ("0.07", "元", "0.000007"),               # 7 分
])
def test_money_keeps_every_printed_digit_and_value_has_it(tmp_path: Path, printed: str, unit: str,
                                                          want: str) -> None:
    rec = process_file(_fees_page(tmp_path, printed, unit))
    assert rec.fact_map()["t2.fees.amount"].value == Decimal(want)
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [rec])
    assert _fees(con) == [(Decimal(want), Decimal(want), printed)]
    # the researcher's query: value is never NULL for a printed amount
    assert query(con, "SELECT count(*) FROM facts WHERE value IS NULL AND value_kind <> 'text'") == [(0,)]
    assert query(con, "SELECT number FROM current_facts WHERE row_key = 'fees'") == [(Decimal(want),)]
    con.close()


def test_counts_are_exact_in_value_and_integers_in_the_views(tmp_path: Path, wuhan_txt: Path) -> None:
    rec = process_file(wuhan_txt)
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [rec])
    facts = rec.fact_map()
    want = facts["t3.new_received.total"].value
    assert isinstance(want, int)
    assert query(con, "SELECT value FROM facts WHERE table_id='t3' AND row_key='new_received' AND col_key='total'"
                 ) == [(Decimal(want),)]
    assert query(con, "SELECT typeof(new_requests), new_requests FROM report_summary") == [("BIGINT", want)]
    con.close()


def test_an_older_database_is_widened_and_value_filled(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("""CREATE TABLE facts (report_id VARCHAR NOT NULL, table_id VARCHAR NOT NULL,
                   row_key VARCHAR NOT NULL, col_key VARCHAR NOT NULL, value BIGINT, amount DECIMAL(18, 4),
                   value_kind VARCHAR NOT NULL, printed_text VARCHAR NOT NULL, unit VARCHAR, page INTEGER,
                   table_index INTEGER, row_index INTEGER, col_index INTEGER, bbox DOUBLE[],
                   ocr_confidence DOUBLE, derived BOOLEAN NOT NULL DEFAULT false)""")
    con.execute("""INSERT INTO facts (report_id, table_id, row_key, col_key, value, amount, value_kind, printed_text)
                   VALUES ('r', 't2', 'fees', 'amount', NULL, 12.5, 'number', '12.5'),
                          ('r', 't3', 'total', 'total', 7, NULL, 'number', '7')""")
    con.close()
    con = connect(db)
    assert query(con, "SELECT row_key, value, amount FROM facts ORDER BY row_key") == [
        ("fees", Decimal("12.5"), Decimal("12.5")), ("total", Decimal(7), None)]
    assert query(con, "SELECT data_type FROM information_schema.columns WHERE table_name = 'facts' "
                      "AND column_name IN ('value', 'amount')") == [("DECIMAL(38,10)",)] * 2
    assert query(con, "SELECT value FROM gongkai_meta WHERE key = 'sql_version'") == [(sql_version(),)]
    con.close()


def gk(*args: str | Path) -> tuple[int, str]:
    r = CliRunner().invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout + r.stderr


def test_source_path_is_the_path_given_now_and_every_path_is_kept(tmp_path: Path, wuhan_txt: Path) -> None:
    first, second = tmp_path / "portal-a" / "report.txt", tmp_path / "portal-b" / "copy.txt"
    for p in (first, second):
        p.parent.mkdir()
        p.write_bytes(wuhan_txt.read_bytes())
    db, ex = tmp_path / "g.duckdb", tmp_path / "ex"
    assert gk("ingest", first, "--db", db, "--out", ex, "-j", "1")[0] == 0
    code, out = gk("ingest", second, "--db", db, "--out", ex, "-j", "1")
    assert code == 0 and "1 already extracted" in out, out  # the record was reused
    con = duckdb.connect(str(db), read_only=True)
    assert query(con, "SELECT source_path FROM reports") == [(str(second),)]
    assert query(con, "SELECT path FROM report_paths ORDER BY first_seen, path") == [(str(first),), (str(second),)]
    (rid,) = query(con, "SELECT report_id FROM reports")[0]
    assert query(con, "SELECT count(DISTINCT report_id) FROM report_paths") == [(1,)]
    con.close()
    # both paths in one ingest: both kept, the report named by one given now
    code, out = gk("ingest", first, second, "--db", db, "--out", ex, "-j", "1")
    assert code == 0, out
    # a plain load of extracted/ records its path but does not rename the report
    assert gk("load", "--db", db, "--from", ex)[0] == 0
    con = duckdb.connect(str(db), read_only=True)
    assert query(con, "SELECT source_path FROM reports") in ([(str(first),)], [(str(second),)])
    assert query(con, "SELECT count(*), count(DISTINCT path) FROM report_paths WHERE report_id = ?", [rid]) == [(2, 2)]
    assert query(con, "SELECT count(*) FROM reports") == [(1,)]
    con.close()

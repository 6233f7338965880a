"""export: tidy and wide, CSV / Parquet / xlsx, read back with pandas and compared with `facts`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare.wide import wide_keys, wide_sql, zh_labels
from tests.compare import build_db as cdb
from tests.paths import ROOT

RUN = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "g.duckdb"
    cdb.build(path)
    return path


def gk(*args: str) -> tuple[int, str]:
    r = RUN.invoke(app, list(args))
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stderr


def facts_of(db: Path, where: str = "true") -> pd.DataFrame:
    """The current reports' facts straight from the tables (not through the views)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"""
            SELECT r.report_id, f.table_id, f.row_key, f.col_key, f.value, f.amount::VARCHAR AS amount
            FROM reports r JOIN facts f USING (report_id)
            WHERE r.is_current AND r.status <> 'rejected' AND {where}
            ORDER BY 1, 2, 3, 4""").df()
    finally:
        con.close()


def _norm(df: pd.DataFrame) -> list[tuple]:
    return sorted((r, t, rk, ck, None if pd.isna(v) else int(v), None if a is None or pd.isna(a) else Decimal(str(a)))
                  for r, t, rk, ck, v, a in df[["report_id", "table_id", "row_key", "col_key", "value", "amount"]]
                  .itertuples(index=False))


def test_parquet_tidy_equals_facts(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.parquet"
    code, err = gk("export", str(out), "--db", str(db))
    assert code == 0, err
    got = pd.read_parquet(out)
    want = facts_of(db)
    assert f"{len(want)} rows written" in err
    assert _norm(got) == _norm(want)
    # money is an exact decimal in Parquet, not a float
    import pyarrow.parquet as pq

    assert str(pq.read_schema(out).field("amount").type) == "decimal128(38, 10)"


def test_csv_tidy_region_and_years(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    code, err = gk("export", str(out), "--db", str(db), "--format", "csv", "--region", "江苏省", "--years", "2023-2024")
    assert code == 0, err
    got = pd.read_csv(out, dtype={"amount": str})
    assert set(got["agency"]) == {"淮安市人民政府办公室", "淮安市清江浦区人民政府"}
    assert set(got["year"]) == {2023, 2024}
    want = facts_of(db, "r.agency LIKE '淮安市%' AND r.year BETWEEN 2023 AND 2024")
    assert _norm(got) == _norm(want)


def test_xlsx_wide_with_chinese_labels(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    code, err = gk("export", str(out), "--db", str(db), "--format", "xlsx", "--wide", "--labels", "zh",
                   "--region", "北京市")
    assert code == 0, err
    got = pd.read_excel(out)
    labels = zh_labels()
    assert list(got.columns[:3]) == ["机关编号", "机关", "地区"]
    assert len(got.columns) == 15 + len(wide_keys())
    assert list(got["年度"]) == [2021, 2022, 2023, 2024]
    facts = facts_of(db, "r.agency = '北京市朝阳区人民政府'")
    con = duckdb.connect(str(db), read_only=True)
    ids = dict(con.execute("SELECT report_id, year FROM reports WHERE agency = '北京市朝阳区人民政府'").fetchall())
    con.close()
    checked = 0
    for rid, t, rk, ck, v, a in facts.itertuples(index=False):
        row = got[got["年度"] == ids[rid]].iloc[0]
        cell = row[labels[f"{t}.{rk}.{ck}"]]
        want = Decimal(a) if isinstance(a, str) else Decimal(int(v))
        assert Decimal(str(cell)) == want, (t, rk, ck)
        checked += 1
    assert checked == len(facts) > 300
    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 2 * len("北京市朝阳区人民政府")


def test_tidy_zh_labels_have_the_item(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    code, err = gk("export", str(out), "--db", str(db), "--format", "xlsx", "--labels", "zh", "--region", "长春市")
    assert code == 0, err
    got = pd.read_excel(out)
    row = got[got["键"] == "t3.granted.total"].iloc[0]
    assert row["项目"] == "三、本年度办理结果（一）予以公开 总计"
    assert row["机关"] == "长春经济技术开发区管理委员会"


def test_bad_format_and_labels(db: Path, tmp_path: Path) -> None:
    code, err = gk("export", str(tmp_path / "x"), "--db", str(db), "--format", "dbf")
    assert code == 2 and "--format is one of csv, parquet, xlsx" in err
    code, err = gk("export", str(tmp_path / "x"), "--db", str(db), "--labels", "fr")
    assert code == 2 and "--labels is zh or en" in err


def test_report_wide_sql_is_generated_from_items() -> None:
    shipped = (ROOT / "pipeline" / "sql" / "report_wide.sql").read_text(
        encoding="utf-8")
    assert shipped == wide_sql(), "run: python -m pipeline.compare.wide > pipeline/sql/report_wide.sql"



def test_an_export_runs_under_its_memory_limit_and_restores_the_readers(db: Path, tmp_path: Path) -> None:
    """The sort of a whole export spills past EXPORT_MEMORY_LIMIT rather than taking most of
    RAM (bench_db prints the peak); the reader's own limit is put back after, also on an error."""
    from pipeline.compare.export import EXPORT_MEMORY_LIMIT, export, memory_limit

    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET memory_limit = '2GiB'")  # shown as 2.0 GiB, which reads back the same
        setting = "SELECT current_setting('memory_limit')"
        before = con.execute(setting).fetchall()
        with memory_limit(con, EXPORT_MEMORY_LIMIT):
            inside = con.execute(setting).fetchall()
        assert inside != before and "MiB" in inside[0][0]
        assert con.execute(setting).fetchall() == before
        assert export(con, tmp_path / "a.parquet", "parquet") == len(facts_of(db))
        assert con.execute(setting).fetchall() == before
        with pytest.raises(duckdb.Error), memory_limit(con, EXPORT_MEMORY_LIMIT):
            con.execute("SELECT * FROM no_such_table")
        assert con.execute(setting).fetchall() == before
    finally:
        con.close()

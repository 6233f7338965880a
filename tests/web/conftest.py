"""The web tests' database: the comparison tests' multi-region database (tests/compare_db.py,
built through the real load and published as a snapshot), plus

- a born-digital PDF report typeset by the test kit and read by the real pipeline (so its
  values carry pages and cell boxes), one of whose numbers is printed wrong so that a real
  rule fires on a real cell;
- a few findings on the generated reports, for the quality page;
- a hostile report: script tags in its title, sections and printed text, an SQL-looking
  agency name and a 10,000-character row label.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from lxml import html

from pipeline.db import connect
from pipeline.load import load_records
from pipeline.process import process_file
from pipeline.record import Fact, Finding, Record
from pipeline.snapshot import publish, snapshot_path
from tests.compare import build_db as cdb
from tests.kit import make_report, write_pdf

PDF_AGENCY, PDF_YEAR = "淮安市清江浦区人民政府", 2022
HOSTILE_AGENCY = "武汉市'; DROP TABLE reports; --<script>alert(1)</script>局"
SCRIPT = "<script>document.title='owned'</script><img src=x onerror=alert(2)>"
LONG_LABEL = "超长标签" + "长" * 9996  # 10,000 characters
FLAGGED = [("武汉市硚口区档案馆", 2023, "t3.balance", "error", ["t3.total.total", "t3.new_received.total"]),
           ("北京市朝阳区人民政府", 2024, "t3.row_total", "warning", ["t3.granted.total"]),
           ("淮安市人民政府办公室", 2021, "t3.balance", "error", ["t3.carried_forward.total"])]


def pdf_record(folder: Path) -> Record:
    rep = make_report(random.Random(5), PDF_AGENCY, PDF_YEAR)
    rep.values["t3.granted.total"] = int(rep.values["t3.granted.total"]) + 1  # printed wrong on purpose
    path = write_pdf(rep, folder / "qingjiangpu-2022.pdf")
    rec = process_file(path)
    assert rec.file_type == "pdf" and rec.findings, "the PDF must read, with the planted error found"
    return rec


def hostile_record() -> Record:
    rec, _ = cdb.make_record(HOSTILE_AGENCY, 2024, seed=99)
    rec.metadata["title"] = f"{SCRIPT}2024年政府信息公开工作年度报告"
    rec.facts.append(Fact(table_id="t3", row_key=LONG_LABEL, col_key="total", value=1, value_kind="number",
                          printed_text=SCRIPT, unit="件"))
    rec.sections = [{"number": 1, "heading": SCRIPT, "text": SCRIPT * 3}]
    rec.findings = [Finding("t3.balance", "error", SCRIPT, SCRIPT, [f"t3.{LONG_LABEL}.total"], SCRIPT, SCRIPT)]
    return replace(rec, status="review")


def build(db: Path) -> None:
    cdb.build(db)
    by_key = {}
    for i, (name, years) in enumerate(cdb.SERIES):
        for year in years:
            by_key[(name, year)] = i * 100 + year
    records = []
    for name, year, rule, sev, cells in FLAGGED:
        rec, _ = cdb.make_record(name, year, seed=by_key[(name, year)])
        records.append(replace(rec, findings=[Finding(rule, sev, f"{rule} fails", f"{rule} 不符", cells, "1", "2")],
                               status="review" if sev == "error" else "warnings"))
    records += [pdf_record(db.parent), hostile_record()]
    con = connect(db)
    load_records(con, records, replace=True)
    publish(con, db)
    con.close()


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "web.duckdb"
    build(db)
    return db


@pytest.fixture(scope="session")
def db(web_db: Path) -> duckdb.DuckDBPyConnection:
    """The published snapshot, read with plain SQL: what the pages must show."""
    con = duckdb.connect(str(snapshot_path(web_db).resolve()), read_only=True)
    yield con
    con.close()


def page(client: TestClient, url: str, status: int = 200) -> html.HtmlElement:
    """The page at `url`, parsed, after checking its status."""
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    return html.fromstring(r.text)

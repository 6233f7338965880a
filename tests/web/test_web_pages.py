"""The pages through the app's test client on the generated multi-region database: every
number shown is compared with the database (queried here with plain SQL), never with a
number written into the test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from lxml import html

from pipeline.compare import queries as q
from pipeline.db import connect
from pipeline.show import render_cell
from pipeline.snapshot import publish
from pipeline.web.app import create_app
from tests.web.conftest import FLAGGED, PDF_AGENCY, PDF_YEAR, page


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db, index_wait=60))  # initials need the pinyin index


def agency_id(db: duckdb.DuckDBPyConnection, name: str) -> str:
    return db.execute("SELECT agency_id FROM agency_names WHERE name = ?", [name]).fetchone()[0]


def num(text: str) -> float | None:
    t = text.strip().replace(",", "")
    return None if t in ("", "—") else float(t)


# ---- search ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("硚口区档案", "武汉市硚口区档案馆"),           # part of the name
    ("档案局", "武汉市硚口区档案馆"),               # a former name (the rename of the alias file)
    ("北京市", "北京市朝阳区人民政府"),             # a region
    ("whsqkqdag", "武汉市硚口区档案馆"),           # pinyin initials of 武汉市硚口区档案馆
    ("HAS", "淮安市人民政府办公室"),               # initials, any case
])
def test_search_by_name_region_and_initials(client: TestClient, db: duckdb.DuckDBPyConnection,
                                             text: str, name: str) -> None:
    got = client.get("/api/search", params={"q": text}).json()
    names = [a["name"] for a in got["agencies"]]
    assert name in names
    hit = next(a for a in got["agencies"] if a["name"] == name)
    years = [r[0] for r in db.execute("SELECT DISTINCT year FROM report_agency WHERE agency_id = ? ORDER BY 1",
                                      [hit["id"]]).fetchall()]
    assert hit["years"] == years
    # The page without script shows the same agencies, linking to their pages.
    doc = page(client, f"/?q={text}")
    assert [a.text for a in doc.cssselect("#hits li a")] == names
    assert doc.cssselect("#hits li a")[names.index(name)].get("href") == f"/agency/{hit['id']}"


def test_search_text_is_never_sql(client: TestClient) -> None:
    for text in ("' OR 1=1 --", "%", "_", "\\"):
        r = client.get("/api/search", params={"q": text})
        assert r.status_code == 200
        assert all(text.strip("\\") in a["name"] or text in a["region"] for a in r.json()["agencies"])


# ---- agency ---------------------------------------------------------------------------------

def test_agency_trend_equals_the_indicators_view(client: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    aid = agency_id(db, "武汉市硚口区档案馆")
    doc = page(client, f"/agency/{aid}")
    assert doc.cssselect("#agency-name")[0].text == "武汉市硚口区档案馆"
    want = db.execute(f"SELECT year, {', '.join(q.METRICS)} FROM indicators WHERE agency_id = ? ORDER BY year",
                      [aid]).fetchall()
    rows = doc.cssselect("#trend-table tbody tr")
    assert [int(r.get("data-year")) for r in rows] == [w[0] for w in want]
    prev: dict[str, object] = {}
    for tr, w in zip(rows, want, strict=True):
        for m, v in zip(q.METRICS, w[1:], strict=True):
            td = tr.cssselect(f'td[data-metric="{m}"]')[0]
            shown = num(td.text or "")
            expect = None if v is None else (float(v) * 100 if m in q.SHARES else float(v))
            assert shown == (None if expect is None else pytest.approx(expect, abs=0.005)), (w[0], m)
            chg = td.cssselect(".chg")
            consecutive = prev.get("year") == w[0] - 1
            if consecutive and v is not None and prev.get(m) is not None:
                assert float(chg[0].get("data-change")) == pytest.approx(float(v) - float(prev[m]), abs=1e-4)
            else:
                assert not chg, (w[0], m)
        prev = {"year": w[0], **dict(zip(q.METRICS, w[1:], strict=True))}
    # One chart per indicator, one dot per year with a value.
    for i, m in enumerate(q.METRICS):
        svg = doc.cssselect(f"#chart-{m} svg")[0]
        assert len(svg.cssselect("circle")) == sum(1 for w in want if w[1 + i] is not None)


def test_agency_versions_with_status_and_links(client: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    aid = agency_id(db, "淮安市人民政府办公室")
    doc = page(client, f"/agency/{aid}")
    want = db.execute("""SELECT r.report_id, r.is_current, r.status FROM reports r JOIN agency_names n ON n.name = r.agency
                         WHERE n.agency_id = ? ORDER BY r.year DESC, r.version DESC""", [aid]).fetchall()
    rows = doc.cssselect("#versions tbody tr")
    assert len(rows) == len(want) and len(want) > len({r[0] for r in want}) - 1
    for tr, (rid, current, _status) in zip(rows, want, strict=True):
        assert tr.cssselect("a.report-link")[0].get("href") == f"/report/{rid}"
        assert tr.get("class") == ("current" if current else "old")
    assert sum(1 for _, c, _ in want if not c) == 1  # the superseded 2024 version is listed too


def test_unknown_agency_report_and_cell_are_clear_pages(client: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    doc = page(client, "/agency/no-such-agency", 404)
    assert doc.cssselect("#message h1")[0].text == "没有这个机关"
    assert page(client, "/agency/no-such-agency?lang=en", 404).cssselect("#message h1")[0].text == "No such agency"
    assert page(client, "/report/0000", 404).cssselect("#message h1")[0].text == "没有这份报告"
    rid = db.execute("SELECT report_id FROM reports LIMIT 1").fetchone()[0]
    assert page(client, f"/report/{rid}/cell/t9.nope.nope", 404).cssselect("#message h1")[0].text \
        == "这份报告没有这个数值"
    assert page(client, "/compare?year=abc", 400).cssselect("#message h1")[0].text == "请求有误"


# ---- report and provenance ------------------------------------------------------------------

def _pdf_report(db: duckdb.DuckDBPyConnection) -> str:
    return db.execute("SELECT report_id FROM reports WHERE agency = ? AND year = ?", [PDF_AGENCY, PDF_YEAR]).fetchone()[0]


def test_report_shows_every_value_as_printed_linked_to_its_provenance(client: TestClient,
                                                                      db: duckdb.DuckDBPyConnection) -> None:
    rid = _pdf_report(db)
    doc = page(client, f"/report/{rid}")
    facts = db.execute("SELECT table_id || '.' || row_key || '.' || col_key, printed_text FROM facts "
                       "WHERE report_id = ?", [rid]).fetchall()
    links = {a.get("data-key"): a for a in doc.cssselect("a.val")}
    assert set(links) == {k for k, _ in facts}
    for key, printed in facts:
        a = links[key]
        assert (a.text or "") == (printed if printed != "" else "·")
        assert a.get("href") == f"/report/{rid}/cell/{key}"
    assert len(doc.cssselect("table.printed")) == len({k.split(".")[0] for k, _ in facts})
    findings = db.execute("SELECT rule_id FROM findings WHERE report_id = ?", [rid]).fetchall()
    assert len(doc.cssselect("#findings-table tbody tr")) == len(findings) > 0
    # A flagged cell is marked in the table.
    cells = {c for (cs,) in db.execute("SELECT cells FROM findings WHERE report_id = ?", [rid]).fetchall() for c in cs}
    flagged = {a.get("data-key") for a in doc.cssselect("td.flagged a.val")}
    assert flagged == cells & set(links)


def test_cell_provenance_and_page_image(client: TestClient, db: duckdb.DuckDBPyConnection, web_db: Path,
                                        tmp_path: Path) -> None:
    rid = _pdf_report(db)
    key = "t3.granted.total"
    doc = page(client, f"/report/{rid}/cell/{key}")
    value, printed, pg, bbox, ti, ri, ci, src = db.execute("""
        SELECT value, printed_text, page, bbox, table_index, row_index, col_index, source_path FROM facts
        JOIN reports USING (report_id) WHERE report_id = ? AND table_id || '.' || row_key || '.' || col_key = ?""",
                                                           [rid, key]).fetchone()
    assert doc.cssselect("#cell-value")[0].text.split()[0] == str(value)
    assert doc.cssselect("#cell-printed code")[0].text == printed
    assert doc.cssselect("#cell-page")[0].text == str(pg)
    assert doc.cssselect("#cell-where")[0].text == f"{ti + 1} / {ri + 1} / {ci + 1}"
    assert src in doc.cssselect("#cell-file code")[0].text
    # The planted wrong number: its finding is listed on the cell.
    rules = {r for (r,) in db.execute("SELECT rule_id FROM findings WHERE report_id = ? AND list_contains(cells, ?)",
                                      [rid, key]).fetchall()}
    assert rules and {li.cssselect("code")[0].text for li in doc.cssselect("ul.findings li")} == rules
    img = doc.cssselect("#page-image")[0].get("src")
    r = client.get(img)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    render_cell(Path(src), pg, list(bbox), tmp_path / "want.png")  # what `show --trace --png` draws
    assert r.content == (tmp_path / "want.png").read_bytes()


# ---- compare --------------------------------------------------------------------------------

def _table(doc: html.HtmlElement) -> tuple[list[str], list[list[str]]]:
    heads = ["".join(th.cssselect("a")[0].itertext()).strip() for th in doc.cssselect("#compare-table thead th")]
    rows = [["".join(td.itertext()).strip() for td in tr.cssselect("td")] for tr in doc.cssselect("#compare-table tbody tr")]
    return heads, rows


def test_compare_region_year_sorted_equals_the_database(client: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    url = "/compare?region=武汉市&year=2024&sort=granted&order=desc&m=new_requests&m=granted&m=granted_share"
    doc = page(client, url)
    _, rows = _table(doc)
    want = db.execute("""SELECT agency, new_requests, granted, granted_share FROM indicators
                         WHERE (city = '武汉市' OR region LIKE '%武汉市%') AND year = 2024
                         ORDER BY granted DESC NULLS LAST, agency""").fetchall()
    assert [r[0] for r in rows] == [w[0] for w in want]
    for r, w in zip(rows, want, strict=True):
        assert num(r[4]) == w[1] and num(r[5]) == w[2]
        assert num(r[6]) == (None if w[3] is None else pytest.approx(float(w[3]) * 100, abs=0.005))
    # Ascending through the header link, and the definitions of the indicators shown.
    href = doc.cssselect('a[data-sort="granted"]')[0].get("href")
    asc = [r[0] for r in _table(page(client, href))[1]]
    assert "order=asc" in href and [x[2] for x in sorted(want, key=lambda w: (w[2], w[0]))] == \
        [next(w[2] for w in want if w[0] == a) for a in asc]
    assert len(doc.cssselect("#definitions dt")) == 3


def test_compare_csv_and_xlsx_are_exactly_the_screen(client: TestClient) -> None:
    url = "/compare?region=湖北省&year=2023&sort=handled&m=handled&m=granted_share&m=lawsuits"
    doc = page(client, url)
    heads, rows = _table(doc)
    r = client.get(doc.cssselect("#csv")[0].get("href"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    got = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert got[0] == heads
    assert [[c.replace(",", "") for c in row] for row in rows] == \
        [[c if c != "" else "—" for c in row] for row in got[1:]]
    x = client.get(doc.cssselect("#xlsx")[0].get("href"))
    sheet = pd.read_excel(io.BytesIO(x.content), dtype=str, keep_default_na=False)
    assert list(sheet.columns) == heads
    assert sheet.shape == (len(rows), len(heads))
    as_csv = pd.read_csv(io.StringIO(r.content.decode("utf-8-sig")), dtype=str, keep_default_na=False)
    for col in heads:
        assert [float(v) if v.replace(".", "").isdigit() else v for v in sheet[col]] == \
            [float(v) if v.replace(".", "").isdigit() else v for v in as_csv[col]]


# ---- coverage and quality -------------------------------------------------------------------

def test_coverage_matrix_highlights_missing_years(client: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    doc = page(client, "/coverage?region=武汉市&from=2019&to=2024")
    want = {(a, y): p for a, y, p in db.execute("""
        SELECT c.agency, c.year, c.published FROM coverage c JOIN agencies a USING (agency_id)
        WHERE (a.city = '武汉市' OR a.region LIKE '%武汉市%') AND c.year BETWEEN 2019 AND 2024""").fetchall()}
    got = {}
    for tr in doc.cssselect("#coverage-table tbody tr"):
        name = tr.cssselect("td a")[0].text
        for td in tr.cssselect("td.cov"):
            got[(name, int(td.get("data-year")))] = "yes" in td.get("class")
    assert got == want
    assert got[("武汉市汉阳区人民政府办公室", 2022)] is False  # the missing year
    only = page(client, "/coverage?region=武汉市&from=2019&to=2024&missing=1")
    names = {tr.cssselect("td a")[0].text for tr in only.cssselect("#coverage-table tbody tr")}
    assert names == {a for (a, _), p in want.items() if not p}


def test_quality_groups_and_links_to_the_cells(client: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    doc = page(client, "/quality")
    want = dict(db.execute("""SELECT f.rule_id, count(*) FROM findings f JOIN report_agency USING (report_id)
                              GROUP BY 1""").fetchall())
    got = {tr.cssselect("a")[0].text: int(tr.cssselect("td.n")[0].text) for tr in doc.cssselect("#by-rule tbody tr")}
    assert got == want
    years = dict(db.execute("SELECT ra.year, count(*) FROM findings f JOIN report_agency ra USING (report_id) "
                            "GROUP BY 1").fetchall())
    assert {int(tr.cssselect("a")[0].text): int(tr.cssselect("td.n")[0].text)
            for tr in doc.cssselect("#by-year tbody tr")} == years
    name, year, rule, _sev, cells = FLAGGED[1]
    filtered = page(client, f"/quality?rule={rule}&year={year}&region=北京市")
    rows = filtered.cssselect("#findings-table tbody tr")
    assert [tr.cssselect("td a")[0].text for tr in rows] == [name]
    links = rows[0].cssselect("a.cell-link")
    assert [a.text for a in links] == cells
    assert page(client, links[0].get("href")).cssselect("#cell-key")[0].text == cells[0]


# ---- serving: read-only, caching, new snapshots, empty database -----------------------------

def test_only_get_routes_and_no_write_endpoint(client: TestClient) -> None:
    for route in client.app.routes:
        methods = getattr(route, "methods", None)
        if methods:
            assert methods <= {"GET", "HEAD"}, route.path
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/compare").status_code == 405


def test_caching_headers_and_etag(client: TestClient) -> None:
    r = client.get("/compare?year=2024")
    assert r.headers["cache-control"] == "no-cache" and r.headers["etag"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    again = client.get("/compare?year=2024", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/compare?year=2023").headers["etag"] != r.headers["etag"]
    assert client.get("/static/style.css").headers["cache-control"].startswith("public")
    assert client.get("/agency/nope").headers["cache-control"] == "no-store"


def test_a_new_snapshot_is_picked_up(tmp_path: Path) -> None:
    from pipeline.load import load_records
    from tests.compare import build_db as cdb

    db = tmp_path / "s.duckdb"
    cdb.build(db)
    c = TestClient(create_app(db))
    before = c.get("/api/search?q=新区").json()["total"]
    etag = c.get("/").headers["etag"]
    rec, _ = cdb.make_record("武汉市新区测试局", 2024, seed=3)
    con = connect(db)
    load_records(con, [rec])
    publish(con, db)
    con.close()
    assert c.get("/api/search?q=新区测试局").json()["total"] == before + 1
    assert c.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_empty_and_missing_database(tmp_path: Path) -> None:
    gone = TestClient(create_app(tmp_path / "none.duckdb"))
    r = gone.get("/")
    assert r.status_code == 503 and "找不到数据库" in r.text
    db = tmp_path / "empty.duckdb"
    con = connect(db)
    publish(con, db)
    con.close()
    empty = TestClient(create_app(db))
    for url in ("/", "/compare", "/coverage", "/quality", "/agency/x"):
        doc = page(empty, url)
        assert doc.cssselect("#message h1")[0].text == "数据库中还没有报告", url
    assert page(empty, "/?lang=en").cssselect("#message h1")[0].text == "No reports in the database yet"

"""A malicious report renders inert: script tags in its title, sections, printed values and
findings, an SQL-looking agency name and a 10,000-character row label are shown as text on
every page, never run, never become SQL, and the database is unchanged."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from fastapi.testclient import TestClient
from lxml import html

from pipeline.snapshot import snapshot_path
from pipeline.web.app import create_app
from pipeline.web.data import cell_href
from tests.web.conftest import HOSTILE_AGENCY, LONG_LABEL, SCRIPT


def inert(body: str) -> html.HtmlElement:
    doc = html.fromstring(body)
    # The only script is the page's own file; no element carries an event handler, and the
    # planted <img src=x> never became an element.
    assert [s.get("src") for s in doc.iter("script")] == ["/static/app.js"]
    assert all(not a.lower().startswith("on") for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib)
    assert not [i for i in doc.iter("img") if i.get("src") == "x"]
    return doc


@pytest.fixture(scope="module")
def hostile(web_db: Path) -> tuple[TestClient, str, str]:
    con = duckdb.connect(str(snapshot_path(web_db).resolve()), read_only=True)
    rid, aid = con.execute("""SELECT report_id, agency_id FROM report_agency WHERE agency_printed = ?""",
                           [HOSTILE_AGENCY]).fetchone()
    con.close()
    return TestClient(create_app(web_db)), rid, aid


def test_every_page_shows_the_hostile_text_as_text(hostile: tuple[TestClient, str, str], web_db: Path) -> None:
    c, rid, aid = hostile
    tables_before = duckdb.connect(str(web_db), read_only=True).execute(
        "SELECT count(*) FROM duckdb_tables()").fetchone()[0]
    texts = {}
    for url in (f"/?q={quote('DROP TABLE')}", f"/agency/{aid}", f"/report/{rid}",
                cell_href(rid, "t3." + LONG_LABEL + ".total"),
                "/compare?region=武汉市&year=2024", "/coverage?region=武汉市", "/quality?region=武汉市",
                f"/agency/{quote(HOSTILE_AGENCY, safe='')}"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "<script>" not in r.text and "onerror=alert" not in r.text.replace("onerror=alert(2)&gt;", "")
        texts[url] = inert(r.text).text_content()
    report_text = texts[f"/report/{rid}"]
    assert SCRIPT in report_text and HOSTILE_AGENCY in report_text   # shown, as text
    assert LONG_LABEL in report_text                                  # the whole label, as text
    long_cell = texts[cell_href(rid, "t3." + LONG_LABEL + ".total")]
    assert SCRIPT in long_cell and LONG_LABEL in long_cell
    assert HOSTILE_AGENCY in texts[f"/?q={quote('DROP TABLE')}"]
    assert HOSTILE_AGENCY in texts["/compare?region=武汉市&year=2024"]
    assert SCRIPT in texts["/quality?region=武汉市"]
    with duckdb.connect(str(web_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0] == tables_before
        assert con.execute("SELECT count(*) FROM reports WHERE agency = ?", [HOSTILE_AGENCY]).fetchone()[0] == 1


def test_search_answer_carries_the_name_as_json_text(hostile: tuple[TestClient, str, str]) -> None:
    c, _, aid = hostile
    got = c.get("/api/search", params={"q": "DROP TABLE"}).json()
    assert [a["name"] for a in got["agencies"]] == [HOSTILE_AGENCY]
    assert got["agencies"][0]["id"] == aid
    # The chart titles on the agency page hold the name escaped, inside the SVG too.
    svg = c.get(f"/agency/{aid}").text
    assert "<title><script>" not in svg

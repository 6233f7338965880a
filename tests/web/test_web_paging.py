"""Long tables in pages (`?page=N`), and search while a new snapshot's pinyin index is built.

A national database has tens of thousands of agencies: the compare, coverage and quality
pages show a page of rows at a time. Here the page size is 2, so the small test database
spans several pages; walking the `next` links must give back exactly the rows of one big
page, in the same order, and each download must hold exactly the page on screen.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from lxml import html

from pipeline.web import data
from pipeline.web.app import Web, create_app
from tests.web.conftest import page as doc

SMALL = 2


@pytest.fixture(scope="module")
def paged(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db, page_rows=SMALL, index_wait=60))


@pytest.fixture(scope="module")
def whole(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db, index_wait=60))


def rows_of(d: html.HtmlElement, table: str) -> list[list[str]]:
    return [[td.text_content().strip() for td in tr.cssselect("td")] for tr in d.cssselect(f"#{table} tbody tr")]


def total_of(d: html.HtmlElement) -> int:
    return int(d.cssselect("nav.pager .total")[0].text)


def walk(client: TestClient, url: str, table: str) -> tuple[list[list[str]], list[str]]:
    """Every row, following the `next` links from `url`; and the totals the pages print."""
    out: list[list[str]] = []
    pagers: list[int] = []
    seen: set[str] = set()
    while url:
        assert url not in seen, "the next link went round in a circle"
        seen.add(url)
        d = doc(client, url)
        rows = rows_of(d, table)
        assert len(rows) <= SMALL
        out += rows
        pagers.append(total_of(d))
        nxt = d.cssselect('nav.pager a[rel="next"]')
        url = nxt[0].get("href") if nxt else ""
    return out, pagers


@pytest.mark.parametrize("url, table", [
    ("/coverage?region=武汉市&from=2019&to=2024", "coverage-table"),
    ("/coverage?from=2019&to=2024&missing=1", "coverage-table"),
    ("/coverage", "coverage-table"),
    ("/compare?region=湖北省&year=2023&sort=handled&m=handled&m=granted", "compare-table"),
    ("/compare?year=2024&sort=agency&order=asc", "compare-table"),
    ("/quality", "findings-table"),
])
def test_pages_walked_by_next_are_the_whole_table(paged: TestClient, whole: TestClient, url: str,
                                                  table: str) -> None:
    want = rows_of(doc(whole, url), table)
    assert len(want) > SMALL, "the case must span more than one page"
    got, pagers = walk(paged, url, table)
    assert got == want
    assert len(pagers) == -(-len(want) // SMALL)
    assert set(pagers) == {len(want)}


def test_previous_link_and_a_page_past_the_end(paged: TestClient) -> None:
    first = doc(paged, "/coverage?region=武汉市")
    second = doc(paged, first.cssselect('nav.pager a[rel="next"]')[0].get("href"))
    back = second.cssselect('nav.pager a[rel="prev"]')[0].get("href")
    assert "page=" not in back  # page 1 is the plain URL, so links to it are the same
    assert rows_of(doc(paged, back), "coverage-table") == rows_of(first, "coverage-table")
    past = doc(paged, "/coverage?region=武汉市&page=999")
    assert rows_of(past, "coverage-table") == []
    assert total_of(past) == total_of(first) > SMALL
    for bad in ("0", "-1", "x", "100001"):
        doc(paged, f"/coverage?page={bad}", status=400)


def test_the_download_is_the_page_on_screen(paged: TestClient) -> None:
    d = doc(paged, "/compare?region=湖北省&year=2023&sort=handled&m=handled&page=2")
    screen = rows_of(d, "compare-table")
    assert screen
    href = d.cssselect("#csv")[0].get("href")
    assert "page=2" in href
    got = list(csv.reader(io.StringIO(paged.get(href).content.decode("utf-8-sig"))))[1:]
    assert [[c.replace(",", "") for c in r] for r in screen] == [[c or "—" for c in r] for r in got]


def test_coverage_counts_equal_the_coverage_view(paged: TestClient, db: duckdb.DuckDBPyConnection) -> None:
    want = db.execute("SELECT count(DISTINCT agency_id) FROM coverage").fetchone()[0]
    d = doc(paged, "/coverage")
    assert total_of(d) == want
    missing = db.execute("SELECT count(DISTINCT agency_id) FROM coverage WHERE NOT published").fetchone()[0]
    d = doc(paged, "/coverage?missing=1&page=999")  # the total is right past the last page too
    assert total_of(d) == missing > 0


# ---- search before the pinyin index is ready --------------------------------------------------

@pytest.mark.parametrize("text", ["硚口区档案", "档案局", "北京市", "武汉", "人民政府", "湖北省", "局"])
def test_sql_search_finds_what_the_index_finds_by_name_and_region(db: duckdb.DuckDBPyConnection,
                                                                  text: str) -> None:
    index = data.search_index(db)
    want, total = data.search(index, text)
    assert want, "a case must find something"
    got, got_total = data.search_sql(db, text)
    assert [(e.agency_id, e.name, e.region, e.years) for e in got] == \
        [(e.agency_id, e.name, e.region, e.years) for e in want]
    assert got_total == total


def test_the_index_is_built_on_its_own_thread_and_then_used(web_db: Path) -> None:
    web = Web(web_db, index_wait=0)
    gen = web.store.current()
    first = web.search_index(gen)  # returns at once: None, or the index if the thread was quick
    gen.cache["search_built"].wait(60)
    idx = web.search_index(gen)
    assert idx is not None and (first is None or first is idx)
    assert web.search_index(gen) is idx  # built once per snapshot
    assert [e.agency_id for e in idx] == [e.agency_id for e in data.search_index(gen.cursor())]
    assert any(e.initials == "whsqkqdag" for e in idx)
    web.store.close()

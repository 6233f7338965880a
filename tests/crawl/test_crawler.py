"""The crawler against a fixture portal served on 127.0.0.x: what it follows, refuses,
stores and records, and what a rerun downloads again (nothing unless it changed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipeline.crawl.crawler import crawl_sources
from pipeline.crawl.fetch import FetchSettings
from pipeline.crawl.names import safe_segment, target_path
from pipeline.crawl.pages import normalise, parse_page, report_year
from pipeline.crawl.run import record_crawl
from pipeline.crawl.sources import SourcesError, load_sources
from tests.portal.sites import LONG_NAME, Portal, build_portal, docx_bytes

FAST = FetchSettings(connect_timeout=2, read_timeout=1.0, retries=2, backoff=0.01)


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize(("title", "year"), [
    ("江城市汉阳区档案馆2023年政府信息公开工作年度报告", 2023),
    ("江城市生态环境局2023年度政府信息公开工作年度报告", 2023),
    ("青河县2019年政府信息公开年报", 2019),
    ("政府信息公开工作年度报告（2022年度）", 2022),
    ("关于做好2023年政府信息公开工作年度报告编制和发布工作的通知", None),
    ("图解：江城市2023年政府信息公开工作年度报告", None),
    ("关于青河县2023年政府信息公开工作年度报告的解读", None),
    ("江城市2023年法治政府建设年度报告", None),
    ("我区召开政务公开工作推进会", None),
])
def test_report_titles(title: str, year: int | None) -> None:
    assert report_year(title) == year


def test_listing_links_pagination_and_truncated_titles() -> None:
    page = ('<html><body><a href="t1.html" title="甲局2023年政府信息公开工作年度报告">甲局2023年政府信息...</a>'
            '<a href="t2.html">关于报送2023年政府信息公开工作年度报告的通知</a>'
            '<a href="http://elsewhere.example/t3.html">乙局2023年政府信息公开工作年度报告</a>'
            '<a href="?page=2">下一页</a><a href="index_7.html">7</a>'
            '<script>createPageHTML(4, 0, "index", "shtml");</script></body></html>').encode()
    base = "http://a.example/col/ndbg/index.html"
    links = parse_page(page, "text/html", base, lambda u: "a.example" in u)
    assert [(r.url, r.title) for r in links.reports] == [
        ("http://a.example/col/ndbg/t1.html", "甲局2023年政府信息公开工作年度报告")]
    assert links.offsite == ["http://elsewhere.example/t3.html"]
    assert links.pages == ["http://a.example/col/ndbg/index.shtml", "http://a.example/col/ndbg/index_1.shtml",
                           "http://a.example/col/ndbg/index_2.shtml", "http://a.example/col/ndbg/index_3.shtml",
                           "http://a.example/col/ndbg/index.html?page=2", "http://a.example/col/ndbg/index_7.html"]


def test_dot_segments_clamped_and_safe_names(tmp_path: Path) -> None:
    assert normalise("http://h/a/b/c.html", "../../../../x/y.pdf") == "http://h/x/y.pdf"
    assert normalise("http://h/a/", "javascript:void(0)") is None
    assert safe_segment("..%2f..%2fetc%2fpasswd") == "_.._etc_passwd"
    assert safe_segment("..") == "_"
    p = target_path(tmp_path, "http://h/picture/..%2f..%2fetc%2fpasswd.pdf", None, "pdf", False)
    assert p.parent == tmp_path / "h" / "picture" and p.is_relative_to(tmp_path)
    long = target_path(tmp_path, "http://h/f/" + LONG_NAME, None, "pdf", False)
    assert len(long.name.encode()) <= 200 and long.suffix == ".pdf" and long.name.startswith("江城市")
    # PDF bytes served as .docx keep the served name and gain the real extension.
    assert target_path(tmp_path, "http://h/a/P1.docx", None, "pdf", False).name == "P1.docx.pdf"


def test_sources_file_errors(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text('[[sources]]\nname = "x"\nstart_urls = ["http://a.example/"]\nallowed_hosts = ["b.example"]\n')
    with pytest.raises(SourcesError, match="not http"):
        load_sources(f)
    f.write_text('[[sources]]\nname = "x"\nstart_urls = ["http://a.example/"]\nallowed_hosts = ["a.example:80"]\n')
    with pytest.raises(SourcesError, match="without port"):
        load_sources(f)
    f.write_text('[[sources]]\nname = "x"\nstart_urls = ["http://a.example/"]\nallowed_hosts = ["a.example"]\n'
                 'agency = "甲局"\nrate = 2\n')
    (s,) = load_sources(f)
    assert (s.agency, s.rate, s.allows("http://A.example:8080/x"), s.allows("http://b.example/")) == \
        ("甲局", 2.0, True, False)


# ---------------------------------------------------------------- the portal


@pytest.fixture(scope="module")
def portal() -> Portal:
    p = build_portal()
    yield p
    p.close()


@pytest.fixture(scope="module")
def crawled(portal: Portal, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two crawls of the unchanged portal, then one after a report changed."""
    root = tmp_path_factory.mktemp("crawl")
    (root / "sources.toml").write_text(portal.sources_toml(), encoding="utf-8")
    sources = load_sources(root / "sources.toml")
    raw, db = root / "raw", root / "db.duckdb"
    first = crawl_sources(sources, raw, FAST)
    record_crawl(db, first)
    sent_after_first = portal.trs.sent + portal.jcms.sent
    second = crawl_sources(sources, raw, FAST)
    record_crawl(db, second)
    sent_after_second = portal.trs.sent + portal.jcms.sent
    changed = docx_bytes("江城市生态环境局", 2023, seed=99)
    old = portal.trs.routes["/xxgk/ndbg/202401/P020240121_1.docx"].body
    portal.trs.routes["/xxgk/ndbg/202401/P020240121_1.docx"].body = changed
    third = crawl_sources(sources, raw, FAST)
    portal.trs.routes["/xxgk/ndbg/202401/P020240121_1.docx"].body = old
    return {"raw": raw, "db": db, "first": first, "second": second, "third": third, "changed": changed,
            "sent1": sent_after_first, "sent2": sent_after_second}


def _by_url(result, suffix: str):
    hits = [e for e in result.entries if e.fetch.url.endswith(suffix)]
    assert hits, suffix
    return hits[-1]


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def test_reports_found_and_stored_byte_for_byte(portal: Portal, crawled: dict) -> None:
    raw, first = crawled["raw"], crawled["first"]
    stored = {_sha(p.read_bytes()): p for p in first.reports}
    for key in ("inline", "docx", "pdf_as_docx", "after_redirect", "gbk", "servlet", "traversal"):
        assert _sha(portal.files[key]) in stored, key
    # Files land under raw/<host>/ and nowhere else, whatever the names asked for.
    for p in first.reports:
        assert p.resolve().is_relative_to(raw.resolve()) and p.relative_to(raw).parts[0] in ("127.0.0.2", "127.0.0.3")
    gbk = stored[_sha(portal.files["gbk"])]
    assert gbk.read_bytes() == portal.files["gbk"]  # still GBK, not re-encoded
    assert stored[_sha(portal.files["servlet"])].name == "青河县2022年报.docx"  # from Content-Disposition
    assert Path(_by_url(first, "/P020230118_1.docx").path).name == "P020230118_1.docx.pdf"
    names = {p.name for p in first.reports}
    assert any(len(n.encode()) <= 200 and n.startswith("江城市汉阳区档案馆") for n in names)
    assert "_.._etc_passwd.pdf" in names
    assert not (raw / "etc").exists() and not (raw.parent / "etc").exists()
    # The .doc attachment is stored too.
    assert any(p.read_bytes() == portal.files["doc"] for p in first.reports)


def test_notices_and_news_not_followed(portal: Portal, crawled: dict) -> None:
    for n in (103, 104, 105, 106):
        assert portal.trs.asked[f"/xxgk/ndbg/202401/t2024012{n - 100}_{n}.html"] == 0
    assert portal.jcms.asked["/art/2024/1/18/art_123_455.html"] == 0


def test_pagination_followed(portal: Portal, crawled: dict) -> None:
    urls = {e.fetch.url for e in crawled["first"].entries if e.kind == "listing"}
    assert portal.trs.url("/xxgk/ndbg/index_2.html") in urls  # from createPageHTML only
    assert portal.jcms.url("/col/col123/index.html?uid=9&pageNum=2") in urls  # 下一页 only


def test_refusals_and_failures_recorded(portal: Portal, crawled: dict) -> None:
    first = crawled["first"]
    assert _by_url(first, "/private/t20240126_107.html").outcome == "robots"
    assert portal.trs.asked["/private/t20240126_107.html"] == 0
    assert _by_url(first, "/ndbg/t1.html").outcome == "offsite"
    redirected = _by_url(first, "/t20220118_301.html")
    assert (redirected.outcome, redirected.fetch.final_url) == ("offsite", portal.offsite.url("/landing.html"))
    assert sum(portal.offsite.asked.values()) == 0
    slow = _by_url(first, "/slow.pdf")
    assert slow.outcome == "failed" and "timed out" in slow.fetch.reason
    assert portal.trs.asked["/xxgk/ndbg/202201/slow.pdf"] >= 2  # retried
    for name in ("/big1.pdf", "/big2.pdf"):
        assert _by_url(first, name).outcome == "too_large"
    assert not any(p.name.startswith("big") for p in crawled["raw"].rglob("*.pdf"))
    # The page that failed once with 500 was retried and its attachment stored.
    page = _by_url(first, "/t20240121_102.html")
    assert page.fetch.status == 200 and page.outcome == "new"
    # Relative links after a redirect resolve against where it landed.
    att = _by_url(first, "/2023new/P1.docx")
    assert att.fetch.referrer == portal.trs.url("/xxgk/ndbg/2023new/t20230119_202.html")
    trs, jcms = (s for s in first.sources)
    assert trs.failed and not jcms.failed
    assert all("gongkai" in ua and "contact" in ua for ua in portal.trs.user_agents)


def test_rerun_downloads_nothing_unchanged(portal: Portal, crawled: dict) -> None:
    second = crawled["second"]
    # Every body that came the first time was answered 304 the second time.
    grew = {p: n for p, n in (crawled["sent2"] - crawled["sent1"]).items()}
    assert set(grew) <= {"/xxgk/ndbg/202201/big1.pdf", "/xxgk/ndbg/202201/big2.pdf",
                         "/xxgk/ndbg/202201/slow.pdf"}, grew
    outcomes = {e.outcome for e in second.entries if e.kind != "listing"}
    assert "new" not in outcomes and "changed" not in outcomes
    assert _by_url(second, "/P020240121_1.docx").fetch.status == 304
    # The stored page was reused from the cache to find its attachments again.
    assert {_sha(p.read_bytes()) for p in second.reports} == {_sha(p.read_bytes()) for p in crawled["first"].reports}


def test_changed_report_kept_as_new_version(portal: Portal, crawled: dict) -> None:
    e = _by_url(crawled["third"], "/P020240121_1.docx")
    assert e.outcome == "changed"
    new, old = Path(e.path), Path(_by_url(crawled["first"], "/P020240121_1.docx").path)
    assert new != old and new.read_bytes() == crawled["changed"] and old.read_bytes() == portal.files["docx"]


def test_manifest_rows(portal: Portal, crawled: dict) -> None:
    con = duckdb.connect(str(crawled["db"]), read_only=True)
    rows = con.execute("SELECT count(DISTINCT run_id), count(*) FROM crawl_fetches").fetchone()
    assert rows == (2, len(crawled["first"].entries) + len(crawled["second"].entries))
    url = portal.trs.url("/xxgk/ndbg/202401/P020240121_1.docx")
    got = con.execute("SELECT status, etag, last_modified, content_type, size, sha256, referrer, outcome "
                      "FROM crawl_fetches WHERE url = ? ORDER BY fetched_at", [url]).fetchall()
    con.close()
    body = portal.files["docx"]
    assert [g[0] for g in got] == [200, 304] and [g[7] for g in got] == ["new", "unchanged"]
    assert got[0][1] == portal.trs.routes["/xxgk/ndbg/202401/P020240121_1.docx"].etag
    assert got[0][2].endswith("GMT") and got[0][3].startswith("application/vnd.openxml")
    assert (got[0][4], got[0][5]) == (len(body), _sha(body))
    assert got[0][6] == portal.trs.url("/xxgk/ndbg/202401/t20240121_102.html")


def test_robots_crawl_delay_slows_the_host(tmp_path: Path) -> None:
    from pipeline.crawl.fetch import Fetcher
    from tests.portal import Site

    site = Site("127.0.0.5")
    try:
        site.add("/robots.txt", "User-agent: *\nCrawl-delay: 0.25\nDisallow: /no/\n", content_type="text/plain")
        site.add("/yes.html", "<html>ok</html>")
        with Fetcher(tmp_path / "c.sqlite", FAST) as f:
            ok = f.fetch(site.url("/yes.html"), None, lambda u: True, 100.0, 1, 1000)
            no = f.fetch(site.url("/no/x.html"), None, lambda u: True, 100.0, 1, 1000)
            assert f.gates["127.0.0.5"].interval == 0.25  # not the source's 1/100 s
        assert (ok.outcome, ok.body, no.outcome) == ("fetched", b"<html>ok</html>", "robots")
        assert site.asked["/no/x.html"] == 0
    finally:
        site.close()


def test_source_agency_fills_a_report_that_names_none(tmp_path: Path) -> None:
    from pipeline.crawl.crawler import CrawlResult, SourceResult
    from pipeline.crawl.run import _agency_from_source
    from pipeline.crawl.sources import Source
    from pipeline.record import Record

    a, b = tmp_path / "a.html", tmp_path / "b.html"
    recs = [Record(sha256="1", source_path=str(a), file_type="html", status="ok", metadata={}),
            Record(sha256="2", source_path=str(b), file_type="html", status="ok", metadata={"agency": "乙局"})]
    src = Source("s", ["http://h/"], ["h"], agency="甲局")
    _agency_from_source(recs, CrawlResult("r", [SourceResult("s", reports=[a, b])], 0), [src])
    assert [(r.metadata.get("agency"), r.metadata.get("agency_source")) for r in recs] == \
        [("甲局", "crawl_source"), ("乙局", None)]

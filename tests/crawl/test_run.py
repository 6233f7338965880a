"""`gongkai run` end to end against a fixture site: crawl, extract, load; a rerun that
changes nothing; a run killed with SIGKILL in the middle of loading, a second run started
while the first holds the lock, and the run after them that completes the work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.paths import ROOT
from tests.portal import Site, article, listing
from tests.portal.sites import docx_bytes, html_bytes

GONGKAI = [sys.executable, "-m", "pipeline"]
# Runs the real CLI with one change: loading stops for a while inside its transaction,
# after writing a marker, so the test can kill it there.
PAUSED = """
import pathlib, sys, time
import pipeline.load as L
marker, orig = pathlib.Path(sys.argv[1]), L._recompute_versions
def paused(con):
    orig(con)
    marker.write_text("loading")
    time.sleep(120)
L._recompute_versions = paused
sys.argv = ["gongkai"] + sys.argv[2:]
from pipeline.cli import main
main()
"""


@pytest.fixture(scope="module")
def site() -> Site:
    s = Site("127.0.0.4")
    s.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    s.add("/zwgk/ndbg/index.html", listing([
        ("./t20240120_1.html", "江城市汉阳区档案馆2023年政府信息公开工作年度报告", None),
        ("./t20240121_2.html", "江城市生态环境局2023年政府信息公开工作年...", "江城市生态环境局2023年政府信息公开工作年度报告"),
        ("./t20240122_3.html", "关于2023年政府信息公开工作年度报告的解读", None),
        ("./index_1.html", "下一页", None),
    ]))
    s.add("/zwgk/ndbg/index_1.html", listing([
        ("./t20230120_4.html", "青河县人民政府办公室2022年政府信息公开工作年度报告", None)], charset="gb2312"
    ).encode("gbk"), content_type="text/html")
    s.add("/zwgk/ndbg/t20240120_1.html", html_bytes("江城市汉阳区档案馆", 2023))
    s.add("/zwgk/ndbg/t20240121_2.html", article("江城市生态环境局2023年政府信息公开工作年度报告",
                                                 '<a href="./P1.docx">附件</a>'))
    s.add("/zwgk/ndbg/P1.docx", docx_bytes("江城市生态环境局", 2023))
    s.add("/zwgk/ndbg/t20230120_4.html", html_bytes("青河县人民政府办公室", 2022, encoding="gbk"),
          content_type="text/html")
    yield s
    s.close()


def _sources(path: Path, site: Site, broken: bool = False) -> Path:
    text = (f'[[sources]]\nname = "hanyang"\nstart_urls = ["{site.url("/zwgk/ndbg/index.html")}"]\n'
            f'allowed_hosts = ["{site.host}"]\nrate = 200\n')
    if broken:
        text += (f'\n[[sources]]\nname = "gone"\nstart_urls = ["{site.url("/nothing/here/")}"]\n'
                 f'allowed_hosts = ["{site.host}"]\nrate = 200\n')
    path.write_text(text, encoding="utf-8")
    return path


def _args(d: Path, sources: Path) -> list[str]:
    return ["run", "--sources", str(sources), "--db", str(d / "g.duckdb"), "--raw", str(d / "raw"),
            "--out", str(d / "extracted"), "-j", "1", "--log-json", str(d / "log.jsonl")]


def _gongkai(d: Path, sources: Path) -> subprocess.CompletedProcess:
    return subprocess.run(GONGKAI + _args(d, sources), cwd=ROOT, capture_output=True, text=True, timeout=300)


def _reports(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT agency, year, status FROM reports ORDER BY agency").fetchall()
    finally:
        con.close()


EXPECTED = [("江城市汉阳区档案馆", 2023), ("江城市生态环境局", 2023), ("青河县人民政府办公室", 2022)]


def test_run_end_to_end_then_nothing_changed(site: Site, tmp_path: Path) -> None:
    sources = _sources(tmp_path / "s.toml", site)
    first = _gongkai(tmp_path, sources)
    assert first.returncode == 0, first.stdout + first.stderr
    rows = _reports(tmp_path / "g.duckdb")
    assert [(a, y) for a, y, _ in rows] == EXPECTED and all(s != "rejected" for *_, s in rows)
    con = duckdb.connect(str(tmp_path / "g.duckdb"), read_only=True)
    urls = dict(con.execute("SELECT agency, url FROM report_urls").fetchall())
    con.close()
    assert urls["江城市生态环境局"] == site.url("/zwgk/ndbg/P1.docx")
    assert urls["青河县人民政府办公室"] == site.url("/zwgk/ndbg/t20230120_4.html")
    events = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    src = [e for e in events if e["event"] == "source"]
    assert src == [{"event": "source", "source": "hanyang", "status": "ok", "new": 3, "changed": 0,
                    "unchanged": 0, "failed": 0, "refused": 0}]
    assert any(e["event"] == "fetch" and e["url"].endswith("/P1.docx") and e["status"] == 200 for e in events)
    sent = sum(site.sent.values())
    second = _gongkai(tmp_path, sources)
    assert second.returncode == 0, second.stdout + second.stderr
    assert sum(site.sent.values()) == sent  # every body answered 304: nothing downloaded again
    assert _reports(tmp_path / "g.duckdb") == rows  # no row added
    last = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()][-2]
    assert (last["event"], last["new"], last["unchanged"]) == ("source", 0, 3)


def test_failed_source_exits_non_zero(site: Site, tmp_path: Path) -> None:
    res = _gongkai(tmp_path, _sources(tmp_path / "s.toml", site, broken=True))
    assert res.returncode == 5, res.stdout + res.stderr
    assert "FAILED" in res.stdout and "HTTP 404" in res.stdout
    assert [(a, y) for a, y, _ in _reports(tmp_path / "g.duckdb")] == EXPECTED  # the other source loaded


def test_sigkill_in_loading_and_a_second_run_at_once(site: Site, tmp_path: Path) -> None:
    sources = _sources(tmp_path / "s.toml", site)
    marker = tmp_path / "marker"
    first = subprocess.Popen([sys.executable, "-c", PAUSED, str(marker), *_args(tmp_path, sources)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):  # wait for the run to reach the middle of its load
            if marker.exists() or first.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), first.communicate()
        second = _gongkai(tmp_path, sources)
        assert second.returncode == 4 and "another gongkai run" in second.stderr
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    assert _reports(tmp_path / "g.duckdb") == []  # as before the batch
    con = duckdb.connect(str(tmp_path / "g.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'crawl_fetches'"
                       ).fetchone()[0] in (0, 1)
    con.close()
    third = _gongkai(tmp_path, sources)
    assert third.returncode == 0, third.stdout + third.stderr
    rows = _reports(tmp_path / "g.duckdb")
    assert [(a, y) for a, y, _ in rows] == EXPECTED  # each report once, nothing lost


def test_crawl_refuses_beside_a_run(site: Site, tmp_path: Path) -> None:
    """`crawl` takes the run lock too: beside a running `run` it writes nothing and exits 4."""
    from pipeline.crawl.run import run_lock

    sources = _sources(tmp_path / "s.toml", site)
    args = ["crawl", "--sources", str(sources), "--db", str(tmp_path / "g.duckdb"), "--raw", str(tmp_path / "raw")]
    sent = sum(site.sent.values())
    with run_lock(tmp_path / "g.duckdb"):
        held = subprocess.run(GONGKAI + args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert held.returncode == 4 and "another gongkai run" in held.stderr, held.stdout + held.stderr
    assert sum(site.sent.values()) == sent and not (tmp_path / "raw").exists()
    free = subprocess.run(GONGKAI + args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert free.returncode == 0, free.stdout + free.stderr
    assert sum(site.sent.values()) > sent

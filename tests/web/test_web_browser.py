"""End to end in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) against `gongkai serve`'s app on 127.0.0.1: search an agency as you type, open its
trend, open a report and follow a value to its provenance (the PDF page image loads), download
the compare CSV and check it against the database. Every page is screenshot into
tmp/test-output/web/ (git-ignored) for a person to look at."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import uvicorn

from pipeline.snapshot import snapshot_path
from pipeline.web.app import create_app
from tests.web.conftest import PDF_AGENCY, PDF_YEAR

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tmp" / "test-output" / "web"
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()),
                                reason="Debian chromium and chromium-driver are not installed (make setup installs them as root)")


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(web_db), host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gongkai-chromium-")
    downloads = tempfile.mkdtemp(prefix="gongkai-downloads-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--window-size=1280,1400", "--lang=zh-CN"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                           "download.prompt_for_download": False})
    drv = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    drv.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    drv.downloads = Path(downloads)  # type: ignore[attr-defined]
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


def shot(drv: object, name: str) -> None:
    # The whole page, not just the window: tables run long.
    height = drv.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    drv.set_window_size(1280, min(max(900, height + 40), 6000))  # type: ignore[attr-defined]
    assert drv.save_screenshot(str(OUT / f"{name}.png"))  # type: ignore[attr-defined]
    drv.set_window_size(1280, 1400)  # type: ignore[attr-defined]


def wait(drv: object, css: str, timeout: float = 20) -> list:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(drv, timeout).until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, css)))
    return drv.find_elements(By.CSS_SELECTOR, css)  # type: ignore[attr-defined]


def test_staff_path_through_the_pages(server: str, browser: object, web_db: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    drv = browser
    db = duckdb.connect(str(snapshot_path(web_db).resolve()), read_only=True)

    # 1. Search as you type, by pinyin initials: the script asks /api/search and lists agencies.
    drv.get(server + "/")  # type: ignore[attr-defined]
    box = drv.find_element(By.ID, "q")  # type: ignore[attr-defined]
    box.send_keys("qjp")  # 清江浦
    WebDriverWait(drv, 20).until(lambda d: any(PDF_AGENCY == a.text for a in d.find_elements(By.CSS_SELECTOR, "#hits li a")))
    assert "q=qjp" in drv.current_url  # type: ignore[attr-defined]
    shot(drv, "1-search")
    next(a for a in drv.find_elements(By.CSS_SELECTOR, "#hits li a") if a.text == PDF_AGENCY).click()  # type: ignore[attr-defined]

    # 2. The agency's trend: charts and the table, numbers as in the indicators view.
    wait(drv, "#trend-table")
    assert drv.find_element(By.ID, "agency-name").text == PDF_AGENCY  # type: ignore[attr-defined]
    aid = db.execute("SELECT agency_id FROM agency_names WHERE name = ?", [PDF_AGENCY]).fetchone()[0]
    want = dict(db.execute("SELECT year, handled FROM indicators WHERE agency_id = ?", [aid]).fetchall())
    for tr in drv.find_elements(By.CSS_SELECTOR, "#trend-table tbody tr"):  # type: ignore[attr-defined]
        td = tr.find_element(By.CSS_SELECTOR, 'td[data-metric="handled"]')
        assert int(td.text.split()[0].replace(",", "")) == want[int(tr.get_attribute("data-year"))]
    assert len(drv.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 14  # type: ignore[attr-defined]
    shot(drv, "2-agency")

    # 3. Its 2022 report (the PDF), then one value to its provenance with the page image.
    rid = db.execute("SELECT report_id FROM reports WHERE agency = ? AND year = ?", [PDF_AGENCY, PDF_YEAR]).fetchone()[0]
    drv.find_element(By.CSS_SELECTOR, f'a.report-link[href="/report/{rid}"]').click()  # type: ignore[attr-defined]
    wait(drv, "#table-t3")
    shot(drv, "3-report")
    key = "t3.granted.total"
    printed, page = db.execute("""SELECT printed_text, page FROM facts WHERE report_id = ?
                                  AND table_id || '.' || row_key || '.' || col_key = ?""", [rid, key]).fetchone()
    link = drv.find_element(By.CSS_SELECTOR, f'a.val[data-key="{key}"]')  # type: ignore[attr-defined]
    assert link.text == printed
    link.click()
    wait(drv, "#provenance")
    assert drv.find_element(By.ID, "cell-printed").text == printed  # type: ignore[attr-defined]
    assert drv.find_element(By.ID, "cell-page").text == str(page)  # type: ignore[attr-defined]
    img = drv.find_element(By.ID, "page-image")  # type: ignore[attr-defined]
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img))
    assert drv.execute_script("return arguments[0].naturalWidth", img) > 500  # type: ignore[attr-defined]
    shot(drv, "4-provenance")

    # 4. Compare a region and a year, sorted by a header click; download the CSV.
    drv.get(server + "/compare?region=湖北省&year=2024")  # type: ignore[attr-defined]
    wait(drv, "#compare-table")
    drv.find_element(By.CSS_SELECTOR, 'a[data-sort="new_requests"]').click()  # type: ignore[attr-defined]
    WebDriverWait(drv, 20).until(lambda d: "sort=new_requests" in d.current_url)
    shot(drv, "5-compare")
    drv.find_element(By.ID, "csv").click()  # type: ignore[attr-defined]
    target = drv.downloads / "compare.csv"  # type: ignore[attr-defined]
    WebDriverWait(drv, 30).until(lambda d: target.exists() and target.stat().st_size > 0)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    want_rows = db.execute("""SELECT agency, new_requests, handled, granted, granted_share, reconsiderations, lawsuits
        FROM indicators WHERE (province = '湖北省' OR region LIKE '%湖北省%') AND year = 2024
        ORDER BY new_requests DESC NULLS LAST, agency""").fetchall()
    assert [r[0] for r in rows[1:]] == [w[0] for w in want_rows]
    for r, w in zip(rows[1:], want_rows, strict=True):
        assert [int(r[4]), int(r[5]), int(r[6])] == [w[1], w[2], w[3]]
        assert (r[7] == "") if w[4] is None else float(r[7]) == pytest.approx(float(w[4]) * 100, abs=0.005)
        assert [int(r[8]), int(r[9])] == [w[5], w[6]]

    # 5. Coverage and quality, in Chinese and English.
    drv.get(server + "/coverage?region=武汉市")  # type: ignore[attr-defined]
    wait(drv, "#coverage-table")
    assert drv.find_elements(By.CSS_SELECTOR, "td.cov.no")  # type: ignore[attr-defined]
    shot(drv, "6-coverage")
    drv.get(server + "/quality?lang=en")  # type: ignore[attr-defined]
    wait(drv, "#by-rule")
    assert drv.find_element(By.CSS_SELECTOR, "h1").text == "Quality"  # type: ignore[attr-defined]
    shot(drv, "7-quality-en")
    db.close()

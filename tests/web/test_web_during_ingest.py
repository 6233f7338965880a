"""A page served while `gongkai ingest` loads a batch never errors: the server reads the
published snapshot, so the writer's lock never reaches it, and once the batch is published
the next page shows the new reports."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from pipeline.web.app import create_app
from tests.compare import build_db as cdb
from tests.kit import make_report, write_txt

ROOT = Path(__file__).resolve().parents[2]
NEW = [f"武汉市江岸区{d}" for d in ("档案馆", "教育局", "民政局", "财政局", "统计局", "水务局")]


def test_pages_never_fail_while_ingest_loads(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    cdb.build(db)
    folder = tmp_path / "batch"
    folder.mkdir()
    for i, name in enumerate(NEW):
        for year in (2022, 2023, 2024):
            write_txt(make_report(random.Random(i * 10 + year), name, year), folder / f"{i}-{year}.txt")
    c = TestClient(create_app(db))
    before = c.get("/api/search", params={"q": "江岸区"}).json()["total"]
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db),
                             "--out", str(tmp_path / "extracted"), "-j", "1", "-q"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    statuses: list[tuple[str, int]] = []
    try:
        while proc.poll() is None:
            for url in ("/", "/?q=江岸", "/compare?region=武汉市&year=2024", "/coverage?region=武汉市", "/quality"):
                statuses.append((url, c.get(url).status_code))
    finally:
        out, errs = proc.communicate(timeout=600)
    assert proc.returncode == 0, errs
    assert len(statuses) >= 5
    assert [s for s in statuses if s[1] != 200] == []
    after = c.get("/api/search", params={"q": "江岸区"}).json()
    assert after["total"] == before + len(NEW)
    assert {a["name"] for a in after["agencies"]} >= set(NEW)

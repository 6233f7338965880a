"""The crawl manifest in the database: every fetch of every run, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.crawl.fetch import Fetched

SCHEMA = Path(__file__).with_name("schema.sql")
COLUMNS = ["run_id", "source", "url", "final_url", "referrer", "kind", "fetched_at", "status", "etag",
           "last_modified", "content_type", "size", "sha256", "path", "outcome", "reason"]


@dataclass
class Entry:
    source: str
    kind: str
    fetch: Fetched
    outcome: str
    path: str | None = None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def write_entries(con: duckdb.DuckDBPyConnection, run_id: str, entries: list[Entry]) -> None:
    ensure_schema(con)
    rows = [{"run_id": run_id, "source": e.source, "url": e.fetch.url, "final_url": e.fetch.final_url,
             "referrer": e.fetch.referrer, "kind": e.kind, "fetched_at": e.fetch.fetched_at,
             "status": e.fetch.status, "etag": e.fetch.etag, "last_modified": e.fetch.last_modified,
             "content_type": e.fetch.content_type, "size": e.fetch.size, "sha256": e.fetch.sha256,
             "path": e.path, "outcome": e.outcome, "reason": e.fetch.reason} for e in entries]
    if not rows:
        return
    df = pd.DataFrame(rows, columns=COLUMNS).astype({"status": "Int64", "size": "Int64"})
    con.register("_crawl_rows", df)
    try:
        con.execute(f"INSERT INTO crawl_fetches SELECT {', '.join(COLUMNS)} FROM _crawl_rows")
    finally:
        con.unregister("_crawl_rows")

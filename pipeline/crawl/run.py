"""`gongkai run`: crawl, extract and load under one lock, for cron or a systemd timer.

The lock is an flock on <db>.run.lock: the kernel drops it when the process dies (kill -9
included), so a dead run never blocks the next. Loading is one transaction and the
manifest of the crawl is written after it, so a run killed at any moment leaves the
database as it was; the next run finds the stored files (or 304s) and loads them.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipeline.crawl.crawler import CrawlResult, crawl_sources
from pipeline.crawl.fetch import FetchSettings
from pipeline.crawl.manifest import Entry, ensure_schema, write_entries
from pipeline.crawl.sources import Source

EXIT_LOCKED = 4         # another run holds the lock: this one did nothing
EXIT_SOURCE_FAILED = 5  # a source (or one of its fetches) failed


class Locked(Exception):
    pass


@contextmanager
def run_lock(db: Path) -> Iterator[None]:
    path = Path(f"{db}.run.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Locked(f"another gongkai run holds {path}") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock


class JsonLog:
    """One JSON object per line: each fetch, each source's summary, the run's end."""

    def __init__(self, path: Path | None) -> None:
        self.fh: IO[str] | None = path.open("a", encoding="utf-8") if path else None
        self.lock = threading.Lock()

    def write(self, event: str, **fields: object) -> None:
        if self.fh is None:
            return
        with self.lock:
            self.fh.write(json.dumps({"event": event, **fields}, ensure_ascii=False, default=str) + "\n")
            self.fh.flush()

    def entry(self, e: Entry) -> None:
        f = e.fetch
        self.write("fetch", source=e.source, kind=e.kind, url=f.url, final_url=f.final_url,
                   status=f.status, outcome=e.outcome, size=f.size, sha256=f.sha256, path=e.path,
                   reason=f.reason)

    def close(self) -> None:
        if self.fh:
            self.fh.close()


@dataclass
class RunResult:
    crawl: CrawlResult
    rejected: int = 0
    loaded_new: int = 0
    unchanged: int = 0

    @property
    def exit_code(self) -> int:
        if any(s.failed for s in self.crawl.sources):
            return EXIT_SOURCE_FAILED
        return 1 if self.rejected else 0


def record_crawl(db: Path, result: CrawlResult) -> None:
    from pipeline.snapshot import writing

    with writing(db) as con:  # publishes the readers' snapshot
        con.execute("BEGIN TRANSACTION")
        write_entries(con, result.run_id, result.entries)
        con.execute("COMMIT")


def crawl_only(sources: list[Source], raw: Path, db: Path, log: JsonLog,
               settings: FetchSettings | None = None) -> CrawlResult:
    result = crawl_sources(sources, raw, settings, on_entry=log.entry)
    record_crawl(db, result)
    return result


def _agency_from_source(records: list, crawl: CrawlResult, sources: list[Source]) -> None:
    """A portal that serves one agency names it in the sources file: a report whose text
    names no agency is filed under it (and says so in agency_source)."""
    agency_of = {s.name: s.agency for s in sources if s.agency}
    by_path = {str(p): agency_of[r.source] for r in crawl.sources if r.source in agency_of for p in r.reports}
    for rec in records:
        agency = by_path.get(rec.source_path)
        if agency and rec.status != "rejected" and not rec.metadata.get("agency"):
            rec.metadata["agency"], rec.metadata["agency_source"] = agency, "crawl_source"


def run(sources: list[Source], raw: Path, db: Path, extracted: Path, log: JsonLog, jobs: int = 1,
        timeout: int = 600, settings: FetchSettings | None = None) -> RunResult:
    """Crawl, extract and load. The caller holds run_lock."""
    from pipeline.batch import extract_many
    from pipeline.load import load_records
    from pipeline.record import read_record
    from pipeline.snapshot import writing

    crawl = crawl_sources(sources, raw, settings, on_entry=log.entry)
    outcomes = list(extract_many(crawl.reports, extracted, jobs=jobs, timeout=timeout))
    records = [read_record(o.record_path) for o in outcomes if o.record_path]
    for o, rec in zip([o for o in outcomes if o.record_path], records, strict=True):
        rec.source_path = str(o.path)  # the path fetched now, also for a record reused from extracted/
    _agency_from_source(records, crawl, sources)
    with writing(db) as con:  # publishes the readers' snapshot
        ensure_schema(con)
        res = load_records(con, records, paths_given=True)
        con.execute("BEGIN TRANSACTION")
        write_entries(con, crawl.run_id, crawl.entries)
        con.execute("COMMIT")
    out = RunResult(crawl, rejected=sum(o.status == "rejected" for o in outcomes),
                    loaded_new=res.inserted, unchanged=res.unchanged)
    return out

"""One crawl over the sources: listing pages and their pagination, report pages, attachments.

Bodies are stored byte for byte under raw/<host>/…; a body that differs from the stored
file of the same URL is kept beside it as a new version, so nothing is overwritten.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.crawl.fetch import Fetched, Fetcher, FetchSettings
from pipeline.crawl.manifest import Entry
from pipeline.crawl.names import disposition_name, query_name, target_path, version_path
from pipeline.crawl.pages import Link, is_attachment, parse_page
from pipeline.crawl.sources import Source
from pipeline.readers.sniff import sniff

DOCUMENT_TYPES = ("pdf", "docx", "doc", "html", "txt")
FAILED = ("failed", "too_large")


@dataclass
class SourceResult:
    source: str
    entries: list[Entry] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)  # files to extract and load
    failed_start: bool = False

    @property
    def counts(self) -> Counter:
        """new / changed / unchanged report files, failed fetches, refused links."""
        c: Counter = Counter()
        for e in self.entries:
            if e.outcome in FAILED:
                c["failed"] += 1
            elif e.outcome in ("offsite", "robots"):
                c["refused"] += 1
            elif e.kind != "listing" and e.path and Path(e.path) in self.reports:
                c[e.outcome] += 1
        return c

    @property
    def failed(self) -> bool:
        return self.failed_start or any(e.outcome in FAILED for e in self.entries)


@dataclass
class CrawlResult:
    run_id: str
    sources: list[SourceResult]
    downloaded: int  # bodies fetched over the wire (not answered from the cache)

    @property
    def reports(self) -> list[Path]:
        return list(dict.fromkeys(p for s in self.sources for p in s.reports))

    @property
    def entries(self) -> list[Entry]:
        return [e for s in self.sources for e in s.entries]


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # a killed crawl leaves no half file under the real name
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same(path: Path, sha: str) -> bool:
    import hashlib

    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha


def store(raw: Path, f: Fetched, kind: str) -> tuple[Path, str]:
    """Write the body; returns where and whether it is new, changed or unchanged."""
    assert f.body is not None and f.sha256 is not None
    served = None
    if kind == "attachment":
        served = disposition_name(f.content_disposition) or query_name(f.final_url)
    path = target_path(raw, f.final_url, served, sniff(f.body), is_page=kind != "attachment")
    if not path.exists():
        _write_atomic(path, f.body)
        return path, "new"
    if _same(path, f.sha256):
        return path, "unchanged"
    newer = version_path(path, f.sha256)
    if newer.exists():
        return newer, "unchanged"
    _write_atomic(newer, f.body)
    return newer, "changed"


class SourceCrawl:
    def __init__(self, src: Source, fetcher: Fetcher, raw: Path, on_entry: Callable[[Entry], None] | None):
        self.src, self.fetcher, self.raw, self.on_entry = src, fetcher, raw, on_entry
        self.result = SourceResult(src.name)
        self.seen: set[str] = set()
        extra = [re.compile(p) for p in src.report_patterns]
        skip = [re.compile(p) for p in src.skip_patterns]
        self.extra = (lambda t: any(p.search(t) for p in extra)) if extra else None
        self.skip = (lambda t: any(p.search(t) for p in skip)) if skip else None

    def _get(self, url: str, referrer: str | None) -> Fetched:
        s = self.src
        return self.fetcher.fetch(url, referrer, s.allows, s.rate, s.concurrency, s.max_bytes)

    def _record(self, kind: str, f: Fetched, outcome: str | None = None, path: Path | None = None) -> None:
        e = Entry(self.src.name, kind, f, outcome or f.outcome, str(path) if path else None)
        self.result.entries.append(e)
        if self.on_entry:
            self.on_entry(e)

    def _parse(self, f: Fetched):
        return parse_page(f.body or b"", f.content_type, f.final_url, self.src.allows, self.extra, self.skip)

    def run(self) -> SourceResult:
        reports: list[tuple[Link, str]] = []
        for start in self.src.start_urls:
            queue: list[tuple[str, str | None]] = [(start, None)]
            pages = 0
            while queue and pages < self.src.max_pages:
                url, referrer = queue.pop(0)
                if url in self.seen:
                    continue
                self.seen.add(url)
                pages += 1
                f = self._get(url, referrer)
                if not f.ok:
                    self._record("listing", f)
                    self.result.failed_start |= url == start
                    continue
                self._record("listing", f, "listing")
                links = self._parse(f)
                self._refuse(links.offsite, f.final_url)
                queue.extend((p, f.final_url) for p in links.pages if p not in self.seen)
                reports.extend((link, f.final_url) for link in links.reports)
        for link, referrer in reports:
            if link.url not in self.seen:
                self.seen.add(link.url)
                self._report(link, referrer)
        return self.result

    def _refuse(self, urls: list[str], referrer: str) -> None:
        for url in urls:
            if url not in self.seen:
                self.seen.add(url)
                f = Fetched(url=url, final_url=url, referrer=referrer, fetched_at=_now(), status=None,
                            outcome="offsite", reason="link to a host outside allowed_hosts")
                self._record("link", f)

    def _report(self, link: Link, referrer: str) -> None:
        if is_attachment(link.url):
            self._file(link.url, referrer)
            return
        f = self._get(link.url, referrer)
        if not f.ok:
            self._record("report_page", f)
            return
        kind = sniff(f.body or b"")
        path, outcome = store(self.raw, f, "report_page" if kind == "html" else "attachment")
        self._record("report_page", f, outcome, path)
        if kind != "html":  # the link served the report file itself
            self._add(path, kind)
            return
        links = self._parse(f)
        self._refuse(links.offsite, f.final_url)
        files = [a.url for a in links.attachments] + [r.url for r in links.reports if is_attachment(r.url)]
        stored = [p for url in dict.fromkeys(files) if url not in self.seen
                  for p in [self._file(url, f.final_url)] if p is not None]
        if not stored:  # no attachment: the page is the report
            self._add(path, kind)

    def _file(self, url: str, referrer: str) -> Path | None:
        self.seen.add(url)
        f = self._get(url, referrer)
        if not f.ok:
            self._record("attachment", f)
            return None
        path, outcome = store(self.raw, f, "attachment")
        self._record("attachment", f, outcome, path)
        self._add(path, sniff(f.body or b""))
        return path

    def _add(self, path: Path, kind: str) -> None:
        if kind in DOCUMENT_TYPES and path not in self.result.reports:
            self.result.reports.append(path)


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


def crawl_sources(sources: list[Source], raw: Path, settings: FetchSettings | None = None,
                  on_entry: Callable[[Entry], None] | None = None, cache: Path | None = None) -> CrawlResult:
    """Crawl every source (sources in parallel threads; each host has its own limits)."""
    raw = Path(raw)
    with Fetcher(cache or raw / ".cache" / "http.sqlite", settings) as fetcher:
        with ThreadPoolExecutor(max_workers=max(1, min(4, len(sources)))) as pool:
            results = list(pool.map(lambda s: SourceCrawl(s, fetcher, raw, on_entry).run(), sources))
        return CrawlResult(uuid.uuid4().hex, results, fetcher.downloaded)

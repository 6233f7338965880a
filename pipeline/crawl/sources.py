"""The sources file (TOML): one [[sources]] table per portal column."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_RATE = 1.0  # requests per second per host: one a second is polite for a government site
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # the largest scanned reports seen are tens of MB


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the source and the field."""


@dataclass
class Source:
    name: str
    start_urls: list[str]
    allowed_hosts: list[str]
    agency: str | None = None
    # Extra regexes on a link's title: a report link must match one of `report_patterns`
    # (besides the built-in title test), and a link matching `skip_patterns` is never followed.
    report_patterns: list[str] = field(default_factory=list)
    skip_patterns: list[str] = field(default_factory=list)
    rate: float = DEFAULT_RATE           # requests per second per host
    concurrency: int = 1                 # requests in flight per host
    max_pages: int = 50                  # listing pages per start URL (pagination guard)
    max_bytes: int = DEFAULT_MAX_BYTES   # per file, enforced while streaming

    def allows(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host in self.allowed_hosts


_KNOWN = {"name", "start_urls", "allowed_hosts", "agency", "report_patterns", "skip_patterns",
          "rate", "concurrency", "max_pages", "max_bytes"}


def _source(i: int, table: dict) -> Source:
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise SourcesError(f"source #{i + 1}: 'name' is required")
    unknown = set(table) - _KNOWN
    if unknown:
        raise SourcesError(f"source {name}: unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("start_urls", "allowed_hosts"):
        v = table.get(key)
        if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
            raise SourcesError(f"source {name}: '{key}' must be a non-empty list of strings")
    hosts = [h.lower() for h in table["allowed_hosts"]]
    if any(":" in h or "/" in h for h in hosts):
        raise SourcesError(f"source {name}: allowed_hosts are host names without port or path")
    src = Source(name=name, start_urls=list(table["start_urls"]), allowed_hosts=hosts,
                 agency=table.get("agency"),
                 report_patterns=list(table.get("report_patterns", [])),
                 skip_patterns=list(table.get("skip_patterns", [])),
                 rate=float(table.get("rate", DEFAULT_RATE)),
                 concurrency=int(table.get("concurrency", 1)),
                 max_pages=int(table.get("max_pages", 50)),
                 max_bytes=int(table.get("max_bytes", DEFAULT_MAX_BYTES)))
    if src.rate <= 0 or src.concurrency < 1 or src.max_pages < 1 or src.max_bytes < 1:
        raise SourcesError(f"source {name}: rate, concurrency, max_pages and max_bytes must be positive")
    for p in src.report_patterns + src.skip_patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise SourcesError(f"source {name}: bad pattern {p!r}: {exc}") from exc
    for u in src.start_urls:
        if urlsplit(u).scheme not in ("http", "https") or not src.allows(u):
            raise SourcesError(f"source {name}: start URL {u} is not http(s) on an allowed host")
    return src


def load_sources(path: Path) -> list[Source]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourcesError(f"{path}: {exc}") from exc
    tables = data.get("sources")
    if not isinstance(tables, list) or not tables:
        raise SourcesError(f"{path}: no [[sources]] tables")
    out = [_source(i, t) for i, t in enumerate(tables)]
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise SourcesError(f"{path}: source names must be unique")
    return out

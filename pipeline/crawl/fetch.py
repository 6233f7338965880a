"""HTTP for the crawler: RFC 9111 cache with conditional requests (hishel), robots.txt
(protego), retries with backoff (tenacity), a per-host rate and concurrency limit, a size
cap while streaming, and redirects followed one hop at a time so each is checked
against the source's allowlist and robots.txt.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import hishel
import httpx
from hishel.httpx import CacheTransport
from protego import Protego
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from pipeline import __version__

USER_AGENT = f"gongkai/{__version__} (annual-report crawler; +https://github.com/gongkai; contact ops@example.org)"
MAX_REDIRECTS = 5


@dataclass
class FetchSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3             # attempts in all, for timeouts, connection errors and 5xx
    backoff: float = 1.0         # seconds before the first retry, doubling after
    user_agent: str = USER_AGENT


@dataclass
class Fetched:
    """One fetch as the manifest records it; `body` is None unless it succeeded."""
    url: str
    final_url: str
    referrer: str | None
    fetched_at: datetime
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    content_disposition: str | None = None
    size: int | None = None
    sha256: str | None = None
    from_cache: bool = False      # the body came from the cache after a 304 (not downloaded)
    outcome: str = "fetched"      # fetched, unchanged, offsite, robots, too_large, failed
    reason: str | None = None
    body: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.body is not None


class ServerError(Exception):
    """A 5xx answer: worth another try after a pause."""


class TooLarge(Exception):
    pass


class HostGate:
    """At most `concurrency` requests in flight to one host, and `rate` per second."""

    def __init__(self, rate: float, concurrency: int) -> None:
        self.slots = threading.BoundedSemaphore(concurrency)
        self.interval = 1.0 / rate
        self.lock = threading.Lock()
        self.next_at = 0.0

    def __enter__(self) -> HostGate:
        self.slots.acquire()
        with self.lock:
            now = time.monotonic()
            wait = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if wait > 0:
            time.sleep(wait)
        return self

    def __exit__(self, *exc: object) -> None:
        self.slots.release()


class Fetcher:
    def __init__(self, cache_file: Path, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        self.storage = hishel.SqliteStorage(database_path=str(cache_file), max_size=None)
        transport = CacheTransport(httpx.HTTPTransport(), storage=self.storage,
                                   rfc=hishel.CacheOptions(shared=False))
        s = self.settings
        self.client = httpx.Client(
            transport=transport, follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent})
        self.gates: dict[str, HostGate] = {}
        self.robots: dict[str, Protego | None] = {}
        self.lock = threading.Lock()
        self.downloaded = 0  # bodies that came over the wire (not from the cache)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def gate(self, host: str, rate: float, concurrency: int) -> HostGate:
        with self.lock:
            if host not in self.gates:
                self.gates[host] = HostGate(rate, concurrency)
            return self.gates[host]

    def _send(self, url: str, gate: HostGate, max_bytes: int) -> tuple[httpx.Response, bytes]:
        def once() -> tuple[httpx.Response, bytes]:
            with gate:
                # no-cache: every stored answer is revalidated (If-None-Match /
                # If-Modified-Since), so a changed report is seen on the next run.
                with self.client.stream("GET", url, headers={"Cache-Control": "no-cache"}) as r:
                    if r.status_code >= 500:
                        raise ServerError(f"HTTP {r.status_code}")
                    return r, self._read(r, max_bytes)

        retry = Retrying(stop=stop_after_attempt(self.settings.retries),
                         wait=wait_exponential(multiplier=self.settings.backoff, max=60),
                         retry=retry_if_exception_type((ServerError, httpx.TransportError)),
                         reraise=True)
        return retry(once)

    def _read(self, r: httpx.Response, max_bytes: int) -> bytes:
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge(f"Content-Length {declared} over the cap of {max_bytes} bytes")
        buf = bytearray()
        for chunk in r.iter_bytes():
            buf += chunk
            if len(buf) > max_bytes:  # no or a false Content-Length: stop reading
                raise TooLarge(f"body over the cap of {max_bytes} bytes")
        return bytes(buf)

    def allowed_by_robots(self, url: str, gate: HostGate) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self.lock:
            known = root in self.robots
        if not known:
            parser: Protego | None = None
            try:
                r, body = self._send(root + "/robots.txt", gate, 1 << 20)
                if r.status_code == 200:
                    parser = Protego.parse(body.decode("utf-8", "replace"))
            except (httpx.HTTPError, ServerError, TooLarge):
                parser = None  # no robots.txt to be had: nothing is disallowed
            with self.lock:
                self.robots[root] = parser
            delay = parser.crawl_delay(self.settings.user_agent) if parser is not None else None
            if delay:
                # The site's own Crawl-delay wins when it asks for slower than the source's rate.
                with gate.lock:
                    gate.interval = max(gate.interval, float(delay))
        parser = self.robots[root]
        return parser is None or parser.can_fetch(url, self.settings.user_agent)

    def fetch(self, url: str, referrer: str | None, allows: Callable[[str], bool],
              rate: float, concurrency: int, max_bytes: int) -> Fetched:
        res = Fetched(url=url, final_url=url, referrer=referrer,
                      fetched_at=datetime.now(UTC).replace(tzinfo=None), status=None)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            res.final_url = current
            if not allows(current):
                res.outcome, res.reason = "offsite", f"host of {current} is not in allowed_hosts"
                return res
            gate = self.gate(urlsplit(current).hostname or "", rate, concurrency)
            if not self.allowed_by_robots(current, gate):
                res.outcome, res.reason = "robots", f"robots.txt disallows {current}"
                return res
            try:
                r, body = self._send(current, gate, max_bytes)
            except TooLarge as exc:
                res.outcome, res.reason = "too_large", str(exc)
                return res
            except httpx.TimeoutException as exc:
                res.outcome, res.reason = "failed", f"timed out: {type(exc).__name__}"
                return res
            except (httpx.HTTPError, ServerError) as exc:
                res.outcome, res.reason = "failed", f"{type(exc).__name__}: {exc}"[:300]
                return res
            res.status = r.status_code
            if r.is_redirect and r.headers.get("location"):
                current = urljoin(current, r.headers["location"])
                continue
            return self._done(res, r, body)
        res.outcome, res.reason = "failed", f"more than {MAX_REDIRECTS} redirects"
        return res

    def _done(self, res: Fetched, r: httpx.Response, body: bytes) -> Fetched:
        h = r.headers
        res.etag, res.last_modified = h.get("etag"), h.get("last-modified")
        res.content_type, res.content_disposition = h.get("content-type"), h.get("content-disposition")
        caching = r.extensions.get("caching") or {}
        res.from_cache = bool(caching.get("from_cache"))
        if r.status_code != 200:
            res.outcome, res.reason = "failed", f"HTTP {r.status_code}"
            return res
        if res.from_cache:
            res.status = 304 if caching.get("revalidated") else 200
        else:
            with self.lock:
                self.downloaded += 1
        res.body, res.size, res.sha256 = body, len(body), hashlib.sha256(body).hexdigest()
        return res

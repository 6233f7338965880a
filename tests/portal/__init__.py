"""A fixture portal: real HTTP servers on loopback addresses (127.0.0.2, 127.0.0.3, …, one
host name per site, as allowed_hosts wants), serving pages and files from a route table,
answering conditional requests, and counting what each path was asked and sent."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    location: str | None = None      # a redirect
    fail_first: int = 0              # answer 500 this many times first
    delay: float = 0.0               # seconds before answering (a slow server)
    chunked: bool = False            # no Content-Length: the body is streamed in chunks
    validators: bool = True          # ETag and Last-Modified, and 304 when they match

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up at its size cap or timeout is expected here


class Site:
    def __init__(self, host: str) -> None:
        self.host = host
        self.routes: dict[str, Resource] = {}
        self.asked: Counter = Counter()      # requests per path (incl. query)
        self.sent: Counter = Counter()       # 200 bodies sent per path
        self.not_modified: Counter = Counter()
        self.user_agents: list[str] = []
        self.times: list[float] = []         # when each request arrived (monotonic)
        self.server = _Server((host, 0), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **kw: object) -> Resource:
        data = body.encode("utf-8") if isinstance(body, str) else body
        r = Resource(body=data, **kw)  # type: ignore[arg-type]
        self.routes[path] = r
        return r

    def reset_counts(self) -> None:
        self.asked.clear()
        self.sent.clear()
        self.not_modified.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                site.asked[self.path] += 1
                site.user_agents.append(self.headers.get("User-Agent", ""))
                site.times.append(time.monotonic())
                r = site.routes.get(self.path)
                if r is None:
                    return self._plain(404, b"not found")
                if r.delay:
                    time.sleep(r.delay)
                if r.fail_first > 0:
                    r.fail_first -= 1
                    return self._plain(500, b"server error")
                if r.location:
                    self.send_response(r.status if r.status in (301, 302, 303, 307, 308) else 302)
                    self.send_header("Location", r.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if r.validators and self.headers.get("If-None-Match") == r.etag:
                    site.not_modified[self.path] += 1
                    self.send_response(304)
                    self.send_header("ETag", r.etag)
                    self.end_headers()
                    return
                self._body(r)

            def _plain(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self, r: Resource) -> None:
                site.sent[self.path] += 1
                self.send_response(r.status)
                self.send_header("Content-Type", r.content_type)
                if r.validators:
                    self.send_header("ETag", r.etag)
                    self.send_header("Last-Modified", formatdate(1_700_000_000, usegmt=True))
                for k, v in r.headers.items():
                    self.send_header(k, v)
                if r.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for i in range(0, len(r.body), 65536):
                            part = r.body[i:i + 65536]
                            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading at its size cap
                    return
                self.send_header("Content-Length", str(len(r.body)))
                self.end_headers()
                try:
                    self.wfile.write(r.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def listing(items: list[tuple[str, str, str | None]], extra: str = "", charset: str = "utf-8") -> str:
    """A column listing page: (href, link text, title attribute) per item."""
    lis = "".join(
        f'<li><a href="{h}"' + (f' title="{t}"' if t else "") + f">{x}</a><span>2024-01-20</span></li>"
        for h, x, t in items)
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>政府信息公开年报</title></head><body><ul class=\"list\">{lis}</ul>{extra}</body></html>")


def article(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}"><title>{title}</title></head>'
            f'<body><h1>{title}</h1><div id="zoom">{body}</div></body></html>')

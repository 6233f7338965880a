"""The FastAPI application behind `gongkai serve`: GET pages over the read-only snapshot.

Nothing here writes: every route is a GET, every connection is read-only, and the only files
read are the snapshot and, for a PDF's page image, the report file the database names.
Pages are rendered by Jinja2 with autoescaping on, so text from reports (untrusted input)
reaches the browser as text; the Content-Security-Policy allows only this server's own
script and style, so even an unescaped slip could not run an inline script.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader

from pipeline.web import data, i18n, routes
from pipeline.web.store import Generation, NoDatabase, Store

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
INDEX_WAIT = 0.1  # seconds a search waits for a new snapshot's pinyin index before SQL answers
ASSET_VERSION = "2"  # part of every ETag: a new release of the pages invalidates cached ones


class PageError(Exception):
    """A page that cannot be shown: its status, title key and one-line detail."""

    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class Web:
    """What every route needs: the store, the templates, the per-request language."""

    def __init__(self, db: Path, live: bool = False, page_rows: int = data.PAGE_ROWS,
                 index_wait: float = INDEX_WAIT) -> None:
        self.store = Store(db, live=live)
        self.page_rows = page_rows
        self.index_wait = index_wait
        self._build_lock = threading.Lock()
        self.env = Environment(loader=PackageLoader("pipeline.web", "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["num"] = fmt_num
        self.env.globals["merge"] = lambda d, **kw: {**d, **kw}
        self.env.globals["cell_href"] = data.cell_href

    def generation(self) -> Generation:
        try:
            return self.store.current()
        except NoDatabase as exc:
            raise PageError(503, "nodb_title", str(exc)) from exc
        except duckdb.IOException as exc:
            # The file itself, held by a writer, and no snapshot published yet.
            raise PageError(503, "busy_title", " ".join(str(exc).split())[:200]) from exc

    def search_index(self, gen: Generation) -> list[data.Entry] | None:
        """The pinyin search index of this generation, or None while it is being built: the
        build (seconds for tens of thousands of agencies) runs on its own thread, started by
        the first request that meets a new snapshot (or by the server's start), and a search
        waits at most `index_wait` seconds for it before it is answered by SQL."""
        idx = gen.cache.get("search")
        if idx is not None:
            return idx
        with self._build_lock:
            done = gen.cache.get("search_built")
            if done is None:
                done = gen.cache["search_built"] = threading.Event()
                threading.Thread(target=self._build_index, args=(gen, done), daemon=True,
                                 name=f"search-index-{gen.key}").start()
        done.wait(self.index_wait)
        return gen.cache.get("search")

    def _build_index(self, gen: Generation, done: threading.Event) -> None:
        try:
            gen.cache["search"] = data.search_index(gen.cursor())
        except duckdb.Error:
            with self._build_lock:  # a generation closed under us: let the next request retry
                gen.cache.pop("search_built", None)
        finally:
            done.set()

    def con(self, gen: Generation, need_reports: bool = True) -> duckdb.DuckDBPyConnection:
        cur = gen.cursor()
        if need_reports:
            n = gen.cache.get("reports")
            if n is None:
                n = gen.cache["reports"] = data.report_count(cur)
            if n == 0:
                raise PageError(200, "empty_title")
        return cur

    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = i18n.lang_of(request.query_params.get("lang"))
        w = i18n.Words(lang)

        def link(path: str, **params: Any) -> str:
            p = {k: v for k, v in params.items() if v not in (None, "", [], False)}
            if lang != "zh":
                p["lang"] = lang
            return path + ("?" + urlencode(p, doseq=True) if p else "")

        other = dict(request.query_params)
        other["lang"] = "en" if lang == "zh" else "zh"
        if other["lang"] == "zh":
            other.pop("lang")
        switch = request.url.path + ("?" + urlencode(other) if other else "")
        html = self.env.get_template(template).render(w=w, lang=lang, link=link, switch=switch,
                                                      path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status)


def fmt_num(v: Any) -> str:
    v = data.clean(v)
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)  # a float is a share in percent: printed as the downloads print it


def _etag(gen_key: str, request: Request) -> str:
    raw = f"{ASSET_VERSION}|{gen_key}|{request.url.path}?{request.url.query}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def create_app(db: Path | str, live: bool = False, page_rows: int = data.PAGE_ROWS,
               index_wait: float = INDEX_WAIT) -> FastAPI:
    web = Web(Path(db), live=live, page_rows=page_rows, index_wait=index_wait)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:  # start the search index at once, not at the first keystroke
            web.search_index(web.store.current())
        except (NoDatabase, duckdb.Error):
            pass
        yield
        web.store.close()

    app = FastAPI(title="gongkai", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.web = web
    static = resources.files("pipeline.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.middleware("http")
    async def caching(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        t0 = time.perf_counter()
        etag = None
        if request.method in ("GET", "HEAD") and not request.url.path.startswith("/static/"):
            try:
                etag = _etag(web.store.current().key, request)
            except (NoDatabase, duckdb.Error):
                etag = None
            if etag and request.headers.get("if-none-match") == etag:
                resp: Response = Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
                return resp
        resp = await call_next(request)
        resp.headers.update(SECURITY_HEADERS)
        resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
        if request.url.path.startswith("/static/"):
            resp.headers["Cache-Control"] = "public, max-age=86400"
        elif etag and resp.status_code == 200:
            # Revalidate every time: a new snapshot must show at once, and an unchanged one
            # costs a 304 instead of a page.
            resp.headers["ETag"] = etag
            resp.headers["Cache-Control"] = "no-cache"
        else:
            resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.title, "detail": exc.detail}, status_code=exc.status)
        return web.render(request, "message.html", status=exc.status, title=exc.title, detail=exc.detail)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        return web.render(request, "message.html", status=404, title="not_found", detail=request.url.path)

    routes.add(app, web)
    return app

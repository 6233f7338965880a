"""The pages: one GET route each, filters in the query string so every URL can be sent on."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from pipeline.compare import queries as q
from pipeline.web import data, i18n
from pipeline.web.svg import line_chart

if TYPE_CHECKING:
    from pipeline.web.app import Web

SEVERITIES = ("error", "warning", "info")


def _bad(detail: str) -> Exception:
    from pipeline.web.app import PageError

    return PageError(400, "bad_request", detail)


def _missing(title: str, detail: str) -> Exception:
    from pipeline.web.app import PageError

    return PageError(404, title, detail)


def _int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise _bad(f"{name} must be a whole number, not {value[:40]!r}") from None


MAX_PAGE = 100_000  # far past any table's end; bounds the OFFSET a URL can ask for


def _page(request: Request, web: Web) -> data.Page:
    """Which rows of a long table: `?page=N`, counting from 1."""
    n = _int(request.query_params.get("page"), "page")
    if n is not None and not 1 <= n <= MAX_PAGE:
        raise _bad(f"page runs from 1 to {MAX_PAGE}")
    return data.Page(n or 1, web.page_rows)


def _text(value: str | None, limit: int = 200) -> str | None:
    v = (value or "").strip()
    return v[:limit] or None


def _compare_query(request: Request, con: Any, page: data.Page) -> data.CompareQuery:
    p = request.query_params
    metrics = tuple(m for m in p.getlist("m") if m) or q.DEFAULT_METRICS
    bad = [m for m in metrics if m not in q.METRICS]
    if bad:
        raise _bad(f"unknown indicator {bad[0][:40]!r}")
    level = _text(p.get("level"))
    if level is not None and level not in q.LEVELS:
        raise _bad(f"level is one of {', '.join(q.LEVELS)}")
    sort = _text(p.get("sort"))
    if sort is not None and sort not in (*metrics, *data.SORTABLE):
        raise _bad(f"cannot sort by {sort[:40]!r}")
    year = _int(p.get("year"), "year")
    if year is None and "year" not in p:
        ys = data.years(con)
        year = ys[-1] if ys else None  # the newest year: what staff look at first
    return data.CompareQuery(region=_text(p.get("region")), year=year, level=level, metrics=tuple(metrics),
                             sort=sort, desc=p.get("order", "desc") != "asc", page=page)


def _compare_frame(df: pd.DataFrame, cq: data.CompareQuery, w: i18n.Words) -> pd.DataFrame:
    """The table on screen with its headers as shown: what both downloads write."""
    out = df.drop(columns=["agency_id"])
    heads = {"agency": w("agency"), "region": w("region"), "level": w("level"), "year": w("year")}
    for m in cq.metrics:
        heads[m] = w.metric(m) + (" (%)" if m in q.SHARES else "")
    return out.rename(columns=heads)


def add(app: FastAPI, web: Web) -> None:  # noqa: C901 - one small closure per page
    @app.get("/", response_class=HTMLResponse)
    def search_page(request: Request) -> Response:
        text = _text(request.query_params.get("q"), 100) or ""
        gen = web.generation()
        con = web.con(gen)
        shown, total = _search(web, gen, con, text, 50)
        return web.render(request, "search.html", q=text, hits=shown, total=total)

    @app.get("/api/search")
    def search_api(request: Request) -> Response:
        text = _text(request.query_params.get("q"), 100) or ""
        gen = web.generation()
        con = web.con(gen, need_reports=False)
        shown, total = _search(web, gen, con, text, 20)
        return JSONResponse({"total": total, "agencies": [
            {"id": e.agency_id, "name": e.name, "region": e.region, "years": e.years} for e in shown]})

    @app.get("/agency/{agency_id:path}", response_class=HTMLResponse)
    def agency_page(request: Request, agency_id: str) -> Response:
        con = web.con(web.generation())
        page = data.agency(con, agency_id[:300])
        if page is None:
            raise _missing("unknown_agency", agency_id[:300])
        w = i18n.Words(request.query_params.get("lang"))
        ys = [int(r["year"]) for r in page["trend"]]
        charts = [(m, line_chart(w.metric(m), ys, [r[m] for r in page["trend"]], share=m in q.SHARES))
                  for m in q.METRICS]
        return web.render(request, "agency.html", page=page, charts=charts, metrics=q.METRICS, shares=q.SHARES)

    @app.get("/report/{report_id}", response_class=HTMLResponse)
    def report_page(request: Request, report_id: str) -> Response:
        con = web.con(web.generation())
        page = data.report(con, report_id[:100])
        if page is None:
            raise _missing("unknown_report", report_id[:100])
        return web.render(request, "report.html", page=page)

    @app.get("/report/{report_id}/cell/{key:path}/page.png")
    def cell_png(report_id: str, key: str) -> Response:
        from pipeline.show import render_cell

        con = web.con(web.generation())
        page = data.cell(con, report_id[:100], key[:data.KEY_IN_URL])
        if page is None or page["fact"] is None or not page["has_image"]:
            raise _missing("unknown_cell", key[:data.KEY_IN_URL])
        src = Path(page["report"]["source_path"])
        if not src.is_file():
            raise _missing("no_image", str(src))
        f = page["fact"]
        with tempfile.TemporaryDirectory(prefix="gongkai-web-") as tmp:
            out = Path(tmp) / "cell.png"
            render_cell(src, int(f["page"]), list(f["bbox"]), out)  # as `show --trace --png` draws it
            return Response(out.read_bytes(), media_type="image/png")

    @app.get("/report/{report_id}/cell/{key:path}", response_class=HTMLResponse)
    def cell_page(request: Request, report_id: str, key: str) -> Response:
        con = web.con(web.generation())
        page = data.cell(con, report_id[:100], key[:data.KEY_IN_URL])
        if page is None:
            raise _missing("unknown_report", report_id[:100])
        if page["fact"] is None:
            raise _missing("unknown_cell", key[:data.KEY_IN_URL])
        return web.render(request, "cell.html", page=page)

    def _compare(request: Request, gen: Any = None) -> tuple[data.CompareQuery, pd.DataFrame, int, i18n.Words]:
        con = web.con(gen or web.generation())
        cq = _compare_query(request, con, _page(request, web))
        try:
            df, total = data.compare(con, cq)
        except q.QueryError as exc:
            raise _bad(str(exc)) from exc
        return cq, df, total, i18n.Words(request.query_params.get("lang"))

    @app.get("/compare", response_class=HTMLResponse)
    def compare_page(request: Request) -> Response:
        gen = web.generation()
        cq, df, total, _w = _compare(request, gen)
        con = web.con(gen)
        return web.render(request, "compare.html", cq=cq, rows=data.records(df), total=total, page=cq.page,
                          years=data.years(con), regions=_regions(gen, con), all_metrics=q.METRICS,
                          levels=q.LEVELS, shares=q.SHARES, params=_params(request))

    @app.get("/compare.csv")
    def compare_csv(request: Request) -> Response:
        cq, df, _total, w = _compare(request)
        buf = io.StringIO()
        frame = _compare_frame(df, cq, w)
        writer = csv.writer(buf)
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow(["" if data.clean(v) is None else data.clean(v) for v in row])
        # A BOM so that Excel opens the Chinese headers as UTF-8.
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="compare.csv"'})

    @app.get("/compare.xlsx")
    def compare_xlsx(request: Request) -> Response:
        cq, df, _total, w = _compare(request)
        frame = _compare_frame(df, cq, w)
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            frame.to_excel(xw, index=False, sheet_name="compare")
            ws = xw.sheets["compare"]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns):
                ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = 30 if i == 0 else max(10, len(col) * 2)
        return Response(buf.getvalue(),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="compare.xlsx"'})

    @app.get("/coverage", response_class=HTMLResponse)
    def coverage_page(request: Request) -> Response:
        p = request.query_params
        gen = web.generation()
        con = web.con(gen)
        first, last = _int(p.get("from"), "from"), _int(p.get("to"), "to")
        ys = data.years(con)
        span = None
        if first is not None or last is not None:
            span = q.Years(first or (ys[0] if ys else last or 0), last or (ys[-1] if ys else first or 0))
            if span.last < span.first or span.last - span.first > 50:
                raise _bad("the years run from the first to the last, at most 50 of them")
        region = _text(p.get("region"))
        pg = _page(request, web)
        years, rows, total = data.coverage(con, region, span, p.get("missing") == "1", pg)
        return web.render(request, "coverage.html", years=years, rows=rows, total=total, region=region,
                          page=pg, params=_params(request),
                          span=span, all_years=ys, missing_only=p.get("missing") == "1",
                          regions=_regions(gen, con))

    @app.get("/quality", response_class=HTMLResponse)
    def quality_page(request: Request) -> Response:
        p = request.query_params
        gen = web.generation()
        con = web.con(gen)
        severity = _text(p.get("severity"))
        if severity is not None and severity not in SEVERITIES:
            raise _bad(f"severity is one of {', '.join(SEVERITIES)}")
        rule, region, year = _text(p.get("rule")), _text(p.get("region")), _int(p.get("year"), "year")
        pg = _page(request, web)
        page = data.quality(con, rule, region, year, severity, pg)
        return web.render(request, "quality.html", page=page, pg=pg, params=_params(request), rule=rule,
                          region=region, year=year,
                          severity=severity, severities=SEVERITIES, years=data.years(con),
                          regions=_regions(gen, con))


def _params(request: Request) -> dict[str, Any]:
    """The query string as a dict of lists (for links that change one filter)."""
    p = request.query_params
    return {k: p.getlist(k) for k in p if k != "lang"}


def _search(web: Web, gen: Any, con: Any, text: str, limit: int) -> tuple[list[data.Entry], int]:
    """From the pinyin index once it is built for this snapshot; until then by SQL (names and
    regions only), so that the first keystrokes after a new snapshot are not kept waiting."""
    if not text:
        return [], 0
    idx = web.search_index(gen)
    return data.search(idx, text, limit) if idx is not None else data.search_sql(con, text, limit)


def _regions(gen: Any, con: Any) -> list[str]:
    r = gen.cache.get("regions")
    if r is None:
        r = gen.cache["regions"] = data.regions(con)
    return r

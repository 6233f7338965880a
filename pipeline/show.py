"""Human views of one extracted record: tables as key/value grids, and value traces."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

from pipeline import spec
from pipeline.record import Fact, Record

# Result rows (一)…(六) of either template: what t3.results_sum adds up.
_T3_RESULTS = frozenset(r for f in spec.FORMATS for r in spec.t3_result_rows(f))


def rules_for(key: str) -> list[str]:
    """The within-report rules a fact takes part in (see pipeline.validate)."""
    table, row, col = key.split(".", 1)[0], key.split(".")[1:-1], key.rsplit(".", 1)[1]
    row_key = ".".join(row)
    out: list[str] = []
    if table == "t3":
        if row_key in ("new_received", "carried_over", "total", "carried_forward"):
            out.append("t3.balance")
        if row_key == "total" or row_key in _T3_RESULTS:
            out.append("t3.results_sum")
        out.append("t3.row_total")
        if row_key in ("carried_over", "carried_forward"):
            out.append("xyear.carry_over")
    elif table == "t4":
        out.append("t4.group_total")
    elif table == "t2" and row_key in ("rules", "normative_docs") and col in ("issued", "repealed", "in_force"):
        out.append("xyear.in_force")
    return out


def _fmt(f: Fact) -> str:
    if f.value_kind == "text":
        return f"[red]?{f.printed_text!r}[/red]"
    v = str(f.value)
    if f.value_kind == "blank":
        return f"[dim]{v}[/dim]"
    if f.value_kind == "dash":
        return f"[yellow]{v}[/yellow]"
    return v


def print_record(console: Console, rec: Record) -> None:
    console.print(f"[bold]{rec.source_path}[/bold]  ({rec.file_type}, sha256 {rec.sha256[:12]}…)")
    console.print(f"status: [bold]{rec.status}[/bold]" + (f" — {rec.reason}" if rec.reason else ""))
    if rec.status == "rejected":
        return
    m = rec.metadata
    for k in ("title", "agency", "agency_source", "year", "published_on", "period_start", "period_end",
              "format_version", "format_basis", "scope", "pages"):
        if m.get(k) is not None:
            console.print(f"  {k}: {m[k]}")
    for s in rec.sections:
        console.print(f"  section {s['number']}: {s['heading']} ({len(s['text'])} chars)")
    fmt = str(m.get("format_version") or "2021")
    facts = rec.fact_map()
    for tid in spec.TABLES:
        rows = spec.row_keys(fmt, tid)
        cols = spec.col_keys(fmt, tid)
        extra_rows = sorted({f.row_key for f in rec.facts if f.table_id == tid} - set(rows))
        t = RichTable(title=f"{tid} ({fmt} template)", show_lines=False)
        t.add_column("row_key")
        for c in cols:
            t.add_column(c, justify="right")
        for r in rows + extra_rows:
            cells = []
            for c in cols:
                f = facts.get(f"{tid}.{r}.{c}")
                cells.append(_fmt(f) if f else "")
            if any(cells):
                t.add_row(r, *cells)
        console.print(t)
    if rec.findings:
        ft = RichTable(title="findings")
        for c in ("severity", "rule", "cells", "expected", "printed", "message"):
            ft.add_column(c, overflow="fold")
        for f in rec.findings:
            ft.add_row(f.severity, f.rule_id, " ".join(f.cells[:4]) + ("…" if len(f.cells) > 4 else ""),
                       f.expected or "", f.printed or "", f.message)
        console.print(ft)


def print_trace(console: Console, rec: Record, key: str, png: Path | None = None) -> bool:
    f = rec.fact_map().get(key)
    if f is None:
        console.print(f"[red]{key}: no such fact in {rec.source_path}[/red] (status {rec.status})")
        return False
    console.print(f"[bold]{key}[/bold] = {f.value}  ({f.value_kind}{', derived' if f.derived else ''})")
    console.print(f"  printed text: {f.printed_text!r}" + (f"  unit: {f.unit}" if f.unit else ""))
    where = [f"file {rec.source_path}"]
    if f.page:
        where.append(f"page {f.page}")
    where.append(f"table {(f.table_index or 0) + 1}, row {(f.row or 0) + 1}, column {(f.col or 0) + 1}")
    console.print("  from: " + ", ".join(where))
    if f.bbox:
        console.print(f"  box: {', '.join(f'{x:.1f}' for x in f.bbox)} (pt)")
    if f.ocr_confidence is not None:
        console.print(f"  OCR confidence: {f.ocr_confidence:.0f}")
    console.print("  rules: " + (", ".join(rules_for(key)) or "none"))
    hits = [x for x in rec.findings if key in x.cells]
    for x in hits:
        console.print(f"  [yellow]{x.severity} {x.rule_id}[/yellow]: {x.message}")
    if not hits:
        console.print("  no finding involves this cell")
    if png is not None:
        if rec.file_type != "pdf" or not f.page or not f.bbox:
            console.print("[yellow]--png needs a PDF value with a page and a cell box[/yellow]")
            return False
        render_cell(Path(rec.source_path), f.page, f.bbox, png)
        console.print(f"  page image with the cell outlined: {png}")
    return True


def render_cell(pdf: Path, page_no: int, bbox: list[float], out: Path) -> None:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        page = doc.pages[page_no - 1]
        im = page.to_image(resolution=110)
        im.draw_rect(tuple(bbox), stroke="red", fill=(255, 0, 0, 40), stroke_width=3)
        im.save(str(out), format="PNG")


def print_debug_page(console: Console, path: Path, page_no: int, png: Path | None) -> bool:
    """`show FILE --debug-page N --png OUT`: what each step of the PDF reader saw on
    page N, drawn over the page, with a legend of the colours and counts."""
    from pipeline.model import RejectedInput
    from pipeline.readers import read_bytes
    from pipeline.readers.pdf.debug import LAYERS, debug_page, draw
    from pipeline.readers.sniff import sniff
    from pipeline.settings import DEFAULT

    data = read_bytes(path)
    if sniff(data) != "pdf":
        console.print("[yellow]--debug-page needs a PDF[/yellow]")
        return False
    try:
        _doc, read = debug_page(str(path), data, page_no, DEFAULT.pdf)
    except (RejectedInput, ValueError) as exc:
        console.print(f"[red]{path}: {exc}[/red]")
        return False
    how = "OCR" if read.ocr else "table page" if read.table_page else "text page"
    console.print(f"[bold]page {page_no}[/bold]: {read.width:.0f} x {read.height:.0f} pt, {how}"
                  + (f", {read.turned}" if read.turned else ""))
    if png is None:
        console.print("[yellow]--debug-page needs --png OUT.png[/yellow]")
        return False
    counts = draw(data, read, png)
    for layer in LAYERS:
        r, g, b = layer.color
        console.print(f"  [rgb({r},{g},{b})]■[/] {layer.name:8} {counts[layer.name]:4}  {layer.meaning}")
    console.print(f"  drawn: {png}")
    return True

"""Command line: one verb per job (ingest, extract, load, show, check, compare, missing, rules, crawl, run).

Exit codes: 0 every file loaded, 1 some file rejected (or a check found errors), 2 usage
error, 3 database error (locked by another process, damaged file); run: 4 another run holds
the lock, 5 a source failed.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from pipeline.batch import DEFAULT_TIMEOUT
from pipeline.db import DEFAULT_DB

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="gongkai: 政府信息公开工作年度报告 → DuckDB.")
# Piped output (files, CI logs) gets a wide console so the key grids are not folded.
console = Console() if sys.stdout.isatty() else Console(width=200)
err = Console(stderr=True)

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB file.", envvar="GONGKAI_DB")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder of extracted records.", envvar="GONGKAI_EXTRACTED")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")]
TimeoutOpt = Annotated[int, typer.Option("--timeout", help="Seconds one file may take before it is rejected (0: no limit).")]


def _jobs(j: int) -> int:
    return j if j > 0 else max(1, os.cpu_count() or 1)


def _extract(paths: list[Path], out: Path, jobs: int, force: bool, quiet: bool, timeout: int) -> list:
    from pipeline.batch import discover, extract_many

    try:
        files = discover(paths)
    except FileNotFoundError as exc:
        err.print(f"[red]no such file or folder: {exc}[/red]")
        raise typer.Exit(2) from exc
    outcomes = []
    with Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, disable=quiet or not err.is_terminal) as prog:
        task = prog.add_task("", total=len(files))
        for o in extract_many(files, out, jobs=_jobs(jobs), force=force, timeout=timeout):
            outcomes.append(o)
            prog.update(task, advance=1, description=o.path.name[:40])
            if o.status == "rejected":
                err.print(f"[yellow]rejected[/yellow] {o.path}: {o.reason}")
    return outcomes


def _summary(outcomes: list) -> None:
    counts = Counter(o.status for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    parts = [f"{n} {s}" for s, n in sorted(counts.items())]
    console.print(f"{len(outcomes)} files: " + ", ".join(parts)
                  + (f" ({skipped} already extracted)" if skipped else ""))


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    out: OutOpt = Path("extracted"),
    jobs: JobsOpt = 0,
    force: Annotated[bool, typer.Option(help="Extract again even when a record exists.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Read and extract documents into OUT (one JSON record per document); no database."""
    outcomes = _extract(paths, out, jobs, force, quiet, timeout)
    _summary(outcomes)
    raise typer.Exit(1 if any(o.status == "rejected" for o in outcomes) else 0)


@app.command()
def load(
    db: DbOpt = Path(DEFAULT_DB),
    src: Annotated[Path, typer.Option("--from", help="Folder of extracted records.")] = Path("extracted"),
    replace: Annotated[bool, typer.Option(help="Reload records already in the database.")] = False,
) -> None:
    """Load every record in extracted/ into the database (one transaction; reruns change nothing)."""
    from pipeline.db import connect
    from pipeline.load import load_folder

    if not src.is_dir():
        err.print(f"[red]no such folder: {src}[/red]")
        raise typer.Exit(2)
    con = connect(db)
    res = load_folder(con, src, replace=replace)
    con.close()
    console.print(f"loaded into {db}: {res.inserted} new, {res.replaced} replaced, {res.unchanged} unchanged; "
                  f"reports by status: {res.by_status}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    db: DbOpt = Path(DEFAULT_DB),
    out: OutOpt = Path("extracted"),
    jobs: JobsOpt = 0,
    force: Annotated[bool, typer.Option(help="Extract again even when a record exists.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Extract then load: the whole pipeline for a batch of files."""
    from pipeline.db import connect
    from pipeline.load import load_records
    from pipeline.record import read_record

    outcomes = _extract(paths, out, jobs, force, quiet, timeout)
    records = [read_record(o.record_path) for o in outcomes if o.record_path]
    con = connect(db)
    res = load_records(con, records, replace=force)
    con.close()
    _summary(outcomes)
    console.print(f"database {db}: {res.inserted} new, {res.replaced} replaced, {res.unchanged} unchanged")
    raise typer.Exit(1 if any(o.status == "rejected" for o in outcomes) else 0)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="One report file.")],
    trace: Annotated[str | None, typer.Option(help="A fact key like t3.total.total: where it came from.")] = None,
    png: Annotated[Path | None, typer.Option(help="With --trace on a PDF: the page with the cell outlined; with --debug-page: what each reading step saw.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the extracted record as JSON.")] = False,
    debug_page: Annotated[int | None, typer.Option("--debug-page", min=1, help="A PDF page number: draw what each reading step saw on it (with --png).")] = None,
) -> None:
    """What gongkai finds in one document: metadata, sections, each table as a grid of keys and values."""
    from pipeline.process import process_file
    from pipeline.record import to_json
    from pipeline.show import print_debug_page, print_record, print_trace

    if not file.is_file():
        err.print(f"[red]no such file: {file}[/red]")
        raise typer.Exit(2)
    if debug_page is not None:
        raise typer.Exit(0 if print_debug_page(console, file, debug_page, png) else 1)
    rec = process_file(file)
    if as_json:
        print(to_json(rec))
    elif trace:
        if not print_trace(console, rec, trace, png):
            raise typer.Exit(1)
    else:
        print_record(console, rec)
    raise typer.Exit(1 if rec.status == "rejected" else 0)


@app.command()
def check(
    db: DbOpt = Path(DEFAULT_DB),
    agency: Annotated[str | None, typer.Option(help="Only agencies whose name contains this.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this reported year.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    severity: Annotated[str, typer.Option(help="Lowest severity shown: error, warning or info.")] = "warning",
) -> None:
    """The quality report: findings by agency and year, with totals by rule."""
    from pipeline.quality import quality_rows, rule_totals

    if fmt not in ("table", "csv", "json") or severity not in ("error", "warning", "info"):
        err.print("[red]--format is table, csv or json; --severity is error, warning or info[/red]")
        raise typer.Exit(2)
    if not db.exists():
        err.print(f"[red]no database at {db}: run gongkai ingest first[/red]")
        raise typer.Exit(2)
    rows = quality_rows(db, agency, year, severity)
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["agency", "year", "status", "rule_id", "severity", "cells", "expected", "printed",
                    "message", "message_zh", "source_path"])
        for r in rows:
            w.writerow([r["agency"], r["year"], r["status"], r["rule_id"], r["severity"], " ".join(r["cells"] or []),
                        r["expected"], r["printed"], r["message"], r["message_zh"], r["source_path"]])
    elif fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
    else:
        t = RichTable(title="findings by agency and year")
        for c in ("agency", "year", "status", "rule", "sev", "cells", "expected", "printed", "message"):
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(r["agency"] or r["source_path"], str(r["year"] or ""), r["status"], r["rule_id"],
                      r["severity"], " ".join(r["cells"] or [])[:60], r["expected"] or "", r["printed"] or "",
                      r["message"])
        console.print(t)
        tt = RichTable(title="totals by rule")
        for c in ("rule", "severity", "findings", "reports"):
            tt.add_column(c)
        for rule, sev, n, nrep in rule_totals(db, agency, year, severity):
            tt.add_row(rule, sev, str(n), str(nrep))
        console.print(tt)
    raise typer.Exit(1 if any(r["severity"] == "error" for r in rows) else 0)


@app.command()
def compare(
    db: DbOpt = Path(DEFAULT_DB),
    agency: Annotated[str | None, typer.Option(help="Only agencies whose name contains this.")] = None,
) -> None:
    """Agency × year: new requests, granted, reconsiderations, lawsuits (current reports)."""
    from pipeline.db import connect, query

    con = connect(db)
    rows = query(con, """SELECT agency, year, format_version, scope, status, new_requests, granted, handled,
                                reconsiderations, lawsuits
                         FROM report_summary WHERE ? IS NULL OR agency LIKE '%' || ? || '%'
                         ORDER BY agency, year""", [agency, agency])
    con.close()
    t = RichTable(title="agency × year (current reports)")
    for c in ("agency", "year", "template", "scope", "status", "new requests", "granted", "handled",
              "reconsiderations", "lawsuits"):
        t.add_column(c, justify="right" if c not in ("agency", "scope", "status") else "left")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    console.print(t)


@app.command()
def missing(db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Agencies with no report for a year between their first report and the newest year loaded."""
    from pipeline.db import connect, query

    con = connect(db)
    rows = query(con, "SELECT agency, year FROM missing_reports")
    con.close()
    for agency, year in rows:
        console.print(f"{agency}\t{year}")
    if not rows:
        console.print("no gaps: every agency has a report for every year since its first")


@app.command()
def rules(
    stage: Annotated[str | None, typer.Option(help="Only one stage: reader, extract, report or series.")] = None,
) -> None:
    """Every id gongkai can emit (reader notes, extraction, within-report and cross-year
    checks): id, stage, severity, the cells it names and what it means."""
    from pipeline.validate.catalogue import STAGES, all_rules

    if stage is not None and stage not in STAGES:
        err.print(f"[red]unknown stage {stage!r}; one of {', '.join(STAGES)}[/red]")
        raise typer.Exit(2)
    t = RichTable(title="rules")
    t.add_column("rule", no_wrap=True)  # an id is looked up as a whole
    for c in ("stage", "severity", "cells", "checks", "检查"):
        t.add_column(c, overflow="fold")
    for r in all_rules(stage):
        t.add_row(r.id, r.stage, r.severity, " ".join(r.cells), r.description_en, r.description_zh)
    console.print(t)


@app.command()
def crawl(
    sources: Annotated[Path, typer.Option("--sources", help="Sources file (TOML, one [[sources]] per portal column).")],
    raw: Annotated[Path, typer.Option("--raw", help="Where fetched files are stored (raw/<host>/…).")] = Path("raw"),
    db: DbOpt = Path(DEFAULT_DB),
    log_json: Annotated[Path | None, typer.Option("--log-json", help="Append one JSON line per fetch and per source.")] = None,
) -> None:
    """Fetch the report pages and attachments the sources list; record every fetch in the database."""
    from pipeline.crawl.commands import crawl_command

    raise typer.Exit(crawl_command(console, err, sources, raw, db, log_json))


@app.command()
def run(
    sources: Annotated[Path, typer.Option("--sources", help="Sources file (TOML).")],
    db: DbOpt = Path(DEFAULT_DB),
    raw: Annotated[Path, typer.Option("--raw", help="Where fetched files are stored.")] = Path("raw"),
    out: OutOpt = Path("extracted"),
    log_json: Annotated[Path | None, typer.Option("--log-json", help="Append one JSON line per fetch and per source.")] = None,
    jobs: JobsOpt = 0,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Crawl, extract and load in one go, under a lock (for cron or a systemd timer)."""
    from pipeline.crawl.commands import run_command

    raise typer.Exit(run_command(console, err, sources, raw, db, out, log_json, _jobs(jobs), timeout))


def main() -> None:
    import duckdb

    try:
        app()
    except duckdb.Error as exc:
        # A locked or damaged database file: one clear line and its own exit code, so a
        # scheduled job can tell "could not write" from "some files were rejected".
        err.print(f"[red]database error: {' '.join(str(exc).split())[:300]}[/red]")
        sys.exit(3)


if __name__ == "__main__":
    main()

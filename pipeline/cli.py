"""Command line: one function per verb (ingest, extract, load, show, check, compare, missing,
rules, crawl, run); what they share (options, output, database errors) is defined once above them.

Exit codes: 0 every file loaded, 1 some file rejected or unreadable (or a check found
errors), 2 usage error (bad option, missing path or database, unwritable folder), 3
database error (locked by another process, damaged file); run: 4 another run holds the
lock, 5 a source failed.

Readers (`check`, `compare`, `missing`, …) open the snapshot the last load published
(pipeline.snapshot) read-only and run no DDL, so they run beside each other, beside a
notebook and beside a writer.
Every message on stderr is one whole line (logs are read with grep, not a terminal).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text
from typer.core import TyperGroup

from pipeline import __version__
from pipeline.batch import DEFAULT_TIMEOUT, Outcome
from pipeline.db import DEFAULT_DB, DatabaseUnusable
from pipeline.record import Record
from pipeline.settings import Settings


def one_line(text: object) -> str:
    return " ".join(str(text).split())


class _Verbs(TyperGroup):
    """Turns a database that cannot be used into one line and its exit code, for every verb."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DatabaseUnusable as exc:
            say(str(exc))
            raise typer.Exit(2) from exc
        except duckdb.Error as exc:
            # A locked or damaged database file: one whole line and its own exit code, so a
            # scheduled job can tell "could not write" from "some files were rejected".
            say(f"database error: {one_line(exc)}")
            raise typer.Exit(3) from exc


app = typer.Typer(cls=_Verbs, add_completion=False, no_args_is_help=True,
                  help="gongkai: 政府信息公开工作年度报告 → DuckDB.")
# stderr: never wrapped (a log line is one line, whole), never read as markup (reasons
# quote file contents such as [Content_Types].xml).
err = Console(stderr=True, soft_wrap=True, highlight=False, markup=False)


def out() -> Console:
    """stdout for tables: the terminal's width, COLUMNS when set, else wide enough for a
    piped file not to fold the key grids."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit():
        return Console(width=int(cols), highlight=False)
    return Console(highlight=False) if sys.stdout.isatty() else Console(width=200, highlight=False)


_stdout = out  # for verbs whose --out option shadows the name


def say(msg: str) -> None:
    err.print(Text(one_line(msg)))


def fail(msg: str, code: int = 2) -> typer.Exit:
    say(msg)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        print(f"gongkai {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """gongkai: 政府信息公开工作年度报告 → DuckDB."""


DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB file.", envvar="GONGKAI_DB")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder of extracted records.", envvar="GONGKAI_EXTRACTED")]
FromOpt = Annotated[Path, typer.Option("--from", help="Folder of extracted records.", envvar="GONGKAI_EXTRACTED")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")]
TimeoutOpt = Annotated[int, typer.Option("--timeout", help="Seconds one file may take before it is rejected (0: no limit).")]
ForceOpt = Annotated[bool, typer.Option(help="Extract again even when a record exists.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
AgencyOpt = Annotated[str | None, typer.Option(help="Only agencies whose name contains this.")]
DocsArg = Annotated[list[str], typer.Argument(help="Files or folders (recursive); with --executor dask also fsspec URLs (s3://…).")]
StoreOpt = Annotated[str, typer.Option("--out", help="Where records go: a folder, or with --executor dask an fsspec URL every worker can reach.", envvar="GONGKAI_EXTRACTED")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local (worker processes here) or dask (a dask.distributed cluster).")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="With --executor dask: tcp://HOST:PORT of a running scheduler (default: a LocalCluster of -j workers here).", envvar="GONGKAI_SCHEDULER")]


def _jobs(j: int) -> int:
    return j if j > 0 else max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- extract helpers


def _writable_folder(folder: Path) -> None:
    """Fail in the first second, in one line, when records could not be written."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise fail(f"cannot write records to {folder}: {exc.strerror or type(exc).__name__}") from exc


@dataclass(frozen=True)
class Plan:
    """How an extract runs: where (executor, scheduler, workers), where records go, and the
    per-document options."""

    out: str
    executor: str = "local"
    scheduler: str | None = None
    jobs: int = 0
    force: bool = False
    timeout: int = DEFAULT_TIMEOUT
    settings: Settings = field(default_factory=Settings)

    def check(self, paths: list[str]) -> None:
        """Usage errors in the first second, in one line (exit 2)."""
        from pipeline.executors import EXECUTORS
        from pipeline.executors.store import is_url

        if self.executor not in EXECUTORS:
            raise fail(f"--executor is one of {', '.join(EXECUTORS)}, not {self.executor!r}")
        if self.scheduler and self.executor != "dask":
            raise fail("--scheduler needs --executor dask")
        if self.executor != "dask" and any(is_url(p) for p in [*paths, self.out]):
            raise fail("documents or records named by URL need --executor dask")


class Batch:
    """One extract run over files and folders: what was found, what became of each file."""

    def __init__(self, paths: list[str], plan: Plan) -> None:
        from pipeline.executors.store import discover_any

        plan.check(paths)
        try:
            found = discover_any(paths)
        except FileNotFoundError as exc:
            raise fail(f"no such file or folder: {exc}") from exc
        self.files: list[Path | str] = found.files
        self.unreadable = found.unreadable
        self.outcomes: list[Outcome] = []
        self.plan = plan
        for path, why in self.unreadable:
            say(f"unreadable {path}: {why}")
        if not self.files:
            raise fail("no files found in " + ", ".join(map(str, paths)), 1)
        _writable_store(plan.out)

    def run(self, quiet: bool) -> Iterator[Outcome]:
        """Extract, with a progress bar fed by the outcomes as they finish; yields each."""
        with Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=err,
                      disable=quiet or not err.is_terminal) as prog:
            task = prog.add_task("", total=len(self.files))
            for o in self._outcomes():
                self.outcomes.append(o)
                prog.update(task, advance=1, description=str(o.path).rsplit("/", 1)[-1][:40])
                if o.status == "rejected":
                    say(f"rejected {o.path}: {o.reason}")
                yield o

    def _outcomes(self) -> Iterator[Outcome]:
        p = self.plan
        if p.executor == "local":
            from pipeline.batch import extract_many

            yield from extract_many([Path(f) for f in self.files], Path(p.out), jobs=_jobs(p.jobs),
                                    force=p.force, timeout=p.timeout, settings=p.settings)
            return
        from pipeline.executors.dask_run import dask_client, describe, extract_on_dask
        from pipeline.executors.store import RecordStore

        with dask_client(p.scheduler, _jobs(p.jobs)) as client:
            say(describe(client))
            yield from extract_on_dask(client, self.files, RecordStore(p.out), p.force, p.timeout, p.settings)

    def records(self, quiet: bool, damaged: list[tuple[Path, str]]) -> Iterator[Record]:
        """Each record as its document finishes, read back from where the worker wrote it:
        the loader is fed while the batch runs. A damaged record is listed in `damaged`."""
        from pipeline.executors.store import RecordStore, is_url
        from pipeline.load import iter_record_files

        store = RecordStore(self.plan.out)
        for o in self.run(quiet):
            if o.record_path is None:
                continue
            if not is_url(str(o.record_path)):
                recs = list(iter_record_files([Path(o.record_path)], damaged))
            else:
                try:
                    recs = [store.read(str(o.record_path))]
                except Exception as exc:  # a malformed record: reported, the rest load
                    damaged.append((Path(str(o.record_path)), one_line(f"{type(exc).__name__}: {exc}")[:200]))
                    continue
            for rec in recs:
                # A record reused from the store names the path of the run that made it;
                # the database keeps the path given now (and every path, in report_paths).
                rec.source_path = str(o.path)
                yield rec

    @property
    def failed(self) -> bool:
        return bool(self.unreadable) or any(o.status == "rejected" for o in self.outcomes)

    def summary(self) -> None:
        """Counts by status, then every file that needs a person: sent to review or not read."""
        counts = Counter(o.status for o in self.outcomes)
        skipped = sum(o.skipped for o in self.outcomes)
        parts = [f"{n} {s}" for s, n in sorted(counts.items())]
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} unreadable")
        print(f"{len(self.outcomes)} files: " + ", ".join(parts)
              + (f" ({skipped} already extracted)" if skipped else ""))
        for o in self.outcomes:
            if o.status == "review":
                print(f"review {o.path}: {one_line(o.reason)}")
        for o in self.outcomes:
            if o.status == "rejected":
                print(f"rejected {o.path}: {one_line(o.reason)}")
        for path, why in self.unreadable:
            print(f"unreadable {path}: {why}")


def _writable_store(out: str) -> None:
    from pipeline.executors.store import RecordStore, is_url

    if not is_url(out):
        _writable_folder(Path(out))
        return
    try:
        RecordStore(out).prepare()
    except Exception as exc:  # any fsspec backend's error: one line, exit 2
        raise fail(f"cannot write records to {out}: {one_line(exc)}") from exc


def _report_damaged(damaged: list[tuple[Path, str]]) -> None:
    for path, why in damaged:
        say(f"damaged record moved to {path}: {why}")


# --------------------------------------------------------------------------- writers


@app.command()
def extract(paths: DocsArg, out: StoreOpt = "extracted", jobs: JobsOpt = 0, force: ForceOpt = False,
            quiet: QuietOpt = False, timeout: TimeoutOpt = DEFAULT_TIMEOUT, executor: ExecutorOpt = "local",
            scheduler: SchedulerOpt = None) -> None:
    """Read and extract documents into OUT (one JSON record per document); no database."""
    batch = Batch(paths, Plan(out, executor, scheduler, jobs, force, timeout))
    for _ in batch.run(quiet):
        pass
    batch.summary()
    raise typer.Exit(1 if batch.failed else 0)


@app.command()
def load(
    db: DbOpt = Path(DEFAULT_DB),
    src: FromOpt = Path("extracted"),
    replace: Annotated[bool, typer.Option(help="Reload records already in the database.")] = False,
) -> None:
    """Load every record in extracted/ into the database (one transaction; reruns change nothing)."""
    from pipeline.load import load_folder
    from pipeline.snapshot import writing

    if not src.is_dir():
        raise fail(f"no such folder: {src}")
    with writing(db) as con:  # publishes the readers' snapshot once loaded
        res = load_folder(con, src, replace=replace)
    _report_damaged(res.damaged)
    print(f"loaded into {db}: {res.inserted} new, {res.replaced} replaced, {res.unchanged} unchanged"
          + (f", {len(res.damaged)} damaged records moved aside" if res.damaged else "")
          + "; reports by status: " + ", ".join(f"{n} {s}" for s, n in (res.by_status or {}).items()))
    raise typer.Exit(1 if res.damaged else 0)


@app.command()
def ingest(paths: DocsArg, db: DbOpt = Path(DEFAULT_DB), out: StoreOpt = "extracted", jobs: JobsOpt = 0,
           force: ForceOpt = False, quiet: QuietOpt = False, timeout: TimeoutOpt = DEFAULT_TIMEOUT,
           executor: ExecutorOpt = "local", scheduler: SchedulerOpt = None) -> None:
    """Extract then load: the whole pipeline for a batch of files (the loader is fed as
    records arrive, one writer, one transaction)."""
    from pipeline.load import load_records
    from pipeline.snapshot import writing

    batch = Batch(paths, Plan(out, executor, scheduler, jobs, force, timeout))
    # The database first: a locked or unusable one fails now, not after an hour of extraction.
    damaged: list[tuple[Path, str]] = []
    with writing(db) as con:  # publishes the readers' snapshot once loaded
        res = load_records(con, batch.records(quiet, damaged), replace=force, paths_given=True)
    _report_damaged(damaged)
    batch.summary()
    print(f"database {db}: {res.inserted} new, {res.replaced} replaced, {res.unchanged} unchanged")
    raise typer.Exit(1 if batch.failed or damaged else 0)


# --------------------------------------------------------------------------- one document


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="One report file.")],
    trace: Annotated[str | None, typer.Option(help="A fact key like t3.total.total: where it came from.")] = None,
    png: Annotated[Path | None, typer.Option(help="With --trace on a PDF: the page with the cell outlined; with --debug-page: what each reading step saw.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the extracted record as JSON.")] = False,
    debug_page: Annotated[int | None, typer.Option("--debug-page", min=1, help="A PDF page number: draw what each reading step saw on it (with --png).")] = None,
) -> None:
    """What gongkai finds in one document: metadata, sections, each table as a grid of keys and values."""
    from pipeline.batch import not_regular
    from pipeline.process import process_file
    from pipeline.record import to_json
    from pipeline.show import print_debug_page, print_record, print_trace

    if file.is_dir():
        raise fail(f"show takes one file; {file} is a folder (gongkai extract reads folders)")
    if not file.exists():
        raise fail(f"no such file: {file}")
    why = not_regular(file)
    if why:
        raise fail(f"{file}: {why}")
    if debug_page is not None:
        raise typer.Exit(0 if print_debug_page(out(), file, debug_page, png) else 1)
    rec = process_file(file, Settings())
    if as_json:
        print(to_json(rec))
    elif trace:
        if not print_trace(out(), rec, trace, png):
            raise typer.Exit(1)
    else:
        print_record(out(), rec)
    raise typer.Exit(1 if rec.status == "rejected" else 0)


# --------------------------------------------------------------------------- readers


@app.command()
def check(
    db: DbOpt = Path(DEFAULT_DB),
    agency: AgencyOpt = None,
    year: Annotated[int | None, typer.Option(help="Only this reported year.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    severity: Annotated[str, typer.Option(help="Lowest severity shown: error, warning or info.")] = "warning",
) -> None:
    """The quality report: findings by agency and year, with totals by rule."""
    from pipeline.db import reading
    from pipeline.queries.quality import SEVERITIES, quality_rows, rule_totals

    if fmt not in ("table", "csv", "json") or severity not in SEVERITIES:
        raise fail("--format is table, csv or json; --severity is error, warning or info")
    with reading(db) as con:
        rows = quality_rows(con, agency, year, severity)
        totals = rule_totals(con, agency, year, severity) if fmt == "table" else []
    if fmt == "csv":
        _check_csv(rows)
    elif fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
    else:
        _check_tables(rows, totals)
    raise typer.Exit(1 if any(r["severity"] == "error" for r in rows) else 0)


def _check_csv(rows: list[dict[str, Any]]) -> None:
    w = csv.writer(sys.stdout)
    w.writerow(["agency", "year", "status", "rule_id", "severity", "cells", "expected", "printed",
                "message", "message_zh", "source_path"])
    for r in rows:
        w.writerow([r["agency"], r["year"], r["status"], r["rule_id"], r["severity"], " ".join(r["cells"] or []),
                    r["expected"], r["printed"], r["message"], r["message_zh"], r["source_path"]])


def _check_tables(rows: list[dict[str, Any]], totals: list[tuple]) -> None:
    console = out()
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
    for rule, sev, n, nrep in totals:
        tt.add_row(rule, sev, str(n), str(nrep))
    console.print(tt)


@app.command()
def missing(db: DbOpt = Path(DEFAULT_DB), agency: AgencyOpt = None) -> None:
    """Agencies with no report for a year between their first report and the newest year loaded."""
    from pipeline.db import reading
    from pipeline.queries.missing import missing_rows

    with reading(db) as con:
        rows = missing_rows(con, agency)
    if not rows:
        print("no gaps: every agency has a report for every year since its first")
        return
    t = RichTable(title="agencies without a report for a year (since their first report)")
    t.add_column("agency", overflow="fold")
    t.add_column("year missing", justify="right")
    for a, y in rows:
        t.add_row(a, str(y))
    out().print(t)


@app.command()
def rules(
    stage: Annotated[str | None, typer.Option(help="Only one stage: reader, extract, report or series.")] = None,
) -> None:
    """Every id gongkai can emit (reader notes, extraction, within-report and cross-year
    checks): id, stage, severity, the cells it names and what it means."""
    from pipeline.validate.catalogue import STAGES, all_rules

    if stage is not None and stage not in STAGES:
        raise fail(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    t = RichTable(title="rules")
    t.add_column("rule", no_wrap=True)  # an id is looked up as a whole
    for c in ("stage", "severity", "cells", "checks", "检查"):
        t.add_column(c, overflow="fold")
    for r in all_rules(stage):
        t.add_row(r.id, r.stage, r.severity, " ".join(r.cells), r.description_en, r.description_zh)
    out().print(t)


@app.command()
def crawl(
    sources: Annotated[Path, typer.Option("--sources", help="Sources file (TOML, one [[sources]] per portal column).")],
    raw: Annotated[Path, typer.Option("--raw", help="Where fetched files are stored (raw/<host>/…).")] = Path("raw"),
    db: DbOpt = Path(DEFAULT_DB),
    log_json: Annotated[Path | None, typer.Option("--log-json", help="Append one JSON line per fetch and per source.")] = None,
) -> None:
    """Fetch the report pages and attachments the sources list; record every fetch in the database."""
    from pipeline.crawl.commands import crawl_command

    raise typer.Exit(crawl_command(_stdout(), err, sources, raw, db, log_json))


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

    raise typer.Exit(run_command(_stdout(), err, sources, raw, db, out, log_json, _jobs(jobs), timeout))


@app.command()
def serve(
    db: DbOpt = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    live: Annotated[bool, typer.Option(help="Read the database file itself, not the published snapshot.")] = False,
) -> None:
    """The web page for staff: search, agency trends, reports with provenance, compare, coverage,
    quality. Read-only, over the published snapshot (a new one is picked up by the next page).

    Example: gongkai serve --db /data/gongkai.duckdb --host 0.0.0.0 --port 8080
    """
    import uvicorn

    from pipeline.web.app import create_app

    out().print(f"gongkai: serving {db} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(create_app(db, live=live), host=host, port=port, log_level="warning")


# The comparison verbs (agencies, query, trend, compare, coverage, export) live in their own module.
from pipeline.compare import commands as _compare_commands  # noqa: E402,F401


def main() -> None:
    app()


if __name__ == "__main__":
    main()

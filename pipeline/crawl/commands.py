"""The `crawl` and `run` verbs: options in, a summary per source out, an exit code back."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.crawl.crawler import CrawlResult
from pipeline.crawl.run import (
    EXIT_LOCKED,
    EXIT_SOURCE_FAILED,
    JsonLog,
    Locked,
    crawl_only,
    run,
    run_lock,
)
from pipeline.crawl.sources import SourcesError, load_sources


def _summary(console: Console, crawl: CrawlResult, log: JsonLog) -> None:
    t = Table(title=f"crawl {crawl.run_id[:8]}: {crawl.downloaded} bodies downloaded")
    for c in ("source", "new", "changed", "unchanged", "failed", "refused", "status"):
        t.add_column(c, justify="left" if c in ("source", "status") else "right")
    for s in crawl.sources:
        c = s.counts
        status = "FAILED" if s.failed else "ok"
        t.add_row(s.source, *(str(c[k]) for k in ("new", "changed", "unchanged", "failed", "refused")), status)
        log.write("source", source=s.source, status=status, **{k: c[k] for k in
                  ("new", "changed", "unchanged", "failed", "refused")})
        for e in s.entries:
            if e.outcome in ("failed", "too_large"):
                console.print(f"[red]{s.source}[/red] {e.fetch.url}: {e.fetch.reason}")
    console.print(t)


def _open(err: Console, sources: Path, log_json: Path | None) -> tuple[list, JsonLog] | None:
    """The sources and the JSON log both verbs start from; None (reason printed) if the file is bad."""
    try:
        srcs = load_sources(sources)
    except SourcesError as exc:
        err.print(str(exc))
        return None
    return srcs, JsonLog(log_json)


def _locked(err: Console, log: JsonLog, exc: Locked) -> int:
    err.print(f"{exc}: not starting a second run")
    log.write("locked", reason=str(exc), exit=EXIT_LOCKED)
    return EXIT_LOCKED


def crawl_command(console: Console, err: Console, sources: Path, raw: Path, db: Path,
                  log_json: Path | None) -> int:
    opened = _open(err, sources, log_json)
    if opened is None:
        return 2
    srcs, log = opened
    try:
        # The same lock as `run`: a crawl beside a scheduled run would write the same raw/
        # files and manifest rows twice.
        with run_lock(db):
            result = crawl_only(srcs, raw, db, log)
            _summary(console, result, log)
    except Locked as exc:
        return _locked(err, log, exc)
    finally:
        log.close()
    return EXIT_SOURCE_FAILED if any(s.failed for s in result.sources) else 0


def run_command(console: Console, err: Console, sources: Path, raw: Path, db: Path, extracted: Path,
                log_json: Path | None, jobs: int, timeout: int) -> int:
    opened = _open(err, sources, log_json)
    if opened is None:
        return 2
    srcs, log = opened
    try:
        with run_lock(db):
            log.write("start", db=str(db), sources=[s.name for s in srcs])
            res = run(srcs, raw, db, extracted, log, jobs=jobs, timeout=timeout)
            _summary(console, res.crawl, log)
            console.print(f"database {db}: {res.loaded_new} new reports, {res.unchanged} unchanged, "
                          f"{res.rejected} rejected files")
            log.write("end", exit=res.exit_code, new_reports=res.loaded_new, rejected=res.rejected)
            return res.exit_code
    except Locked as exc:
        return _locked(err, log, exc)
    finally:
        log.close()

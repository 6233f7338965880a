"""The comparison verbs: agencies, query, trend, compare, coverage, export.

Every one of them reads through pipeline.snapshot.open_reader (the read-only snapshot the
last load published, `--live` for the database file itself), so they work while a load
is writing; `agencies --apply-aliases` is the one that writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer

from pipeline.cli import DbOpt, app, fail, out, say
from pipeline.compare import queries as q
from pipeline.compare.output import FORMATS, emit, emit_compare
from pipeline.db import DEFAULT_DB

FmtOpt = Annotated[str, typer.Option("--format", help="table, csv or json.")]
LiveOpt = Annotated[bool, typer.Option("--live", help="Read the database file, not the published snapshot.")]
MetricOpt = Annotated[list[str] | None, typer.Option("--metric", "-m", help=f"Indicator (repeatable): {', '.join(q.METRICS)}.")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Province, city, county or township name, or a division code.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also draw it to FILE.png or FILE.svg.")]


def _reader(db: Path, live: bool) -> duckdb.DuckDBPyConnection:
    """The snapshot (or with `live` the file); a missing or outdated database is refused in
    one line with exit 2 by the CLI's DatabaseUnusable handler."""
    from pipeline.snapshot import open_reader

    return open_reader(db, live=live)


def _fail(exc: Exception) -> typer.Exit:
    return fail(str(exc))


def _fmt(fmt: str) -> None:
    if fmt not in FORMATS:
        raise _fail(q.QueryError(f"--format is one of {', '.join(FORMATS)}, not {fmt!r}"))


@app.command()
def agencies(
    db: DbOpt = Path(DEFAULT_DB),
    region: RegionOpt = None,
    apply_aliases: Annotated[bool, typer.Option("--apply-aliases", help="Re-read the alias file and regroup every report.")] = False,
    aliases: Annotated[Path | None, typer.Option("--aliases", help="Alias file (default: aliases.toml beside the database, or GONGKAI_ALIASES).")] = None,
    fmt: FmtOpt = "table",
    live: LiveOpt = False,
) -> None:
    """Agencies with their id, type, region, names seen and years on record.

    Examples: gongkai agencies --region 武汉市;  gongkai agencies --apply-aliases --aliases aliases.toml
    """
    _fmt(fmt)
    if apply_aliases:
        from pipeline.agencies import AliasError, refresh_agencies
        from pipeline.snapshot import writing

        try:
            with writing(db) as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    n = refresh_agencies(con, aliases)
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        except AliasError as exc:
            raise _fail(exc) from exc
        say(f"aliases applied: {n} agencies")
    con = _reader(db, live)
    try:
        df = q.agencies(con, region)
    finally:
        con.close()
    emit(df, fmt, "agencies", out())


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="One SQL statement (read-only).")],
    db: DbOpt = Path(DEFAULT_DB),
    fmt: FmtOpt = "table",
    live: LiveOpt = False,
) -> None:
    """Run SQL on a read-only connection (views: indicators, facts_current, facts_harmonised,
    report_wide, coverage, agencies…).

    Example: gongkai query "SELECT agency, year, granted_share FROM indicators WHERE city = '武汉市'"
    """
    _fmt(fmt)
    con = _reader(db, live)
    try:
        df = con.execute(sql).df()
    except duckdb.Error as exc:
        raise _fail(ValueError(f"query failed: {' '.join(str(exc).split())[:300]}")) from exc
    finally:
        con.close()
    emit(df, fmt, "query", out())


@app.command()
def trend(
    agency: Annotated[str, typer.Option("--agency", help="Agency id, a name it was printed under, or a unique part of one.")],
    db: DbOpt = Path(DEFAULT_DB),
    metric: MetricOpt = None,
    fmt: FmtOpt = "table",
    plot: PlotOpt = None,
    live: LiveOpt = False,
) -> None:
    """One agency's indicators over the years, with the change on the year before.

    Examples: gongkai trend --agency 武汉市硚口区档案馆;  gongkai trend --agency 硚口区档案馆 -m granted -m granted_share --plot t.png
    """
    _fmt(fmt)
    con = _reader(db, live)
    try:
        df = q.trend(con, agency, metric)
        name = df["agency"].iloc[0] if len(df) else agency
        if plot is not None:
            from pipeline.compare.plot import plot_trend

            plot_trend(df, q.check_metrics(metric), f"{name}", plot)
    except q.QueryError as exc:
        raise _fail(exc) from exc
    finally:
        con.close()
    emit(df.drop(columns=["agency_id"]), fmt, f"{name}: indicators by year", out())


@app.command()
def compare(
    db: DbOpt = Path(DEFAULT_DB),
    region: RegionOpt = None,
    year: Annotated[int | None, typer.Option(help="Only this reported year.")] = None,
    level: Annotated[str | None, typer.Option(help="Only agencies of this level: province, city, county, township.")] = None,
    metric: MetricOpt = None,
    sort: Annotated[str | None, typer.Option(help="Rank by this indicator (largest first).")] = None,
    agency: Annotated[str | None, typer.Option(help="Only agencies whose name contains this.")] = None,
    wide: Annotated[bool, typer.Option(help="Every column in the table (id, region, level, template, scope).")] = False,
    fmt: FmtOpt = "table",
    plot: PlotOpt = None,
    live: LiveOpt = False,
) -> None:
    """Agencies side by side: indicators per agency and year, ranked with --sort. The table
    fits 80 columns (agency names after their shared prefix, which the title shows once).

    Examples: gongkai compare --region 武汉市 --year 2024 --level county --sort granted_share;
    gongkai compare --agency 汉阳区
    """
    _fmt(fmt)
    con = _reader(db, live)
    try:
        df = q.compare(con, region, year, level, metric, sort, agency)
        if plot is not None:
            from pipeline.compare.plot import plot_compare

            m = sort or q.check_metrics(metric)[0]
            plot_compare(df, m, " ".join(str(x) for x in (region or "", year or "", m) if x), plot)
    except q.QueryError as exc:
        raise _fail(exc) from exc
    finally:
        con.close()
    emit_compare(df, fmt, wide, out())


@app.command()
def coverage(
    db: DbOpt = Path(DEFAULT_DB),
    region: RegionOpt = None,
    years: Annotated[str | None, typer.Option(help="Years expected, e.g. 2019-2025 (default: first to last in the database).")] = None,
    register: Annotated[Path | None, typer.Option(help="Text file of expected agency names, one a line (default: every agency known).")] = None,
    missing_only: Annotated[bool, typer.Option("--missing-only", help="Only agency-years without a report.")] = False,
    fmt: FmtOpt = "table",
    live: LiveOpt = False,
) -> None:
    """Who published which year: agency × year, published or missing.

    Example: gongkai coverage --region 武汉市 --years 2019-2025 --missing-only
    """
    _fmt(fmt)
    reg = None
    if register is not None:
        if not register.is_file():
            raise _fail(FileNotFoundError(f"no such register file: {register}"))
        reg = [ln.strip() for ln in register.read_text(encoding="utf-8").splitlines() if ln.strip()]
    con = _reader(db, live)
    try:
        df = q.coverage(con, region, q.Years.parse(years) if years else None, reg)
    except q.QueryError as exc:
        raise _fail(exc) from exc
    finally:
        con.close()
    if missing_only:
        df = df[~df["published"]].reset_index(drop=True)
    emit(df, fmt, "coverage", out())


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="File to write.")],
    db: DbOpt = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet or xlsx.")] = "parquet",
    wide: Annotated[bool, typer.Option("--wide", help="One row per report, one column per key (default: one row per fact).")] = False,
    labels: Annotated[str, typer.Option("--labels", help="Column headers: en (keys) or zh (Chinese labels).")] = "en",
    region: RegionOpt = None,
    years: Annotated[str | None, typer.Option(help="Only these years, e.g. 2019-2025.")] = None,
    live: LiveOpt = False,
) -> None:
    """Export current facts, tidy or wide, as CSV, Parquet or xlsx (frozen header, fitted columns).

    Examples: gongkai export facts.parquet;  gongkai export --format xlsx --wide --labels zh --region 武汉市 wuhan.xlsx
    """
    from pipeline.compare.export import export as run_export

    con = _reader(db, live)
    try:
        n = run_export(con, out, fmt, wide, labels, region, q.Years.parse(years) if years else None)
    except q.QueryError as exc:
        raise _fail(exc) from exc
    finally:
        con.close()
    say(f"{n} rows written to {out}")

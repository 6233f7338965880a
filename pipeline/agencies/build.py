"""Rebuild the agencies and agency_names tables from the reports and the alias file.

Both tables are small (one row per agency name) and follow from the reports and the
aliases alone, so they are rebuilt whole inside every load's transaction and on
`gongkai agencies --apply-aliases`; agency ids do not depend on load order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.agencies.aliases import Alias, read_aliases, resolve
from pipeline.agencies.names import agency_id, agency_type, normalise_name
from pipeline.regions import Region, parse_region

ALIASES_FILE = "aliases.toml"


def default_aliases(con: duckdb.DuckDBPyConnection) -> Path | None:
    """GONGKAI_ALIASES, else aliases.toml beside the database file."""
    env = os.environ.get("GONGKAI_ALIASES")
    if env:
        return Path(env)
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if rows and rows[0][0]:
        return Path(rows[0][0]).resolve().parent / ALIASES_FILE
    return None


@dataclass
class _Agency:
    agency_id: str
    name: str = ""
    names: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (last year, reports)
    context: list[str] = field(default_factory=list)


def _canonical(a: _Agency) -> str:
    # The newest name in use, then the most used, then a fixed order.
    return max(a.names, key=lambda n: (a.names[n][0], a.names[n][1], n))


def _region(a: _Agency) -> Region:
    ctx = " ".join(a.context)
    best = parse_region(a.name, ctx)
    for n in sorted(a.names):
        if best.code and best.level == "township":
            break
        r = parse_region(n, ctx)
        if (r.code is not None, len(r.name)) > (best.code is not None, len(best.name)):
            best = r
    if best.level is None:
        # Names without a place (本机关 titles) may carry it in the title.
        best = parse_region(ctx.split(" ")[0] if ctx else "", ctx)
    return best


def _group(rows: list[tuple], aliases: dict[str, Alias]) -> tuple[dict[str, _Agency], list[dict]]:
    groups: dict[str, _Agency] = {}
    names: list[dict] = []
    for name, last_year, n, title in rows:
        alias = aliases.get(normalise_name(name))
        target = alias.new if alias else name
        aid = agency_id(target)
        g = groups.setdefault(aid, _Agency(aid))
        g.names[name] = (last_year or 0, n)
        if title:
            g.context.append(title)
        names.append({"name": name, "agency_id": aid, "via": alias.kind if alias else "name",
                      "since": alias.since if alias else None, "note": alias.note if alias else None})
    for alias in aliases.values():
        g = groups.get(agency_id(alias.new))
        if g is not None:
            g.name = alias.new
    return groups, names


def agency_frames(rows: list[tuple], aliases: list[Alias]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(agencies, agency_names) from (name, last year, reports, a title) per printed name."""
    groups, names = _group(rows, resolve(aliases))
    out = []
    for g in groups.values():
        g.name = g.name or _canonical(g)
        r = _region(g)
        out.append({
            "agency_id": g.agency_id, "name": g.name, "names": sorted(set(g.names) | {g.name}),
            "agency_type": agency_type(g.name), "level": r.level, "region": r.name or None,
            "province": r.province, "province_code": r.province_code, "city": r.city,
            "city_code": r.city_code, "county": r.county, "county_code": r.county_code,
            "township": r.township, "region_code": r.code,
        })
    return pd.DataFrame(out), pd.DataFrame(names)


def refresh_agencies(con: duckdb.DuckDBPyConnection, aliases_path: Path | None = None) -> int:
    """Rebuild agencies and agency_names in the caller's transaction; returns the agency count."""
    path = aliases_path if aliases_path is not None else default_aliases(con)
    aliases = read_aliases(path)
    rows = con.execute("""
        SELECT agency, max(year), count(*), min(title) FROM reports
        WHERE agency IS NOT NULL AND status <> 'rejected' GROUP BY agency ORDER BY agency""").fetchall()
    agencies, names = agency_frames(rows, aliases)
    con.execute("DELETE FROM agency_names")
    con.execute("DELETE FROM agencies")
    for table, df in (("agencies", agencies), ("agency_names", names)):
        if df.empty:
            continue
        con.register("_ag_in", df)
        try:
            cols = ", ".join(df.columns)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _ag_in")
        finally:
            con.unregister("_ag_in")
    return len(agencies)


def refresh_indicators(con: duckdb.DuckDBPyConnection, report_ids: list[str] | None = None) -> None:
    """Recompute report_indicators for these reports (all when None)."""
    if report_ids is None:
        con.execute("DELETE FROM report_indicators")
        con.execute("INSERT INTO report_indicators SELECT * FROM report_indicators_live")
        return
    con.register("_ri_ids", pd.DataFrame({"report_id": report_ids}))
    try:
        con.execute("DELETE FROM report_indicators WHERE report_id IN (SELECT report_id FROM _ri_ids)")
        con.execute("INSERT INTO report_indicators SELECT * FROM report_indicators_live "
                    "WHERE report_id IN (SELECT report_id FROM _ri_ids)")
    finally:
        con.unregister("_ri_ids")

"""The loader's SQL form of the series rules and of the status restatement gives what the
Python definitions (check_series, status_and_reason) give, finding by finding and word by
word, on random series: both templates, missing years, unreadable and missing cells, money,
zeros, carried numbers that match and that do not."""

from __future__ import annotations

import random
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from pipeline.db import connect, query
from pipeline.record import Finding
from pipeline.validate.crossyear import SERIES_KEYS, SeriesReport, check_series, series_findings_sql
from pipeline.validate.status import restate_sql, status_and_reason


def _value(rng: random.Random, prev: object) -> int | Decimal | None:
    roll = rng.random()
    if roll < 0.08:
        return None  # unreadable (or not printed)
    if roll < 0.12:
        return Decimal(rng.randrange(0, 10**5)) / 100  # money-like, exactly
    if roll < 0.3 and prev is not None:
        return prev  # the carried number matches
    return rng.choice([0, 0, rng.randrange(0, 30)])


def _series(rng: random.Random) -> list[SeriesReport]:
    out = []
    for a in range(30):
        years = sorted(rng.sample(range(2018, 2026), rng.randrange(1, 7)))
        last: dict[str, object] = {}
        for y in years:
            fmt = "2019" if y < 2021 else rng.choice(["2021", "2021", "2019"])
            values: dict[str, int | Decimal | None] = {}
            totals_only = rng.random() < 0.3  # t3's applicant columns blank (0) or not printed
            for k in SERIES_KEYS:
                if rng.random() < 0.1:
                    continue  # the cell is not in this report at all
                twin = k.replace("carried_over", "carried_forward")
                values[k] = _value(rng, last.get(twin) if "carried_over" in k else None)
                if totals_only and k.startswith("t3.") and not k.endswith(".total"):
                    values[k] = rng.choice([0, None])
            out.append(SeriesReport(report_id=f"r{a:02d}{y}", agency=f"机关{a}", year=y, format_version=fmt,
                                    values=values))
            last = dict(values)
    return out


def _table(reports: list[SeriesReport]) -> pa.Table:
    rows: dict[str, list] = {c: [] for c in ("report_id", "agency", "year", "format_version", "key", "value",
                                             "amount")}
    for r in reports:
        for k, v in r.values.items():
            for c, x in (("report_id", r.report_id), ("agency", r.agency), ("year", r.year),
                         ("format_version", r.format_version), ("key", k)):
                rows[c].append(x)
            rows["value"].append(v if isinstance(v, int) else None)
            rows["amount"].append(str(v) if isinstance(v, Decimal) else None)
    return pa.table({"report_id": pa.array(rows["report_id"], pa.string()),
                     "agency": pa.array(rows["agency"], pa.string()), "year": pa.array(rows["year"], pa.int64()),
                     "format_version": pa.array(rows["format_version"], pa.string()),
                     "key": pa.array(rows["key"], pa.string()), "value": pa.array(rows["value"], pa.int64()),
                     "amount": pa.array(rows["amount"], pa.string())})


@pytest.mark.parametrize("seed", range(6))
def test_sql_series_rules_give_what_check_series_gives(seed: int) -> None:
    reports = _series(random.Random(seed))
    con = duckdb.connect()
    con.register("_t", _table(reports))
    con.execute("CREATE TABLE s AS SELECT report_id, agency, year, format_version, key, value, "
                "CAST(amount AS DECIMAL(38, 10)) AS amount FROM _t")
    # the database hands the rules amounts at its scale: Python sees them so too
    for r in reports:
        r.values = {k: v.quantize(Decimal("1e-10")) if isinstance(v, Decimal) else v for k, v in r.values.items()}
    want = []
    seq: dict[str, int] = {}
    for rid, f in check_series(sorted(reports, key=lambda s: (s.agency, s.year))):
        want.append((rid, f.rule_id, f.severity, f.message, f.message_zh, f.cells, f.expected, f.printed,
                     seq.setdefault(rid, 0)))
        seq[rid] += 1
    got = con.execute(f"SELECT * FROM ({series_findings_sql('s')}) ORDER BY report_id, seq").fetchall()
    assert len(want) > 20 and {w[1] for w in want} == {"xyear.carry_over", "xyear.in_force"}
    assert got == sorted(want, key=lambda w: (w[0], w[8]))


@pytest.mark.parametrize("seed", range(3))
def test_sql_restatement_gives_what_status_and_reason_gives(tmp_path, seed: int) -> None:
    rng = random.Random(seed)
    con = connect(tmp_path / "g.duckdb")
    want = {}
    for i in range(60):
        rid = f"{i:064x}"
        con.execute("INSERT INTO reports (report_id, sha256, source_path, status, loaded_at) "
                    "VALUES (?, ?, '/x', ?, now())", [rid, rid, rng.choice(["ok", "review", "warnings"])])
        found: list[Finding] = []
        for origin in ("extract", "crossyear"):
            for s in range(rng.randrange(0, 4)):
                f = Finding(f"rule.{s}", rng.choice(["error", "warning", "info"]), f"{origin} {s} of {i}")
                found.append(f)
                con.execute("INSERT INTO findings (report_id, rule_id, severity, message, origin, seq) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [rid, f.rule_id, f.severity, f.message, origin, s])
        want[rid] = status_and_reason(found)
    con.execute(restate_sql("SELECT report_id FROM reports"))
    got = {rid: (status, reason) for rid, status, reason in query(con, "SELECT report_id, status, reason FROM reports")}
    assert got == want
    assert len({s for s, _ in want.values()}) == 3
    con.close()

"""Cross-year rules run inside the loader, on a real database, again whenever a year or a
new version of a report arrives."""

from __future__ import annotations

import copy
import dataclasses
import random
from pathlib import Path

from pipeline.db import connect, query
from pipeline.load import load_records
from pipeline.process import process_file
from tests.kit import make_series, write_txt

AGENCY = "江城市某某区档案馆"


def _series():
    return make_series(random.Random(11), AGENCY, [2022, 2023, 2024], scale=200)


def _break_link(rep):
    """Move one request from 新收 to 上年结转: the report still balances, the series does not."""
    bad = dataclasses.replace(rep, values=copy.deepcopy(rep.values))
    v = bad.values
    assert v["t3.new_received.natural_person"] > 0
    for col in ("natural_person", "total"):
        v[f"t3.carried_over.{col}"] += 1
        v[f"t3.new_received.{col}"] -= 1
    return bad


def test_one_broken_link_gives_one_finding_until_corrected(tmp_path: Path) -> None:
    reps = _series()
    files = [write_txt(r, tmp_path / f"{r.year}.txt") for r in (reps[0], _break_link(reps[1]), reps[2])]
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [process_file(f) for f in files])
    rows = query(con, """SELECT r.year, f.rule_id, f.severity, f.cells, f.expected, f.printed FROM findings f
                         JOIN reports r USING (report_id) WHERE f.origin = 'crossyear'""")
    exp = reps[0].values["t3.carried_forward.natural_person"]
    assert rows == [(2023, "xyear.carry_over", "error", ["t3.carried_over.natural_person"], str(exp), str(exp + 1))]
    assert query(con, "SELECT year, status FROM reports ORDER BY year") == [
        (2022, "ok"), (2023, "review"), (2024, "ok")]
    # A corrected re-publication of 2023 becomes current and the series is checked again.
    fixed = dataclasses.replace(reps[1], published_on=reps[1].published_on.replace(day=28))
    load_records(con, [process_file(write_txt(fixed, tmp_path / "2023-fixed.txt"))])
    assert query(con, "SELECT count(*) FROM findings WHERE origin = 'crossyear'") == [(0,)]
    assert query(con, "SELECT year, version, is_current FROM reports WHERE year = 2023 ORDER BY version") == [
        (2023, 1, False), (2023, 2, True)]
    assert query(con, "SELECT status FROM reports WHERE is_current AND year = 2023") == [("ok",)]
    con.close()


def test_series_loaded_one_year_at_a_time(tmp_path: Path) -> None:
    reps = _series()
    con = connect(tmp_path / "g.duckdb")
    for r in (reps[2], reps[0], _break_link(reps[1])):  # out of order, one load each
        load_records(con, [process_file(write_txt(r, tmp_path / f"{r.year}.txt"))])
    assert query(con, "SELECT r.year, f.rule_id FROM findings f JOIN reports r USING (report_id) "
                      "WHERE origin = 'crossyear' ORDER BY 1") == [(2023, "xyear.carry_over")]
    con.close()

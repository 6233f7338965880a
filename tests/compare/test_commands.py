"""The comparison verbs on a generated multi-region database, value by value.

Expected numbers are computed here from the generator's values with the documented
formulas (tests/compare/build_db.py), never copied from the database.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.agencies import agency_id
from pipeline.cli import app
from tests.compare import build_db as cdb

RUN = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[str, int], cdb.Truth]]:
    db = tmp_path_factory.mktemp("cmp") / "g.duckdb"
    return db, cdb.build(db)


def gk(*args: str) -> tuple[int, str, str]:
    r = RUN.invoke(app, list(args))
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def js(*args: str) -> list[dict]:
    code, out, err = gk(*args, "--format", "json")
    assert code == 0, out + err
    return json.loads(out)


def aid(name: str) -> str:
    """The agency a printed name belongs to, the alias file's rename applied."""
    return agency_id(cdb.RENAME[1] if name == cdb.RENAME[0] else name)


def truth_of(truth: dict, name: str) -> dict[int, cdb.Truth]:
    return {y: t for (n, y), t in truth.items() if aid(n) == aid(name)}


def test_agencies_ids_regions_names_and_years(built: tuple) -> None:
    db, truth = built
    rows = {r["name"]: r for r in js("agencies", "--db", str(db))}
    assert sorted(rows) == sorted({n for n, _ in cdb.SERIES} - {cdb.RENAME[0], "武汉市汉阳区政府办公室"})
    archive = rows["武汉市硚口区档案馆"]
    assert archive["agency_id"] == agency_id("武汉市硚口区档案馆")
    assert archive["names"] == ["武汉市硚口区档案局", "武汉市硚口区档案馆"]
    assert archive["years"] == [2019, 2020, 2021, 2022, 2023, 2024]
    assert (archive["level"], archive["region"], archive["region_code"]) == ("county", "湖北省武汉市硚口区", "420104")
    office = rows["武汉市汉阳区人民政府办公室"]
    assert office["names"] == ["武汉市汉阳区人民政府办公室", "武汉市汉阳区政府办公室"]
    assert office["years"] == [2020, 2021, 2023, 2024]  # 2022 missing
    assert (office["agency_type"], office["region_code"]) == ("办公室", "420105")
    assert (rows["北京市朝阳区人民政府"]["region"], rows["北京市朝阳区人民政府"]["region_code"]) == ("北京市朝阳区", "110105")
    street = rows["武汉市硚口区六角亭街道办事处"]
    assert (street["level"], street["agency_type"], street["region"]) == (
        "township", "街道办事处", "湖北省武汉市硚口区六角亭街道")
    assert (rows["武汉市人民政府"]["level"], rows["武汉市人民政府"]["region_code"]) == ("city", "420100")
    zone = rows["长春经济技术开发区管理委员会"]
    assert (zone["agency_type"], zone["level"], zone["region_code"]) == ("管委会", "county", "220171")
    wuhan = js("agencies", "--db", str(db), "--region", "武汉市")
    assert sorted(r["name"] for r in wuhan) == sorted(n for n in rows if n.startswith("武汉市"))


METRICS = ["new_requests", "handled", "granted", "granted_share", "other_handling", "lawsuits"]


def test_trend_runs_across_the_rename_and_the_2020_2021_boundary(built: tuple) -> None:
    db, truth = built
    series = truth_of(truth, "武汉市硚口区档案馆")
    args = ["trend", "--db", str(db), "--agency", "硚口区档案局"]
    for m in METRICS:
        args += ["-m", m]
    rows = js(*args)
    assert [r["year"] for r in rows] == sorted(series) == [2019, 2020, 2021, 2022, 2023, 2024]
    prev = None
    for r in rows:
        t = series[r["year"]]
        assert r["template"] == t.fmt
        for m in METRICS:
            want = (cdb.share(cdb.indicator(t, "granted"), cdb.indicator(t, "handled")) if m == "granted_share"
                    else cdb.indicator(t, m))
            assert r[m] == want, (r["year"], m)
            if prev is None:
                assert r[f"{m}_change"] is None
            elif m != "granted_share":
                assert r[f"{m}_change"] == want - prev[m]
                assert r[f"{m}_pct"] == (None if prev[m] == 0 else round((want - prev[m]) * 100 / prev[m], 1))
        prev = r
    # 2019 prints (六)其他处理 as one row, 2021 as three: the harmonised series has both years.
    assert {series[2020].fmt, series[2021].fmt} == {"2019", "2021"}


def test_trend_has_no_year_on_year_change_across_a_missing_year(built: tuple) -> None:
    db, truth = built
    rows = {r["year"]: r for r in js("trend", "--db", str(db), "--agency", agency_id("武汉市汉阳区政府办公室"),
                                     "-m", "granted")}
    assert sorted(rows) == [2020, 2021, 2023, 2024]
    series = truth_of(truth, "武汉市汉阳区人民政府办公室")
    assert rows[2023]["granted"] == cdb.indicator(series[2023], "granted")  # the 政府办公室 spelling
    assert rows[2023]["granted_change"] is None
    assert rows[2024]["granted_change"] == cdb.indicator(series[2024], "granted") - cdb.indicator(series[2023], "granted")


def test_compare_region_year_level_sort(built: tuple) -> None:
    db, truth = built
    rows = js("compare", "--db", str(db), "--region", "武汉市", "--year", "2024", "--level", "county",
              "--sort", "granted", "-m", "new_requests", "-m", "reconsiderations")
    names = ["武汉市硚口区档案馆", "武汉市汉阳区人民政府办公室"]
    want = sorted(((cdb.indicator(truth[(n, 2024)], "granted"), n) for n in names), key=lambda x: (-x[0], x[1]))
    assert [(r["granted"], r["agency"]) for r in rows] == want
    assert [r["rank"] for r in rows] == ([1, 1] if want[0][0] == want[1][0] else [1, 2])
    for r in rows:
        t = truth[(r["agency"], 2024)]
        assert (r["new_requests"], r["reconsiderations"], r["level"], r["year"]) == (
            cdb.indicator(t, "new_requests"), cdb.indicator(t, "reconsiderations"), "county", 2024)
    # every level of the region, and the current version only (淮安 2024 was re-published)
    huai = {r["agency"]: r for r in js("compare", "--db", str(db), "--region", "320800", "--year", "2024")}
    assert sorted(huai) == ["淮安市人民政府办公室", "淮安市清江浦区人民政府"]
    t = truth[("淮安市人民政府办公室", 2024)]
    assert huai["淮安市人民政府办公室"]["handled"] == cdb.indicator(t, "handled")
    assert huai["淮安市人民政府办公室"]["granted_share"] == cdb.share(cdb.indicator(t, "granted"),
                                                                   cdb.indicator(t, "handled"))


def test_compare_keeps_agency_substring_and_refuses_bad_options(built: tuple) -> None:
    db, truth = built
    rows = js("compare", "--db", str(db), "--agency", "汉阳区")
    assert [(r["agency"], r["year"]) for r in rows] == [("武汉市汉阳区人民政府办公室", y) for y in (2020, 2021, 2023, 2024)]
    code, out, err = gk("compare", "--db", str(db), "--level", "planet")
    assert code == 2 and "--level is one of" in err
    code, out, err = gk("compare", "--db", str(db), "--sort", "happiness")
    assert code == 2 and "unknown sort metric" in err
    code, out, err = gk("trend", "--db", str(db), "--agency", "武汉市")
    assert code == 2 and "matches" in err


def test_coverage_years_region_and_register(built: tuple, tmp_path: Path) -> None:
    db, truth = built
    rows = js("coverage", "--db", str(db), "--region", "湖北省", "--years", "2019-2024")
    agencies = {aid(n) for n, _ in truth if n.startswith("武汉市")}
    assert {r["agency_id"] for r in rows} == agencies
    published = {(aid(n), y) for n, y in truth}
    assert len(rows) == len(agencies) * 6
    for r in rows:
        assert r["published"] == ((r["agency_id"], r["year"]) in published), r
    missing = js("coverage", "--db", str(db), "--region", "武汉市汉阳区", "--years", "2019-2025", "--missing-only")
    assert [r["year"] for r in missing] == [2019, 2022, 2025]
    reg = tmp_path / "register.txt"
    reg.write_text("北京市朝阳区人民政府\n北京市海淀区人民政府\n", encoding="utf-8")
    rows = js("coverage", "--db", str(db), "--years", "2023-2024", "--register", str(reg))
    assert [(r["agency"], r["year"], r["published"]) for r in rows] == [
        ("北京市朝阳区人民政府", 2023, True), ("北京市朝阳区人民政府", 2024, True),
        ("北京市海淀区人民政府", 2023, False), ("北京市海淀区人民政府", 2024, False)]
    code, _, err = gk("coverage", "--db", str(db), "--years", "2025-2019")
    assert code == 2 and "before the first" in err


def test_query_is_read_only_and_csv_output(built: tuple) -> None:
    db, truth = built
    code, out, err = gk("query", "--db", str(db), "--format", "csv",
                        "SELECT year, count(*) AS n FROM report_agency GROUP BY year ORDER BY year")
    assert code == 0
    want = {}
    for _, y in truth:
        want[y] = want.get(y, 0) + 1
    assert out.splitlines() == ["year,n", *(f"{y},{n}" for y, n in sorted(want.items()))]
    code, out, err = gk("query", "--db", str(db), "DELETE FROM reports")
    assert code == 2 and "read-only" in err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM reports").fetchone() == (len(truth) + 1,)
    con.close()


def test_harmonised_view_and_indicators_follow_the_formulas(built: tuple) -> None:
    db, truth = built
    con = duckdb.connect(str(db) + ".snapshot", read_only=True)
    try:
        for t in truth.values():
            rows = dict(con.execute("""SELECT row_key, number FROM facts_harmonised
                                       WHERE report_id = ? AND table_id = 't3' AND col_key = 'total'""",
                                    [t.report_id]).fetchall())
            assert rows["other"] == cdb.indicator(t, "other_handling")
            assert not any(k.startswith("other.") for k in rows)
        assert con.execute("SELECT count(*) FROM facts_harmonised WHERE table_id = 't2'").fetchone() == (0,)
        t = truth[("淮安市人民政府办公室", 2019)]
        got = con.execute("SELECT denied, unavailable, not_processed, carried_forward, corrected_share FROM indicators "
                          "WHERE agency = '淮安市人民政府办公室' AND year = 2019").fetchone()
        rc = int(t.values["t4.reconsideration.corrected"])
        assert got[:4] == tuple(cdb.indicator(t, m) for m in ("denied", "unavailable", "not_processed", "carried_forward"))
        assert got[4] == (None if cdb.indicator(t, "reconsiderations") == 0
                          else round(Decimal(rc) / cdb.indicator(t, "reconsiderations"), 4))
    finally:
        con.close()


def test_plots_are_drawn(built: tuple, tmp_path: Path) -> None:
    db, truth = built
    png = tmp_path / "trend.png"
    code, _, err = gk("trend", "--db", str(db), "--agency", "淮安市人民政府办公室", "--plot", str(png))
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    svg = tmp_path / "compare.svg"
    code, _, err = gk("compare", "--db", str(db), "--year", "2024", "--sort", "handled", "--plot", str(svg))
    assert code == 0, err
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "淮安市人民政府办公室" in text  # text kept as text, in the CJK font
    code, _, err = gk("compare", "--db", str(db), "--plot", str(tmp_path / "x.gif"))
    assert code == 2 and ".png or .svg" in err


def test_no_cjk_font_is_a_clear_message(built: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.compare.plot as plot

    db, _ = built
    monkeypatch.setattr(plot, "CJK_FAMILIES", ("No Such Font Family",))
    code, _, err = gk("trend", "--db", str(db), "--agency", "淮安市人民政府办公室", "--plot", str(tmp_path / "t.png"))
    assert code == 2 and "no CJK font found" in err and "fonts-wqy-zenhei" in err
    assert not (tmp_path / "t.png").exists()


def test_api_returns_what_the_cli_prints(built: tuple) -> None:
    import gongkai

    db, _ = built
    with gongkai.open(db) as g:
        api = g.compare(region="武汉市", year=2024, sort="granted_share")
        from pipeline.compare.output import records

        assert records(api) == js("compare", "--db", str(db), "--region", "武汉市", "--year", "2024",
                                  "--sort", "granted_share")
        assert records(g.trend("淮安市人民政府办公室").drop(columns=["agency_id"])) == js(
            "trend", "--db", str(db), "--agency", "淮安市人民政府办公室")
        assert records(g.coverage(region="北京市", years="2020-2024")) == js(
            "coverage", "--db", str(db), "--region", "北京市", "--years", "2020-2024")
        facts = g.facts(region="淮安市清江浦区")
        assert len(facts) == sum(len(t.values) for (n, _), t in cdb_truth(built).items() if n == "淮安市清江浦区人民政府")


def cdb_truth(built: tuple) -> dict:
    return built[1]

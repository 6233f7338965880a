"""Agency names, ids, types, regions from the shipped division table, and the alias file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.agencies import AliasError, agency_id, agency_type, normalise_name, read_aliases
from pipeline.agencies.aliases import resolve
from pipeline.cli import app
from pipeline.regions import parse_region
from pipeline.regions.divisions import divisions
from tests.compare import build_db as cdb


@pytest.mark.parametrize("a,b", [
    ("江城市人民政府办公室", "江城市政府办公室"),
    ("江城市人民政府办公室", " 江城市 人民政府办公室 "),
    ("ＸＸ县人民政府", "XX县政府"),
    ("江城市（经济）开发区管委会", "江城市(经济)开发区管理委员会"),
    ("五里街道办事处", "五里街道"),
    ("湖北省人民政府办公厅", "湖北省政府办公厅"),
])
def test_spellings_of_one_agency_share_an_id(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)
    assert agency_id(a) == agency_id(b)


def test_ids_differ_between_agencies_and_are_stable() -> None:
    assert agency_id("江城市人民政府") != agency_id("江城市人民政府办公室")
    import hashlib

    assert agency_id("江城市政府") == "ag" + hashlib.sha1("江城市人民政府".encode()).hexdigest()[:12]


@pytest.mark.parametrize("name,kind", [
    ("武汉市人民政府", "人民政府"), ("武汉市人民政府办公厅", "办公室"), ("清河县政府办公室", "办公室"),
    ("华亭镇人民政府", "乡镇"), ("五里墩街道办事处", "街道办事处"), ("长春经开区管委会", "管委会"),
    ("江城市卫生健康委员会", "委员会"), ("江城市生态环境局", "局"), ("江城市档案馆", "馆"),
])
def test_agency_types(name: str, kind: str) -> None:
    assert agency_type(name) == kind


def test_regions_with_codes_from_the_shipped_table() -> None:
    idx = divisions()
    assert idx.by_code["420104"].name == "硚口区"
    r = parse_region("武汉市硚口区档案馆")
    assert (r.province, r.province_code, r.city, r.city_code, r.county, r.county_code, r.level) == (
        "湖北省", "420000", "武汉市", "420100", "硚口区", "420104", "county")
    # a district named without its city still finds its city and province
    assert parse_region("硚口区人民政府").city_code == "420100"
    # 直辖市: no city level
    r = parse_region("北京市朝阳区三里屯街道办事处")
    assert (r.province, r.city, r.county_code, r.township, r.level) == ("北京市", None, "110105", "三里屯街道",
                                                                        "township")
    # 朝阳区 is in Beijing and in Changchun: the report's text decides, else no guess
    assert parse_region("朝阳区人民政府", "长春市朝阳区2024年政府信息公开工作年度报告").county_code == "220104"
    assert parse_region("朝阳区人民政府").county is None
    # a development zone in the table, and one that is not (a region without a code)
    assert parse_region("长春经济技术开发区管委会").county_code == "220171"
    z = parse_region("江城经济技术开发区管理委员会")
    assert (z.county, z.county_code, z.level) == ("江城经济技术开发区", None, "county")
    # a fictional city is not matched on a short name (江城 is 江城县's short name)
    assert parse_region("江城市汉阳区档案馆").level is None


def test_alias_file_and_chains(tmp_path: Path) -> None:
    f = tmp_path / "aliases.toml"
    f.write_text('[[rename]]\nfrom = "A局"\nto = "B局"\nsince = 2020\n'
                 '[[rename]]\nfrom = "B局"\nto = "C局"\nsince = 2023\n'
                 '[[merge]]\nfrom = ["D局", "E局"]\nto = "C局"\nsince = 2023\n', encoding="utf-8")
    aliases = read_aliases(f)
    assert [(a.old, a.new, a.since, a.kind) for a in aliases] == [
        ("A局", "B局", 2020, "rename"), ("B局", "C局", 2023, "rename"), ("D局", "C局", 2023, "merge"),
        ("E局", "C局", 2023, "merge")]
    res = resolve(aliases)
    assert {k: a.new for k, a in res.items()} == {"A局": "C局", "B局": "C局", "D局": "C局", "E局": "C局"}
    assert read_aliases(tmp_path / "none.toml") == []


@pytest.mark.parametrize("text,msg", [
    ('[[rename]]\nfrom = "A"\n', "needs 'from' and 'to'"),
    ('[[rename]]\nfrom = "A"\nto = "B"\nsince = "last year"\n', "'since' must be a year"),
    ("[[rename]\n", "not valid TOML"),
    ('[[rename]]\nfrom = "A"\nto = "B"\n[[rename]]\nfrom = "B"\nto = "A"\n', "alias cycle"),
])
def test_bad_alias_files_say_why(tmp_path: Path, text: str, msg: str) -> None:
    f = tmp_path / "aliases.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(AliasError, match=msg):
        resolve(read_aliases(f))


def test_apply_aliases_regroups_a_renamed_agency(tmp_path: Path) -> None:
    db = tmp_path / "g.duckdb"
    truth = cdb.build(db, with_aliases=False)
    run = CliRunner()

    def names() -> dict[str, list[int]]:
        r = run.invoke(app, ["agencies", "--db", str(db), "--format", "json", "--region", "硚口区"])
        assert r.exit_code == 0, r.stderr
        return {a["name"]: a["years"] for a in json.loads(r.stdout)}

    before = names()
    assert before["武汉市硚口区档案局"] == [2019, 2020]
    assert before["武汉市硚口区档案馆"] == [2021, 2022, 2023, 2024]
    alias = tmp_path / "my-aliases.toml"
    alias.write_text(cdb.ALIASES_TOML, encoding="utf-8")
    r = run.invoke(app, ["agencies", "--db", str(db), "--apply-aliases", "--aliases", str(alias), "--format", "csv"])
    assert r.exit_code == 0, r.stderr
    assert "aliases applied" in r.stderr
    after = names()
    assert "武汉市硚口区档案局" not in after
    assert after["武汉市硚口区档案馆"] == [2019, 2020, 2021, 2022, 2023, 2024]
    con = duckdb.connect(str(db) + ".snapshot", read_only=True)
    got = con.execute("SELECT year, granted FROM indicators WHERE agency = '武汉市硚口区档案馆' ORDER BY year").fetchall()
    con.close()
    want = sorted((y, cdb.indicator(t, "granted")) for (n, y), t in truth.items() if "硚口区档案" in n)
    assert got == want
    alias.write_text("[[rename]]\nfrom = 1\n", encoding="utf-8")
    r = run.invoke(app, ["agencies", "--db", str(db), "--apply-aliases", "--aliases", str(alias)])
    assert r.exit_code == 2 and "needs 'from' and 'to'" in r.stderr
    assert "武汉市硚口区档案局" not in names()  # the failed apply changed nothing

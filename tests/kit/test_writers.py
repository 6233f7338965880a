"""The synthetic report generator: consistent numbers, faithful layouts, readable files."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from lxml import html as lxml_html

from tests.kit import (
    SECTION_TITLES,
    SynthReport,
    compose,
    item_keys,
    make_report,
    make_series,
    printed_cells,
    rule_violations,
    write_docx,
    write_html,
    write_txt,
)
from tests.kit.composer import PTable
from tests.kit.report import APPLICANT_COLS, T3_COLS, T3_RESULT_ROWS, T4_OUTCOMES, T4_ROWS
from tests.kit.txt_writer import txt_text
from tests.paths import FIXTURES, ROOT

TEMPLATE = FIXTURES / "official-template-2021.docx"
WUHAN = FIXTURES / "wuhan-qiaokou-archives-2024.txt"

AGENCIES = {
    "archive": "江城市汉阳区档案馆",
    "street": "江城市汉阳区五里街道办事处",
    "county_office": "清河县人民政府办公室",
    "city_bureau": "江城市生态环境局",
    "city_government": "江城市人民政府",
}


def _report(
    seed: int = 7, agency: str = "江城市生态环境局", year: int = 2023, **kw: object
) -> SynthReport:
    return make_report(random.Random(seed), agency, year, **kw)  # type: ignore[arg-type]


def _zeroed(rep: SynthReport) -> SynthReport:
    rep.values = {k: Decimal(0) if isinstance(v, Decimal) else 0 for k, v in rep.values.items()}
    return rep


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("profile", sorted(AGENCIES))
def test_accounting_rules_hold_for_many_seeds(profile: str) -> None:
    for seed in range(60):
        for year in (2019, 2020, 2021, 2024):
            rep = _report(seed, AGENCIES[profile], year)
            fmt = rep.format_version
            assert fmt == ("2021" if year >= 2021 else "2019")
            assert list(rep.values) == item_keys(fmt)  # exactly the format's keys, in order
            assert rule_violations(rep.values, fmt) == [], (profile, seed, year)
            assert dt.date(year + 1, 1, 1) <= rep.published_on <= dt.date(year + 1, 3, 31)


def test_rules_spelled_out() -> None:
    """Check the rules directly, not only through rule_violations."""
    for seed in range(40):
        for year in (2020, 2022):
            v = _report(seed, "江城市人民政府", year, scale=300).values
            fmt = "2021" if year >= 2021 else "2019"
            for col in T3_COLS:
                assert v[f"t3.new_received.{col}"] + v[f"t3.carried_over.{col}"] == (
                    v[f"t3.total.{col}"] + v[f"t3.carried_forward.{col}"]
                )
                assert v[f"t3.total.{col}"] == sum(v[f"t3.{r}.{col}"] for r in T3_RESULT_ROWS[fmt])
            for row in (
                "new_received",
                "carried_over",
                *T3_RESULT_ROWS[fmt],
                "total",
                "carried_forward",
            ):
                assert v[f"t3.{row}.total"] == sum(v[f"t3.{row}.{c}"] for c in APPLICANT_COLS)
            for row in T4_ROWS:
                assert v[f"t4.{row}.total"] == sum(v[f"t4.{row}.{o}"] for o in T4_OUTCOMES)


def test_rule_violations_catches_breakage() -> None:
    rep = _report()
    rep.values["t3.granted.natural_person"] += 1
    rep.values["t4.reconsideration.total"] += 1
    bad = rule_violations(rep.values, rep.format_version)
    assert any("natural_person" in b for b in bad) and any("t4" in b for b in bad)


def test_money_is_decimal_with_few_places_and_change_can_be_negative() -> None:
    places: set[int] = set()
    negative = 0
    for seed in range(80):
        v21 = _report(seed, "江城市人民政府", 2022).values
        v19 = _report(seed, "江城市人民政府", 2019).values
        for amount in (v21["t2.fees.amount"], v19["t2.central_procurement.amount"]):
            assert isinstance(amount, Decimal) and amount >= 0
            exp = amount.as_tuple().exponent
            assert isinstance(exp, int) and -4 <= exp <= 0
            places.add(-exp)
        negative += sum(1 for k, x in v19.items() if k.endswith(".change") and x < 0)
        assert all(isinstance(x, int) for k, x in v21.items() if k != "t2.fees.amount")
    assert {2, 4} <= places
    assert negative > 0


def test_small_agencies_have_zero_requests_sometimes() -> None:
    totals = [
        _report(s, "江城市汉阳区档案馆", 2024).values["t3.new_received.total"] for s in range(40)
    ]
    assert 0 in totals and max(totals) > 0


def test_aggregate_scope() -> None:
    assert _report(1, "江城市人民政府", 2022).scope == "aggregate"
    assert _report(1, "江城市生态环境局", 2022).scope == "agency"
    assert _report(1, "江城市生态环境局", 2022, scope="aggregate").scope == "aggregate"


def test_series_chains_carry_overs_and_stocks() -> None:
    for seed in range(15):
        reps = make_series(random.Random(seed), "江城市生态环境局", range(2019, 2025))
        assert [r.year for r in reps] == list(range(2019, 2025))
        for prev, cur in zip(reps, reps[1:], strict=False):
            for col in T3_COLS:
                assert (
                    cur.values[f"t3.carried_over.{col}"] == prev.values[f"t3.carried_forward.{col}"]
                )
            assert rule_violations(cur.values, cur.format_version) == []
            if prev.format_version == cur.format_version == "2021":
                for row in ("rules", "normative_docs"):
                    p, c = prev.values, cur.values
                    assert c[f"t2.{row}.in_force"] == (
                        p[f"t2.{row}.in_force"] + c[f"t2.{row}.issued"] - c[f"t2.{row}.repealed"]
                    )
            if prev.format_version == cur.format_version == "2019":
                p, c = prev.values, cur.values
                assert (
                    c["t2.licensing.prior_year_items"]
                    == p["t2.licensing.prior_year_items"] + p["t2.licensing.change"]
                )
                assert c["t2.normative_docs.total_published"] == (
                    p["t2.normative_docs.total_published"] + c["t2.normative_docs.new_published"]
                )


def test_narrative_agrees_with_numbers() -> None:
    seen_zero = seen_some = False
    for seed in range(40):
        rep = _report(seed, "江城市汉阳区档案馆", 2024)
        v = rep.values
        text = "".join(rep.sections[SECTION_TITLES[0]] + rep.sections[SECTION_TITLES[2]])
        if v["t3.new_received.total"] == 0 and v["t3.carried_over.total"] == 0:
            assert "未收到政府信息公开申请" in text
            seen_zero = True
        else:
            assert f"收到政府信息公开申请{v['t3.new_received.total']}件" in text
            seen_some = True
        assert "统计期限为2024年1月1日至2024年12月31日" in rep.preamble
    assert seen_zero and seen_some


# --------------------------------------------------------------------------- docx


def _signature(table: DocxTable) -> list[list[tuple[int, str | None]]]:
    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            pr = tc.tcPr
            gs = pr.find(qn("w:gridSpan")) if pr is not None else None
            vm = pr.find(qn("w:vMerge")) if pr is not None else None
            span = int(gs.get(qn("w:val"))) if gs is not None else 1
            merge = (vm.get(qn("w:val")) or "continue") if vm is not None else None
            cells.append((span, merge))
        rows.append(cells)
    return rows


@pytest.mark.skipif(not TEMPLATE.exists(), reason="official template fixture missing")
def test_docx_2021_layout_is_the_official_template(tmp_path: Path) -> None:
    path = write_docx(_report(), tmp_path / "r.docx")
    ours, official = docx.Document(str(path)), docx.Document(str(TEMPLATE))
    assert len(ours.tables) == len(official.tables) == 3
    for a, b in zip(ours.tables, official.tables, strict=True):
        assert _signature(a) == _signature(b)
        assert [g.w for g in a._tbl.tblGrid.gridCol_lst] == [
            g.w for g in b._tbl.tblGrid.gridCol_lst
        ]
        # Same labels wherever the template prints one (python-docx resolves merges).
        for ra, rb in zip(a.rows, b.rows, strict=True):
            for ca, cb in zip(ra.cells, rb.cells, strict=True):
                if cb.text.strip("\u3000 "):
                    assert ca.text == cb.text


def test_docx_grids_and_values(tmp_path: Path) -> None:
    rep21, rep19 = _report(3, year=2023), _report(3, year=2020)
    d21 = docx.Document(str(write_docx(rep21, tmp_path / "a.docx")))
    d19 = docx.Document(str(write_docx(rep19, tmp_path / "b.docx")))
    assert [(len(t.rows), len(t.columns)) for t in d21.tables] == [(14, 4), (28, 10), (4, 15)]
    assert [(len(t.rows), len(t.columns)) for t in d19.tables] == [(18, 5), (26, 10), (4, 15)]
    t3 = d21.tables[1]
    assert t3.cell(3, 0).text == "一、本年新收政府信息公开申请数量"
    assert [t3.cell(3, c).text for c in range(3, 10)] == [
        str(rep21.values[f"t3.new_received.{c}"]) for c in T3_COLS
    ]
    assert t3.cell(27, 9).text == str(rep21.values["t3.carried_forward.total"])
    assert d19.tables[1].cell(23, 1).text == "（六）其他处理"
    assert d19.tables[0].cell(17, 3).text == format(
        rep19.values["t2.central_procurement.amount"], "f"
    )
    texts = [p.text for p in d21.paragraphs]
    assert texts[0] == "江城市生态环境局2023年政府信息公开工作年度报告"
    assert all(t in texts for t in SECTION_TITLES)
    d = rep21.published_on
    assert texts[-2:] == ["江城市生态环境局", f"{d.year}年{d.month}月{d.day}日"]


def test_docx_variants(tmp_path: Path) -> None:
    rep = _report(4, year=2024)
    path = write_docx(
        rep,
        tmp_path / "v.docx",
        title_split=True,
        t2_layout="four",
        t3_header_repeat=True,
        vertical_label=True,
        other_single_row=True,
        caption=True,
    )
    d = docx.Document(str(path))
    texts = [p.text for p in d.paragraphs]
    assert texts[:2] == ["江城市生态环境局2024年政府", "信息公开工作年度报告"]
    assert {"表一", "表二", "表三"} <= set(texts)
    assert [len(t.columns) for t in d.tables] == [4, 4, 4, 4, 10, 10, 15]
    assert d.tables[0].cell(0, 0).text == "第二十条第（一）项"
    first, second = d.tables[4], d.tables[5]
    assert len(first.rows) + len(second.rows) == 26 + 3  # single (六) row, header repeated
    assert first.cell(5, 0).text == "\n".join("三、本年度办理结果")
    assert second.cell(1, 3).text == "自然人" and second.cell(3, 0).text == ""
    assert any(r.cells[1].text == "（六）其他处理" for r in second.rows)

    full = write_docx(
        rep, tmp_path / "f.docx", title_niandu=True, title_fullwidth=True, fullwidth_digits=True
    )
    d = docx.Document(str(full))
    assert d.paragraphs[0].text == "江城市生态环境局２０２４年度政府信息公开工作年度报告"
    n = rep.values["t3.new_received.total"]
    assert d.tables[1].cell(3, 9).text == str(n).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )


def test_docx_is_deterministic(tmp_path: Path) -> None:
    a = write_docx(_report(9), tmp_path / "a.docx").read_bytes()
    b = write_docx(_report(9), tmp_path / "b.docx").read_bytes()
    assert a == b


def test_printed_cells_variants() -> None:
    rep = _zeroed(_report(5, year=2023))
    rep.values["t2.fees.amount"] = Decimal("12.3456")
    cells = printed_cells(
        rep,
        blank_zeros=True,
        dash_cells={"t4.reconsideration.total"},
        text_cells={"t2.licensing.decisions": "见附件"},
        money_in_yuan=True,
    )
    assert cells["t3.granted.natural_person"] == ""
    assert cells["t4.reconsideration.total"] == "—"
    assert cells["t2.licensing.decisions"] == "见附件"
    assert cells["t2.fees.amount"] == "123456"
    headers = [
        c.text
        for b in compose(rep, money_in_yuan=True)
        if isinstance(b, PTable)
        for r in b.rows
        for c in r
    ]
    assert "本年收费金额（单位：元）" in headers
    single = printed_cells(_report(5, year=2023), other_single_row=True)
    assert "t3.other.total" in single and "t3.other.other.total" not in single
    with pytest.raises(TypeError):
        compose(rep, no_such_variant=True)


def test_split_labels_break_inside_cells() -> None:
    blocks = compose(_report(), split_labels=True)
    labels = [
        c.text for b in blocks if isinstance(b, PTable) for r in b.rows for c in r if c.key is None
    ]
    assert "商业\n企业" in labels and "一、本年新收政府信\n息公开申请数量" in labels


# --------------------------------------------------------------------------- html


def _html_grid(table: lxml_html.HtmlElement) -> list[list[str]]:
    """Expand colspan/rowspan the way a browser lays the table out."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath(".//tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            text = "\n".join(t.strip() for t in td.xpath(".//text()")).strip()
            for dr in range(int(td.get("rowspan", 1))):
                for dc in range(int(td.get("colspan", 1))):
                    grid[(r + dr, c + dc)] = text
            c += int(td.get("colspan", 1))
    rows = 1 + max(r for r, _ in grid)
    cols = 1 + max(c for _, c in grid)
    return [[grid.get((r, c), "") for c in range(cols)] for r in range(rows)]


def test_html_gbk_page(tmp_path: Path) -> None:
    rep = _report(6, "江城市人民政府", 2022)
    path = write_html(rep, tmp_path / "r.html", encoding="gbk", container="zoom", split_labels=True)
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    page = raw.decode("gbk")
    assert "charset=gb2312" in page and "版权所有" in page and "<script" in page
    doc = lxml_html.fromstring(page)
    zoom = doc.get_element_by_id("zoom")
    tables = zoom.xpath(".//table")
    assert len(tables) == 3
    t2, t3, t4 = (_html_grid(t) for t in tables)
    assert (len(t2), len(t2[0])) == (14, 4)
    assert (len(t3), len(t3[0])) == (28, 10)
    assert (len(t4), len(t4[0])) == (4, 15)
    assert t3[3][0] == "一、本年新收政府信\n息公开申请数量"
    assert t3[10][0] == "三、本年度办理结果"  # rowspan reaches down
    assert t3[3][3:] == [str(rep.values[f"t3.new_received.{c}"]) for c in T3_COLS]
    assert t4[3] == [
        str(rep.values[f"t4.{r}.{o}"]) for r in T4_ROWS for o in (*T4_OUTCOMES, "total")
    ]
    assert "<br />" in page  # labels broken inside cells
    assert rep.title in doc.findtext(".//title")


def test_html_utf8_2019(tmp_path: Path) -> None:
    rep = _report(2, "清河县人民政府办公室", 2019)
    page = write_html(rep, tmp_path / "r.html", blank_zeros=True).read_bytes().decode("utf-8")
    doc = lxml_html.fromstring(page)
    article = doc.xpath('//div[@class="article"]')[0]
    t2 = _html_grid(article.xpath(".//table")[0])
    assert (len(t2), len(t2[0])) == (18, 5)
    assert t2[17][0] == "政府集中采购"
    assert _html_grid(article.xpath(".//table")[1])[23][1] == "（六）其他处理"


# --------------------------------------------------------------------------- txt


def _table_runs(text: str) -> list[list[str]]:
    """Line runs from a table's first cell line to the two blank lines that end it."""
    runs, cur = [], None
    for line in text.split("\n"):
        if cur is None and line.startswith("\t"):
            cur = []
        if cur is not None:
            cur.append(line)
            if cur[-2:] == ["", ""]:
                runs.append(cur)
                cur = None
    return runs


@pytest.mark.skipif(not WUHAN.exists(), reason="sample fixture missing")
def test_txt_tables_match_the_real_dump() -> None:
    """An all-zero 2021 report dumps its three tables exactly like the real sample."""
    rep = _zeroed(_report(1, "武汉市硚口区档案馆", 2024))
    ours = txt_text(rep, title_split=True)
    sample = WUHAN.read_text(encoding="utf-8")
    assert _table_runs(ours) == _table_runs(sample)
    assert ours.split("\n")[:3] == sample.split("\n")[:3]  # split title, then an empty paragraph


def test_txt_file_structure(tmp_path: Path) -> None:
    rep = _report(8, year=2020)
    text = write_txt(rep, tmp_path / "r.txt", split_labels=True).read_text(encoding="utf-8")
    runs = _table_runs(text)
    assert len(runs) == 3
    t3 = runs[1]
    # Header rows print fewer cells than data rows (gridSpan cells appear once).
    rows: list[list[str]] = [[]]
    for line in t3[:-2]:
        if line == "":
            rows.append([])
        elif line.startswith("\t"):
            rows[-1].append(line[1:])
        else:
            rows[-1][-1] += "\n" + line  # continuation of a broken label
    assert [len(r) for r in rows[:4]] == [2, 4, 8, 8]
    assert len(rows) == 26
    assert rows[3][0] == "一、本年新收政府信\n息公开申请数量"
    assert not any(line.startswith(" ") for line in text.split("\n"))
    assert text.endswith("日\n")


# --------------------------------------------------------------------------- samples


def _make_samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "scripts" / "make_samples.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_samples", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_sample_catalogue() -> None:
    samples = _make_samples().build_samples()
    assert len(samples) >= 9
    assert {s.report.year for s in samples} >= {2019, 2020, 2022, 2023, 2024}
    assert {s.file.rsplit(".", 1)[1] for s in samples} == {"docx", "html", "txt"}
    assert any(s.variants.get("encoding") == "gbk" for s in samples)
    assert any(s.report.scope == "aggregate" for s in samples)
    assert all(s.file.isascii() for s in samples)
    for s in samples:
        assert rule_violations(s.report.values, s.report.format_version) == []
    archive = sorted((s.report for s in samples if s.series == "archive"), key=lambda r: r.year)
    assert [r.year for r in archive] == [2022, 2023, 2024]
    for prev, cur in zip(archive, archive[1:], strict=False):
        assert cur.values["t3.carried_over.total"] == prev.values["t3.carried_forward.total"]

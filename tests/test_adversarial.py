"""Adversarial documents: layouts real agencies publish that differ from the clean template.

Every test builds one realistic file (Word, web page, PDF made by LibreOffice) from one
generated report whose numbers are known, runs it through `process_file`, and states what a
careful human reader would say the document contains. Failing tests are left failing: each
one documents a place where extraction reads a real-world document wrongly.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.process import process_file
from pipeline.record import Record
from tests.kit import compose, make_report
from tests.kit.composer import PCell, PPara, PTable
from tests.kit.doc_writer import convert, libreoffice
from tests.kit.docx_writer import write_blocks_docx as write_docx
from tests.kit.html_writer import cell_html
from tests.kit.html_writer import html_body as kit_html_body
from tests.kit.html_writer import html_table as kit_html_table

AGENCY = "江城市某某区统计局"
# One 2023 report (2021 template) with non-zero numbers in most places that matter below.
REP = make_report(random.Random(7), AGENCY, 2023, scale=40)
TITLE = f"{AGENCY}2023年政府信息公开工作年度报告"
T3_COLS = (
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_service",
    "other_org",
    "total",
)
DENIED = (
    "state_secret",
    "prohibited_by_law",
    "security_stability",
    "third_party_rights",
    "internal_affairs",
    "process_info",
    "enforcement_files",
    "inquiry_matters",
)
T4_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def test_report_under_test_is_the_expected_one() -> None:
    # The cases below rely on these numbers being non-zero (a shifted column must show).
    v = REP.values
    assert REP.format_version == "2021" and REP.published_on.isoformat() == "2024-01-27"
    assert v["t2.licensing.decisions"] == 1483
    assert v["t3.other.other.total"] > 0 and v["t3.new_received.natural_person"] > 0
    assert v["t4.reconsideration.total"] > 0 and v["t4.litigation_direct.total"] > 0


# --------------------------------------------------------------------------- builders


def blocks() -> list[PPara | PTable]:
    """The report as paragraphs and tables (a fresh copy to edit)."""
    return compose(REP)


def tables(bs: list, tid: str) -> list[PTable]:
    return [b for b in bs if isinstance(b, PTable) and b.table_id == tid]


def para(bs: list, startswith: str) -> PPara:
    return next(b for b in bs if isinstance(b, PPara) and b.text.startswith(startswith))


def html_table(t: PTable) -> str:
    """A table as Word's "save as web page" leaves it: every cell's text inside a <p>."""
    return kit_html_table(t, cell=lambda text, _header: f"<p>{cell_html(text)}</p>")


def html_body(bs: list) -> str:
    return kit_html_body(bs, table=html_table)


def docx_case(tmp_path: Path, edit: Callable[[list], None]) -> Record:
    bs = blocks()
    edit(bs)
    return process_file(write_docx(bs, tmp_path / "report.docx"))


def mismatches(rec: Record, *prefixes: str) -> list[tuple]:
    """(key, printed, got, expected) for every key under the prefixes that is wrong, missing
    or extra; [] when the record holds exactly the report's numbers there."""
    got = {k: f for k, f in rec.fact_map().items() if k.startswith(prefixes)}
    exp = {k: v for k, v in REP.values.items() if k.startswith(prefixes)}
    bad = [
        (k, got[k].printed_text if k in got else "MISSING", got[k].value if k in got else None, v)
        for k, v in exp.items()
        if k not in got or got[k].value != v
    ]
    bad += [(k, got[k].printed_text, got[k].value, "EXTRA") for k in sorted(set(got) - set(exp))]
    return bad


def problems(rec: Record) -> list[tuple[str, str, str]]:
    return [
        (f.rule_id, f.severity, f.message)
        for f in rec.findings
        if f.severity in ("error", "warning")
    ]


def relabel(mapping: dict[str, str], *tids: str) -> Callable[[list], None]:
    def edit(bs: list) -> None:
        for tid in tids:
            for t in tables(bs, tid):
                for row in t.rows:
                    for cell in row:
                        if cell.text in mapping:
                            cell.text = mapping[cell.text]

    return edit


def _row_of(t: PTable, key_prefix: str) -> int:
    return next(
        i for i, r in enumerate(t.rows) if any(c.key and c.key.startswith(key_prefix) for c in r)
    )


# --------------------------------------------------------------------------- t3 layouts


def test_t3_serial_number_column(tmp_path: Path) -> None:
    # A 序号 column in front of the labels (1, 2, 3 … down the rows).
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        t3.widths.insert(0, 500)
        for i, row in enumerate(t3.rows):
            row.insert(
                0,
                PCell("序号", vmerge="restart")
                if i == 0
                else PCell(vmerge="continue")
                if i < 3
                else PCell(str(i - 2)),
            )

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []


def _denied_subtotal() -> list[PCell]:
    return [PCell(str(sum(REP.values[f"t3.denied.{d}.{c}"] for d in DENIED))) for c in T3_COLS]


def test_t3_subtotal_row_in_leaf_column(tmp_path: Path) -> None:
    # （三）不予公开 followed by a 小计 row: its numbers are a sum, not a cell of the template.
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        i = _row_of(t3, "t3.denied.inquiry_matters")
        t3.rows.insert(
            i + 1,
            [
                PCell(vmerge="continue"),
                PCell(vmerge="continue"),
                PCell("小计"),
                *_denied_subtotal(),
            ],
        )

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []


def test_t3_subtotal_row_spanning_group_and_leaf(tmp_path: Path) -> None:
    # The same 小计 row, its label cell merged over the group and leaf columns.
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        i = _row_of(t3, "t3.denied.inquiry_matters")
        t3.rows.insert(
            i + 1, [PCell(vmerge="continue"), PCell("小计", span=2), *_denied_subtotal()]
        )

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []  # a subtotal is a known construct, not an unrecognised row


def test_t3_group_label_only_in_first_sub_row(tmp_path: Path) -> None:
    # （三）不予公开 … （六）其他处理 typed once, in the first sub-row, without merging the
    # cell; the sub-rows below leave that cell empty (三、本年度办理结果 stays merged).
    def edit(bs: list) -> None:
        for row in tables(bs, "t3")[0].rows:
            if len(row) > 1 and row[1].vmerge == "continue":
                row[1] = PCell("")
            elif len(row) > 1 and row[1].vmerge == "restart":
                row[1].vmerge = None

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []  # 3.其他 under （六）其他处理 → t3.other.other.*
    assert problems(rec) == []


@pytest.mark.parametrize("style", ["（n）", "circled", "n、"])
def test_t3_leaf_numbering_styles(tmp_path: Path, style: str) -> None:
    def edit(bs: list) -> None:
        for row in tables(bs, "t3")[0].rows:
            for cell in row:
                m = re.match(r"^(\d)\.(.*)$", cell.text, re.S)
                if m:
                    n = int(m[1])
                    lead = {"（n）": f"（{n}）", "circled": "①②③④⑤⑥⑦⑧"[n - 1], "n、": f"{n}、"}[
                        style
                    ]
                    cell.text = lead + m[2]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []


def _t3_columns(order: list[int]) -> Callable[[list], None]:
    """Reprint t3 with its seven value columns in `order` (indexes into T3_COLS)."""
    names = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        for row in t3.rows[3:]:
            row[-7:] = [row[-7:][i] for i in order]
        top: list[PCell] = []
        sub: list[PCell] = []
        i = 0
        while i < 7:
            if 1 <= order[i] <= 5:
                j = i
                while j < 7 and 1 <= order[j] <= 5:
                    j += 1
                top.append(PCell("法人或者其他组织", span=j - i))
                sub += [PCell(names[order[k]]) for k in range(i, j)]
                i = j
            else:
                top.append(PCell(names[order[i]], vmerge="restart"))
                sub.append(PCell(vmerge="continue"))
                i += 1
        t3.rows[1] = [t3.rows[1][0], *top]
        t3.rows[2] = [t3.rows[2][0], *sub]

    return edit


@pytest.mark.parametrize(
    "order", [[0, 5, 4, 3, 2, 1, 6], [6, 0, 1, 2, 3, 4, 5]], ids=["orgs-reversed", "total-first"]
)
def test_t3_columns_in_another_order(tmp_path: Path, order: list[int]) -> None:
    rec = docx_case(tmp_path, _t3_columns(order))
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []


def test_t3_flat_header_without_legal_entity_group(tmp_path: Path) -> None:
    # One header row: 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计 (no
    # 法人或其他组织 band above the five organisation columns).
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        t3.rows[1] = [
            PCell(span=3, vmerge="continue"),
            *[
                PCell(x)
                for x in (
                    "自然人",
                    "商业企业",
                    "科研机构",
                    "社会公益组织",
                    "法律服务机构",
                    "其他",
                    "总计",
                )
            ],
        ]
        del t3.rows[2]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []  # the header names every column; nothing is assumed


def test_t3_trailing_empty_sliver_column(tmp_path: Path) -> None:
    # Tables converted from PDF often carry a hair-thin empty grid column at the right edge.
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        t3.widths.append(15)
        for row in t3.rows:
            row.append(PCell(""))

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []


def test_t3_total_cells_span_two_grid_columns(tmp_path: Path) -> None:
    # An irregular grid: the 总计 column is two grid columns wide, every cell of it merged.
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        t3.widths[-1:] = [400, 285]
        for row in t3.rows:
            row[-1].span += 1

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []


def test_t3_results_heading_as_its_own_row(tmp_path: Path) -> None:
    # 三、本年度办理结果 printed as a full-width row above （一）予以公开, not as a merged
    # first column.
    def edit(bs: list) -> None:
        t3 = tables(bs, "t3")[0]
        i = _row_of(t3, "t3.granted.")
        t3.rows.insert(i, [PCell("三、本年度办理结果", span=10)])
        for row in t3.rows[i + 1 :]:
            if row[0].vmerge:
                row[0] = PCell("")

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []


@pytest.mark.parametrize(
    "at", ["t3.denied.process_info", "t3.total."], ids=["mid-group", "before-total"]
)
def test_t3_split_in_two_tables_without_repeated_header(tmp_path: Path, at: str) -> None:
    def edit(bs: list) -> None:
        i = next(k for k, b in enumerate(bs) if isinstance(b, PTable) and b.table_id == "t3")
        t3 = bs[i]
        k = _row_of(t3, at)
        second = [list(r) for r in t3.rows[k:]]
        second[0] = [
            PCell(c.text, span=c.span, vmerge="restart") if c.vmerge == "continue" else c
            for c in second[0]
        ]
        bs[i : i + 1] = [
            PTable("t3", t3.rows[:k], t3.widths),
            PPara(""),
            PTable("t3", second, t3.widths),
        ]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t3.") == []
    assert problems(rec) == []


def test_t3_inside_one_cell_layout_table(tmp_path: Path) -> None:
    # Word files made from web pages or OA systems: the statistics table sits inside a
    # one-cell bordered frame table.
    path = write_docx(blocks(), tmp_path / "report.docx")
    d = docx.Document(path)
    t3 = d.element.body.findall(qn("w:tbl"))[1]
    outer = d.add_table(rows=1, cols=1)._tbl
    t3.addprevious(outer)
    tc = outer.find(".//" + qn("w:tc"))
    for p in tc.findall(qn("w:p")):
        tc.remove(p)
    tc.append(t3)
    tc.append(OxmlElement("w:p"))
    d.save(path)
    rec = process_file(path)
    assert mismatches(rec, "t3.") == []


# --------------------------------------------------------------------------- t2 layouts


def test_t2_label_variants(tmp_path: Path) -> None:
    rec = docx_case(
        tmp_path,
        relabel(
            {
                "行政规范性文件": "规范性文件",
                "本年制发件数": "本年新制发件数",
                "本年处理决定数量": "本年处理决定数量（件）",
                "第二十条第（一）项": "第二十条第(一)项",
            },
            "t2",
        ),
    )
    assert mismatches(rec, "t2.") == []
    assert problems(rec) == []


@pytest.mark.parametrize("layout", ["one", "four"])
def test_t2_without_article_20_rows(tmp_path: Path, layout: str) -> None:
    bs = compose(REP, t2_layout=layout)
    for t in tables(bs, "t2"):
        t.rows = [r for r in t.rows if "第二十条" not in r[0].text]
    rec = process_file(write_docx(bs, tmp_path / "report.docx"))
    assert mismatches(rec, "t2.") == []
    assert problems(rec) == []


def test_t2_unit_column(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        for t in tables(bs, "t2"):
            t.widths = [2000, 800, 2000, 2000, 2000]
            for row in t.rows:
                if len(row) == 1:
                    row[0].span = 5
                elif row[0].text == "信息内容":
                    row.insert(1, PCell("计量单位"))
                else:
                    row.insert(1, PCell("万元" if "收费" in row[0].text else "件"))

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t2.") == []
    assert problems(rec) == []


# --------------------------------------------------------------------------- t4 layouts


def test_t4_printed_as_two_tables(tmp_path: Path) -> None:
    # 行政复议 in one table, 行政诉讼 (direct / after reconsideration) in a second one.
    def edit(bs: list) -> None:
        i = next(k for k, b in enumerate(bs) if isinstance(b, PTable) and b.table_id == "t4")
        vals = bs[i].rows[3]
        a = PTable(
            "t4",
            [[PCell("行政复议", span=5)], [PCell(o) for o in T4_OUTCOMES], vals[:5]],
            [649] * 5,
        )
        b = PTable(
            "t4",
            [
                [PCell("行政诉讼", span=10)],
                [PCell("未经复议直接起诉", span=5), PCell("复议后起诉", span=5)],
                [PCell(o) for o in T4_OUTCOMES * 2],
                vals[5:],
            ],
            [649] * 10,
        )
        bs[i : i + 1] = [a, PPara(""), b]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t4.") == []
    assert problems(rec) == []


def test_t4_total_column_first_in_each_group(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        t4 = tables(bs, "t4")[0]
        vals = t4.rows[3]

        def perm(x: list) -> list:
            return [x[4], *x[:4]]

        po = perm(list(T4_OUTCOMES))
        t4.rows = [
            [PCell("行政复议", span=5), PCell("行政诉讼", span=10)],
            [
                *[PCell(o, vmerge="restart") for o in po],
                PCell("未经复议直接起诉", span=5),
                PCell("复议后起诉", span=5),
            ],
            [*[PCell(vmerge="continue") for _ in range(5)], *[PCell(o) for o in po * 2]],
            perm(vals[0:5]) + perm(vals[5:10]) + perm(vals[10:15]),
        ]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t4.") == []
    assert problems(rec) == []


def test_t4_litigation_before_reconsideration(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        t4 = tables(bs, "t4")[0]
        vals = t4.rows[3]
        t4.rows = [
            [PCell("行政诉讼", span=10), PCell("行政复议", span=5)],
            [
                PCell("未经复议直接起诉", span=5),
                PCell("复议后起诉", span=5),
                *[PCell(o, vmerge="restart") for o in T4_OUTCOMES],
            ],
            [*[PCell(o) for o in T4_OUTCOMES * 2], *[PCell(vmerge="continue") for _ in range(5)]],
            vals[5:] + vals[:5],
        ]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t4.") == []
    assert problems(rec) == []


def test_t4_transposed_with_merged_litigation_label(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        t4 = tables(bs, "t4")[0]
        vals = t4.rows[3]
        t4.widths = [900, 1400] + [900] * 5
        t4.rows = [
            [PCell("类别", span=2), *[PCell(o) for o in T4_OUTCOMES]],
            [PCell("行政复议", span=2), *vals[0:5]],
            [PCell("行政诉讼", vmerge="restart"), PCell("未经复议直接起诉"), *vals[5:10]],
            [PCell(vmerge="continue"), PCell("复议后起诉"), *vals[10:15]],
        ]

    rec = docx_case(tmp_path, edit)
    assert mismatches(rec, "t4.") == []
    assert problems(rec) == []


# --------------------------------------------------------------------------- printed values


@pytest.mark.parametrize(
    ("key", "printed", "value"),
    [
        ("t2.licensing.decisions", "1 483", 1483),
        ("t2.licensing.decisions", "1，483", 1483),
        ("t2.licensing.decisions", "1483件", 1483),
        ("t2.licensing.decisions", "1483*", 1483),  # footnote mark
        ("t2.licensing.decisions", "1483①", 1483),  # footnote mark ①, not a digit 1
        ("t2.rules.issued", "０", 0),
        ("t2.rules.issued", "0.0", 0),
        ("t2.rules.issued", "—/—", 0),
    ],
    ids=[
        "thin-space",
        "fullwidth-comma",
        "unit-jian",
        "footnote-star",
        "footnote-circled",
        "fullwidth-zero",
        "zero-point-zero",
        "dash-slash-dash",
    ],
)
def test_printed_value_forms(tmp_path: Path, key: str, printed: str, value: int) -> None:
    def edit(bs: list) -> None:
        for t in tables(bs, "t2"):
            for row in t.rows:
                for cell in row:
                    if cell.key == key:
                        cell.text = printed

    rec = docx_case(tmp_path, edit)
    assert rec.fact_map()[key].value == value


# --------------------------------------------------------------------------- metadata


def _set_title(*lines: str) -> Callable[[list], None]:
    def edit(bs: list) -> None:
        bs[0:1] = [PPara(x) for x in lines]

    return edit


def test_title_with_spaces_between_characters(tmp_path: Path) -> None:
    rec = docx_case(tmp_path, _set_title(" ".join(TITLE)))
    assert (rec.metadata["agency"], rec.metadata["year"]) == (AGENCY, 2023)


def test_title_niandu_gongzuo_baogao(tmp_path: Path) -> None:
    rec = docx_case(tmp_path, _set_title(f"{AGENCY}2023年度政府信息公开工作报告"))
    assert (rec.metadata["title"], rec.metadata["agency"], rec.metadata["year"]) == (
        f"{AGENCY}2023年度政府信息公开工作报告",
        AGENCY,
        2023,
    )


def test_title_year_first(tmp_path: Path) -> None:
    # "2022年上海市政府信息公开工作年度报告" style: the year before the agency.
    title = f"2023年{AGENCY}政府信息公开工作年度报告"
    rec = docx_case(tmp_path, _set_title(title))
    assert (rec.metadata["title"], rec.metadata["agency"], rec.metadata["year"]) == (
        title,
        AGENCY,
        2023,
    )


def test_document_number_line_above_title(tmp_path: Path) -> None:
    rec = docx_case(tmp_path, _set_title("江城区统字〔2024〕3号", TITLE))
    assert (rec.metadata["title"], rec.metadata["agency"], rec.metadata["year"]) == (
        TITLE,
        AGENCY,
        2023,
    )


@pytest.mark.parametrize("mark", ["附件", "附件1"], ids=["fujian", "fujian1"])
def test_attachment_mark_above_title(tmp_path: Path, mark: str) -> None:
    rec = docx_case(tmp_path, _set_title(mark, TITLE))
    assert (rec.metadata["title"], rec.metadata["agency"], rec.metadata["year"]) == (
        TITLE,
        AGENCY,
        2023,
    )


def test_cover_notice_line_above_title(tmp_path: Path) -> None:
    rec = docx_case(
        tmp_path, _set_title(f"{AGENCY}关于公布2023年政府信息公开工作年度报告的通知", TITLE)
    )
    assert (rec.metadata["agency"], rec.metadata["year"]) == (AGENCY, 2023)


def test_title_only_in_page_header(tmp_path: Path) -> None:
    bs = blocks()
    del bs[0]
    path = write_docx(bs, tmp_path / "report.docx")
    d = docx.Document(path)
    d.sections[0].header.paragraphs[0].text = TITLE
    d.save(path)
    rec = process_file(path)
    assert (rec.metadata["title"], rec.metadata["agency"], rec.metadata["year"]) == (
        TITLE,
        AGENCY,
        2023,
    )


def test_agency_only_in_signature_dated_month_only(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        bs[0].text = "2023年政府信息公开工作年度报告"
        bs[-1].text = "2024年1月"

    rec = docx_case(tmp_path, edit)
    assert (rec.metadata["agency"], rec.metadata["year"]) == (AGENCY, 2023)


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("二〇二四年一月二十日", "2024-01-20"),
        ("二○二四年一月二十日", "2024-01-20"),  # ○ (U+25CB), the usual stand-in for 〇
    ],
    ids=["ling-U+3007", "circle-U+25CB"],
)
def test_signature_date_in_chinese_numerals(tmp_path: Path, printed: str, iso: str) -> None:
    def edit(bs: list) -> None:
        bs[-1].text = printed

    rec = docx_case(tmp_path, edit)
    assert rec.metadata["published_on"] == iso


@pytest.mark.parametrize("note", ["（印章）", "（盖章）"], ids=["yinzhang", "gaizhang"])
def test_agency_only_in_signature_with_seal_note(tmp_path: Path, note: str) -> None:
    def edit(bs: list) -> None:
        bs[0].text = "2023年政府信息公开工作年度报告"
        bs[-2].text = AGENCY + note

    rec = docx_case(tmp_path, edit)
    assert (rec.metadata["agency"], rec.metadata["published_on"]) == (AGENCY, "2024-01-27")


def test_publication_date_under_title_no_signature(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        bs.insert(1, PPara("（2024年1月20日）"))
        del bs[-2:]  # no signature, no date at the end

    rec = docx_case(tmp_path, edit)
    assert rec.metadata["published_on"] == "2024-01-20"


def _period_sentence(sentence: str) -> Callable[[list], None]:
    def edit(bs: list) -> None:
        p = para(bs, "本报告依据")
        p.text = re.sub(r"本报告所列数据的统计期限为[^。]*。", sentence, p.text)
        assert sentence in p.text

    return edit


@pytest.mark.parametrize(
    "sentence",
    [
        "本报告所列数据的统计期限为２０２３年１月１日至２０２３年１２月３１日。",
        "本年度报告中所列数据统计期限为2023年1月1日至12月31日。",  # Shanghai 2022 wording
        "报告所列数据的统计期限自2023年1月1日起至12月31日止。",  # Taizhou 2017 wording
        "本报告中所列数据的统计时限自2023年1月1日至2023年12月31日。",  # Nanping 2012 wording
        "本报告统计数据从2023年1月1日至2023年12月31日止。",  # Jin'an 2016 wording
    ],
    ids=[
        "fullwidth-digits",
        "second-year-omitted",
        "zi-qi-zhi-zhi",
        "tongji-shixian",
        "tongji-shuju-cong",
    ],
)
def test_statistics_period_wordings(tmp_path: Path, sentence: str) -> None:
    rec = docx_case(tmp_path, _period_sentence(sentence))
    assert (rec.metadata["period_start"], rec.metadata["period_end"]) == (
        "2023-01-01",
        "2023-12-31",
    )


def test_department_report_mentioning_city_wide_work_is_not_aggregate(tmp_path: Path) -> None:
    def edit(bs: list) -> None:
        p = para(bs, "本报告依据")
        p.text = "根据全市政府信息公开工作统一部署，" + p.text

    rec = docx_case(tmp_path, edit)
    assert rec.metadata["scope"] == "agency"


# --------------------------------------------------------------------------- whole documents


def _everything_right(rec: Record) -> None:
    assert (rec.metadata["agency"], rec.metadata["year"], rec.metadata["published_on"]) == (
        AGENCY,
        2023,
        "2024-01-27",
    )
    assert mismatches(rec, "t2.", "t3.", "t4.") == []
    assert problems(rec) == []


def test_html_report_inside_layout_table(tmp_path: Path) -> None:
    # An old portal: page chrome and the article laid out with <table>s, no CMS wrapper.
    bs = blocks()
    page = f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>
<table width="100%" border="0"><tr><td><img src="logo.gif"/> 江城市某某区人民政府</td></tr>
<tr><td><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></td></tr></table>
<table width="960" border="0" cellpadding="0" cellspacing="0" align="center"><tr>
<td width="200" valign="top"><table><tr><td><a href="/a">政府信息公开指南</a></td></tr>
<tr><td><a href="/b">政府信息公开制度</a></td></tr><tr><td><a href="/c">政府信息公开年报</a></td></tr></table></td>
<td width="760" valign="top">{html_body(bs)}</td></tr></table>
<table width="100%"><tr><td>版权所有：江城市某某区人民政府 网站标识码 4201000000</td></tr></table>
</body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    _everything_right(process_file(path))


def test_html_gbk_without_charset_declaration(tmp_path: Path) -> None:
    page = f"<html><head><title>{TITLE}</title></head><body><div>{html_body(blocks())}</div></body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gbk"))
    _everything_right(process_file(path))


def test_html_word_export_gb2312(tmp_path: Path) -> None:
    # "Save as web page" from Word: MsoNormal spans, <o:p>, the supportMisalignedColumns row.
    parts = []
    for b in blocks():
        if isinstance(b, PTable):
            t = re.sub(
                r"<p>(.*?)</p>",
                lambda m: (
                    "<p class=MsoNormal align=center><span lang=EN-US "
                    f"style='font-size:10.5pt'>{m[1]}<o:p></o:p></span></p>"
                ),
                html_table(b),
            )
            spacer = "".join(f"<td width={w // 15} style='border:none'></td>" for w in b.widths)
            parts.append(
                t.replace(
                    "</table>",
                    f"<![if !supportMisalignedColumns]><tr height=0>{spacer}</tr><![endif]></table>",
                )
            )
        else:
            parts.append(
                f"<p class=MsoNormal><span style='font-family:仿宋_GB2312'>{html.escape(b.text)}<o:p></o:p></span></p>"
            )
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312"><meta name=Generator content="Microsoft Word 15">'
        f"<title>x</title></head><body lang=ZH-CN><div class=WordSection1>{''.join(parts)}</div></body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gbk"))
    _everything_right(process_file(path))


def test_html_with_disclosure_catalogue_box(tmp_path: Path) -> None:
    # 索引号 / 发布机构 / 发文日期 box above the article, as on most 政府信息公开 platforms.
    bs = blocks()
    box = f"""<table class="xxgk-info" border="1"><tr><td>索 引 号</td><td>11420100MB1234567X/2024-00012</td>
<td>分 类</td><td>政府信息公开年报</td></tr><tr><td>发布机构</td><td>{AGENCY}</td><td>发文日期</td><td>2024-01-27</td></tr>
<tr><td>名 称</td><td colspan="3">{TITLE}</td></tr><tr><td>文 号</td><td></td><td>有 效 性</td><td>有效</td></tr></table>"""
    page = (
        f"<html><head><meta charset='utf-8'><title>{TITLE}_江城市某某区人民政府</title></head><body>"
        f"<div class='main'>{box}<div id='zoom'>{html_body(bs[1:])}</div></div></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    _everything_right(process_file(path))


def test_docx_floating_tables(tmp_path: Path) -> None:
    path = write_docx(blocks(), tmp_path / "report.docx")
    d = docx.Document(path)
    for tbl in d.element.body.findall(qn("w:tbl")):
        pos = OxmlElement("w:tblpPr")
        for k, v in (
            ("leftFromText", "180"),
            ("rightFromText", "180"),
            ("vertAnchor", "text"),
            ("tblpY", "200"),
        ):
            pos.set(qn(f"w:{k}"), v)
        tbl.find(qn("w:tblPr")).insert(0, pos)
    d.save(path)
    _everything_right(process_file(path))


def test_docx_wps_empty_paragraphs(tmp_path: Path) -> None:
    # WPS: an empty paragraph after every paragraph, label cells padded with empty lines.
    def edit(bs: list) -> None:
        for t in tables(bs, "t2") + tables(bs, "t3"):
            for row in t.rows:
                for cell in row:
                    if cell.text and not cell.key:
                        cell.text = "\n" + cell.text + "\n"
        out = []
        for b in bs:
            out += [b, PPara("")] if isinstance(b, PPara) else [b]
        bs[:] = out

    _everything_right(docx_case(tmp_path, edit))


# --------------------------------------------------------------------------- PDF (LibreOffice)


def _to_pdf(docx_path: Path) -> Path:
    soffice = libreoffice()
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    (pdf,) = convert([docx_path], docx_path.parent, "pdf", exe=soffice, timeout=120)
    return pdf


def _section_break(landscape: bool) -> OxmlElement:
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    sect = OxmlElement("w:sectPr")
    size = OxmlElement("w:pgSz")
    w, h = ("16838", "11906") if landscape else ("11906", "16838")
    size.set(qn("w:w"), w)
    size.set(qn("w:h"), h)
    if landscape:
        size.set(qn("w:orient"), "landscape")
    sect.append(size)
    ppr.append(sect)
    p.append(ppr)
    return p


def test_pdf_t3_in_landscape_section_with_repeated_header(tmp_path: Path) -> None:
    path = write_docx(blocks(), tmp_path / "report.docx")
    d = docx.Document(path)
    t3 = d.element.body.findall(qn("w:tbl"))[1]
    for tr in t3.findall(qn("w:tr"))[:3]:  # header rows repeat on the next page
        trpr = tr.find(qn("w:trPr"))
        if trpr is None:
            trpr = OxmlElement("w:trPr")
            tr.insert(0, trpr)
        trpr.append(OxmlElement("w:tblHeader"))
    t3.addprevious(_section_break(landscape=False))  # ends the portrait section before t3
    t3.addnext(_section_break(landscape=True))  # ends the landscape section holding t3
    d.save(path)
    _everything_right(process_file(_to_pdf(path)))


def test_pdf_with_running_header_and_page_numbers(tmp_path: Path) -> None:
    path = write_docx(blocks(), tmp_path / "report.docx")
    d = docx.Document(path)
    sec = d.sections[0]
    sec.header.paragraphs[0].text = TITLE
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("— ")
    r = fp.add_run()._r
    for kind, instr in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        r.append(el)
    fp.add_run(" —")
    d.save(path)
    _everything_right(process_file(_to_pdf(path)))

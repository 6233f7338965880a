"""Print a SynthReport the way agencies publish: Word, a portal web page, or a text dump.

All three writers render one block list (`compose`), so a .docx, its .html twin and its
.txt dump always carry the same text and the same merged-cell layout. The layout copies
the official templates cell for cell: the 2021 template's gridSpan/vMerge (read from
official-template-2021.docx) and the 2019 template's, whose t2 has a 5-column grid with a
sliver column, so that header and data cells of 第二十条第（五）（六）项 do not line up
(as seen in reports built from it, e.g. Shanghai's 2019 report).

Variants reproduce what real publishers do to the template; each is a keyword argument,
off by default (see `Variant`). The txt dump mimics a Tika-style docx-to-text conversion,
like /work/shared/samples/wuhan-qiaokou-archives-2024.txt: one tab-prefixed line per
<w:tc> (a vMerge continuation prints as an empty cell, a gridSpan cell once), a blank line
after each row and one more after the table.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, Twips
from docx.text.run import Run

from pipeline.synth.data import (
    APPLICANT_COLS,
    OTHER_ROWS_2021,
    SECTION_TITLES,
    T3_COLS,
    SynthReport,
)

# --------------------------------------------------------------------------- block model


@dataclass
class PCell:
    text: str = ""
    span: int = 1  # grid columns covered (gridSpan / colspan)
    vmerge: str | None = None  # "restart" or "continue" (vMerge / rowspan)
    key: str | None = None  # canonical key of a data cell
    br: bool = False  # line breaks as <w:br/> in one paragraph (else one paragraph per line)
    align: str = "center"


@dataclass
class PTable:
    table_id: str  # t2, t3 or t4
    rows: list[list[PCell]]
    widths: list[int]  # grid column widths in twips


@dataclass
class PPara:
    text: str
    role: str = (
        "body"  # title, blank, preamble, heading, subheading, body, caption, signature, date
    )


Block = PPara | PTable


@dataclass(frozen=True)
class Variant:
    """Ways real reports deviate from the clean template; all off by default."""

    title_split: bool = False  # title over two paragraphs: "…{year}年政府" / "信息公开工作年度报告"
    title_niandu: bool = False  # "{year}年度政府信息公开工作年度报告"
    title_fullwidth: bool = False  # full-width digits in the title (２０２４)
    t2_layout: str = "one"  # "one" 14-row table (template) or "four" tables, one per 第二十条 item
    blank_zeros: bool = False  # zero cells left blank
    fullwidth_digits: bool = False  # table numbers in full-width digits
    split_labels: bool = False  # long labels broken over lines inside the cell
    vertical_label: bool = False  # 三、本年度办理结果 one character per line
    other_single_row: bool = False  # 2021 report printing （六）其他处理 as one row (the sum)
    dash_cells: frozenset[str] = field(default_factory=frozenset)  # keys printed as —
    text_cells: Mapping[str, str] = field(default_factory=dict)  # key → odd text (见附件)
    money_in_yuan: bool = False  # money printed in 元 with 元 in the header
    caption: bool = False  # 表一/表二/表三 paragraphs before the tables
    t3_header_repeat: bool = False  # t3 split in two tables, header rows repeated (page break)
    plus_sign: bool = False  # 2019 本年增/减 printed with an explicit + on increases

    def __post_init__(self) -> None:
        if self.t2_layout not in ("one", "four"):
            raise ValueError(f"t2_layout must be 'one' or 'four', not {self.t2_layout!r}")
        object.__setattr__(self, "dash_cells", frozenset(self.dash_cells))


# --------------------------------------------------------------------------- labels

TL_LABEL = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULTS_LABEL = "三、本年度办理结果"

# (header cells with spans, data rows (row_key, label), data columns (col_key, span)).
_T2_BLOCKS: dict[
    str, list[tuple[str, list[tuple[str, int]], list[tuple[str, str]], list[tuple[str, int]]]]
] = {
    "2021": [
        (
            "第二十条第（一）项",
            [("信息内容", 1), ("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)],
            [("rules", "规章"), ("normative_docs", "行政规范性文件")],
            [("issued", 1), ("repealed", 1), ("in_force", 1)],
        ),
        (
            "第二十条第（五）项",
            [("信息内容", 1), ("本年处理决定数量", 3)],
            [("licensing", "行政许可")],
            [("decisions", 3)],
        ),
        (
            "第二十条第（六）项",
            [("信息内容", 1), ("本年处理决定数量", 3)],
            [("penalty", "行政处罚"), ("coercion", "行政强制")],
            [("decisions", 3)],
        ),
        (
            "第二十条第（八）项",
            [("信息内容", 1), ("本年收费金额（单位：万元）", 3)],
            [("fees", "行政事业性收费")],
            [("amount", 3)],
        ),
    ],
    "2019": [
        (
            "第二十条第（一）项",
            [("信息内容", 1), ("本年新制作数量", 1), ("本年新公开数量", 2), ("对外公开总数量", 1)],
            [("rules", "规章"), ("normative_docs", "规范性文件")],
            [("new_made", 1), ("new_published", 2), ("total_published", 1)],
        ),
        (
            "第二十条第（五）项",
            [("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 2), ("处理决定数量", 1)],
            [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
            [("prior_year_items", 2), ("change", 1), ("decisions", 1)],
        ),
        (
            "第二十条第（六）项",
            [("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 2), ("处理决定数量", 1)],
            [("penalty", "行政处罚"), ("coercion", "行政强制")],
            [("prior_year_items", 2), ("change", 1), ("decisions", 1)],
        ),
        (
            "第二十条第（八）项",
            [("信息内容", 1), ("上一年项目数量", 2), ("本年增/减", 2)],
            [("fees", "行政事业性收费")],
            [("prior_year_items", 2), ("change", 2)],
        ),
        (
            "第二十条第（九）项",
            [("信息内容", 1), ("采购项目数量", 2), ("采购总金额", 2)],
            [("central_procurement", "政府集中采购")],
            [("projects", 2), ("amount", 2)],
        ),
    ],
}
# Grid widths (twips): the 2021 template's; 2019 after the Shanghai 2019 page (px × 15).
_T2_WIDTHS = {"2021": [2435, 2435, 2435, 2435], "2019": [3285, 2235, 15, 1515, 1335]}
_T3_WIDTHS = [754, 921, 3271, 685, 685, 685, 685, 685, 685, 685]
_T4_WIDTHS = [649] * 7 + [650] * 8

_T3_GROUPS: list[tuple[str | None, list[tuple[str, str]]]] = [
    (None, [("granted", "（一）予以公开")]),
    (None, [("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")]),
    (
        "（三）不予公开",
        [
            ("denied.state_secret", "1.属于国家秘密"),
            ("denied.prohibited_by_law", "2.其他法律行政法规禁止公开"),
            ("denied.security_stability", "3.危及“三安全一稳定”"),
            ("denied.third_party_rights", "4.保护第三方合法权益"),
            ("denied.internal_affairs", "5.属于三类内部事务信息"),
            ("denied.process_info", "6.属于四类过程性信息"),
            ("denied.enforcement_files", "7.属于行政执法案卷"),
            ("denied.inquiry_matters", "8.属于行政查询事项"),
        ],
    ),
    (
        "（四）无法提供",
        [
            ("unavailable.not_held", "1.本机关不掌握相关政府信息"),
            ("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
            ("unavailable.unclear_after_correction", "3.补正后申请内容仍不明确"),
        ],
    ),
    (
        "（五）不予处理",
        [
            ("not_processed.petition", "1.信访举报投诉类申请"),
            ("not_processed.duplicate", "2.重复申请"),
            ("not_processed.publication", "3.要求提供公开出版物"),
            ("not_processed.excessive", "4.无正当理由大量反复申请"),
            ("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ],
    ),
    (
        "（六）其他处理",
        [
            (
                "other.no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "other.no_fee_paid",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("other.other", "3.其他"),
        ],
    ),
    (None, [("total", "（七）总计")]),
]
_OTHER_SINGLE = (None, [("other", "（六）其他处理")])

# Where PDF-to-Word conversions and narrow columns break long labels.
_SPLIT: dict[str, str] = {
    TL_LABEL: "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）",
    "一、本年新收政府信息公开申请数量": "一、本年新收政府信\n息公开申请数量",
    "二、上年结转政府信息公开申请数量": "二、上年结转政府信\n息公开申请数量",
    "四、结转下年度继续办理": "四、结转下年度继\n续办理",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开（区分处理的，只计\n这一情形，不计其他情形）",
    "2.其他法律行政法规禁止公开": "2.其他法律行政法规禁\n止公开",
    "1.本机关不掌握相关政府信息": "1.本机关不掌握相关政\n府信息",
    "5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或重\n新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "1.申请人无正当理由逾期不补\n正、行政机关不再处理其政府\n信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "2.申请人逾期未按收费通知要\n求缴纳费用、行政机关不再处\n理其政府信息公开申请",
    "法人或其他组织": "法人或其他\n组织",
    "社会公益组织": "社会公\n益组织",
    "法律服务机构": "法律服\n务机构",
    "行政规范性文件": "行政规范\n性文件",
    "行政事业性收费": "行政事业\n性收费",
    "其他对外管理服务事项": "其他对外管理\n服务事项",
    "本年收费金额（单位：万元）": "本年收费金额\n（单位：万元）",
    "未经复议直接起诉": "未经复议\n直接起诉",
}

_FULLWIDTH = str.maketrans("0123456789.+-", "０１２３４５６７８９．＋－")
_MONEY_KEYS = {"t2.fees.amount", "t2.central_procurement.amount"}


# --------------------------------------------------------------------------- cell text


def _money_text(amount: Decimal, in_yuan: bool) -> str:
    if in_yuan:
        yuan = amount * 10000
        return str(int(yuan)) if yuan == yuan.to_integral_value() else f"{yuan:.2f}"
    return format(amount, "f")


def _value_text(key: str, val: int | Decimal, v: Variant) -> str:
    if key in v.text_cells:
        return v.text_cells[key]
    if key in v.dash_cells:
        return "—"
    if val == 0 and v.blank_zeros:
        return ""
    if isinstance(val, Decimal) or key in _MONEY_KEYS:
        s = _money_text(Decimal(val), v.money_in_yuan)
    else:
        s = str(val)
        if v.plus_sign and key.endswith(".change") and val > 0:
            s = "+" + s
    return s.translate(_FULLWIDTH) if v.fullwidth_digits else s


def _label(text: str, v: Variant) -> str:
    return _SPLIT.get(text, text) if v.split_labels else text


def printed_cells(rep: SynthReport, **variant: object) -> dict[str, str]:
    """Key → text as printed in the tables under these variants.

    A 2021 report with other_single_row prints （六）其他处理 once, so its cells appear
    under the 2019 keys t3.other.<col> (their value is the sum of the three sub-rows).
    """
    out: dict[str, str] = {}
    for block in compose(rep, **variant):
        if isinstance(block, PTable):
            for row in block.rows:
                for cell in row:
                    if cell.key is not None:
                        out[cell.key] = cell.text
    return out


# --------------------------------------------------------------------------- tables


def _data_cell(key: str, val: int | Decimal, span: int, v: Variant) -> PCell:
    return PCell(text=_value_text(key, val, v), span=span, key=key)


def _t2_tables(rep: SynthReport, v: Variant) -> list[PTable]:
    fmt = rep.format_version
    widths = _T2_WIDTHS[fmt]
    ncols = len(widths)
    blocks: list[list[list[PCell]]] = []
    for head, header, rows, cols in _T2_BLOCKS[fmt]:
        part: list[list[PCell]] = [[PCell(head, span=ncols)]]
        hdr = []
        for text, span in header:
            if v.money_in_yuan and "金额" in text:
                text = text.replace("（单位：万元）", "") + "（单位：元）"
            hdr.append(PCell(_label(text, v), span=span))
        part.append(hdr)
        for row_key, label in rows:
            cells = [PCell(_label(label, v), align="left")]
            for col_key, span in cols:
                key = f"t2.{row_key}.{col_key}"
                cells.append(_data_cell(key, rep.values[key], span, v))
            part.append(cells)
        blocks.append(part)
    if v.t2_layout == "four":
        return [PTable("t2", part, list(widths)) for part in blocks]
    return [PTable("t2", [r for part in blocks for r in part], list(widths))]


def _t3_header(v: Variant) -> list[list[PCell]]:
    lab = [
        PCell(_label(c, v))
        for c in ("商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他")
    ]
    return [
        [PCell(_label(TL_LABEL, v), span=3, vmerge="restart"), PCell("申请人情况", span=7)],
        [
            PCell(span=3, vmerge="continue"),
            PCell("自然人", vmerge="restart"),
            PCell(_label("法人或其他组织", v), span=5),
            PCell("总计", vmerge="restart"),
        ],
        [
            PCell(span=3, vmerge="continue"),
            PCell(vmerge="continue"),
            *lab,
            PCell(vmerge="continue"),
        ],
    ]


def _t3_values(rep: SynthReport, row_key: str, v: Variant) -> list[PCell]:
    cells = []
    for col in T3_COLS:
        key = f"t3.{row_key}.{col}"
        if row_key == "other" and rep.format_version == "2021":
            val: int | Decimal = sum(int(rep.values[f"t3.{r}.{col}"]) for r in OTHER_ROWS_2021)
        else:
            val = rep.values[key]
        cells.append(_data_cell(key, val, 1, v))
    return cells


def _t3_tables(rep: SynthReport, v: Variant) -> list[PTable]:
    single_other = rep.format_version == "2019" or v.other_single_row
    groups = [
        _OTHER_SINGLE if single_other and g == "（六）其他处理" else (g, leaves)
        for g, leaves in _T3_GROUPS
    ]
    results_label = "\n".join(RESULTS_LABEL) if v.vertical_label else RESULTS_LABEL
    header = _t3_header(v)
    body: list[list[PCell]] = []
    split_at = 0  # body row where (五)不予处理 starts: the page break of t3_header_repeat
    for row_key, label in (
        ("new_received", "一、本年新收政府信息公开申请数量"),
        ("carried_over", "二、上年结转政府信息公开申请数量"),
    ):
        body.append([PCell(_label(label, v), span=3, align="left"), *_t3_values(rep, row_key, v)])
    first = True
    for group, leaves in groups:
        if group == "（五）不予处理":
            split_at = len(body)
        for i, (row_key, leaf) in enumerate(leaves):
            lead = PCell(results_label, vmerge="restart") if first else PCell(vmerge="continue")
            first = False
            if group is None:
                mid = [PCell(_label(leaf, v), span=2, align="left")]
            else:
                g = (
                    PCell(group, vmerge="restart", align="left")
                    if i == 0
                    else PCell(vmerge="continue")
                )
                mid = [g, PCell(_label(leaf, v), align="left")]
            body.append([lead, *mid, *_t3_values(rep, row_key, v)])
    body.append(
        [
            PCell(_label("四、结转下年度继续办理", v), span=3, align="left"),
            *_t3_values(rep, "carried_forward", v),
        ]
    )
    if not v.t3_header_repeat:
        return [PTable("t3", header + body, list(_T3_WIDTHS))]
    second = [list(r) for r in body[split_at:]]
    # A table cut by a page break restarts its vertical merge with an empty cell: the
    # merged label's text stays on the page where it was centred.
    second[0][0] = PCell(vmerge="restart")
    return [
        PTable("t3", header + body[:split_at], list(_T3_WIDTHS)),
        PTable("t3", _t3_header(v) + second, list(_T3_WIDTHS)),
    ]


def _t4_table(rep: SynthReport, v: Variant) -> PTable:
    outcomes = [
        ("upheld", "结果\n维持"),
        ("corrected", "结果\n纠正"),
        ("other", "其他\n结果"),
        ("pending", "尚未\n审结"),
        ("total", "总计"),
    ]
    r1 = [
        PCell("结果维持", vmerge="restart"),
        *[PCell(t, vmerge="restart", br=True) for _, t in outcomes[1:4]],
        PCell("总计", vmerge="restart"),
        PCell(_label("未经复议直接起诉", v), span=5),
        PCell("复议后起诉", span=5),
    ]
    r2 = [PCell(vmerge="continue") for _ in range(5)]
    for _ in range(2):
        r2 += [PCell(t, br=True) for _, t in outcomes]
    values = []
    for row in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        for col, _ in outcomes:
            key = f"t4.{row}.{col}"
            values.append(_data_cell(key, rep.values[key], 1, v))
    return PTable(
        "t4",
        [[PCell("行政复议", span=5), PCell("行政诉讼", span=10)], r1, r2, values],
        list(_T4_WIDTHS),
    )


# --------------------------------------------------------------------------- document


def _title_lines(rep: SynthReport, v: Variant) -> list[str]:
    year = str(rep.year).translate(_FULLWIDTH) if v.title_fullwidth else str(rep.year)
    nian = "年度" if v.title_niandu else "年"
    if v.title_split:
        return [f"{rep.agency}{year}{nian}政府", "信息公开工作年度报告"]
    return [f"{rep.agency}{year}{nian}政府信息公开工作年度报告"]


def compose(rep: SynthReport, **variant: object) -> list[Block]:
    """The report as paragraphs and tables, in print order (shared by all writers)."""
    v = Variant(**variant)  # type: ignore[arg-type]
    blocks: list[Block] = [PPara(t, "title") for t in _title_lines(rep, v)]
    blocks += [PPara("", "blank"), PPara(rep.preamble, "preamble")]
    tables: dict[str, list[PTable]] = {
        SECTION_TITLES[1]: _t2_tables(rep, v),
        SECTION_TITLES[2]: _t3_tables(rep, v),
        SECTION_TITLES[3]: [_t4_table(rep, v)],
    }
    captions = {SECTION_TITLES[1]: "表一", SECTION_TITLES[2]: "表二", SECTION_TITLES[3]: "表三"}
    for title in SECTION_TITLES:
        blocks.append(PPara(title, "heading"))
        for text in rep.sections.get(title, []):
            role = "subheading" if text.startswith("（") and len(text) < 24 else "body"
            blocks.append(PPara(text, role))
        if title in tables:
            if v.caption:
                blocks.append(PPara(captions[title], "caption"))
            for i, table in enumerate(tables[title]):
                if i:
                    # Word fuses tables that touch; real files keep an empty paragraph.
                    blocks.append(PPara("", "blank"))
                blocks.append(table)
    d = rep.published_on
    blocks += [
        PPara("", "blank"),
        PPara(rep.agency, "signature"),
        PPara(f"{d.year}年{d.month}月{d.day}日", "date"),
    ]
    return blocks


def placed_cells(rows: list[list[PCell]]) -> list[list[tuple[int, PCell]]]:
    """Each row's cells with the grid column they start at."""
    out = []
    for row in rows:
        col, placed = 0, []
        for cell in row:
            placed.append((col, cell))
            col += cell.span
        out.append(placed)
    return out


# --------------------------------------------------------------------------- docx

_FONTS = {
    "title": ("方正小标宋简体", 22.0, False),
    "heading": ("黑体", 16.0, False),
    "subheading": ("楷体_GB2312", 16.0, False),
    "caption": ("黑体", 14.0, False),
}
_BODY_FONT = ("仿宋_GB2312", 16.0, False)
_CELL_FONT = "宋体"
_CELL_SIZE = 21  # half-points: 10.5pt (五号), as in the template


def _font(run: Run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold or None
    # font.name sets only the Latin slots; Chinese text uses w:eastAsia.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _cell_paragraph(lines: list[str], align: str) -> BaseOxmlElement:
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center" if align == "center" else "left")
    ppr.append(jc)
    p.append(ppr)
    for i, line in enumerate(lines):
        if not line and len(lines) == 1:
            break  # an empty cell is an empty paragraph, as in the template
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), _CELL_FONT)
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(_CELL_SIZE))
        rpr.append(fonts)
        rpr.append(sz)
        r.append(rpr)
        if i:
            r.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = line
        r.append(t)
        p.append(r)
    return p


def _tc(cell: PCell, width: int) -> BaseOxmlElement:
    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), str(width))
    w.set(qn("w:type"), "dxa")
    pr.append(w)  # schema order: tcW, gridSpan, vMerge, …, vAlign
    if cell.span > 1:
        gs = OxmlElement("w:gridSpan")
        gs.set(qn("w:val"), str(cell.span))
        pr.append(gs)
    if cell.vmerge:
        vm = OxmlElement("w:vMerge")
        vm.set(qn("w:val"), cell.vmerge)
        pr.append(vm)
    va = OxmlElement("w:vAlign")
    va.set(qn("w:val"), "center")
    pr.append(va)
    tc.append(pr)
    text = "" if cell.vmerge == "continue" else cell.text
    lines = text.split("\n")
    if cell.br:
        tc.append(_cell_paragraph(lines, cell.align))
    else:
        for line in lines:
            tc.append(_cell_paragraph([line], cell.align))
    return tc


def docx_table(document: DocxDocument, table: PTable) -> None:
    t = document.add_table(rows=0, cols=len(table.widths))
    t.style = document.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for gc, w in zip(t._tbl.tblGrid.gridCol_lst, table.widths, strict=True):
        gc.w = Twips(w)
    for placed in placed_cells(table.rows):
        tr = OxmlElement("w:tr")
        for col, cell in placed:
            tr.append(_tc(cell, sum(table.widths[col : col + cell.span])))
        t._tbl.append(tr)


def _docx_bytes(blocks: list[Block], rep: SynthReport) -> bytes:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = _BODY_FONT[0]
    normal.font.size = Pt(_BODY_FONT[1])
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _BODY_FONT[0])
    sec = document.sections[0]
    sec.left_margin = sec.right_margin = Twips(1588)
    sec.top_margin, sec.bottom_margin = Twips(2098), Twips(1985)
    for block in blocks:
        if isinstance(block, PTable):
            docx_table(document, block)
            continue
        p = document.add_paragraph()
        fmt = p.paragraph_format
        if block.role in ("title", "caption"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.role in ("signature", "date"):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.role in ("body", "preamble", "subheading", "heading"):
            fmt.first_line_indent = Pt(32)  # two characters, the official style
        if block.text:
            name, size, bold = _FONTS.get(block.role, _BODY_FONT)
            _font(p.add_run(block.text), name, size, bold)
    props = document.core_properties
    stamp = dt.datetime.combine(rep.published_on, dt.time(9, 0))
    props.title = rep.title
    props.author = props.last_modified_by = rep.agency
    props.created = props.modified = stamp
    props.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue(), stamp)


def _stable_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Re-pack with fixed member timestamps so the same report gives the same sha256."""
    out = io.BytesIO()
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, 0)
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def write_docx(rep: SynthReport, path: str | Path, **variant: object) -> Path:
    """Write the report as a Word file in the official merged-cell layout."""
    path = Path(path)
    path.write_bytes(_docx_bytes(compose(rep, **variant), rep))
    return path


# --------------------------------------------------------------------------- html


def _html_table(table: PTable) -> str:
    grid = placed_cells(table.rows)
    at = {(r, c): cell for r, placed in enumerate(grid) for c, cell in placed}
    out = [
        '<table border="1" cellspacing="0" cellpadding="0" align="center" style="border-collapse:collapse;">',
        "<tbody>",
    ]
    for r, placed in enumerate(grid):
        out.append("<tr>")
        for c, cell in placed:
            if cell.vmerge == "continue":
                continue  # covered by the rowspan of the cell above
            attrs = []
            if cell.span > 1:
                attrs.append(f'colspan="{cell.span}"')
            if cell.vmerge == "restart":
                n = 1
                while (below := at.get((r + n, c))) is not None and below.vmerge == "continue":
                    n += 1
                if n > 1:
                    attrs.append(f'rowspan="{n}"')
            px = round(sum(table.widths[c : c + cell.span]) / 15)
            attrs.append(f'style="width:{px}px;"')
            body = (
                "<br />".join(html.escape(x) for x in cell.text.split("\n"))
                if cell.text
                else "&nbsp;"
            )
            align = "center" if cell.align == "center" else "left"
            out.append(f'<td {" ".join(attrs)} valign="middle"><p align="{align}">{body}</p></td>')
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


_P_STYLE = {
    "title": '<p style="text-align:center;font-size:22px;font-weight:bold;">{}</p>',
    "heading": '<p style="text-indent:2em;"><strong>{}</strong></p>',
    "subheading": '<p style="text-indent:2em;"><span style="font-family:楷体;">{}</span></p>',
    "caption": '<p style="text-align:center;">{}</p>',
    "signature": '<p style="text-align:right;">{}</p>',
    "date": '<p style="text-align:right;">{}</p>',
    "blank": "<p>&nbsp;</p>",
}


def _site_code(rep: SynthReport) -> int:
    return zlib.crc32(rep.site.encode("utf-8")) % 10**6  # stable fake ICP/标识码 digits


def write_html(
    rep: SynthReport,
    path: str | Path,
    encoding: str = "utf-8",
    *,
    container: str = "article",
    title_in_body: bool = False,
    **variant: object,
) -> Path:
    """Write the report as a portal article page (nav, breadcrumb, footer, scripts).

    `container` "article" puts the report in <div class="article">, "zoom" in
    <div id="zoom"> (the TRS/Hanweb CMS convention). gbk pages declare charset=gb2312
    as real sites do, though their bytes are GBK.
    """
    if container not in ("article", "zoom"):
        raise ValueError("container must be 'article' or 'zoom'")
    v = Variant(**variant)  # type: ignore[arg-type]
    blocks = compose(rep, **variant)
    title = "".join(
        _title_lines(rep, Variant(title_niandu=v.title_niandu, title_fullwidth=v.title_fullwidth))
    )
    body: list[str] = []
    if not title_in_body:
        # The page's <h1> carries the title; drop it and the empty paragraph after it.
        while blocks and isinstance(blocks[0], PPara) and blocks[0].role in ("title", "blank"):
            blocks.pop(0)
    for block in blocks:
        if isinstance(block, PTable):
            body.append(_html_table(block))
        else:
            tpl = _P_STYLE.get(block.role, '<p style="text-indent:2em;">{}</p>')
            body.append(tpl.format(html.escape(block.text)))
    if encoding.lower() in ("gbk", "gb2312", "gb18030"):
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
    else:
        meta = f'<meta charset="{encoding}" />'
    site, code = html.escape(rep.site), _site_code(rep)
    others = "".join(
        f'<li><a href="../{y}/t{y + 1}0120_{code}.html">{html.escape(rep.agency)}{y}年政府信息公开工作年度报告</a></li>'
        for y in (rep.year - 1, rep.year - 2)
    )
    opening = (
        '<div class="article">' if container == "article" else '<div id="zoom" class="TRS_Editor">'
    )
    pub = rep.published_on.isoformat()
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="SiteName" content="{site}" />
<meta name="ArticleTitle" content="{html.escape(title)}" />
<meta name="PubDate" content="{pub} 09:30" />
<meta name="ContentSource" content="{html.escape(rep.agency)}" />
<title>{html.escape(title)}_{site}</title>
<link rel="stylesheet" href="/images/common.css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top-bar"><div class="wrap"><span>今天是：<span id="today"></span></span>
<a href="/wza/">无障碍</a> | <a href="/site/old/">长者模式</a> | <a href="/search/">站内搜索</a></div></div>
<div class="header"><div class="wrap"><a class="logo" href="/"><img src="/images/logo.png" alt="{site}" /></a>
<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键词" /><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul class="wrap">
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjwm/">走进{html.escape(rep.site.removesuffix("人民政府"))}</a></li></ul></div>
<div class="wrap main">
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/fdzdgknr/">法定主动公开内容</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="sidebar"><h3>政府信息公开</h3><ul>
<li><a href="/zwgk/zn/">政府信息公开指南</a></li><li><a href="/zwgk/zd/">政府信息公开制度</a></li>
<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li><li class="on"><a href="/zwgk/ndbg/">政府信息公开年报</a></li></ul></div>
<div class="content">
<h1 class="article-title">{html.escape(title)}</h1>
<div class="article-info"><span>发布时间：{pub}</span><span>来源：{html.escape(rep.agency)}</span><span>浏览次数：<em id="hits">--</em></span>
<span class="font">字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
{opening}
{chr(10).join(body)}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul>{others}</ul></div>
</div>
</div>
<div class="footer"><div class="wrap">
<p>主办单位：{site}办公室　承办单位：{site}大数据中心</p>
<p>版权所有：{site}　网站标识码：42{code:06d}00　<a href="https://beian.miit.gov.cn/">鄂ICP备{code % 100000:05d}号-1</a></p>
<p>Copyright &copy; {rep.published_on.year} All Rights Reserved</p>
</div></div>
<script type="text/javascript">
function doZoom(size) {{ document.getElementById("zoom") && (document.getElementById("zoom").style.fontSize = size + "px"); }}
document.getElementById("today").innerHTML = new Date().toLocaleDateString("zh-CN");
var _maq = _maq || []; _maq.push(["_setAccount", "{code}"]);
</script>
</body>
</html>
"""
    path = Path(path)
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


# --------------------------------------------------------------------------- txt


def txt_text(rep: SynthReport, **variant: object) -> str:
    """The report as the sample's docx-to-text dump."""
    lines: list[str] = []
    for block in compose(rep, **variant):
        if isinstance(block, PPara):
            lines.append(block.text)
            continue
        for row in block.rows:
            for cell in row:
                parts = ("" if cell.vmerge == "continue" else cell.text).split("\n")
                lines.append("\t" + parts[0])
                lines.extend(parts[1:])  # continuation lines of a cell are unindented
            lines.append("")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_txt(rep: SynthReport, path: str | Path, **variant: object) -> Path:
    """Write the report as a UTF-8 text dump of its docx (same variants as write_docx)."""
    path = Path(path)
    path.write_text(txt_text(rep, **variant), encoding="utf-8", newline="\n")
    return path


__all__ = [
    "APPLICANT_COLS",
    "Block",
    "PCell",
    "PPara",
    "PTable",
    "Variant",
    "compose",
    "printed_cells",
    "txt_text",
    "write_docx",
    "write_html",
    "write_txt",
]

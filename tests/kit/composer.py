"""The composer: a SynthReport as the blocks every writer renders (paragraphs and tables).

The blocks are layout-neutral in that they name no file format: a paragraph has a role
(title, heading, body, signature…), a table is rows of cells with their grid spans and
vertical merges and, for data cells, the canonical key. The Word, web-page, text and PDF
writers all render one block list, so a .docx, its .html twin, its .txt dump and its PDF
always carry the same text and the same merged-cell layout. The layout copies the official
templates cell for cell: the 2021 template's gridSpan/vMerge (read from
official-template-2021.docx) and the 2019 template's, whose t2 has a 5-column grid with a
sliver column, so that header and data cells of 第二十条第（五）（六）项 do not line up (as
seen in reports built from it, e.g. Shanghai's 2019 report).

Variants reproduce what real publishers do to the template; each is a keyword argument,
off by default (see `Variant`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import spec
from tests.kit.report import (
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

# The printed labels come from items.csv (pipeline.spec); what is written here is the
# layout: which rows each t2 block holds under which heading, and the grid columns each
# header cell and each data cell spans (they differ in the 2019 template's (五)/(六)).
# A block is (heading, row keys, columns as (col_key, header span, data span)).
_T2_BLOCKS: dict[str, list[tuple[str, tuple[str, ...], tuple[tuple[str, int, int], ...]]]] = {
    "2021": [
        ("第二十条第（一）项", ("rules", "normative_docs"),
         (("issued", 1, 1), ("repealed", 1, 1), ("in_force", 1, 1))),
        ("第二十条第（五）项", ("licensing",), (("decisions", 3, 3),)),
        ("第二十条第（六）项", ("penalty", "coercion"), (("decisions", 3, 3),)),
        ("第二十条第（八）项", ("fees",), (("amount", 3, 3),)),
    ],
    "2019": [
        ("第二十条第（一）项", ("rules", "normative_docs"),
         (("new_made", 1, 1), ("new_published", 2, 2), ("total_published", 1, 1))),
        ("第二十条第（五）项", ("licensing", "other_services"),
         (("prior_year_items", 1, 2), ("change", 2, 1), ("decisions", 1, 1))),
        ("第二十条第（六）项", ("penalty", "coercion"),
         (("prior_year_items", 1, 2), ("change", 2, 1), ("decisions", 1, 1))),
        ("第二十条第（八）项", ("fees",), (("prior_year_items", 2, 2), ("change", 2, 2))),
        ("第二十条第（九）项", ("central_procurement",), (("projects", 2, 2), ("amount", 2, 2))),
    ],
}
T2_FIRST_HEADER = "信息内容"
# The 2021 template states the money column's unit in its header (本年收费金额（单位：万元））;
# the 2019 template prints 采购总金额 bare.
_UNIT_IN_HEADER = frozenset({"2021"})
# Grid widths (twips): the 2021 template's; 2019 after the Shanghai 2019 page (px × 15).
_T2_WIDTHS = {"2021": [2435, 2435, 2435, 2435], "2019": [3285, 2235, 15, 1515, 1335]}
_T3_WIDTHS = [754, 921, 3271, 685, 685, 685, 685, 685, 685, 685]
_T4_WIDTHS = [649] * 7 + [650] * 8



def _row_label(fmt: str, table_id: str, row_key: str) -> str:
    """The row's label in items.csv: for t3 result rows "group leaf" ((三)不予公开 1.属于…)."""
    return next(i.row_label for i in spec.items(fmt) if i.table_id == table_id and i.row_key == row_key)


def _col_label(fmt: str, table_id: str, col_key: str) -> tuple[str, ...]:
    """The column's label in items.csv, split into its levels (行政诉讼, 复议后起诉, 结果维持)
    as printed in the first row holding that column."""
    return next(tuple(i.col_label.split(" ")) for i in spec.items(fmt)
                if i.table_id == table_id and i.col_key == col_key)


def _t3_groups(fmt: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """t3's result rows and (七)总计 in printed order as (group label or None, [(row_key, leaf
    label)]): consecutive rows of one group ((三)不予公开 1.… 2.…) share an entry."""
    rows = spec.row_keys(fmt, "t3")
    out: list[tuple[str | None, list[tuple[str, str]]]] = []
    for row_key in rows[rows.index("carried_over") + 1 : rows.index("carried_forward")]:
        group, _, leaf = _row_label(fmt, "t3", row_key).removeprefix(RESULTS_LABEL).rpartition(" ")
        if group and out and out[-1][0] == group:
            out[-1][1].append((row_key, leaf))
        else:
            out.append((group or None, [(row_key, leaf)]))
    return out


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
_MONEY_KEYS = frozenset(i.key for i in spec.items() if i.is_money)


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


def _t2_header_text(fmt: str, col_key: str) -> str:
    text = _col_label(fmt, "t2", col_key)[-1]
    item = next(i for i in spec.items(fmt) if i.table_id == "t2" and i.col_key == col_key)
    if item.is_money and fmt in _UNIT_IN_HEADER:
        text += f"（单位：{item.unit}）"
    return text


def _t2_tables(rep: SynthReport, v: Variant) -> list[PTable]:
    fmt = rep.format_version
    widths = _T2_WIDTHS[fmt]
    ncols = len(widths)
    blocks: list[list[list[PCell]]] = []
    for head, rows, cols in _T2_BLOCKS[fmt]:
        part: list[list[PCell]] = [[PCell(head, span=ncols)]]
        hdr = [PCell(_label(T2_FIRST_HEADER, v))]
        for col_key, span, _ in cols:
            text = _t2_header_text(fmt, col_key)
            if v.money_in_yuan and "金额" in text:
                text = text.replace("（单位：万元）", "") + "（单位：元）"
            hdr.append(PCell(_label(text, v), span=span))
        part.append(hdr)
        for row_key in rows:
            cells = [PCell(_label(_row_label(fmt, "t2", row_key), v), align="left")]
            for col_key, _, span in cols:
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
    # A 2021 report printing （六）其他处理 as one row prints the 2019 template's rows (the
    # two templates' t3 differ in nothing else).
    single_other = rep.format_version == "2019" or v.other_single_row
    groups = _t3_groups("2019" if single_other else rep.format_version)
    results_label = "\n".join(RESULTS_LABEL) if v.vertical_label else RESULTS_LABEL
    header = _t3_header(v)
    body: list[list[PCell]] = []
    split_at = 0  # body row where (五)不予处理 starts: the page break of t3_header_repeat
    for row_key in ("new_received", "carried_over"):
        label = _row_label(rep.format_version, "t3", row_key)
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
            PCell(_label(_row_label(rep.format_version, "t3", "carried_forward"), v), span=3, align="left"),
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
    """表四 as the template prints it: 行政复议 over its five outcomes, 行政诉讼 over its two
    kinds of suit with five outcomes each, then one row of values."""
    fmt = rep.format_version
    cols = spec.col_keys(fmt, "t4")
    # items.csv names a t4 row by its column groups: 行政复议, or 行政诉讼 未经复议直接起诉.
    levels = {r: tuple(_row_label(fmt, "t4", r).split(" ")) for r in spec.row_keys(fmt, "t4")}
    names = [_col_label(fmt, "t4", c)[-1] for c in cols]
    # Four-character outcomes are printed on two lines (结果\n维持), 总计 on one.
    shown = [t if len(t) < 4 else f"{t[:2]}\n{t[2:]}" for t in names]
    top: list[PCell] = []
    r1: list[PCell] = []
    r2: list[PCell] = []
    values: list[PCell] = []
    for row, lv in levels.items():
        if top and top[-1].text == lv[0]:
            top[-1].span += len(cols)
        else:
            top.append(PCell(lv[0], span=len(cols)))
        if len(lv) == 1:
            # Merged down two rows; the template prints its first 结果维持 on one line.
            r1 += [PCell(names[0], vmerge="restart"),
                   *[PCell(t, vmerge="restart", br=True) for t in shown[1:-1]],
                   PCell(names[-1], vmerge="restart")]
            r2 += [PCell(vmerge="continue") for _ in cols]
        else:
            r1.append(PCell(_label(lv[1], v), span=len(cols)))
            r2 += [PCell(t, br=True) for t in shown]
        for col in cols:
            key = f"t4.{row}.{col}"
            values.append(_data_cell(key, rep.values[key], 1, v))
    return PTable("t4", [top, r1, r2, values], list(_T4_WIDTHS))


# --------------------------------------------------------------------------- document


def title_lines(rep: SynthReport, v: Variant) -> list[str]:
    """The title as printed: one line, or two when the variant splits it."""
    year = str(rep.year).translate(_FULLWIDTH) if v.title_fullwidth else str(rep.year)
    nian = "年度" if v.title_niandu else "年"
    if v.title_split:
        return [f"{rep.agency}{year}{nian}政府", "信息公开工作年度报告"]
    return [f"{rep.agency}{year}{nian}政府信息公开工作年度报告"]


def compose(rep: SynthReport, **variant: object) -> list[Block]:
    """The report as paragraphs and tables, in print order (shared by all writers)."""
    v = Variant(**variant)  # type: ignore[arg-type]
    blocks: list[Block] = [PPara(t, "title") for t in title_lines(rep, v)]
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



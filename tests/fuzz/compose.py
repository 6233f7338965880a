"""A whole report as a list of blocks: paragraphs, tables and page breaks, in the drawn layout."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fuzz import wording as w
from tests.fuzz.grid import Grid
from tests.fuzz.tables import t2_grids, t3_grid, t4_grids
from tests.fuzz.truth import Report

CN_DIGIT = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "body"  # title, body, heading, caption, signature


@dataclass(frozen=True)
class TableBlock:
    grid: Grid
    name: str  # t2, t3, t4
    break_before_row: int | None = None  # a page break inside the table (docx/pdf)


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Para | TableBlock | PageBreak

SECTIONS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
CAPTIONS = {"t2": "主动公开政府信息情况", "t3": "收到和处理政府信息公开申请情况",
            "t4": "政府信息公开行政复议、行政诉讼情况"}


def title_text(rep: Report) -> str:
    a, y, lay = rep.agency, rep.year, rep.layout
    o, c = ("（", "）") if lay.width == "full" else ("(", ")")
    return {
        "agency_first": f"{a}{y}年政府信息公开工作年度报告",
        "year_first": f"{y}年{a}政府信息公开工作年度报告",
        "guanyu": f"{a}关于{y}年度政府信息公开工作的报告",
        "qingkuang": f"{a}{y}年度政府信息公开工作情况报告",
        "bracket": f"{a}政府信息公开工作年度报告{o}{y}年度{c}",
        "cn_year": f"{a}{_cn_year(y)}年政府信息公开工作年度报告",
        "no_agency": f"{y}年政府信息公开工作年度报告",
    }[lay.title_form]


def title_lines(rep: Report) -> list[str]:
    title = title_text(rep)
    cut = rep.layout.title_break
    if cut is None or cut >= len(title):
        return [title]
    return [title[:cut], title[cut:]]


def preamble(rep: Report) -> str:
    y, lay = rep.year, rep.layout
    number = "〔2021〕30号" if rep.template == "2021" else "〔2019〕60号"
    notice = f"《关于印发中华人民共和国政府信息公开工作年度报告格式的通知》（国办公开办函{number}）"
    period = f"本报告所列数据的统计期限为{y}年1月1日至{y}年12月31日。"
    text = {
        "plain": "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，",
        "notice": f"根据《中华人民共和国政府信息公开条例》和{notice}要求，编制本报告，",
        "agency_notice": f"{rep.agency}认真贯彻落实《中华人民共和国政府信息公开条例》，按照{notice}要求，编制本报告，",
    }[lay.preamble] + "全文包括总体情况、主动公开政府信息情况等六项内容。" + period
    return w.punct(text, lay.width)


def _narrative(rep: Report, n: int) -> str:
    v = rep.values
    if not rep.layout.narrative_numbers:
        return "本机关认真落实各项工作要求，进一步规范工作流程。"
    if n == 1:
        return (f"{rep.year}年，本机关主动公开政府信息{17 + rep.year % 50}条，共收到政府信息公开申请"
                f"{v['t3.new_received.total']}件，办结{v['t3.total.total']}件。")
    if n == 3:
        return (f"本年度新收申请{v['t3.new_received.total']}件，上年结转{v['t3.carried_over.total']}件，"
                f"结转下年度继续办理{v['t3.carried_forward.total']}件。")
    if n == 4:
        return (f"全年发生政府信息公开行政复议案件{v['t4.reconsideration.total']}件，行政诉讼案件"
                f"{v['t4.litigation_direct.total'] + v['t4.litigation_after_reconsideration.total']}件。")
    return f"共开展培训{3 + n}次，参训人员{40 + n}人次。"


def _cn_year(y: int) -> str:
    return "".join(CN_DIGIT[int(ch)] for ch in str(y))


def signature(rep: Report) -> list[str]:
    y, m, d = rep.published
    if rep.layout.signature == "none":
        return []
    if rep.layout.signature == "cn_date":
        return [rep.agency, f"{_cn_year(y)}年{_cn_small(m)}月{_cn_small(d)}日"]
    return [rep.agency, f"{y}年{m}月{d}日"]


def _cn_small(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else CN_DIGIT[tens] + "十")) + (CN_DIGIT[ones] if ones else "")


def _tables(rep: Report, name: str, caption: str | None) -> list[Block]:
    lay = rep.layout
    grids = {"t2": t2_grids, "t4": t4_grids}[name](rep) if name != "t3" else [t3_grid(rep)]
    out: list[Block] = []
    if f"before_{name}" in lay.page_breaks:
        out.append(PageBreak())
    if caption:
        out.append(Para(caption, "caption"))
    for g in grids:
        brk = None
        if name == "t3" and "in_t3" in lay.page_breaks:
            from tests.fuzz.tables import t3_break_row

            brk = t3_break_row(rep)
        out.append(TableBlock(g, name, brk))
    return out


def compose(rep: Report) -> list[Block]:
    lay = rep.layout
    kind = "title"
    blocks: list[Block] = [Para(t, kind) for t in title_lines(rep)]
    blocks.append(Para(preamble(rep)))
    inline = lay.placement == "inline"
    for n, heading in enumerate(SECTIONS, 1):
        blocks.append(Para(f"{w.CN_ORD[n - 1]}、{heading}", "heading"))
        blocks.append(Para(_narrative(rep, n)))
        name = {2: "t2", 3: "t3", 4: "t4"}.get(n)
        if inline and name:
            blocks += _tables(rep, name, f"表{n - 1}：{CAPTIONS[name]}" if lay.caption else None)
    if not inline:
        for i, name in enumerate(lay.table_order, 1):
            blocks += _tables(rep, name, f"附表{i}  {CAPTIONS[name]}" if lay.caption else f"附表{i}")
    blocks += [Para(t, "signature") for t in signature(rep)]
    return blocks

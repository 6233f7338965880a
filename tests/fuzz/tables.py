"""The three statistics tables of a report as abstract grids, in the drawn layout."""

from __future__ import annotations

from tests.fuzz import wording as w
from tests.fuzz.cells import printed
from tests.fuzz.grid import GCell, Grid
from tests.fuzz.truth import Report

LONG_LABEL = 10  # characters; a longer label is wrapped when the layout breaks labels
T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
T4_GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")
T4_LABEL = {"upheld": "upheld", "corrected": "corrected", "other": "t4_other", "pending": "pending",
            "total": "t4_total"}


def _lab(rep: Report, key: str) -> str:
    text = w.label(key, rep.layout.alt_labels, rep.layout.width)
    if rep.layout.label_break != "none" and len(text) > LONG_LABEL:
        # A narrow label column wraps: the renderers print "\n" as a line break or a new paragraph.
        return text[: len(text) // 2] + "\n" + text[len(text) // 2:]
    return text


def _v(rep: Report, key: str, colspan: int = 1) -> GCell:
    return GCell(printed(rep, key), colspan=colspan)


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> GCell:
    return GCell(text, rowspan=rowspan, colspan=colspan, header=True)


# ---- table 二 ---------------------------------------------------------------------------

def _t2_blocks(rep: Report) -> list[tuple[str, list[str], list[tuple[str, str]]]]:
    """(item number, column headers, [(row label, row key)]) per 第二十条 item."""
    money = w.unit_note(rep.layout.money_unit, rep.layout.width)
    if rep.template == "2021":
        return [
            ("一", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "rules"), ("行政规范性文件", "normative_docs")]),
            ("五", ["本年处理决定数量"], [("行政许可", "licensing")]),
            ("六", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "coercion")]),
            ("八", ["本年收费金额" + money], [("行政事业性收费", "fees")]),
        ]
    return [
        ("一", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], [("规章", "rules"), ("规范性文件", "normative_docs")]),
        ("五", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
        ("六", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "coercion")]),
        ("八", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
        ("九", ["采购项目数量", "采购总金额" + money], [("政府集中采购", "central_procurement")]),
    ]


_T2_COLKEYS = {
    "本年制发件数": "issued", "本年废止件数": "repealed", "现行有效件数": "in_force", "本年处理决定数量": "decisions",
    "本年新制作数量": "new_made", "本年新公开数量": "new_published", "对外公开总数量": "total_published",
    "上一年项目数量": "prior_year_items", "本年增/减": "change", "处理决定数量": "decisions",
    "采购项目数量": "projects",
}


def _t2_colkey(header: str) -> str:
    return _T2_COLKEYS.get(header, "amount")


def t2_grids(rep: Report) -> list[Grid]:
    blocks = _t2_blocks(rep)
    split = rep.layout.t2_style == "split"
    full = 1 + max(len(cols) for _, cols, _ in blocks)
    grids: list[Grid] = []
    rows: Grid = []
    for num, cols, items in blocks:
        width = 1 + len(cols) if split else full
        spans = [1] * len(cols)
        spans[-1] += width - 1 - len(cols)  # the last column stretches to the table's width
        rows.append([_h(w.item_heading(num, rep.layout.width), colspan=width)])
        rows.append([_h("信息内容")] + [_h(c, colspan=s) for c, s in zip(cols, spans, strict=True)])
        for text, row_key in items:
            rows.append([GCell(text)] + [_v(rep, f"t2.{row_key}.{_t2_colkey(c)}", s)
                                         for c, s in zip(cols, spans, strict=True)])
        if split:
            grids.append(rows)
            rows = []
    return grids if split else [rows]


# ---- table 三 ---------------------------------------------------------------------------

def _t3_header(rep: Report, label_cols: int) -> Grid:
    L = _lab
    subs = [_h(L(rep, c)) for c in T3_COLS[1:6]]
    style = rep.layout.t3_header
    if style == "flat":
        return [[_h("", colspan=label_cols), _h(L(rep, "natural_person")), *subs, _h(L(rep, "col_total"))]]
    if style == "two_rows":
        return [[_h("", rowspan=2, colspan=label_cols), _h(L(rep, "natural_person"), rowspan=2),
                 _h(L(rep, "legal_entity"), colspan=5), _h(L(rep, "col_total"), rowspan=2)], subs]
    note = w.punct("{po}本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和{pc}", rep.layout.width)
    return [[_h(note, rowspan=3, colspan=label_cols), _h(L(rep, "applicants"), colspan=7)],
            [_h(L(rep, "natural_person"), rowspan=2), _h(L(rep, "legal_entity"), colspan=5),
             _h(L(rep, "col_total"), rowspan=2)],
            subs]


def t3_rowspec(rep: Report) -> list[tuple[str, str | None, str | None, str]]:
    """(top label, group label, leaf label, row key) for every value row, printed order."""
    lay = rep.layout
    top = [w.top_enum(n, lay.top_enum) + _lab(rep, k)
           for n, k in enumerate(("new_received", "carried_over", "results", "carried_forward"), 1)]
    out: list[tuple[str, str | None, str | None, str]] = [(top[0], None, None, "new_received"),
                                                          (top[1], None, None, "carried_over")]
    for g, group in enumerate(w.T3_RESULT_ROWS, 1):
        glabel = w.group_enum(g, lay.group_enum, lay.width) + _lab(rep, group)
        leaves = w.T3_GROUPS.get(group, []) if not (group == "other" and rep.template == "2019") else []
        if not leaves:
            out.append((top[2], glabel, None, group))
        for n, leaf in enumerate(leaves, 1):
            name = "other.other" if (group, leaf) == ("other", "other") else leaf
            out.append((top[2], glabel, w.leaf_enum(n, lay.leaf_enum, lay.width) + _lab(rep, name),
                        f"{group}.{leaf}"))
    out.append((top[3], None, None, "carried_forward"))
    return out


def _values(rep: Report, row_key: str) -> list[GCell]:
    return [_v(rep, f"t3.{row_key}.{c}") for c in T3_COLS]


def _t3_spans(rep: Report, spec: list[tuple[str, str | None, str | None, str]]) -> Grid:
    rows: Grid = []
    results = [s for s in spec if s[1] is not None]
    for i, (top, group, leaf, key) in enumerate(spec):
        cells: list[GCell] = []
        if group is None:
            cells.append(GCell(top, colspan=3))
        else:
            if spec[i - 1][1] is None:
                cells.append(GCell(top, rowspan=len(results)))
            if leaf is None:
                cells.append(GCell(group, colspan=2))
            else:
                if spec[i - 1][1] != group:
                    cells.append(GCell(group, rowspan=sum(1 for s in spec if s[1] == group)))
                cells.append(GCell(leaf))
        rows.append(cells + _values(rep, key))
    return rows


def _t3_flat(rep: Report, spec: list[tuple[str, str | None, str | None, str]], style: str) -> Grid:
    rows: Grid = []
    sep = "" if rep.layout.width == "full" else " "
    for i, (top, group, leaf, key) in enumerate(spec):
        if style == "repeat":
            labels = [top, group or top, leaf or group or top]
        elif style == "joined":
            # One label column: 三、本年度办理结果 opens the first result row; a leaf carries its group.
            first = group is not None and spec[i - 1][1] is None
            text = top if group is None else (top if first else "") + group + (sep + leaf if leaf else "")
            labels = [text]
        else:  # grouprow: a label row above each block, with no values
            if group is not None and spec[i - 1][1] is None:
                rows.append([GCell(top, colspan=8)])
            if leaf is not None and spec[i - 1][1] != group:
                rows.append([GCell(group, colspan=8)])
            labels = [leaf or group or top]
        rows.append([GCell(t) for t in labels] + _values(rep, key))
    return rows


def t3_grid(rep: Report) -> Grid:
    spec = t3_rowspec(rep)
    style = rep.layout.t3_rows
    label_cols = 3 if style in ("spans", "repeat") else 1
    body = _t3_spans(rep, spec) if style == "spans" else _t3_flat(rep, spec, style)
    return _t3_header(rep, label_cols) + body


def t3_break_row(rep: Report) -> int:
    """The grid row before which an in-table page break goes: the first （四）无法提供 row."""
    grid = t3_grid(rep)
    for r, row in enumerate(grid):
        if any(_lab(rep, "not_held") in c.text for c in row):
            return r
    return len(grid) // 2


# ---- table 四 ---------------------------------------------------------------------------

def t4_grids(rep: Report) -> list[Grid]:
    L = _lab
    cols = [L(rep, T4_LABEL[c]) for c in T4_COLS]
    style = rep.layout.t4_style
    if style == "transposed":
        head = [_h("", colspan=2)] + [_h(c) for c in cols]
        return [[head,
                 [GCell(L(rep, "reconsideration"), colspan=2)] + [_v(rep, f"t4.reconsideration.{c}") for c in T4_COLS],
                 [GCell(L(rep, "litigation"), rowspan=2), GCell(L(rep, "litigation_direct"))]
                 + [_v(rep, f"t4.litigation_direct.{c}") for c in T4_COLS],
                 [GCell(L(rep, "litigation_after_reconsideration"))]
                 + [_v(rep, f"t4.litigation_after_reconsideration.{c}") for c in T4_COLS]]]
    recon_vals = [_v(rep, f"t4.reconsideration.{c}") for c in T4_COLS]
    lit_vals = [_v(rep, f"t4.{g}.{c}") for g in T4_GROUPS[1:] for c in T4_COLS]
    if style == "split":
        return [[[_h(L(rep, "reconsideration"), colspan=5)], [_h(c) for c in cols], recon_vals],
                [[_h(L(rep, "litigation"), colspan=10)],
                 [_h(L(rep, "litigation_direct"), colspan=5), _h(L(rep, "litigation_after_reconsideration"), colspan=5)],
                 [_h(c) for c in cols * 2], lit_vals]]
    return [[[_h(L(rep, "reconsideration"), colspan=5), _h(L(rep, "litigation"), colspan=10)],
             [_h(c, rowspan=2) for c in cols]
             + [_h(L(rep, "litigation_direct"), colspan=5), _h(L(rep, "litigation_after_reconsideration"), colspan=5)],
             [_h(c) for c in cols * 2],
             recon_vals + lit_vals]]

"""Tables 三 and 四 as OCR and conversion tools leave them (issue 9, the converted-Markdown
class): one pipe table per row group under placeholder headers, row labels printed as
headings or lost into the text above, rows padded with an empty cell, table 四's groups as
tables of their own under headings. One minimal Markdown document per sub-class, read by
the real reader and extractor; each value is told apart from its neighbours (row r,
column c prints r*10 + c + 1) so a row or column shifted by one cannot pass.
"""

from __future__ import annotations

from pathlib import Path

from pipeline import spec
from pipeline.process import process_file
from pipeline.record import Record

T3_COLS = spec.col_keys("2021", "t3")
T3_ROWS = spec.row_keys("2021", "t3")
TITLE = "# 东州市西城区统计局2024年政府信息公开工作年度报告\n\n"
PLACEHOLDER = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n|---|---|---|---|---|---|---|---|\n"


def _vals(key: str) -> list[int]:
    """The seven values of a row: six applicant columns and their sum (the 总计)."""
    r = T3_ROWS.index(key)
    six = [r * 10 + c + 1 for c in range(6)]
    return [*six, sum(six)]


def _row(label: str, key: str, extra: str = "") -> str:
    cells = " | ".join(str(v) for v in _vals(key))
    return f"| {label} | {cells} |{extra}\n" if label else f"| {cells} |{extra}\n"


def _read(tmp_path: Path, md: str) -> Record:
    path = tmp_path / "report.md"
    path.write_text(TITLE + md, encoding="utf-8")
    return process_file(path)


def _row_values(rec: Record, key: str) -> list[object]:
    fm = rec.fact_map()
    return [fm[f"t3.{key}.{c}"].value if f"t3.{key}.{c}" in fm else None for c in T3_COLS]


def _rules(rec: Record, *rule_ids: str) -> list[str]:
    return [f.rule_id for f in rec.findings if f.rule_id in rule_ids]


def test_row_groups_as_tables_under_placeholder_headers(tmp_path: Path) -> None:
    """Each group its own table, the group's heading lost: a leaf label only one group has
    says which group it is under (1. 属于国家秘密 after （二）部分公开 is 不予公开's)."""
    md = ("## 三、收到和处理政府信息公开申请情况\n\n### (二) 部分公开\n" + PLACEHOLDER
          + _row("部分公开", "partially_granted")
          + "\n" + PLACEHOLDER + _row("1. 属于国家秘密", "denied.state_secret")
          + _row("2. 其他法律行政法规禁止公开", "denied.prohibited_by_law")
          + "\n### (六) 其他\n" + PLACEHOLDER
          + _row("1. 申请人无正当理由逾期不补正, 行政机关不再处理其政府信息公开申请", "other.no_correction")
          + _row("3. 其他", "other.other"))
    rec = _read(tmp_path, md)
    for key in ("partially_granted", "denied.state_secret", "denied.prohibited_by_law", "other.no_correction",
                "other.other"):
        assert _row_values(rec, key) == _vals(key), key
    # the placeholder header repeated under 部分公开 is not a second 部分公开 row
    assert _rules(rec, "t3.duplicate_row") == []


def test_numbered_row_label_as_a_heading_is_not_a_section(tmp_path: Path) -> None:
    """`### 二、上年结转政府信息公开申请数量` above its fragment is table 三's row 二, not
    section 二 (主动公开): the fragment stays in table 三."""
    md = ("## 三、收到和处理政府信息公开申请情况\n\n### 一、本年新收政府信息公开申请数量\n" + PLACEHOLDER
          + _row("本年新收政府信息公开申请数量", "new_received")
          + "\n### 二、上年结转政府信息公开申请数量\n" + PLACEHOLDER
          + _row("上年结转政府信息公开申请数量", "carried_over"))
    rec = _read(tmp_path, md)
    assert _row_values(rec, "carried_over") == _vals("carried_over")


def test_section_numbers_restarting_in_the_table_part(tmp_path: Path) -> None:
    """二、收到和处理政府信息公开申请情况 (the table part numbered afresh) heads table 三."""
    md = ("## 一、主动公开政府信息情况\n\n## 二、收到和处理政府信息公开申请情况\n\n"
          "| 业 | 构 | 益组织 |\n|---|---|---|\n" + _row("一、本年新收政府信息公开申请数量", "new_received"))
    rec = _read(tmp_path, md)
    assert _row_values(rec, "new_received") == _vals("new_received")


def test_padded_rows_are_read_from_their_label(tmp_path: Path) -> None:
    """A converter appended an empty cell to some rows: the values are the seven cells after
    the label, whether the row's own 总计 is printed or blank."""
    blank_total = "| 四、结转下年度继续办理 | " + " | ".join(str(v) for v in _vals("carried_forward")[:6]) + " |  |\n"
    md = ("## 三、收到和处理政府信息公开申请情况\n\n| 申请人情况 |\n|---|\n"
          + _row("（七）总计", "total", extra="  |") + blank_total)
    rec = _read(tmp_path, md)
    assert _row_values(rec, "total") == _vals("total")
    assert _row_values(rec, "carried_forward") == [*_vals("carried_forward")[:6], 0]
    assert rec.fact_map()["t3.carried_forward.total"].value_kind == "blank"


def test_unlabelled_value_rows_between_labelled_rows(tmp_path: Path) -> None:
    """Value rows whose labels went into the text above: between （一）予以公开 and
    1.属于国家秘密 the template has one row (（二）部分公开), between 8.属于行政查询事项 and
    1.信访举报投诉类申请 three (（四）1–3); as many rows are printed, so they are those."""
    md = ("## 三、收到和处理政府信息公开申请情况\n\n| 申请人情况 |\n|---|\n"
          + _row("（一）予以公开", "granted") + "\n（二）部分公开（区分处理的，只\n计这一情形）\n"
          + _row("", "partially_granted") + "|---|---|---|---|---|---|---|\n"
          + _row("1.属于国家秘密", "denied.state_secret", extra="  |")
          + "".join(_row(f"{i}.{lab}", f"denied.{k}") for i, (lab, k) in enumerate(
              [("其他法律行政法规禁止公开", "prohibited_by_law"), ("危及三安全一稳定", "security_stability"),
               ("保护第三方合法权益", "third_party_rights"), ("属于三类内部事务信息", "internal_affairs"),
               ("属于四类过程性信息", "process_info"), ("属于行政执法案卷", "enforcement_files"),
               ("属于行政查询事项", "inquiry_matters")], start=2))
          + "\n（四）无法提供\n" + _row("", "unavailable.not_held") + _row("", "unavailable.needs_creation")
          + _row("", "unavailable.unclear_after_correction") + "\n"
          + _row("1.信访举报投诉类申请", "not_processed.petition"))
    rec = _read(tmp_path, md)
    for key in ("granted", "partially_granted", "denied.state_secret", "denied.inquiry_matters",
                "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear_after_correction",
                "not_processed.petition"):
        assert _row_values(rec, key) == _vals(key), key


def test_unlabelled_rows_that_do_not_fit_stay_unread(tmp_path: Path) -> None:
    """Two rows without labels where the template has three: nothing is guessed; the cells
    are missing and each row is named in a finding."""
    md = ("## 三、收到和处理政府信息公开申请情况\n\n| 申请人情况 |\n|---|\n"
          + _row("8.属于行政查询事项", "denied.inquiry_matters")
          + _row("", "unavailable.not_held") + _row("", "unavailable.needs_creation")
          + _row("1.信访举报投诉类申请", "not_processed.petition"))
    rec = _read(tmp_path, md)
    assert _row_values(rec, "unavailable.not_held") == [None] * 7
    assert _row_values(rec, "unavailable.needs_creation") == [None] * 7
    assert _rules(rec, "t3.unknown_row") == ["t3.unknown_row"] * 2
    assert _row_values(rec, "not_processed.petition") == _vals("not_processed.petition")


def test_t4_groups_as_tables_under_headings(tmp_path: Path) -> None:
    """Table 四 as three tables, each headed by its group's name only."""
    header = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
    md = "## 四、政府信息公开行政复议、行政诉讼情况\n\n"
    want: dict[str, int] = {}
    for g, (heading, key) in enumerate([("行政复议", "reconsideration"),
                                        ("行政诉讼（未经复议直接起诉）", "litigation_direct"),
                                        ("行政诉讼（复议后起诉）", "litigation_after_reconsideration")]):
        four = [g * 10 + c + 1 for c in range(4)]
        md += f"### {heading}\n{header}| {' | '.join(map(str, four))} | {sum(four)} |\n\n"
        want |= {f"t4.{key}.{c}": v for c, v in zip(("upheld", "corrected", "other", "pending", "total"),
                                                   [*four, sum(four)], strict=True)}
    rec = _read(tmp_path, md)
    fm = rec.fact_map()
    assert {k: fm[k].value for k in want if k in fm} == want
    assert _rules(rec, "t4.short_row", "t4.header") == []

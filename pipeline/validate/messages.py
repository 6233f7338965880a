"""Rule descriptions and bilingual finding messages.

Kept apart from the rule logic so that the README, `gongkai check` and the database can
list every rule (id, severity, what it checks) without running anything, and so that a
wording fix is one edit in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pipeline.record import SEVERITIES, Finding
from pipeline.spec import item_index

C = TypeVar("C", bound=Callable[..., object])


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str  # error, warning, info
    description_en: str
    description_zh: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"bad severity {self.severity!r} for {self.id}")


class Registry(Generic[C]):
    """Rules in registration order: `@registry.rule(id, severity, en, zh)` on a check."""

    def __init__(self) -> None:
        self.entries: list[tuple[RuleInfo, C]] = []

    def rule(self, rule_id: str, severity: str, en: str, zh: str) -> Callable[[C], C]:
        info = RuleInfo(rule_id, severity, en, zh)

        def register(fn: C) -> C:
            self.entries.append((info, fn))
            return fn

        return register

    @property
    def infos(self) -> list[RuleInfo]:
        return [info for info, _ in self.entries]


# rule_id -> (English template, Chinese template), filled with str.format(**fields).
TEMPLATES: dict[str, tuple[str, str]] = {
    "value.unreadable": (
        "Cell {cell} could not be read as a number (printed: {printed!r}); checks that need it were skipped.",
        "单元格 {cell}（{label_zh}）无法识别为数字（印为：{printed}），涉及该格的校验已跳过。",
    ),
    "t3.blank_column": (
        "Table 3: the {column} is printed blank while {other} hold numbers; "
        "reported once instead of cell by cell{derived_en}.",
        "表三：{column_zh}整列空白，而{other_zh}有数字；仅报告一次，不逐格报错{derived_zh}。",
    ),
    "t3.blank_row": (
        "Table 3: the total row (七) is printed blank while the result rows hold numbers; "
        "reported once instead of column by column; its values are derivable as column sums.",
        "表三：“（七）总计”行整行空白，而各办理结果行有数字；仅报告一次，不逐列报错；其数值可由各结果行相加得出。",
    ),
    "t3.balance": (
        "Table 3, column {col}: new requests + carried over ({new} + {over} = {lhs}) "
        "differs from results total + carried forward ({total} + {fwd} = {rhs}){note_en}.",
        "表三“{col_zh}”列：本年新收加上年结转（{new}+{over}={lhs}）不等于办理结果总计加结转下年度"
        "（{total}+{fwd}={rhs}）{note_zh}。",
    ),
    "t3.results_sum": (
        "Table 3, column {col}: the results total is {printed} but the result rows sum to {expected}.",
        "表三“{col_zh}”列：办理结果总计为 {printed}，而各办理结果行之和为 {expected}。",
    ),
    "t3.row_total": (
        "Table 3, row {row}: the total column is {printed} but the six applicant columns sum to {expected}.",
        "表三“{row_zh}”行：总计为 {printed}，而六个申请人列之和为 {expected}。",
    ),
    "t4.blank_total": (
        "Table 4: every total (总计) cell is printed blank while the outcome cells hold numbers; "
        "reported once; the totals are derivable as sums.",
        "表四：各“总计”格均空白，而各结果格有数字；仅报告一次；总计可由各结果相加得出。",
    ),
    "t4.group_total": (
        "Table 4, {group}: the total is {printed} but upheld + corrected + other + pending = {expected}.",
        "表四“{group_zh}”：总计为 {printed}，而结果维持、结果纠正、其他结果、尚未审结之和为 {expected}。",
    ),
    "meta.required": (
        "The report's {field} is missing.",
        "报告缺少{field_zh}。",
    ),
    "meta.format_year": (
        "A report on {year} should use the {expected} template, but format {printed} was detected.",
        "{year}年度报告应使用{expected}年版格式，实际识别为{printed}年版。",
    ),
    "meta.format_year_early": (
        "A report on {year} predates the 2019 template, but format {printed} was detected.",
        "{year}年度报告早于2019年版格式，实际识别为{printed}年版。",
    ),
    "meta.title_year": (
        "The title names the year {printed} but the report is recorded as on {expected}.",
        "标题中的年份为{printed}年，而报告记录的年度为{expected}年。",
    ),
    "meta.period_year": (
        "The statistics period {printed} is not within the reported year {expected}.",
        "统计期限 {printed} 不在报告年度 {expected} 年内。",
    ),
    "meta.published_after_year": (
        "Published on {printed}, not after the end of the reported year {year}.",
        "发布日期 {printed} 不晚于报告年度（{year}年）结束。",
    ),
    "narrative.no_requests": (
        "Section {section} says no disclosure requests were received (“{quote}”) "
        "but table 3 counts {printed} new requests.",
        "第{section}部分称未收到政府信息公开申请（“{quote}”），但表三本年新收申请为 {printed} 件。",
    ),
    "narrative.no_cases": (
        "Section {section} says there was no administrative reconsideration or litigation (“{quote}”) "
        "but table 4 counts {printed} cases.",
        "第{section}部分称未发生行政复议、行政诉讼（“{quote}”），但表四共计 {printed} 件。",
    ),
    "xyear.carry_over": (
        "Table 3, column {col}: {year} carried over {printed} requests from the previous year, "
        "but the {prev_year} report carried {expected} forward.",
        "表三“{col_zh}”列：{year}年度“上年结转”为 {printed}，而{prev_year}年度报告“结转下年度继续办理”为 {expected}。",
    ),
    "xyear.in_force": (
        "Table 2, {row}: {year} reports {printed} in force, but {prev_year}'s {prev} in force + {issued} issued "
        "− {repealed} repealed = {expected} (approximate: documents that expire or are repealed "
        "without being counted as this year's repeals make it differ).",
        "表二“{row_zh}”：{year}年度现行有效 {printed} 件，而{prev_year}年度现行有效 {prev} 件 + 本年制发 {issued} 件"
        " − 本年废止 {repealed} 件 = {expected} 件（仅为近似：有效期届满或未计入本年废止的文件会造成差异）。",
    ),
}


def make_finding(
    info: RuleInfo,
    cells: list[str],
    expected: str | None,
    printed: str | None,
    template: str | None = None,
    **fields: object,
) -> Finding:
    """A Finding with both messages rendered from the rule's templates."""
    en, zh = TEMPLATES[template or info.id]
    values = {"expected": expected, "printed": printed, **fields}
    return Finding(
        rule_id=info.id,
        severity=info.severity,
        message=en.format(**values),
        message_zh=zh.format(**values),
        cells=list(cells),
        expected=expected,
        printed=printed,
    )


def label_zh(table_id: str, row_key: str | None = None, col_key: str | None = None) -> str:
    """The template's Chinese label of a row or a column, for messages.

    Looked up in both template formats because a 2021 report may carry the 2019 row
    `other`; falls back to the key itself so that a message never fails to render.
    """
    for fmt in ("2021", "2019"):
        for (t, r, c), item in item_index(fmt).items():
            if t != table_id:
                continue
            if row_key is not None and r == row_key and (col_key is None or c == col_key):
                return item.row_label if col_key is None else f"{item.row_label} / {item.col_label}"
            if row_key is None and col_key is not None and c == col_key:
                return item.col_label
    return ".".join(k for k in (row_key, col_key) if k)

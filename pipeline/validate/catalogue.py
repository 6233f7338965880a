"""The catalogue of every finding gongkai can emit: one entry per rule id.

Readers, extraction, the within-report rules and the cross-year rules all build their
findings here (`finding(rule_id, ...)`), so that each id has one severity, one English
and one Chinese message, and one list of the cells it may name. `gongkai rules`, the
README and the database read the same entries; a wording fix is one edit in one place,
and an id that is not registered fails loudly (KeyError) instead of reaching a report.

`cells` are fnmatch patterns of the keys a finding of the rule may name (fact keys like
`t3.total.total`, or `meta.year`); an empty tuple means its findings name no cell.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pipeline.record import SEVERITIES, Fact, Finding
from pipeline.spec import item_index

STAGES = ("reader", "extract", "report", "series")
_TABLE_CELLS = ("t2.*", "t3.*", "t4.*")


@dataclass(frozen=True)
class Rule:
    id: str
    stage: str  # reader, extract, report (within one report), series (across years)
    severity: str  # error, warning, info
    description_en: str
    description_zh: str
    message_en: str  # str.format template of the finding's message
    message_zh: str
    cells: tuple[str, ...] = ()
    # Other message templates of the same rule, by name: (English, Chinese).
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"bad severity {self.severity!r} for {self.id}")
        if self.stage not in STAGES:
            raise ValueError(f"bad stage {self.stage!r} for {self.id}")

    def covers(self, cell: str) -> bool:
        return any(fnmatch.fnmatchcase(cell, p) for p in self.cells)


# Kept as the old name: the rule modules and `pipeline.validate.RULES` list these.
RuleInfo = Rule

_ENTRIES: tuple[Rule, ...] = (
    # ------------------------------------------------------------------ reader
    Rule(
        "reader.note", "reader", "info",
        "A remark of the file reader worth knowing (text boxes ignored, a page read by OCR or turned, "
        "a truncated file…).",
        "读取文件时的说明（忽略的文本框、经OCR识别或旋转的页面、文件可能不完整等）。",
        "{note}",
        "读取说明：{note}",
    ),
    Rule(
        "file.rejected", "reader", "error",
        "The file is not readable as a report (empty, corrupt, encrypted, not an annual report…); "
        "`gongkai check` lists it with its one-line reason.",
        "文件无法作为年度报告读取（空文件、损坏、加密、不是年度报告等）；`gongkai check`列出其原因。",
        "{reason}",
        "文件未能读取：{reason}",
    ),
    # ------------------------------------------------------------------ extract: document
    Rule(
        "document.several_reports", "extract", "error",
        "The file holds more than one report (e.g. several years downloaded as one PDF); only the first is read.",
        "一个文件中有多份报告（如多个年度合为一个PDF）；只读取第一份。",
        "the file holds another report from block {block} ({title}); only the first report is read",
        "文件中第{block}块起另有一份报告（{title}），只读取第一份",
    ),
    Rule(
        "meta.period_date", "extract", "info",
        "The statistics period (统计期限) is printed with a date that does not exist; it is not recorded.",
        "统计期限印有不存在的日期，未予记录。",
        "statistics period printed with an impossible date",
        "统计期限印有不存在的日期",
    ),
    # ------------------------------------------------------------------ extract: tables
    Rule(
        "table.missing", "extract", "error",
        "A statistics table (二, 三 or 四) was not found in the document.",
        "文件中未找到统计表（二、三或四）。",
        "table {table} not found",
        "未找到统计表{table}",
    ),
    Rule(
        "table.cells_missing", "extract", "error",
        "A statistics table was found but some of the template's cells were not.",
        "找到了统计表，但缺少模板中的部分单元格。",
        "table {table}: {count} cells not found: {listed}",
        "统计表{table}缺少{count}个单元格：{listed}",
        _TABLE_CELLS,
    ),
    Rule(
        "table.duplicate_cell", "extract", "warning",
        "A template cell is printed twice; the first is kept.",
        "模板单元格重复出现；保留第一个。",
        "{cell} printed twice; the first is kept",
        "{cell}重复出现，保留第一个",
        _TABLE_CELLS,
    ),
    Rule(
        "template.cell", "extract", "warning",
        "A value sits under a row and column that are not a cell of the detected template; it is ignored.",
        "数值所在行列不属于识别出的模板版本；已忽略。",
        "{cell} is not a cell of the {format} template; ignored",
        "{cell}不属于{format}年版模板，已忽略",
        _TABLE_CELLS,
    ),
    Rule(
        "t2.no_header", "extract", "warning",
        "A row of table 二 has no column header above it; its values are not read.",
        "表二某行上方没有列标题；其数值未读取。",
        "t2 row {label!r} has no column header",
        "表二“{label}”行没有列标题",
    ),
    Rule(
        "t2.from_lines", "extract", "info",
        "Sub-tables of table 二 were printed as text lines (a converter lost their grid: 行政许可 97); "
        "each line was read as its row, the numbers in the template's column order.",
        "表二部分子表以文字行印出（转换工具丢失了表格：行政许可 97）；每行按模板列顺序读作该行数值。",
        "t2 rows read from text lines, not a table: {rows}",
        "表二以下各行由文字行读取（非表格）：{rows}",
        ("t2.*",),
    ),
    Rule(
        "t2.lines_ambiguous", "extract", "warning",
        "A text line under table 二 prints a row label and numbers, but their count fits no single "
        "template's columns for that row; it is not read.",
        "表二下的文字行印有行标签和数字，但数字个数与该行的模板列数不唯一对应；未读取。",
        "t2 line {label!r}: the columns of its numbers are ambiguous; not read",
        "表二文字行“{label}”的数字对应哪些列不明确，未读取",
    ),
    Rule(
        "t3.header", "extract", "warning",
        "Table 三's column header was not recognised; the template's column order is assumed.",
        "表三列标题无法识别；按模板的列顺序读取。",
        "t3 column header not recognised; the template's column order is assumed",
        "表三列标题无法识别，按模板列顺序读取",
    ),
    Rule(
        "t3.unknown_row", "extract", "warning",
        "A row of table 三 has a label that matches no row of the template; it is not read.",
        "表三某行的标签与模板各行均不相符；未读取。",
        "t3 row not recognised: {label}",
        "表三无法识别的行：{label}",
    ),
    Rule(
        "t3.short_row", "extract", "error",
        "A row of table 三 has fewer value cells than the header has columns; it is not read.",
        "表三某行的数值格少于表头列数；未读取。",
        "t3 row {row} has {count} cells, expected {expected_count} values",
        "表三“{row}”行有{count}个单元格，应有{expected_count}个数值",
        ("t3.*",),
    ),
    Rule(
        "t3.duplicate_row", "extract", "warning",
        "A row of table 三 is printed twice; the first is kept.",
        "表三某行重复出现；保留第一个。",
        "t3 row {row} printed twice; the first is kept",
        "表三“{row}”行重复出现，保留第一个",
    ),
    Rule(
        "t3.other_both_forms", "extract", "warning",
        "Table 三 prints （六）其他处理 both as one row and as its three 2021 sub-rows; the sub-rows are kept.",
        "表三（六）其他处理既有合计行又有三个子项；按子项保存。",
        "t3 has both （六）其他处理 as one row and its three sub-rows; the sub-rows are kept",
        "表三（六）其他处理既有合计行又有三个子项，按子项保存",
        ("t3.other.*",),
    ),
    Rule(
        "t3.other_single_row", "extract", "info",
        "A 2021-template report prints （六）其他处理 as one all-zero row; its three sub-rows are 0.",
        "2021年版报告将（六）其他处理印为一行且全为0；三个子项按0计。",
        "t3 （六）其他处理 printed as one all-zero row; its three 2021 sub-rows are 0",
        "表三（六）其他处理仅一行且全为0，三个子项按0计",
    ),
    Rule(
        "t3.other_split_unknown", "extract", "warning",
        "A 2021-template report prints （六）其他处理 as one row with numbers: stored under the 2019 key "
        "t3.other.*, the split into the three 2021 sub-rows is unknown.",
        "2021年版报告将（六）其他处理印为一行且有数字：按2019年版键t3.other保存，三个子项的拆分未知。",
        "t3 （六）其他处理 printed as one row in a 2021-template report; stored under the 2019 key t3.other.*, "
        "the split into the three 2021 sub-rows is unknown",
        "2021年版报告将（六）其他处理印为一行，按2019年版键t3.other保存，三个子项的拆分未知",
        ("t3.other.*",),
    ),
    Rule(
        "t4.header", "extract", "warning",
        "Table 四's column header was not recognised; the template's column order is assumed.",
        "表四列标题无法识别；按模板的列顺序读取。",
        "t4 column header not recognised; the template's column order is assumed",
        "表四列标题无法识别，按模板列顺序读取",
    ),
    Rule(
        "t4.short_row", "extract", "error",
        "The value row of table 四 has fewer cells than the header has columns; it is not read.",
        "表四数值行的单元格少于表头列数；未读取。",
        "t4 data row has {count} cells, expected {expected_count}",
        "表四数值行有{count}个单元格，应有{expected_count}个",
    ),
    # ------------------------------------------------------------------ extract: values
    Rule(
        "value.unreadable", "extract", "error",
        "A table cell could not be read as a number; checks that need it are skipped.",
        "表格单元格无法识别为数字；涉及该格的校验跳过。",
        "{cell}: cannot read {printed!r} as a number ({where}); checks that need it are skipped",
        "{cell}（{label_zh}）：无法识别为数字：{printed}（{where_zh}），涉及该格的校验已跳过",
        _TABLE_CELLS,
    ),
    Rule(
        "value.dash", "extract", "info",
        "A cell printed as a dash, 无 or 不适用 is counted as 0.",
        "印为横线、“无”或“不适用”的单元格按0计。",
        "{cell}: printed {printed!r}, counted as 0 ({where})",
        "{cell}：印为“{printed}”，按0计（{where_zh}）",
        _TABLE_CELLS,
    ),
    Rule(
        "value.footnote", "extract", "info",
        "A footnote mark after a number (1483① or 1483*) is dropped, not read as a digit.",
        "数字后的注释标记（如1483①、1483*）已去掉，不作为数字读取。",
        "{cell}: printed {printed!r}, footnote mark {mark!r} dropped ({where})",
        "{cell}：印为“{printed}”，已去掉注释标记“{mark}”（{where_zh}）",
        _TABLE_CELLS,
    ),
    Rule(
        "ocr.used", "extract", "info",
        "Some values were read by OCR; each carries its confidence.",
        "部分数值经OCR识别；每个数值附有置信度。",
        "{count} values read by OCR (lowest confidence {lowest})",
        "{count}个数值经OCR识别（最低置信度{lowest}）",
    ),
    Rule(
        "ocr.low_confidence", "extract", "error",
        "Values read by OCR with a confidence under 50: not trusted without a look.",
        "OCR识别置信度低于50的数值：需人工核对。",
        "{count} values read by OCR with confidence under {limit}: {listed}",
        "{count}个OCR数值置信度低于{limit}，需人工核对：{listed}",
        _TABLE_CELLS,
    ),
    # ------------------------------------------------------------------ report: table 3
    Rule(
        "t3.blank_column", "report", "warning",
        "Table 3: a column is printed blank (the total column, wholly or in some rows, while the "
        "applicant columns hold numbers, or all applicant columns while the total column does); "
        "reported once.",
        "表三：列空白（总计列整列或部分行空白而申请人各列有数字，或申请人各列空白而总计列有数字）；仅报告一次。",
        "Table 3: the {column} is printed blank while {other} hold numbers; "
        "reported once instead of cell by cell{derived_en}.",
        "表三：{column_zh}空白，而{other_zh}有数字；仅报告一次，不逐格报错{derived_zh}。",
        ("t3.*",),
    ),
    Rule(
        "t3.blank_row", "report", "warning",
        "Table 3: the total row (七) is printed blank while the result rows hold numbers; reported once.",
        "表三：“（七）总计”行整行空白而各办理结果行有数字；仅报告一次。",
        "Table 3: the total row (七) is printed blank while the result rows hold numbers; "
        "reported once instead of column by column; its values are derivable as column sums.",
        "表三：“（七）总计”行整行空白，而各办理结果行有数字；仅报告一次，不逐列报错；其数值可由各结果行相加得出。",
        ("t3.total.*",),
    ),
    Rule(
        "t3.balance", "report", "error",
        "Table 3, per column: new requests + carried over = results total + carried forward "
        "(the rule printed on the table).",
        "表三每列：第一项加第二项之和，等于第三项加第四项之和（表上印明的勾稽关系）。",
        "Table 3, column {col}: new requests + carried over ({new} + {over} = {lhs}) "
        "differs from results total + carried forward ({total} + {fwd} = {rhs}){note_en}.",
        "表三“{col_zh}”列：本年新收加上年结转（{new}+{over}={lhs}）不等于办理结果总计加结转下年度"
        "（{total}+{fwd}={rhs}）{note_zh}。",
        ("t3.new_received.*", "t3.carried_over.*", "t3.total.*", "t3.carried_forward.*"),
    ),
    Rule(
        "t3.results_sum", "report", "error",
        "Table 3, per column: the results total (七) equals the sum of every result row (一)–(六), "
        "sub-rows included.",
        "表三每列：“（七）总计”等于（一）至（六）各办理结果行（含分项）之和。",
        "Table 3, column {col}: the results total is {printed} but the result rows sum to {expected}.",
        "表三“{col_zh}”列：办理结果总计为 {printed}，而各办理结果行之和为 {expected}。",
        ("t3.*",),
    ),
    Rule(
        "t3.row_total", "report", "error",
        "Table 3, per row: the total column equals the sum of the six applicant columns.",
        "表三每行：“总计”列等于六个申请人列之和。",
        "Table 3, row {row}: the total column is {printed} but the six applicant columns sum to {expected}.",
        "表三“{row_zh}”行：总计为 {printed}，而六个申请人列之和为 {expected}。",
        ("t3.*",),
    ),
    # ------------------------------------------------------------------ report: table 4
    Rule(
        "t4.blank_total", "report", "warning",
        "Table 4: every total cell is printed blank while the outcome cells hold numbers; reported once.",
        "表四：各“总计”格均空白而各结果格有数字；仅报告一次。",
        "Table 4: every total (总计) cell is printed blank while the outcome cells hold numbers; "
        "reported once; the totals are derivable as sums.",
        "表四：各“总计”格均空白，而各结果格有数字；仅报告一次；总计可由各结果相加得出。",
        ("t4.*.total",),
    ),
    Rule(
        "total.blank_cell", "report", "warning",
        "A total (总计) cell is printed blank (or as a dash) among printed totals while the cells it sums "
        "hold numbers: it was not filled in, so it is unknown, not 0. The sum rules do not compare it; its "
        "value is derivable as the sum of its parts.",
        "某“总计”格空白（或印为短横），而其各分项有数字：该格未填写，数值未知而非0。求和规则不以0比较；"
        "其数值可由各分项相加得出。",
        "{count} total cells printed blank while their parts hold numbers (not compared as 0): {listed}",
        "{count}个“总计”格空白而其分项有数字（不按0比较）：{listed}",
        ("t3.*", "t4.*"),
    ),
    Rule(
        "t4.group_total", "report", "error",
        "Table 4, per group: total = upheld + corrected + other + pending.",
        "表四每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。",
        "Table 4, {group}: the total is {printed} but upheld + corrected + other + pending = {expected}.",
        "表四“{group_zh}”：总计为 {printed}，而结果维持、结果纠正、其他结果、尚未审结之和为 {expected}。",
        ("t4.*",),
    ),
    # ------------------------------------------------------------------ report: metadata
    Rule(
        "meta.required", "report", "error",
        "The report's year and agency are known.",
        "报告的年度和机关名称已知。",
        "The report's {field} is missing.",
        "报告缺少{field_zh}。",
        ("meta.year", "meta.agency"),
    ),
    Rule(
        "meta.format_year", "report", "warning",
        "The template format matches the year: 2021 template for 2021 and later, 2019 template for 2019–2020.",
        "格式版本与年度相符：2021年及以后用2021年版格式，2019—2020年用2019年版格式。",
        "A report on {year} should use the {expected} template, but format {printed} was detected.",
        "{year}年度报告应使用{expected}年版格式，实际识别为{printed}年版。",
        ("meta.format_version", "meta.year"),
        {"early": ("A report on {year} predates the 2019 template, but format {printed} was detected.",
                   "{year}年度报告早于2019年版格式，实际识别为{printed}年版。")},
    ),
    Rule(
        "meta.title_year", "report", "warning",
        "The year printed in the title is the report's year.",
        "标题中的年份即报告年度。",
        "The title names the year {printed} but the report is recorded as on {expected}.",
        "标题中的年份为{printed}年，而报告记录的年度为{expected}年。",
        ("meta.title", "meta.year"),
    ),
    Rule(
        "meta.period_year", "report", "warning",
        "The statistics period (统计期限) lies in the report's year (the title's year if none is recorded).",
        "统计期限位于报告年度之内（未记录年度时以标题年份为准）。",
        "The statistics period {printed} is not within the reported year {expected}.",
        "统计期限 {printed} 不在报告年度 {expected} 年内。",
        ("meta.year", "meta.title", "meta.period_start", "meta.period_end"),
    ),
    Rule(
        "meta.published_after_year", "report", "warning",
        "The report is published after the end of the year it reports on.",
        "报告发布日期晚于所报告年度结束。",
        "Published on {printed}, not after the end of the reported year {year}.",
        "发布日期 {printed} 不晚于报告年度（{year}年）结束。",
        ("meta.published_on", "meta.year"),
    ),
    # ------------------------------------------------------------------ report: narrative
    Rule(
        "narrative.no_requests", "report", "warning",
        "If the text states that no disclosure requests were received, table 3 counts no new requests.",
        "正文称“未收到政府信息公开申请”时，表三本年新收申请为零。",
        "Section {section} says no disclosure requests were received (“{quote}”) "
        "but table 3 counts {printed} new requests.",
        "第{section}部分称未收到政府信息公开申请（“{quote}”），但表三本年新收申请为 {printed} 件。",
        ("t3.new_received.total",),
    ),
    Rule(
        "narrative.no_cases", "report", "warning",
        "If the text states there was no administrative reconsideration or litigation, table 4 counts no cases.",
        "正文称“未发生行政复议、行政诉讼”时，表四案件数为零。",
        "Section {section} says there was no administrative reconsideration or litigation (“{quote}”) "
        "but table 4 counts {printed} cases.",
        "第{section}部分称未发生行政复议、行政诉讼（“{quote}”），但表四共计 {printed} 件。",
        ("t4.*.total",),
    ),
    # ------------------------------------------------------------------ series
    Rule(
        "xyear.carry_over", "series", "error",
        "Table 3, per column: this year's carried over (上年结转) equals last year's carried forward "
        "(结转下年度继续办理).",
        "表三每列：本年度“上年结转”等于上一年度“结转下年度继续办理”。",
        "Table 3, column {col}: {year} carried over {printed} requests from the previous year, "
        "but the {prev_year} report carried {expected} forward.",
        "表三“{col_zh}”列：{year}年度“上年结转”为 {printed}，而{prev_year}年度报告“结转下年度继续办理”为 {expected}。",
        ("t3.carried_over.*",),
    ),
    Rule(
        "xyear.in_force", "series", "warning",
        "Table 2 (2021 template), rules and normative documents: in force this year ≈ in force last "
        "year + issued − repealed this year (approximate: expiring documents are not repeals).",
        "表二（2021年版）规章、行政规范性文件：本年现行有效件数 ≈ 上年现行有效件数 + 本年制发 − 本年废止"
        "（近似：到期失效的文件不计入废止）。",
        "Table 2, {row}: {year} reports {printed} in force, but {prev_year}'s {prev} in force + {issued} issued "
        "− {repealed} repealed = {expected} (approximate: documents that expire or are repealed "
        "without being counted as this year's repeals make it differ).",
        "表二“{row_zh}”：{year}年度现行有效 {printed} 件，而{prev_year}年度现行有效 {prev} 件 + 本年制发 {issued} 件"
        " − 本年废止 {repealed} 件 = {expected} 件（仅为近似：有效期届满或未计入本年废止的文件会造成差异）。",
        ("t2.*.in_force", "t2.*.issued", "t2.*.repealed"),
    ),
)

CATALOGUE: dict[str, Rule] = {r.id: r for r in _ENTRIES}
if len(CATALOGUE) != len(_ENTRIES):  # pragma: no cover - caught by the first import
    raise ValueError("a rule id is registered twice in the catalogue")


def rule(rule_id: str) -> Rule:
    """The catalogue entry of an id; KeyError for an id nobody registered."""
    return CATALOGUE[rule_id]


def all_rules(stage: str | None = None) -> list[Rule]:
    return [r for r in _ENTRIES if stage is None or r.stage == stage]


def finding(
    rule_id: str,
    cells: list[str] | None = None,
    expected: str | None = None,
    printed: str | None = None,
    variant: str | None = None,
    **fields: object,
) -> Finding:
    """A Finding of a registered rule, both messages rendered from its templates."""
    r = CATALOGUE[rule_id]
    en, zh = r.variants[variant] if variant else (r.message_en, r.message_zh)
    values = {"expected": expected, "printed": printed, **fields}
    return Finding(
        rule_id=r.id,
        severity=r.severity,
        message=en.format(**values),
        message_zh=zh.format(**values),
        cells=list(cells or []),
        expected=expected,
        printed=printed,
    )


def make_finding(
    info: Rule,
    cells: list[str],
    expected: str | None,
    printed: str | None,
    variant: str | None = None,
    **fields: object,
) -> Finding:
    """`finding` for a rule module's check, which is handed its catalogue entry."""
    return finding(info.id, cells, expected, printed, variant, **fields)


def place(fact: Fact) -> tuple[str, str]:
    """Where a value was printed, in English and Chinese, for messages."""
    en = f"table {(fact.table_index or 0) + 1}, row {(fact.row or 0) + 1}, column {(fact.col or 0) + 1}"
    zh = f"表{(fact.table_index or 0) + 1}第{(fact.row or 0) + 1}行第{(fact.col or 0) + 1}列"
    if fact.page:
        en, zh = f"page {fact.page}, " + en, f"第{fact.page}页" + zh
    return en, zh


def value_finding(rule_id: str, fact: Fact, expected: str | None = None, **fields: object) -> Finding:
    """A finding about one printed value (value.*), naming the cell and where it was printed."""
    where, where_zh = place(fact)
    return finding(rule_id, [fact.key], expected, fact.printed_text, cell=fact.key, where=where,
                   where_zh=where_zh, label_zh=label_zh(fact.table_id, fact.row_key, fact.col_key), **fields)


C = TypeVar("C", bound=Callable[..., object])


class Registry(Generic[C]):
    """Checks in registration order, each bound to its catalogue entry: `@registry.rule(id)`."""

    def __init__(self) -> None:
        self.entries: list[tuple[Rule, C]] = []

    def rule(self, rule_id: str) -> Callable[[C], C]:
        info = CATALOGUE[rule_id]

        def register(fn: C) -> C:
            self.entries.append((info, fn))
            return fn

        return register

    @property
    def infos(self) -> list[Rule]:
        return [info for info, _ in self.entries]


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

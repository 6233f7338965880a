"""Page wording in Chinese (the default) and English, and the indicators' names and definitions.

Staff read Chinese; `?lang=en` switches every label, heading and definition. The numbers and
the text printed in reports are never translated.
"""

from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "site": ("政府信息公开工作年度报告", "Information-disclosure annual reports"),
    "search": ("查找机关", "Find an agency"),
    "search_hint": ("机关名称、地区或拼音首字母（如 whsqk）", "agency name, region or pinyin initials (e.g. whsqk)"),
    "compare": ("横向比较", "Compare"),
    "coverage": ("发布情况", "Coverage"),
    "quality": ("数据质量", "Quality"),
    "agency": ("机关", "Agency"),
    "region": ("地区", "Region"),
    "year": ("年度", "Year"),
    "years": ("年度", "Years"),
    "years_on_record": ("已有年度", "Years on record"),
    "no_match": ("没有符合条件的机关。", "No agency matches."),
    "trend": ("历年指标", "Indicators over the years"),
    "change": ("同比", "Year on year"),
    "versions": ("报告版本", "Report versions"),
    "version": ("版本", "Version"),
    "status": ("状态", "Status"),
    "published_on": ("发布日期", "Published"),
    "current": ("现行", "current"),
    "superseded": ("已被替代", "superseded"),
    "report": ("报告", "Report"),
    "file": ("文件", "File"),
    "template": ("模板", "Template"),
    "scope": ("范围", "Scope"),
    "findings": ("检查发现", "Findings"),
    "no_findings": ("没有检查发现。", "No findings."),
    "severity": ("级别", "Severity"),
    "rule": ("规则", "Rule"),
    "cells": ("单元格", "Cells"),
    "expected": ("应为", "Expected"),
    "printed": ("印为", "Printed"),
    "message": ("说明", "Message"),
    "provenance": ("数值来源", "Where this value came from"),
    "printed_text": ("原文", "Printed text"),
    "value": ("数值", "Value"),
    "kind": ("取值类型", "Kind"),
    "page": ("页", "Page"),
    "table": ("表", "Table"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "box": ("位置(pt)", "Box (pt)"),
    "ocr_confidence": ("OCR 置信度", "OCR confidence"),
    "derived": ("由本报告其他数值推算", "derived from the report's own numbers"),
    "rules_in": ("参与的规则", "Rules it takes part in"),
    "page_image": ("原页面（单元格已框出）", "The page, with the cell outlined"),
    "no_image": ("原文件不可用，无法显示页面图像。", "The source file is not available, so no page image."),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "level": ("层级", "Level"),
    "download": ("下载", "Download"),
    "definitions": ("指标定义", "Definitions"),
    "published": ("已发布", "published"),
    "missing": ("未发布", "missing"),
    "missing_only": ("只看未发布", "missing only"),
    "by_rule": ("按规则", "By rule"),
    "by_region": ("按地区", "By region"),
    "by_year": ("按年度", "By year"),
    "count": ("条数", "Findings"),
    "reports": ("报告数", "Reports"),
    "empty_title": ("数据库中还没有报告", "No reports in the database yet"),
    "empty_body": ("导入报告后（gongkai ingest）这里会显示内容。",
                   "Pages fill in once reports are loaded (gongkai ingest)."),
    "nodb_title": ("找不到数据库", "No database"),
    "unknown_agency": ("没有这个机关", "No such agency"),
    "unknown_report": ("没有这份报告", "No such report"),
    "unknown_cell": ("这份报告没有这个数值", "This report has no such value"),
    "bad_request": ("请求有误", "Bad request"),
    "busy_title": ("数据库正在写入", "The database is being written"),
    "busy_body": ("请稍后刷新页面。", "Please reload in a moment."),
    "not_found": ("页面不存在", "Page not found"),
    "sort_hint": ("点击列名排序", "click a column to sort"),
    "total": ("合计", "Total"),
    "language": ("English", "中文"),
    "shown": ("显示", "showing"),
    "rows": ("行", "rows"),
    "prev_page": ("上一页", "previous"),
    "next_page": ("下一页", "next"),
    "of": ("共", "of"),
    "more": ("更多", "more"),
}

METRIC_NAMES: dict[str, tuple[str, str]] = {
    "new_requests": ("本年新收申请", "New requests"),
    "carried_over": ("上年结转", "Carried over"),
    "handled": ("办理总数", "Handled"),
    "granted": ("予以公开", "Granted"),
    "partially_granted": ("部分公开", "Partially granted"),
    "granted_share": ("公开率", "Granted share"),
    "denied": ("不予公开", "Denied"),
    "unavailable": ("无法提供", "Unavailable"),
    "not_processed": ("不予处理", "Not processed"),
    "other_handling": ("其他处理", "Other handling"),
    "carried_forward": ("结转下年度", "Carried forward"),
    "reconsiderations": ("行政复议", "Reconsiderations"),
    "corrected_share": ("复议纠错率", "Corrected share"),
    "lawsuits": ("行政诉讼", "Lawsuits"),
}

# The formulas of pipeline/sql/compare.sql, as the README states them.
METRIC_DEFS: dict[str, tuple[str, str]] = {
    "new_requests": ("表三“一、本年新收政府信息公开申请数量”总计", "t3 new_received (一、本年新收), total column"),
    "carried_over": ("表三“二、上年结转政府信息公开申请数量”总计", "t3 carried_over (二、上年结转), total column"),
    "handled": ("表三“(七)总计”", "t3 total ((七)总计)"),
    "granted": ("表三“(一)予以公开”总计", "t3 granted ((一)予以公开)"),
    "partially_granted": ("表三“(二)部分公开”总计", "t3 partially_granted ((二)部分公开)"),
    "granted_share": ("予以公开 ÷ 办理总数，保留4位小数；办理总数为0时为空",
                      "granted / handled, 4 decimals; empty when handled is 0"),
    "denied": ("表三“(三)不予公开”1–8项之和", "sum of t3 denied.* ((三)不予公开 1–8)"),
    "unavailable": ("表三“(四)无法提供”1–3项之和", "sum of t3 unavailable.* ((四)无法提供 1–3)"),
    "not_processed": ("表三“(五)不予处理”1–5项之和", "sum of t3 not_processed.* ((五)不予处理 1–5)"),
    "other_handling": ("表三“(六)其他处理”（2021年模板为三项之和）",
                       "t3 other (2019) = sum of t3 other.* (2021) ((六)其他处理)"),
    "carried_forward": ("表三“四、结转下年度继续办理”总计", "t3 carried_forward (四、结转下年度继续办理)"),
    "reconsiderations": ("表四行政复议总计", "t4 reconsideration, total"),
    "corrected_share": ("复议结果纠正 ÷ 复议总计，保留4位小数；总计为0时为空",
                        "t4 reconsideration corrected / total, 4 decimals; empty when 0"),
    "lawsuits": ("表四未经复议直接起诉与复议后起诉总计之和",
                 "t4 litigation_direct + litigation_after_reconsideration totals"),
}

STATUS: dict[str, tuple[str, str]] = {
    "ok": ("正常", "ok"), "warnings": ("有警告", "warnings"), "review": ("需复核", "review"),
    "rejected": ("未能读取", "rejected"),
}
SEVERITY: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info"),
}
TABLE_NAMES: dict[str, tuple[str, str]] = {
    "t2": ("二、主动公开政府信息情况", "II. Proactive disclosure"),
    "t3": ("三、收到和处理政府信息公开申请情况", "III. Requests received and handled"),
    "t4": ("四、政府信息公开行政复议、行政诉讼情况", "IV. Administrative reconsideration and litigation"),
}


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "zh"


class Words:
    """`w("search")`, `w.metric("granted")` … in one language, for the templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang_of(lang)
        self._i = LANGS.index(self.lang)

    def __call__(self, key: str) -> str:
        pair = TEXT.get(key)
        return pair[self._i] if pair else key

    def _pick(self, table: dict[str, tuple[str, str]], key: str) -> str:
        pair = table.get(key)
        return pair[self._i] if pair else key

    def metric(self, key: str) -> str:
        return self._pick(METRIC_NAMES, key)

    def definition(self, key: str) -> str:
        return self._pick(METRIC_DEFS, key)

    def status(self, key: str | None) -> str:
        return self._pick(STATUS, key or "")

    def severity(self, key: str | None) -> str:
        return self._pick(SEVERITY, key or "")

    def table(self, key: str) -> str:
        return self._pick(TABLE_NAMES, key)

"""Printed labels: the official wording, alternatives seen in published reports, and the
enumeration and punctuation styles they are printed with.

Written from the templates as published (国办公开办函〔2021〕30号 and the 2019 format),
not from gongkai's label table, so a wording gongkai lacks shows up as a failure.
"""

from __future__ import annotations

CN_ORD = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

# Leaf rows of table 三, per group, in printed order (2021 splits 其他处理 in three).
T3_GROUPS: dict[str, list[str]] = {
    "denied": ["state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
               "internal_affairs", "process_info", "enforcement_files", "inquiry_matters"],
    "unavailable": ["not_held", "needs_creation", "unclear_after_correction"],
    "not_processed": ["petition", "duplicate", "publication", "excessive", "confirmation"],
    "other": ["no_correction", "no_fee_paid", "other"],
}
T3_RESULT_ROWS = ["granted", "partially_granted", "denied", "unavailable", "not_processed", "other", "total"]

# label id → (official wording, alternative wording). `{q}`/`{p}` are quote and bracket
# pairs, filled according to the drawn punctuation width.
LABELS: dict[str, tuple[str, str]] = {
    "new_received": ("本年新收政府信息公开申请数量", "本年新收政府信息公开申请"),
    "carried_over": ("上年结转政府信息公开申请数量", "上年度结转政府信息公开申请数量"),
    "results": ("本年度办理结果", "本年度办理结果"),
    "granted": ("予以公开", "予以公开"),
    "partially_granted": ("部分公开{po}区分处理的，只计这一情形，不计其他情形{pc}", "部分公开"),
    "denied": ("不予公开", "不予公开"),
    "unavailable": ("无法提供", "无法提供"),
    "not_processed": ("不予处理", "不予处理"),
    "other": ("其他处理", "其他处理"),
    "total": ("总计", "合计"),
    "carried_forward": ("结转下年度继续办理", "结转下一年度继续办理"),
    "state_secret": ("属于国家秘密", "国家秘密"),
    "prohibited_by_law": ("其他法律行政法规禁止公开", "其他法律、行政法规禁止公开"),
    "security_stability": ("危及{qo}三安全一稳定{qc}", "危及三安全一稳定"),
    "third_party_rights": ("保护第三方合法权益", "保护第三方合法权益的"),
    "internal_affairs": ("属于三类内部事务信息", "属于三类内部事务信息"),
    "process_info": ("属于四类过程性信息", "属于四类过程性信息"),
    "enforcement_files": ("属于行政执法案卷", "属于行政执法案卷"),
    "inquiry_matters": ("属于行政查询事项", "属于行政查询事项"),
    "not_held": ("本机关不掌握相关政府信息", "本机关不掌握相关政府信息"),
    "needs_creation": ("没有现成信息需要另行制作", "没有现成信息需要另行制作"),
    "unclear_after_correction": ("补正后申请内容仍不明确", "补正后申请内容仍不明确"),
    "petition": ("信访举报投诉类申请", "信访、举报、投诉类申请"),
    "duplicate": ("重复申请", "重复申请"),
    "publication": ("要求提供公开出版物", "要求提供公开出版物"),
    "excessive": ("无正当理由大量反复申请", "无正当理由大量反复申请"),
    "confirmation": ("要求行政机关确认或重新出具已获取信息", "要求行政机关确认或重新出具已获取信息"),
    "no_correction": ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                      "申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请"),
    "no_fee_paid": ("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "申请人逾期未按收费通知要求缴纳费用，行政机关不再处理其政府信息公开申请"),
    "other.other": ("其他", "其他"),
    "natural_person": ("自然人", "自然人"),
    "legal_entity": ("法人或其他组织", "法人或者其他组织"),
    "commercial": ("商业企业", "商业企业"),
    "research": ("科研机构", "科研机构"),
    "social_org": ("社会公益组织", "社会公益组织"),
    "legal_service": ("法律服务机构", "法律服务机构"),
    "other_org": ("其他", "其他"),
    "col_total": ("总计", "合计"),
    "applicants": ("申请人情况", "申请人情况"),
    "reconsideration": ("行政复议", "行政复议"),
    "litigation": ("行政诉讼", "行政诉讼"),
    "litigation_direct": ("未经复议直接起诉", "未经复议直接起诉"),
    "litigation_after_reconsideration": ("复议后起诉", "复议后起诉"),
    "upheld": ("结果维持", "维持"),
    "corrected": ("结果纠正", "纠正"),
    "t4_other": ("其他结果", "其他结果"),
    "pending": ("尚未审结", "尚未审结"),
    "t4_total": ("总计", "合计"),
}
# Labels whose alternative actually differs: the set the strategy draws from.
ALT_LABELS = sorted(k for k, (a, b) in LABELS.items() if a != b)

LEAF_ENUMS = ("dot", "fwdot", "dun", "glued", "paren", "circled", "none")
GROUP_ENUMS = ("paren", "dun", "none")
TOP_ENUMS = ("dun", "dot", "none")


def punct(text: str, width: str) -> str:
    """Fill bracket/quote placeholders and print the pauses at the drawn width."""
    full = width == "full"
    text = text.format(po="（" if full else "(", pc="）" if full else ")",
                       qo="“" if full else '"', qc="”" if full else '"')
    if not full:
        text = text.replace("，", ",").replace("：", ":")
    return text


def label(key: str, alt: frozenset[str], width: str) -> str:
    official, other = LABELS[key]
    return punct(other if key in alt else official, width)


def top_enum(n: int, style: str) -> str:
    return {"dun": f"{CN_ORD[n - 1]}、", "dot": f"{CN_ORD[n - 1]}.", "none": ""}[style]


def group_enum(n: int, style: str, width: str) -> str:
    if style == "none":
        return ""
    if style == "dun":
        return f"{CN_ORD[n - 1]}、"
    return f"（{CN_ORD[n - 1]}）" if width == "full" else f"({CN_ORD[n - 1]})"


def leaf_enum(n: int, style: str, width: str) -> str:
    o, c = ("（", "）") if width == "full" else ("(", ")")
    return {"dot": f"{n}.", "fwdot": f"{n}．", "dun": f"{n}、", "glued": f"{n}",
            "paren": f"{o}{n}{c}", "circled": CIRCLED[n - 1], "none": ""}[style]


def item_heading(n: str, width: str) -> str:
    """第二十条第（一）项, the sub-headings of table 二."""
    return f"第二十条第（{n}）项" if width == "full" else f"第二十条第({n})项"


def unit_note(unit: str, width: str) -> str:
    return f"（单位：{unit}）" if width == "full" else f"(单位:{unit})"

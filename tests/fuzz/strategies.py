"""Hypothesis strategies for reports and layouts, with their own defaults.

`reports(**restrict)` draws a whole document. Keyword restrictions narrow a dimension to
the values gongkai reads right today (see tests/fuzz/test_layout.py, where each
exclusion names the xfail regression case that records it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.fuzz import wording
from tests.fuzz.truth import Layout, Report, keys, money_keys

REGIONS = ("江城市", "江城市汉阳区", "南湖省", "东州市西城区", "临川县", "青山市北湖新区", "云岭州", "白沙镇")
BODIES = ("档案馆", "统计局", "人民政府", "人民政府办公室", "教育局", "卫生健康委员会", "市场监督管理局",
          "住房和城乡建设局", "自然资源和规划局", "医疗保障局", "公安局", "退役军人事务局",
          "政务服务和大数据管理局", "经济技术开发区管委会", "红星街道办事处", "文化和旅游局", "民政厅")

LAYOUT_CHOICES: dict[str, tuple[Any, ...]] = {
    "title_form": ("agency_first", "year_first", "guanyu", "qingkuang", "bracket", "cn_year", "no_agency"),
    "title_style": ("plain", "bold_center", "heading"),
    "preamble": ("plain", "notice", "agency_notice"),
    "caption": (False, True),
    "width": ("full", "half"),
    "top_enum": wording.TOP_ENUMS,
    "group_enum": wording.GROUP_ENUMS,
    "leaf_enum": wording.LEAF_ENUMS,
    "number_style": ("plain", "padded", "fullwidth", "grouped"),
    "t2_style": ("official", "split"),
    "t3_header": ("official", "flat", "two_rows"),
    "t3_rows": ("spans", "repeat", "joined", "grouprow"),
    "t4_style": ("official", "split", "transposed"),
    "money_unit": ("万元", "元"),
    "placement": ("inline", "appendix"),
    "narrative_numbers": (False, True),
    "signature": ("plain", "none", "cn_date"),
    "html_style": ("plain", "portal", "word", "js_var", "js_write"),
    "encoding": ("utf-8", "gbk", "gb18030"),
    "text_style": ("cells", "rows"),
    "md_style": ("pipe", "html"),
    "label_break": ("none", "br", "para"),
}
ZERO_STYLES = ("0", "blank", "—", "/", "无", "-")
PAGE_BREAKS = ("before_t3", "before_t4", "in_t3")


def _choice(name: str, restrict: dict[str, Any]) -> st.SearchStrategy[Any]:
    allowed = restrict.get(name, LAYOUT_CHOICES[name])
    return st.sampled_from(tuple(allowed))


@st.composite
def layouts(draw: st.DrawFn, **restrict: Any) -> Layout:
    picks = {name: draw(_choice(name, restrict)) for name in LAYOUT_CHOICES}
    breaks = restrict.get("title_break", "any")
    picks["title_break"] = None if breaks is None else draw(st.none() | st.integers(1, 40))
    picks["alt_labels"] = frozenset(draw(st.sets(st.sampled_from(restrict.get("alt_labels",
                                                                              wording.ALT_LABELS)))))
    picks["zero_styles"] = tuple(draw(st.lists(st.sampled_from(restrict.get("zero_styles", ZERO_STYLES)),
                                               min_size=1, max_size=3)))
    picks["page_breaks"] = frozenset(draw(st.sets(st.sampled_from(restrict.get("page_breaks",
                                                                               PAGE_BREAKS)))))
    picks["table_order"] = tuple(draw(st.permutations(restrict.get("table_order", ("t2", "t3", "t4")))))
    if picks["title_form"] == "no_agency" and picks["signature"] == "none" and picks["preamble"] != "agency_notice":
        # A title without the agency needs it somewhere else: nobody could read it otherwise.
        picks["signature"] = "plain"
    return Layout(**picks)


def counts() -> st.SearchStrategy[int]:
    # Most cells of real reports are 0; large numbers exercise digit grouping and width.
    return st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 99999))


def money(max_decimals: int) -> st.SearchStrategy[Decimal]:
    return st.builds(lambda n, d: Decimal(n).scaleb(-d), st.integers(0, 10**9),
                     st.integers(0, max_decimals)).map(lambda v: v if v < 10**6 else v % 10**6)


def _t3_values(draw: st.DrawFn, template: str) -> dict[str, int]:
    """Table 三 consistent with its printed rules, per applicant column."""
    rows = [k[3:].rsplit(".", 1)[0] for k in keys(template) if k.startswith("t3.") and k.endswith(".natural_person")]
    results = [r for r in rows if r not in ("new_received", "carried_over", "carried_forward", "total")]
    cols = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")
    out: dict[str, int] = {}
    for col in cols:
        leaf = {r: draw(counts()) for r in results}
        total = sum(leaf.values())
        forward = draw(counts())
        over = min(draw(counts()), total + forward)
        cells = {**leaf, "total": total, "carried_forward": forward, "carried_over": over,
                 "new_received": total + forward - over}
        out.update({f"t3.{r}.{col}": v for r, v in cells.items()})
    for r in rows:
        out[f"t3.{r}.total"] = sum(out[f"t3.{r}.{c}"] for c in cols)
    return out


def _t4_values(draw: st.DrawFn) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        parts = {c: draw(counts()) for c in ("upheld", "corrected", "other", "pending")}
        out.update({f"t4.{g}.{c}": v for c, v in parts.items()})
        out[f"t4.{g}.total"] = sum(parts.values())
    return out


@st.composite
def reports(draw: st.DrawFn, max_money_decimals: int = 6, **restrict: Any) -> Report:
    template = draw(st.sampled_from(restrict.pop("templates", ("2019", "2021"))))
    year = draw(st.integers(2019, 2020) if template == "2019" else st.integers(2021, 2025))
    agency = draw(st.sampled_from(REGIONS)) + draw(st.sampled_from(BODIES))
    values: dict[str, int | Decimal] = {}
    for key in keys(template):
        if key.startswith("t2."):
            if key in money_keys(template):
                values[key] = draw(money(max_money_decimals))
            elif key.endswith(".change"):
                values[key] = draw(st.integers(-30, 30))
            else:
                values[key] = draw(counts())
    values.update(_t3_values(draw, template))
    values.update(_t4_values(draw))
    assert set(values) == set(keys(template)), sorted(set(keys(template)) ^ set(values))[:5]
    return Report(agency=agency, year=year, template=template, values=values,
                  layout=draw(layouts(**restrict)))

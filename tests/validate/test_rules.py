"""Within-report rules: each rule satisfied and broken, blank lines, and a property test."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.record import Fact, Finding, Record
from pipeline.validate import RULES, derived_values, validate_record
from pipeline.validate.rules import (
    APPLICANT_COLS,
    OTHER_SPLIT,
    T3_COLS,
    T4_GROUPS,
    T4_PARTS,
    title_year,
)

BASE_RESULTS = [
    "granted",
    "partially_granted",
    "denied.state_secret",
    "denied.prohibited_by_law",
    "denied.security_stability",
    "denied.third_party_rights",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_files",
    "denied.inquiry_matters",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear_after_correction",
    "not_processed.petition",
    "not_processed.duplicate",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirmation",
]

# --------------------------------------------------------------------------- builders


def t3_table(
    results: dict[str, list[int]],
    carried_over: list[int],
    carried_forward: list[int],
    other_rows: tuple[str, ...] = OTHER_SPLIT,
) -> dict[str, int]:
    """A table 3 that obeys every rule, from the applicant-column numbers of the result
    rows and of the two carry rows; rows not given are zero."""
    rows = {r: results.get(r, [0] * 6) for r in (*BASE_RESULTS, *other_rows)}
    total = [sum(rows[r][i] for r in rows) for i in range(6)]
    new = [total[i] + carried_forward[i] - carried_over[i] for i in range(6)]
    assert min(new) >= 0, "test data: carried_over too large"
    table = {
        "new_received": new,
        "carried_over": carried_over,
        **rows,
        "total": total,
        "carried_forward": carried_forward,
    }
    out: dict[str, int] = {}
    for r, vals in table.items():
        for c, v in zip(APPLICANT_COLS, vals, strict=True):
            out[f"t3.{r}.{c}"] = v
        out[f"t3.{r}.total"] = sum(vals)
    return out


def t4_table(parts: dict[str, list[int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in T4_GROUPS:
        vals = parts.get(g, [0] * 4)
        for p, v in zip(T4_PARTS, vals, strict=True):
            out[f"t4.{g}.{p}"] = v
        out[f"t4.{g}.total"] = sum(vals)
    return out


def fact(
    key: str, value: int | Decimal | None, kind: str | None = None, printed: str | None = None
) -> Fact:
    table, rest = key.split(".", 1)
    row, col = rest.rsplit(".", 1)
    if kind is None:
        kind = "number" if value is not None else "text"
    if printed is None:
        printed = {"blank": "", "dash": "—"}.get(kind, "" if value is None else str(value))
    return Fact(table, row, col, value, kind, printed)


def record(
    values: dict[str, int | Decimal | None],
    *,
    kinds: dict[str, str] | None = None,
    year: int | None = 2024,
    fmt: str = "2021",
    agency: str | None = "测试市测试局",
    title: str | None = None,
    published_on: str | None = None,
    period: tuple[str | None, str | None] | None = None,
    sections: list[dict[str, object]] | None = None,
    findings: list[Finding] | None = None,
) -> Record:
    kinds = kinds or {}
    y = year if year is not None else 2024
    md: dict[str, object] = {
        "title": title if title is not None else f"{agency or ''}{y}年政府信息公开工作年度报告",
        "agency": agency,
        "year": year,
        "published_on": published_on if published_on is not None else f"{y + 1}-01-20",
        "format_version": fmt,
        "scope": "本机关",
        "period_start": (period or (f"{y}-01-01", f"{y}-12-31"))[0],
        "period_end": (period or (f"{y}-01-01", f"{y}-12-31"))[1],
    }
    return Record(
        sha256="0" * 64,
        source_path="test",
        file_type="docx",
        status="ok",
        metadata=md,
        sections=sections if sections is not None else [],
        facts=[fact(k, v, kinds.get(k)) for k, v in values.items()],
        findings=findings or [],
    )


def t2_2021() -> dict[str, int | Decimal | None]:
    return {
        "t2.rules.issued": 1,
        "t2.rules.repealed": 0,
        "t2.rules.in_force": 11,
        "t2.normative_docs.issued": 8,
        "t2.normative_docs.repealed": 2,
        "t2.normative_docs.in_force": 66,
        "t2.licensing.decisions": 400,
        "t2.penalty.decisions": 30,
        "t2.coercion.decisions": 2,
        "t2.fees.amount": Decimal("12.5"),
    }


# A small consistent report. Column natural_person: results 5+2+3+1 = 11, carried
# forward 2, carried over 1, so new received 12. Totals: results 14, new received 15.
def base_values(other_rows: tuple[str, ...] = OTHER_SPLIT) -> dict[str, int | Decimal | None]:
    results = {
        "granted": [5, 1, 0, 0, 1, 0],
        "partially_granted": [2, 0, 0, 0, 0, 0],
        "unavailable.not_held": [3, 0, 0, 0, 0, 1],
        other_rows[-1]: [1, 0, 0, 0, 0, 0],
    }
    return {
        **t2_2021(),
        **t3_table(results, [1, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0], other_rows),
        **t4_table({"reconsideration": [2, 1, 0, 0], "litigation_direct": [0, 0, 0, 1]}),
    }


def ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def cols(row: str) -> list[str]:
    return [f"t3.{row}.{c}" for c in APPLICANT_COLS]


# --------------------------------------------------------------------------- sanity


def test_base_record_is_clean() -> None:
    v = base_values()
    assert v["t3.new_received.natural_person"] == 12
    assert v["t3.total.total"] == 14 and v["t3.new_received.total"] == 15
    assert validate_record(record(v)) == []
    assert derived_values(record(v)) == []


def test_2019_format_with_single_other_row_is_clean() -> None:
    v = base_values(("other",))
    assert validate_record(record(v, year=2020, fmt="2019")) == []


def test_2021_report_with_2019_other_row_is_clean() -> None:
    # a 2021 report printing one non-zero 其他处理 row: the row `other` replaces the split
    v = base_values(("other",))
    assert validate_record(record(v)) == []


def test_derived_zero_split_beside_printed_other_is_not_double_counted() -> None:
    v = base_values(("other",))
    rec = record(v)
    for r in OTHER_SPLIT:
        for c in T3_COLS:
            rec.facts.append(Fact("t3", r, c, 0, "blank", "", derived=True))
    assert validate_record(rec) == []


# --------------------------------------------------------------------------- t3.balance


def test_balance_broken() -> None:
    v = base_values()
    # carried forward +1 in natural_person, and in its total so the row still adds up
    v["t3.carried_forward.natural_person"] = 3
    v["t3.carried_forward.total"] = 3
    found = validate_record(record(v))
    assert ids(found) == ["t3.balance", "t3.balance"]
    natural, total = found
    assert natural.severity == "error"
    assert natural.cells == [
        "t3.new_received.natural_person",
        "t3.carried_over.natural_person",
        "t3.total.natural_person",
        "t3.carried_forward.natural_person",
    ]
    assert (natural.expected, natural.printed) == ("13", "14")
    assert total.cells == [
        "t3.new_received.total",
        "t3.carried_over.total",
        "t3.total.total",
        "t3.carried_forward.total",
    ]
    assert (total.expected, total.printed) == ("16", "17")
    assert "12 + 1 = 13" in natural.message and "11 + 3 = 14" in natural.message
    assert "第一项" not in natural.message and "本年新收" in natural.message_zh


# --------------------------------------------------------------------------- t3.results_sum


def test_results_sum_broken() -> None:
    v = base_values()
    # one more granted, in its row total too, but the total row (七) left as it was;
    # new_received follows so that the balance still holds with the printed total
    v["t3.granted.natural_person"] = 6
    v["t3.granted.total"] = 8
    found = validate_record(record(v))
    assert ids(found) == ["t3.results_sum", "t3.results_sum"]
    natural, total = found
    assert natural.severity == "error"
    assert natural.cells == ["t3.total.natural_person"] + [
        f"t3.{r}.natural_person" for r in (*BASE_RESULTS, *OTHER_SPLIT)
    ]
    assert (natural.expected, natural.printed) == ("12", "11")
    assert total.cells[0] == "t3.total.total"
    assert (total.expected, total.printed) == ("15", "14")


def test_results_sum_counts_the_other_subrows() -> None:
    v = base_values()
    v["t3.other.no_fee_paid.commercial"] = 2  # a sub-row count the total row omits
    v["t3.other.no_fee_paid.total"] = 2
    found = [f for f in validate_record(record(v)) if f.rule_id == "t3.results_sum"]
    assert [(f.cells[0], f.expected, f.printed) for f in found] == [
        ("t3.total.commercial", "3", "1"),
        ("t3.total.total", "16", "14"),
    ]


# --------------------------------------------------------------------------- t3.row_total


def test_row_total_broken() -> None:
    v = base_values()
    # move one request between columns of new_received and carried_over in opposite
    # directions: the column checks still hold, only the two row totals break
    v["t3.new_received.total"] = 16
    v["t3.carried_over.total"] = 0
    found = validate_record(record(v))
    assert found == [
        Finding(
            rule_id="t3.row_total",
            severity="error",
            message=found[0].message,
            message_zh=found[0].message_zh,
            cells=["t3.new_received.total", *cols("new_received")],
            expected="15",
            printed="16",
        ),
        Finding(
            rule_id="t3.row_total",
            severity="error",
            message=found[1].message,
            message_zh=found[1].message_zh,
            cells=["t3.carried_over.total", *cols("carried_over")],
            expected="1",
            printed="0",
        ),
    ]
    assert "new_received" in found[0].message and "本年新收" in found[0].message_zh


def test_single_wrong_cell_is_cross_footed() -> None:
    # one typo is caught by its row and by its column, which pins down the cell
    v = base_values()
    v["t3.granted.commercial"] = 4
    found = validate_record(record(v))
    assert sorted((f.rule_id, f.cells[0]) for f in found) == [
        ("t3.results_sum", "t3.total.commercial"),
        ("t3.row_total", "t3.granted.total"),
    ]


# --------------------------------------------------------------------------- t4


def test_t4_group_total_broken() -> None:
    v = base_values()
    v["t4.reconsideration.total"] = 4
    found = validate_record(record(v))
    assert len(found) == 1
    f = found[0]
    assert (f.rule_id, f.severity) == ("t4.group_total", "error")
    assert f.cells == [
        "t4.reconsideration.total",
        "t4.reconsideration.upheld",
        "t4.reconsideration.corrected",
        "t4.reconsideration.other",
        "t4.reconsideration.pending",
    ]
    assert (f.expected, f.printed) == ("3", "4")


# --------------------------------------------------------------------------- unreadable


def test_unreadable_cell_skips_its_checks_and_is_reported_once() -> None:
    v = base_values()
    v["t3.granted.natural_person"] = None
    rec = record(v)
    found = validate_record(rec)
    assert len(found) == 1
    f = found[0]
    assert (f.rule_id, f.severity, f.cells) == (
        "value.unreadable",
        "error",
        ["t3.granted.natural_person"],
    )
    assert (f.expected, f.printed) == (None, "")


def test_unreadable_already_reported_by_extraction_is_not_repeated() -> None:
    v = base_values()
    v["t3.granted.natural_person"] = None
    prior = Finding("value.unreadable", "error", "unreadable", cells=["t3.granted.natural_person"])
    assert validate_record(record(v, findings=[prior])) == []


def test_unreadable_keeps_printed_text() -> None:
    v = base_values()
    rec = record(v)
    for f in rec.facts:
        if f.key == "t4.litigation_direct.pending":
            f.value, f.value_kind, f.printed_text = None, "text", "约1"
    found = validate_record(rec)
    assert [(f.rule_id, f.cells, f.printed) for f in found] == [
        ("value.unreadable", ["t4.litigation_direct.pending"], "约1")
    ]


# --------------------------------------------------------------------------- blank lines


def blank(keys: list[str]) -> dict[str, str]:
    return dict.fromkeys(keys, "blank")


def test_blank_total_column_is_one_finding_with_derived_values() -> None:
    v = base_values()
    total_col = [k for k in v if k.startswith("t3.") and k.endswith(".total")]
    printed = dict(v)
    for k in total_col:
        printed[k] = 0  # a blank cell reads as 0, kind blank
    rec = record(printed, kinds=blank(total_col))
    found = validate_record(rec)
    assert len(found) == 1
    f = found[0]
    assert (f.rule_id, f.severity) == ("t3.blank_column", "warning")
    assert f.cells == total_col
    assert "total column" in f.message and "总计" in f.message_zh

    derived = derived_values(rec)
    assert all(d.derived and d.value_kind == "derived" and d.printed_text == "" for d in derived)
    # every non-zero total is offered; zero sums equal the printed blank and are left out
    assert {d.key: d.value for d in derived} == {k: v[k] for k in total_col if v[k] != 0}
    # the printed facts are untouched
    assert all(x.value == 0 and x.value_kind == "blank" for x in rec.facts if x.key in total_col)


def test_blank_total_column_still_reports_real_errors() -> None:
    v = base_values()
    total_col = [k for k in v if k.startswith("t3.") and k.endswith(".total")]
    for k in total_col:
        v[k] = 0
    v["t3.carried_forward.commercial"] = 1  # breaks the commercial column's balance
    found = validate_record(record(v, kinds=blank(total_col)))
    assert [(f.rule_id, f.cells[-1], f.expected, f.printed) for f in found] == [
        ("t3.blank_column", "t3.carried_forward.total", None, ""),
        ("t3.balance", "t3.carried_forward.commercial", "1", "2"),
    ]


def test_blank_total_row_is_one_finding_and_balance_uses_derived_totals() -> None:
    v = base_values()
    total_row = [f"t3.total.{c}" for c in T3_COLS]
    for k in total_row:
        v[k] = 0
    rec = record(v, kinds=blank(total_row))
    found = validate_record(rec)
    assert [(f.rule_id, f.severity, f.cells) for f in found] == [
        ("t3.blank_row", "warning", total_row)
    ]
    assert {d.key: d.value for d in derived_values(rec)} == {
        "t3.total.natural_person": 11,
        "t3.total.commercial": 1,
        "t3.total.legal_service": 1,
        "t3.total.other_org": 1,
        "t3.total.total": 14,
    }
    # the balance is still checked, against the derived total
    v["t3.new_received.natural_person"] = 13
    v["t3.new_received.total"] = 16
    found = validate_record(record(v, kinds=blank(total_row)))
    assert [(f.rule_id, f.cells[0], f.expected, f.printed) for f in found] == [
        ("t3.blank_row", "t3.total.natural_person", None, ""),
        ("t3.balance", "t3.new_received.natural_person", "14", "13"),
        ("t3.balance", "t3.new_received.total", "17", "16"),
    ]
    assert "derived" in found[1].message


def test_blank_total_row_and_column_derive_the_corner() -> None:
    v = base_values()
    lines = sorted(
        {f"t3.total.{c}" for c in T3_COLS}
        | {k for k in v if k.startswith("t3.") and k.endswith(".total")}
    )
    for k in lines:
        v[k] = 0
    rec = record(v, kinds=blank(lines))
    assert ids(validate_record(rec)) == ["t3.blank_column", "t3.blank_row"]
    derived = {d.key: d.value for d in derived_values(rec)}
    assert derived["t3.total.total"] == 14 and derived["t3.new_received.total"] == 15


def test_totals_only_report_is_one_finding() -> None:
    v = base_values()
    applicant = [k for k in v if k.startswith("t3.") and not k.endswith(".total")]
    for k in applicant:
        v[k] = 0
    rec = record(v, kinds=blank(applicant))
    found = validate_record(rec)
    assert [(f.rule_id, f.severity, len(f.cells)) for f in found] == [
        ("t3.blank_column", "warning", len(applicant))
    ]
    assert "applicant" in found[0].message
    assert derived_values(rec) == []  # a split by applicant cannot be derived


def test_blank_total_column_with_all_zero_parts_is_fine() -> None:
    v = {k: 0 for k in t3_table({}, [0] * 6, [0] * 6)}
    total_col = [k for k in v if k.endswith(".total")]
    rec = record(v, kinds=blank(total_col))
    assert validate_record(rec) == [] and derived_values(rec) == []


def test_one_blank_total_cell_is_unknown_not_zero() -> None:
    """A single 总计 printed blank among printed totals while its parts hold numbers (the
    Shanghai STCSM conversion's 四、结转下年度继续办理) is not filled in: one warning naming
    it, its value derived as the sum of its parts, no broken-sum errors."""
    v = base_values()
    want = v["t3.granted.total"]
    assert want != 0
    v["t3.granted.total"] = 0
    rec = record(v, kinds={"t3.granted.total": "blank"})
    found = validate_record(rec)
    assert [(f.rule_id, f.severity, f.cells) for f in found] == [("total.blank_cell", "warning", ["t3.granted.total"])]
    assert f"parts sum to {want}" in found[0].message
    assert [(d.key, d.value, d.rule_id) for d in derived_values(rec)] == [("t3.granted.total", want, "total.blank_cell")]
    # the other rules still check the table, with the derived value in place of the blank
    v["t3.total.total"] += 1
    found = validate_record(record(v, kinds={"t3.granted.total": "blank"}))
    assert sorted(ids(found)) == ["t3.balance", "t3.results_sum", "t3.row_total", "total.blank_cell"]


@pytest.mark.parametrize("key", ["t3.carried_forward.total", "t3.total.commercial", "t4.reconsideration.total"])
def test_blank_total_cells_of_each_kind(key: str) -> None:
    """Table 三's total column, its total row and table 四's group totals alike: blank
    with non-zero parts is one warning (all-zero parts: see ..._with_all_zero_parts_is_fine)."""
    v = base_values()
    want, v[key] = v[key], 0
    assert want != 0
    rec = record(v, kinds={key: "blank"})
    assert [(f.rule_id, f.cells) for f in validate_record(rec)] == [("total.blank_cell", [key])]
    assert {d.key: d.value for d in derived_values(rec)} == {key: want}


def test_total_column_blank_in_every_result_row_is_derived_and_still_checked() -> None:
    """总计 printed only for 一, 二, (七) and 四 (a real Shanghai layout): blank is not 0, so
    the result rows' totals are derived, reported once, and (七) is checked against them."""
    v = base_values()
    results = ["granted", "partially_granted", "unavailable.not_held", OTHER_SPLIT[-1]]  # the non-zero ones
    empty = [k[:-len(".natural_person")] + ".total" for k in v if k.startswith("t3.") and k.endswith(".natural_person")
             and k.split(".")[1] not in ("new_received", "carried_over", "total", "carried_forward")]
    for k in empty:
        v[k] = 0
    rec = record(v, kinds=blank(empty))
    found = validate_record(rec)
    assert [(f.rule_id, f.severity, sorted(f.cells)) for f in found] == [("t3.blank_column", "warning", sorted(empty))]
    assert {d.key: d.value for d in derived_values(rec)} == {
        f"t3.{r}.total": sum(int(v[k] or 0) for k in cols(r)) for r in results}
    # (七) no longer agrees with the derived totals: the rule says so
    v["t3.granted.commercial"] = 2
    found = validate_record(record(v, kinds=blank(empty)))
    assert [(f.rule_id, f.cells[0]) for f in found if f.severity == "error"] == [
        ("t3.results_sum", "t3.total.commercial"), ("t3.results_sum", "t3.total.total")]


def test_t4_blank_totals() -> None:
    v = base_values()
    totals = [f"t4.{g}.total" for g in T4_GROUPS]
    for k in totals:
        v[k] = 0
    rec = record(v, kinds=blank(totals))
    found = validate_record(rec)
    assert [(f.rule_id, f.severity, f.cells) for f in found] == [
        ("t4.blank_total", "warning", totals)
    ]
    assert {d.key: d.value for d in derived_values(rec)} == {
        "t4.reconsideration.total": 3,
        "t4.litigation_direct.total": 1,
    }


# --------------------------------------------------------------------------- metadata


def one(found: list[Finding], rule_id: str) -> Finding:
    hits = [f for f in found if f.rule_id == rule_id]
    assert len(hits) == 1, found
    return hits[0]


def test_meta_required() -> None:
    found = validate_record(record(base_values(), year=None, agency=""))
    assert [(f.rule_id, f.severity, f.cells) for f in found] == [
        ("meta.required", "error", ["meta.year"]),
        ("meta.required", "error", ["meta.agency"]),
    ]


def test_meta_format_year() -> None:
    assert validate_record(record(base_values(("other",)), year=2020, fmt="2019")) == []
    f = one(validate_record(record(base_values(), year=2024, fmt="2019")), "meta.format_year")
    assert (f.severity, f.cells, f.expected, f.printed) == (
        "warning",
        ["meta.format_version", "meta.year"],
        "2021",
        "2019",
    )
    f = one(validate_record(record(base_values(), year=2020, fmt="2021")), "meta.format_year")
    assert (f.expected, f.printed) == ("2019", "2021")
    f = one(validate_record(record(base_values(), year=2018, fmt="2019")), "meta.format_year")
    assert (f.expected, f.printed) == (None, "2019") and "predates" in f.message


def test_meta_title_year() -> None:
    found = validate_record(record(base_values(), title="测试局2023年度政府信息公开工作年度报告"))
    assert [(f.rule_id, f.severity, f.cells, f.expected, f.printed) for f in found] == [
        ("meta.title_year", "warning", ["meta.title", "meta.year"], "2024", "2023")
    ]
    assert title_year("测试局二〇二四年政府信息公开工作年度报告") == 2024
    assert title_year("政府信息公开工作年度报告") is None


def test_meta_period_year() -> None:
    found = validate_record(record(base_values(), period=("2023-01-01", "2023-12-31")))
    assert [(f.rule_id, f.severity, f.cells, f.expected, f.printed) for f in found] == [
        (
            "meta.period_year",
            "warning",
            ["meta.year", "meta.period_start", "meta.period_end"],
            "2024",
            "2023-01-01/2023-12-31",
        )
    ]
    # a partial year (an agency set up mid-year) is fine; a missing bound is not checked
    assert validate_record(record(base_values(), period=("2024-06-01", "2024-12-31"))) == []
    assert validate_record(record(base_values(), period=(None, None))) == []


def test_meta_published_after_year() -> None:
    assert validate_record(record(base_values(), published_on="2025-01-13")) == []
    found = validate_record(record(base_values(), published_on="2024-12-30"))
    assert [(f.rule_id, f.severity, f.cells, f.expected, f.printed) for f in found] == [
        (
            "meta.published_after_year",
            "warning",
            ["meta.published_on", "meta.year"],
            "after 2024-12-31",
            "2024-12-30",
        )
    ]


# --------------------------------------------------------------------------- narrative


def sections(**texts: str) -> list[dict[str, object]]:
    headings = [
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "存在的主要问题及改进情况",
        "其他需要报告的事项",
    ]
    return [
        {"number": i + 1, "heading": h, "text": texts.get(f"s{i + 1}", "")}
        for i, h in enumerate(headings)
    ]


# Sentences as printed in wuhan-qiaokou-archives-2024 (all-zero tables).
NO_REQUESTS = "2024年，我馆未收到政府信息公开申请。"
NO_CASES = "2024年，我馆未收到因政府信息公开申请行政复议、提起行政诉讼。"


def zero_values() -> dict[str, int | Decimal | None]:
    return {**t2_2021(), **t3_table({}, [0] * 6, [0] * 6), **t4_table({})}


def test_narrative_consistent_with_zero_tables() -> None:
    rec = record(
        zero_values(),
        sections=sections(
            s1="（二）政府信息依申请公开情况 " + NO_REQUESTS, s3=NO_REQUESTS, s4=NO_CASES
        ),
    )
    assert validate_record(rec) == []


def test_narrative_no_requests_broken() -> None:
    found = validate_record(record(base_values(), sections=sections(s3=NO_REQUESTS)))
    f = one(found, "narrative.no_requests")
    assert len(found) == 1
    assert (f.severity, f.cells, f.expected, f.printed) == (
        "warning",
        ["t3.new_received.total"],
        "0",
        "15",
    )
    assert "Section 3" in f.message and "未收到政府信息公开申请" in f.message


def test_narrative_subset_statement_is_not_a_denial() -> None:
    text = "本年度未收到法人或其他组织的申请，收到自然人申请12件。"
    assert validate_record(record(base_values(), sections=sections(s3=text))) == []


def test_narrative_no_cases_broken() -> None:
    found = validate_record(record(base_values(), sections=sections(s4=NO_CASES)))
    assert len(found) == 1
    f = found[0]
    assert (f.rule_id, f.severity, f.cells, f.expected, f.printed) == (
        "narrative.no_cases",
        "warning",
        ["t4.reconsideration.total", "t4.litigation_direct.total"],
        "0",
        "4",
    )


def test_narrative_partial_cases_statement_is_not_a_denial() -> None:
    text = "本年度未发生行政复议，发生行政诉讼1起。"
    v = base_values()
    v.update(t4_table({"litigation_direct": [0, 0, 0, 1]}))
    assert validate_record(record(v, sections=sections(s4=text))) == []


# --------------------------------------------------------------------------- registry


def test_registry_is_complete_and_bilingual() -> None:
    rule_ids = [r.id for r in RULES]
    assert len(rule_ids) == len(set(rule_ids))
    for r in RULES:
        assert r.severity in ("error", "warning", "info")
        assert r.description_en and r.description_zh
    for required in (
        "t3.balance",
        "t3.results_sum",
        "t3.row_total",
        "t4.group_total",
        "meta.format_year",
        "meta.period_year",
        "meta.published_after_year",
        "narrative.no_requests",
        "narrative.no_cases",
        "value.unreadable",
        "t3.blank_column",
        "xyear.carry_over",
        "xyear.in_force",
    ):
        assert required in rule_ids
    severity = {r.id: r.severity for r in RULES}
    assert severity["t3.balance"] == "error" and severity["narrative.no_requests"] == "warning"


# --------------------------------------------------------------------------- property


ZERO_PRINTS = [("number", "0"), ("blank", ""), ("dash", "—")]


@st.composite
def valid_records(draw: st.DrawFn) -> Record:
    """A record that obeys every rule, built from random numbers."""
    fmt = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if fmt == "2019" else st.integers(2021, 2030))
    # a 2021 report may print the single 2019 row 其他处理
    other_rows = ("other",) if fmt == "2019" else draw(st.sampled_from([OTHER_SPLIT, ("other",)]))
    # Real tables range from all zero (most small agencies) to thousands of requests.
    density = draw(st.sampled_from(["empty", "sparse", "dense"]))
    count = {
        "empty": st.just(0),
        "sparse": st.one_of(st.just(0), st.just(0), st.just(0), st.integers(1, 5)),
        "dense": st.one_of(st.just(0), st.integers(0, 5), st.integers(0, 2000)),
    }[density]
    six = st.lists(count, min_size=6, max_size=6)
    results = {r: draw(six) for r in (*BASE_RESULTS, *other_rows)}
    carried_forward = draw(six)
    totals = [sum(results[r][i] for r in results) for i in range(6)]
    carried_over = [draw(st.integers(0, totals[i] + carried_forward[i])) for i in range(6)]
    values: dict[str, int | Decimal | None] = dict(
        t3_table(results, carried_over, carried_forward, other_rows)
    )
    values.update(t4_table({g: draw(st.lists(count, min_size=4, max_size=4)) for g in T4_GROUPS}))
    if fmt == "2021":
        values.update({k: draw(count) for k in t2_2021() if k != "t2.fees.amount"})
        values["t2.fees.amount"] = Decimal(draw(st.integers(0, 10**7))) / 100

    facts = []
    for key, v in values.items():
        kind, printed = draw(st.sampled_from(ZERO_PRINTS)) if v == 0 else ("number", str(v))
        facts.append(fact(key, v, kind, printed))

    texts: dict[str, str] = {"s1": "本机关高度重视政府信息公开工作。"}
    if values["t3.new_received.total"] == 0 and draw(st.booleans()):
        texts["s3"] = NO_REQUESTS
    if all(values[f"t4.{g}.total"] == 0 for g in T4_GROUPS) and draw(st.booleans()):
        texts["s4"] = NO_CASES
    published = draw(st.one_of(st.none(), st.dates(date(year + 1, 1, 1), date(year + 2, 12, 31))))
    full_year = draw(st.booleans())
    start = date(year, 1, 1) + timedelta(days=draw(st.integers(0, 180)))
    return Record(
        sha256="0" * 64,
        source_path="generated",
        file_type="pdf",
        status="ok",
        metadata={
            "title": f"测试机关{year}年政府信息公开工作年度报告",
            "agency": "测试机关",
            "year": year,
            "published_on": published.isoformat() if published else None,
            "format_version": fmt,
            "scope": "本机关",
            "period_start": date(year, 1, 1).isoformat() if full_year else start.isoformat(),
            "period_end": date(year, 12, 31).isoformat() if full_year else None,
        },
        sections=sections(**texts),
        facts=facts,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_records())
def test_records_obeying_every_rule_produce_no_findings(rec: Record) -> None:
    assert validate_record(rec) == []
    assert derived_values(rec) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_records(), st.data())
def test_changing_any_count_is_caught(rec: Record, data: st.DataObject) -> None:
    counts = [f for f in rec.facts if f.table_id in ("t3", "t4")]
    target = data.draw(st.sampled_from(counts))
    delta = data.draw(st.integers(1, 50))
    target.value = int(target.value or 0) + delta
    target.value_kind, target.printed_text = "number", str(target.value)
    found = validate_record(rec)
    assert found
    # caught by an arithmetic rule naming the cell, unless it turned a line of blanks
    # into a "blank line", or a part of a total printed blank, which are reported once instead
    assert any(target.key in f.cells for f in found) or {f.rule_id for f in found} & {
        "total.blank_cell",
        "t3.blank_column",
        "t3.blank_row",
        "t4.blank_total",
    }

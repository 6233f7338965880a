"""Cross-year rules on one agency's series of reports."""

from __future__ import annotations

from decimal import Decimal

from pipeline.record import Finding
from pipeline.validate import SeriesReport, check_series
from pipeline.validate.rules import APPLICANT_COLS


def report(
    year: int,
    carried_over: list[int],
    carried_forward: list[int],
    *,
    fmt: str | None = None,
    agency: str = "测试市测试局",
    t2: dict[str, int | Decimal | None] | None = None,
) -> SeriesReport:
    values: dict[str, int | Decimal | None] = {}
    for row, vals in (("carried_over", carried_over), ("carried_forward", carried_forward)):
        for c, v in zip(APPLICANT_COLS, vals, strict=True):
            values[f"t3.{row}.{c}"] = v
        values[f"t3.{row}.total"] = sum(vals)
    values.update(t2 or {})
    fmt = fmt or ("2021" if year >= 2021 else "2019")
    return SeriesReport(f"{agency}-{year}", agency, year, fmt, values)


def in_force(
    rules: tuple[int, int, int], docs: tuple[int, int, int]
) -> dict[str, int | Decimal | None]:
    out: dict[str, int | Decimal | None] = {}
    for row, (issued, repealed, now) in (("rules", rules), ("normative_docs", docs)):
        out.update(
            {f"t2.{row}.issued": issued, f"t2.{row}.repealed": repealed, f"t2.{row}.in_force": now}
        )
    return out


def test_consistent_series_has_no_findings() -> None:
    series = [
        report(2021, [0, 0, 0, 0, 0, 0], [2, 1, 0, 0, 0, 0]),
        report(2022, [2, 1, 0, 0, 0, 0], [3, 0, 0, 0, 1, 0]),
        report(2023, [3, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0]),
    ]
    assert check_series(series) == []


def test_one_broken_link_gives_one_finding_on_the_later_year() -> None:
    series = [
        report(2021, [0, 0, 0, 0, 0, 0], [2, 1, 0, 0, 0, 0]),
        report(2022, [2, 1, 0, 0, 0, 0], [3, 0, 0, 0, 1, 0]),
        report(2023, [4, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0]),  # 4, but 2022 carried 3 forward
    ]
    found = check_series(list(reversed(series)))  # order of the input does not matter
    assert len(found) == 1
    report_id, f = found[0]
    assert report_id == "测试市测试局-2023"
    assert f == Finding(
        rule_id="xyear.carry_over",
        severity="error",
        message=f.message,
        message_zh=f.message_zh,
        cells=["t3.carried_over.natural_person"],
        expected="3",
        printed="4",
    )
    assert "2022" in f.message and "2023" in f.message
    assert "2022" in f.message_zh and "2023" in f.message_zh


def test_gap_year_is_not_compared() -> None:
    series = [
        report(2021, [0] * 6, [2, 0, 0, 0, 0, 0]),
        report(2023, [5, 0, 0, 0, 0, 0], [0] * 6),
    ]
    assert check_series(series) == []


def test_format_change_2020_to_2021_still_checks_carry_over() -> None:
    series = [
        report(2020, [0] * 6, [1, 0, 0, 0, 0, 0]),
        report(2021, [0] * 6, [0] * 6),
    ]
    found = check_series(series)
    assert [(rid, f.rule_id, f.cells, f.expected, f.printed) for rid, f in found] == [
        ("测试市测试局-2021", "xyear.carry_over", ["t3.carried_over.natural_person"], "1", "0")
    ]


def test_other_agencies_are_not_compared() -> None:
    series = [
        report(2021, [0] * 6, [2, 0, 0, 0, 0, 0], agency="甲局"),
        report(2022, [0] * 6, [0] * 6, agency="乙局"),
    ]
    assert check_series(series) == []


def test_unreadable_values_skip() -> None:
    later = report(2022, [9, 0, 0, 0, 0, 0], [0] * 6)
    later.values["t3.carried_over.natural_person"] = None
    later.values["t3.carried_over.total"] = None
    assert check_series([report(2021, [0] * 6, [2, 0, 0, 0, 0, 0]), later]) == []


def test_totals_only_reports_compare_the_total_column() -> None:
    a = report(2021, [0] * 6, [0] * 6)
    b = report(2022, [0] * 6, [0] * 6)
    a.values["t3.carried_forward.total"] = 4
    b.values["t3.carried_over.total"] = 3
    found = check_series([a, b])
    assert [(rid, f.cells, f.expected, f.printed) for rid, f in found] == [
        ("测试市测试局-2022", ["t3.carried_over.total"], "4", "3")
    ]


def test_total_column_not_reported_twice() -> None:
    # a mismatch in one applicant column is one finding, not one more for the total column
    found = check_series(
        [report(2021, [0] * 6, [2, 0, 0, 0, 0, 0]), report(2022, [1, 0, 0, 0, 0, 0], [0] * 6)]
    )
    assert [f.cells for _, f in found] == [["t3.carried_over.natural_person"]]


def test_in_force() -> None:
    series = [
        report(2021, [0] * 6, [0] * 6, t2=in_force((1, 0, 10), (5, 1, 60))),
        report(2022, [0] * 6, [0] * 6, t2=in_force((2, 1, 11), (8, 2, 66))),  # 10+2-1, 60+8-2
        report(2023, [0] * 6, [0] * 6, t2=in_force((0, 0, 11), (3, 0, 70))),  # 66+3-0 = 69, not 70
    ]
    found = check_series(series)
    assert len(found) == 1
    report_id, f = found[0]
    assert report_id == "测试市测试局-2023"
    assert (f.rule_id, f.severity) == ("xyear.in_force", "warning")
    assert f.cells == [
        "t2.normative_docs.in_force",
        "t2.normative_docs.issued",
        "t2.normative_docs.repealed",
    ]
    assert (f.expected, f.printed) == ("69", "70")
    assert "2022" in f.message and "2023" in f.message and "approximate" in f.message
    assert "近似" in f.message_zh


def test_in_force_not_checked_across_template_formats() -> None:
    # the 2019 template has no in-force count; its 对外公开总数量 is another quantity
    old = report(2020, [0] * 6, [0] * 6, t2={"t2.rules.total_published": 50})
    new = report(2021, [0] * 6, [0] * 6, t2=in_force((1, 0, 3), (1, 0, 3)))
    assert check_series([old, new]) == []


class _Reads(dict):
    """A fact map that remembers every key a rule asks for."""

    asked: set[str] = set()

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        _Reads.asked.add(key)
        return super().get(key, default)


def test_the_loader_reads_back_every_key_the_rules_read() -> None:
    """The loader reads only SERIES_KEYS back from the database for these rules."""
    from pipeline.validate.crossyear import SERIES_KEYS

    reps = [report(y, [1, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0], t2=in_force((1, 0, 3), (2, 1, 5)))
            for y in (2020, 2021, 2022)]
    for r in reps:
        r.values = _Reads(r.values)
    assert check_series(reps)  # the rules ran and found something
    assert _Reads.asked and _Reads.asked <= set(SERIES_KEYS)

"""Checks across one agency's consecutive reports.

The loader builds one `SeriesReport` per report (one agency's current reports, one per
year) from the database; findings are attached to the later year's report, because that
is the report that contradicts what was already published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.record import Finding
from pipeline.validate.catalogue import Registry, RuleInfo, label_zh, make_finding
from pipeline.validate.rules import APPLICANT_COLS

Value = int | Decimal | None


@dataclass
class SeriesReport:
    report_id: str
    agency: str
    year: int
    format_version: str
    values: dict[str, Value] = field(default_factory=dict)  # fact key -> value


def _s(v: int | Decimal) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


_Check = Callable[[SeriesReport, SeriesReport, RuleInfo], Iterator[Finding]]
_REGISTRY: Registry[_Check] = Registry()
_rule = _REGISTRY.rule


@_rule("xyear.carry_over")
def _carry_over(prev: SeriesReport, cur: SeriesReport, info: RuleInfo) -> Iterator[Finding]:
    compared_nonzero = False
    for c in APPLICANT_COLS:
        before = prev.values.get(f"t3.carried_forward.{c}")
        now = cur.values.get(f"t3.carried_over.{c}")
        if before is None or now is None:
            continue
        compared_nonzero = compared_nonzero or before != 0 or now != 0
        if before != now:
            yield _carry_finding(info, prev, cur, c, before, now)
    # The total column only when no applicant column carries a number (a totals-only
    # report): otherwise a mismatch in one column would be reported twice, and a report
    # that left its total column blank (loaded as 0) would be flagged for nothing.
    if not compared_nonzero:
        before = prev.values.get("t3.carried_forward.total")
        now = cur.values.get("t3.carried_over.total")
        if before is not None and now is not None and before != now:
            yield _carry_finding(info, prev, cur, "total", before, now)


def _carry_finding(
    info: RuleInfo,
    prev: SeriesReport,
    cur: SeriesReport,
    col: str,
    before: int | Decimal,
    now: int | Decimal,
) -> Finding:
    # Cells name this (the later) report's cell only: the finding is attached to it, and a
    # key of the previous report would be read as a cell of this one.
    return make_finding(
        info,
        [f"t3.carried_over.{col}"],
        _s(before),
        _s(now),
        col=col,
        col_zh=label_zh("t3", None, col),
        year=cur.year,
        prev_year=prev.year,
    )


@_rule("xyear.in_force")
def _in_force(prev: SeriesReport, cur: SeriesReport, info: RuleInfo) -> Iterator[Finding]:
    # Only 2021 to 2021: the 2019 template's 对外公开总数量 is a different quantity.
    if prev.format_version != "2021" or cur.format_version != "2021":
        return
    for row in ("rules", "normative_docs"):
        last = prev.values.get(f"t2.{row}.in_force")
        issued = cur.values.get(f"t2.{row}.issued")
        repealed = cur.values.get(f"t2.{row}.repealed")
        now = cur.values.get(f"t2.{row}.in_force")
        if last is None or issued is None or repealed is None or now is None:
            continue
        expected = last + issued - repealed
        if now != expected:
            yield make_finding(
                info,
                [f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed"],
                _s(expected),
                _s(now),
                row=row,
                row_zh=label_zh("t2", row),
                year=cur.year,
                prev_year=prev.year,
                prev=_s(last),
                issued=_s(issued),
                repealed=_s(repealed),
            )


RULES: list[RuleInfo] = _REGISTRY.infos
# Every fact key the rules above read: the loader reads only these back from the database
# (not all of an agency's facts). tests/validate/test_crossyear.py checks the rules read
# no other.
SERIES_KEYS: tuple[str, ...] = (
    *(f"t3.{row}.{c}" for row in ("carried_forward", "carried_over") for c in (*APPLICANT_COLS, "total")),
    *(f"t2.{row}.{c}" for row in ("rules", "normative_docs") for c in ("in_force", "issued", "repealed")),
)


def check_series(reports: list[SeriesReport]) -> list[tuple[str, Finding]]:
    """Compare each report with the same agency's report on the year before, if any.

    Returns (report_id of the later report, finding) pairs, ordered by agency (first seen)
    and year. Several reports for one agency and year (which the loader should not pass)
    are each compared, rather than one picked silently.
    """
    by_agency: dict[str, dict[int, list[SeriesReport]]] = {}
    for r in reports:
        by_agency.setdefault(r.agency, {}).setdefault(r.year, []).append(r)
    out: list[tuple[str, Finding]] = []
    for years in by_agency.values():
        for year in sorted(years):
            for cur in years[year]:
                for prev in years.get(year - 1, []):
                    for info, check in _REGISTRY.entries:
                        out.extend((cur.report_id, f) for f in check(prev, cur, info))
    return out

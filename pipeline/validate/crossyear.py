"""Checks across one agency's consecutive reports.

The loader builds one `SeriesReport` per report (one agency's current reports, one per
year) from the database; findings are attached to the later year's report, because that
is the report that contradicts what was already published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from string import Formatter

from pipeline.record import Finding
from pipeline.validate.catalogue import CATALOGUE, Registry, RuleInfo, label_zh, make_finding
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


# ---------------------------------------------------------------- the same rules in SQL
# The loader runs the rules above as set-based SQL over every series at once (building a
# SeriesReport per report and a Finding per mismatch in Python was a third of a load's
# time). The messages are rendered from the same catalogue templates; check_series stays
# the definition the SQL is tested against (tests/validate/test_crossyear_sql.py).


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _render(template: str, fields: dict[str, str]) -> str:
    """A str.format template as a SQL string expression, each field a SQL expression."""
    parts = []
    for literal, name, _spec, _conv in Formatter().parse(template):
        if literal:
            parts.append(_lit(literal))
        if name is not None:
            parts.append(f"CAST({fields[name]} AS VARCHAR)")
    return " || ".join(parts) or "''"


def _finding_cols(rule_id: str, cells: str, expected: str, printed: str, fields: dict[str, str]) -> str:
    info = CATALOGUE[rule_id]
    values = {"expected": expected, "printed": printed, **fields}
    return (f"{_lit(info.id)} AS rule_id, {_lit(info.severity)} AS severity, "
            f"{_render(info.message_en, values)} AS message, {_render(info.message_zh, values)} AS message_zh, "
            f"{cells} AS cells, {expected} AS expected, {printed} AS printed")


def _carry_over_sql(order: int) -> str:
    cols = ", ".join(f"({_lit(c)}, {i}, {_lit(label_zh('t3', None, c))})"
                     for i, c in enumerate((*APPLICANT_COLS, "total")))
    applicant = ", ".join(_lit(c) for c in APPLICANT_COLS)
    fields = {"col": "col", "col_zh": "col_zh", "year": "year", "prev_year": "prev_year"}
    return f"""
    pairs AS (
        SELECT c.report_id, c.year, p.year AS prev_year, k.col, k.ord, k.col_zh,
               b.num AS before_num, b.txt AS before_txt, n.num AS now_num, n.txt AS now_txt
        FROM _sr c JOIN _sr p ON p.agency = c.agency AND p.year = c.year - 1
        CROSS JOIN (VALUES {cols}) k(col, ord, col_zh)
        JOIN _sv b ON b.report_id = p.report_id AND b.key = 't3.carried_forward.' || k.col
        JOIN _sv n ON n.report_id = c.report_id AND n.key = 't3.carried_over.' || k.col),
    nonzero AS (
        SELECT report_id, bool_or(before_num <> 0 OR now_num <> 0) AS any_nonzero FROM pairs
        WHERE col IN ({applicant}) GROUP BY report_id),
    carry AS (
        SELECT {order} AS rule_ord, pairs.ord AS item_ord, pairs.report_id,
               {_finding_cols("xyear.carry_over", "['t3.carried_over.' || col]", "before_txt", "now_txt", fields)}
        FROM pairs LEFT JOIN nonzero USING (report_id)
        WHERE before_num <> now_num AND (col <> 'total' OR NOT coalesce(any_nonzero, false)))"""


def _in_force_sql(order: int) -> str:
    rows = ", ".join(f"({_lit(r)}, {i}, {_lit(label_zh('t2', r))})" for i, r in enumerate(("rules", "normative_docs")))
    expected = ("CASE WHEN l.is_int AND i.is_int AND d.is_int THEN CAST(CAST(l.num + i.num - d.num AS BIGINT) AS VARCHAR) "
                "ELSE CAST(l.num + i.num - d.num AS VARCHAR) END")
    cells = "['t2.' || k.r || '.in_force', 't2.' || k.r || '.issued', 't2.' || k.r || '.repealed']"
    fields = {"row": "k.r", "row_zh": "k.r_zh", "year": "c.year", "prev_year": "p.year", "prev": "l.txt",
              "issued": "i.txt", "repealed": "d.txt"}
    return f"""
    in_force AS (
        SELECT {order} AS rule_ord, k.ord AS item_ord, c.report_id,
               {_finding_cols("xyear.in_force", cells, expected, "n.txt", fields)}
        FROM _sr c JOIN _sr p ON p.agency = c.agency AND p.year = c.year - 1
        CROSS JOIN (VALUES {rows}) k(r, ord, r_zh)
        JOIN _sv l ON l.report_id = p.report_id AND l.key = 't2.' || k.r || '.in_force'
        JOIN _sv i ON i.report_id = c.report_id AND i.key = 't2.' || k.r || '.issued'
        JOIN _sv d ON d.report_id = c.report_id AND d.key = 't2.' || k.r || '.repealed'
        JOIN _sv n ON n.report_id = c.report_id AND n.key = 't2.' || k.r || '.in_force'
        WHERE p.format_version = '2021' AND c.format_version = '2021' AND n.num <> l.num + i.num - d.num)"""


_SQL_RULES = {"xyear.carry_over": ("carry", _carry_over_sql), "xyear.in_force": ("in_force", _in_force_sql)}


def series_findings_sql(series: str) -> str:
    """A SELECT of the findings (report_id, rule_id, severity, message, message_zh, cells,
    expected, printed, seq) of every series in the table `series` — one row per (report:
    report_id, agency, year, format_version; fact: key, value as an integer, amount) of one
    current report per agency and year — in the order and words check_series gives them."""
    ids = [info.id for info, _ in _REGISTRY.entries]
    if sorted(ids) != sorted(_SQL_RULES):  # pragma: no cover - a rule added to one side only
        raise AssertionError(f"series rules {ids} and their SQL {sorted(_SQL_RULES)} differ")
    ctes = [_SQL_RULES[rid][1](i) for i, rid in enumerate(ids)]
    union = " UNION ALL ".join(f"SELECT * FROM {_SQL_RULES[rid][0]}" for rid in ids)
    return f"""
    WITH _sr AS (SELECT DISTINCT report_id, agency, year, format_version FROM {series}),
    -- a value as the rules see it: money exactly, a count as an integer; NULL (unreadable) is absent
    _sv AS (SELECT report_id, key, coalesce(amount, CAST(value AS DECIMAL(38, 10))) AS num,
                   CASE WHEN amount IS NOT NULL THEN CAST(amount AS VARCHAR) ELSE CAST(value AS VARCHAR) END AS txt,
                   amount IS NULL AS is_int
            FROM {series} WHERE amount IS NOT NULL OR value IS NOT NULL),
    {",".join(ctes)}
    SELECT report_id, rule_id, severity, message, message_zh, cells, expected, printed,
           row_number() OVER (PARTITION BY report_id ORDER BY rule_ord, item_ord) - 1 AS seq
    FROM ({union})"""

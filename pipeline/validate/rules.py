"""Within-report checks: the arithmetic the template prints, metadata, and narrative vs tables.

Every rule is registered with a stable id, a severity and a description (`RULES`), so the
README and `gongkai check` can list them and the database can key findings on them.

Principles:
- Exact arithmetic only: counts are ints, money Decimals; no floats, no tolerance.
- Printed facts are never changed. Where a report leaves a whole total line blank, the
  totals are derived into a side table (`derived_values`) and the line is reported once,
  instead of one error per cell for a report whose only fault is an unfilled column.
- A cell that could not be read (value None) makes every check that needs it skip: a
  guess would turn one unreadable cell into several misleading arithmetic errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pipeline.normalize import CN_DIGIT_CHARS, cn_int, nfkc, squash
from pipeline.record import Fact, Finding, Record
from pipeline.spec import FORMATS, col_keys, first_year, format_for_year, row_keys, t3_result_rows
from pipeline.validate.catalogue import Registry, RuleInfo, label_zh, make_finding, value_finding

Number = int | Decimal

# Keys come from the spec (items.csv), so a renamed key breaks here at import, not silently.
T3_COLS: tuple[str, ...] = tuple(col_keys("2021", "t3"))
APPLICANT_COLS: tuple[str, ...] = tuple(c for c in T3_COLS if c != "total")
_T3_ALL_ROWS = row_keys("2021", "t3")
OTHER_SPLIT: tuple[str, ...] = tuple(r for r in _T3_ALL_ROWS if r.startswith("other."))
# Result rows (一) … (五): every row between carried_over and total, except the 其他处理
# family, whose shape (one 2019 row or three 2021 sub-rows) depends on the report.
_RESULT_BASE: tuple[str, ...] = tuple(r for r in t3_result_rows("2021") if not r.startswith("other"))
T4_GROUPS: tuple[str, ...] = tuple(row_keys("2021", "t4"))
T4_PARTS: tuple[str, ...] = tuple(c for c in col_keys("2021", "t4") if c != "total")

# A cell printed as nothing or as a dash carries no number; a whole line of them next to
# non-zero parts means "not filled in", not "zero".
_EMPTY_KINDS = frozenset({"blank", "dash"})


def _k(table: str, row: str, col: str) -> str:
    return f"{table}.{row}.{col}"


def _s(v: Number) -> str:
    """A value as a string for Finding.expected/printed: plain digits, never exponent form."""
    return format(v, "f") if isinstance(v, Decimal) else str(v)


@dataclass
class _Ctx:
    rec: Record
    facts: dict[str, Fact]
    result_rows: tuple[str, ...]
    # Values of cells in blank lines, derived as sums; None when a part is unreadable.
    derived: dict[str, Number | None] = field(default_factory=dict)
    blank_total_col: bool = False
    # Result rows whose 总计 cells are all blank while the summary rows print theirs (a
    # total column filled in only for 一, 二, (七) and 四): blank is not 0, so these are
    # derived too. One blank total among printed ones is a gap, checked cell by cell.
    blank_total_rows: tuple[str, ...] = ()
    blank_total_row: bool = False
    blank_applicant_cols: bool = False
    blank_t4_totals: bool = False
    # Single 总计 cells printed blank among printed ones while their parts sum to non-zero:
    # not filled in (a conversion lost it, or the writer did), so unknown, never 0; derived
    # like a blank line and reported once by total.blank_cell instead of as a broken sum.
    blank_total_cells: tuple[str, ...] = ()

    @property
    def t3_rows(self) -> tuple[str, ...]:
        return ("new_received", "carried_over", *self.result_rows, "total", "carried_forward")

    def val(self, key: str) -> Number | None:
        if key in self.derived:
            return self.derived[key]
        f = self.facts.get(key)
        return None if f is None else f.value

    def vals(self, keys: Iterable[str]) -> list[Number] | None:
        """All values, or None if any is missing or unreadable (the check then skips)."""
        out: list[Number] = []
        for k in keys:
            v = self.val(k)
            if v is None:
                return None
            out.append(v)
        return out

    def is_derived(self, key: str) -> bool:
        return key in self.derived


def _fact_map(rec: Record) -> dict[str, Fact]:
    """One fact per key, preferring the printed one over one extraction derived."""
    facts: dict[str, Fact] = {}
    for f in rec.facts:
        cur = facts.get(f.key)
        if cur is None or (cur.derived and not f.derived):
            facts[f.key] = f
    return facts


def _other_rows(facts: dict[str, Fact]) -> tuple[str, ...]:
    """Which 其他处理 rows this report carries: printed 2021 sub-rows, else the 2019 row.

    Extraction may add all-zero derived sub-rows beside a printed 2019 `other`; those must
    not be summed on top of it.
    """

    def has(row: str, printed_only: bool) -> bool:
        for c in T3_COLS:
            f = facts.get(_k("t3", row, c))
            if f is not None and not (printed_only and f.derived):
                return True
        return False

    if any(has(r, True) for r in OTHER_SPLIT):
        return OTHER_SPLIT
    if has("other", False):
        return ("other",)
    return OTHER_SPLIT


def _all_empty(facts: dict[str, Fact], keys: Iterable[str]) -> bool:
    present = [facts[k] for k in keys if k in facts]
    return len(present) >= 2 and all(f.value_kind in _EMPTY_KINDS for f in present)


def _any_nonzero(ctx: _Ctx, keys: Iterable[str]) -> bool:
    return any((v := ctx.val(k)) is not None and v != 0 for k in keys)


def _sum_or_none(ctx: _Ctx, keys: Iterable[str]) -> Number | None:
    vs = ctx.vals(keys)
    return None if vs is None else sum(vs, 0)


def _context(rec: Record) -> _Ctx:
    facts = _fact_map(rec)
    ctx = _Ctx(rec=rec, facts=facts, result_rows=(*_RESULT_BASE, *_other_rows(facts)))
    rows = ctx.t3_rows
    results = ctx.result_rows
    applicant_cells = [_k("t3", r, c) for r in rows for c in APPLICANT_COLS]
    total_col = [_k("t3", r, "total") for r in rows]
    total_row = [_k("t3", "total", c) for c in T3_COLS]

    ctx.blank_applicant_cols = _all_empty(facts, applicant_cells) and _any_nonzero(ctx, total_col)
    ctx.blank_total_col = _all_empty(facts, total_col) and _any_nonzero(ctx, applicant_cells)
    ctx.blank_total_row = _all_empty(facts, total_row) and _any_nonzero(
        ctx, [_k("t3", r, c) for r in results for c in T3_COLS]
    )

    # The total row first (column sums of the result rows), then the total column (row
    # sums), so that the corner cell of a report blank in both is the sum of everything.
    if ctx.blank_total_row:
        for c in T3_COLS:
            key = _k("t3", "total", c)
            if key in facts and not (c == "total" and ctx.blank_total_col):
                ctx.derived[key] = _sum_or_none(ctx, [_k("t3", r, c) for r in results])
    result_totals = [_k("t3", r, "total") for r in results]
    if not ctx.blank_total_col and not ctx.blank_applicant_cols and _all_empty(facts, result_totals) \
            and _any_nonzero(ctx, [_k("t3", r, c) for r in results for c in APPLICANT_COLS]):
        ctx.blank_total_rows = tuple(r for r in results if _k("t3", r, "total") in facts)
    if ctx.blank_total_col or ctx.blank_total_rows:
        for r in rows if ctx.blank_total_col else ctx.blank_total_rows:
            key = _k("t3", r, "total")
            if key in facts:
                ctx.derived[key] = _sum_or_none(ctx, [_k("t3", r, c) for c in APPLICANT_COLS])

    t4_totals = [_k("t4", g, "total") for g in T4_GROUPS]
    ctx.blank_t4_totals = _all_empty(facts, t4_totals) and _any_nonzero(
        ctx, [_k("t4", g, p) for g in T4_GROUPS for p in T4_PARTS]
    )
    if ctx.blank_t4_totals:
        for g in T4_GROUPS:
            key = _k("t4", g, "total")
            if key in facts:
                ctx.derived[key] = _sum_or_none(ctx, [_k("t4", g, p) for p in T4_PARTS])
    _blank_total_cells(ctx)
    return ctx


def _total_parts(ctx: _Ctx) -> Iterator[tuple[str, list[str]]]:
    """Every 总计 cell with the cells it is the sum of: table 三's total column (per row),
    its total row (per applicant column), table 四's group totals."""
    for r in ctx.t3_rows:
        yield _k("t3", r, "total"), [_k("t3", r, c) for c in APPLICANT_COLS]
    for c in APPLICANT_COLS:
        yield _k("t3", "total", c), [_k("t3", r, c) for r in ctx.result_rows]
    for g in T4_GROUPS:
        yield _k("t4", g, "total"), [_k("t4", g, p) for p in T4_PARTS]


def _blank_total_cells(ctx: _Ctx) -> None:
    cells: list[str] = []
    for key, parts in _total_parts(ctx):
        f = ctx.facts.get(key)
        if f is None or f.value_kind not in _EMPTY_KINDS or key in ctx.derived:
            continue
        value = _sum_or_none(ctx, parts)
        if value is not None and value != 0:
            ctx.derived[key] = value
            cells.append(key)
    ctx.blank_total_cells = tuple(cells)


# --------------------------------------------------------------------------- registry

_Check = Callable[[_Ctx, RuleInfo], Iterator[Finding]]
_REGISTRY: Registry[_Check] = Registry()
_rule = _REGISTRY.rule


# --------------------------------------------------------------------------- values


@_rule("value.unreadable")
def _unreadable(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    # Extraction emits this finding itself for the cells it reads; this covers records
    # built otherwise, once per cell.
    already = {c for f in ctx.rec.findings if f.rule_id == info.id for c in f.cells}
    for key, f in ctx.facts.items():
        if f.value is None and not f.derived and key not in already:
            yield value_finding(info.id, f)


# --------------------------------------------------------------------------- table 3


@_rule("t3.blank_column")
def _t3_blank_column(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    if ctx.blank_total_col:
        cells = [k for k in (_k("t3", r, "total") for r in ctx.t3_rows) if k in ctx.facts]
        yield make_finding(
            info,
            cells,
            None,
            "",
            column="total column (总计)",
            other="the applicant columns",
            derived_en="; its values are derivable as the sum of the six applicant columns",
            column_zh="“总计”列整列",
            other_zh="申请人各列",
            derived_zh="；其数值可由六个申请人列相加得出",
        )
    if ctx.blank_total_rows:
        cells = [_k("t3", r, "total") for r in ctx.blank_total_rows]
        yield make_finding(
            info,
            cells,
            None,
            "",
            column=f"total column (总计) in {len(cells)} rows ({', '.join(ctx.blank_total_rows)})",
            other="their applicant columns",
            derived_en="; their values are derivable as the sum of the six applicant columns",
            column_zh=f"“总计”列中{len(cells)}行的单元格",
            other_zh="这些行的申请人各列",
            derived_zh="；其数值可由六个申请人列相加得出",
        )
    if ctx.blank_applicant_cols:
        cells = [
            k
            for k in (_k("t3", r, c) for r in ctx.t3_rows for c in APPLICANT_COLS)
            if k in ctx.facts
        ]
        yield make_finding(
            info,
            cells,
            None,
            "",
            column="six applicant columns",
            other="the total column",
            derived_en="; the split by applicant cannot be derived",
            column_zh="六个申请人列整列",
            other_zh="“总计”列",
            derived_zh="；按申请人的分项无法推得",
        )


@_rule("t3.blank_row")
def _t3_blank_row(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    if ctx.blank_total_row:
        cells = [k for k in (_k("t3", "total", c) for c in T3_COLS) if k in ctx.facts]
        yield make_finding(info, cells, None, "")


@_rule("t3.balance")
def _t3_balance(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    # The total column is checked too: together with t3.row_total this cross-foots the
    # table, and it is the only column a totals-only report fills.
    for c in T3_COLS:
        keys = [
            _k("t3", r, c) for r in ("new_received", "carried_over", "total", "carried_forward")
        ]
        if all(ctx.is_derived(k) for k in keys):
            continue  # a blank total column: implied by the applicant columns
        vs = ctx.vals(keys)
        if vs is None:
            continue
        new, over, total, fwd = vs
        lhs, rhs = new + over, total + fwd
        if lhs != rhs:
            derived = ctx.is_derived(keys[2])
            yield make_finding(
                info,
                keys,
                _s(lhs),
                _s(rhs),
                col=c,
                col_zh=label_zh("t3", None, c),
                new=_s(new),
                over=_s(over),
                total=_s(total),
                fwd=_s(fwd),
                lhs=_s(lhs),
                rhs=_s(rhs),
                note_en=" (results total derived: the printed total row is blank)"
                if derived
                else "",
                note_zh="（办理结果总计为推算值：表中总计行空白）" if derived else "",
            )


def _sum_check(ctx: _Ctx, info: RuleInfo, target: str, parts: list[str], **fields: str) -> Iterator[Finding]:
    """`target` = the sum of `parts`, when all are readable."""
    vs = ctx.vals([target, *parts])
    if vs is None:
        return
    expected = sum(vs[1:], 0)
    if vs[0] != expected:
        yield make_finding(info, [target, *parts], _s(expected), _s(vs[0]), **fields)


@_rule("t3.results_sum")
def _t3_results_sum(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    for c in T3_COLS:
        target = _k("t3", "total", c)
        if ctx.is_derived(target):
            continue  # derived from these very rows
        parts = [_k("t3", r, c) for r in ctx.result_rows]
        yield from _sum_check(ctx, info, target, parts, col=c, col_zh=label_zh("t3", None, c))


@_rule("t3.row_total")
def _t3_row_total(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    if ctx.blank_applicant_cols:
        return  # reported once by t3.blank_column
    for r in ctx.t3_rows:
        target = _k("t3", r, "total")
        if ctx.is_derived(target):
            continue
        parts = [_k("t3", r, c) for c in APPLICANT_COLS]
        yield from _sum_check(ctx, info, target, parts, row=r, row_zh=label_zh("t3", r))


# --------------------------------------------------------------------------- table 4


@_rule("t4.blank_total")
def _t4_blank_total(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    if ctx.blank_t4_totals:
        cells = [k for k in (_k("t4", g, "total") for g in T4_GROUPS) if k in ctx.facts]
        yield make_finding(info, cells, None, "")


@_rule("total.blank_cell")
def _blank_total_cell(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    if ctx.blank_total_cells:
        listed = ", ".join(f"{k} (parts sum to {_s(v)})" for k in ctx.blank_total_cells
                           if (v := ctx.derived[k]) is not None)
        yield make_finding(info, list(ctx.blank_total_cells), None, "", count=len(ctx.blank_total_cells),
                           listed=listed)


@_rule("t4.group_total")
def _t4_group_total(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    for g in T4_GROUPS:
        target = _k("t4", g, "total")
        if ctx.is_derived(target):
            continue
        parts = [_k("t4", g, p) for p in T4_PARTS]
        vs = ctx.vals([target, *parts])
        if vs is None:
            continue
        expected = sum(vs[1:], 0)
        if vs[0] != expected:
            yield make_finding(
                info, [target, *parts], _s(expected), _s(vs[0]), group=g, group_zh=label_zh("t4", g)
            )


# --------------------------------------------------------------------------- metadata


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _date(v: Any) -> date | None:
    if not isinstance(v, str) or len(v) < 10:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        return None


_TITLE_YEAR = re.compile(rf"((?:19|20)\d{{2}}|[{CN_DIGIT_CHARS}]{{4}})\s*年")


def title_year(title: Any) -> int | None:
    """The first year printed in a title, Arabic (2024年) or Chinese (二〇二四年)."""
    if not isinstance(title, str):
        return None
    m = _TITLE_YEAR.search(nfkc(title))
    if not m:
        return None
    y = cn_int(m.group(1))
    return y if y is not None and 1990 <= y <= 2100 else None


@_rule("meta.required")
def _meta_required(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    md = ctx.rec.metadata
    if _int(md.get("year")) is None:
        yield make_finding(info, ["meta.year"], None, None, field="year", field_zh="年度")
    agency = md.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        yield make_finding(info, ["meta.agency"], None, None, field="agency", field_zh="机关名称")


@_rule("meta.format_year")
def _meta_format_year(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    year = _int(ctx.rec.metadata.get("year"))
    fmt = ctx.rec.metadata.get("format_version")
    if year is None or not fmt:
        return
    cells = ["meta.format_version", "meta.year"]
    if year < first_year(FORMATS[0]):
        # Neither template existed; a detected format means the year or the format is wrong.
        yield make_finding(
            info, cells, None, str(fmt), variant="early", year=year
        )
        return
    expected = format_for_year(year)
    if str(fmt) != expected:
        yield make_finding(info, cells, expected, str(fmt), year=year)


@_rule("meta.title_year")
def _meta_title_year(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    year = _int(ctx.rec.metadata.get("year"))
    ty = title_year(ctx.rec.metadata.get("title"))
    if year is not None and ty is not None and ty != year:
        yield make_finding(info, ["meta.title", "meta.year"], str(year), str(ty))


@_rule("meta.period_year")
def _meta_period_year(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    # Compared with the recorded year rather than the title's: a wrong title is then
    # reported once (meta.title_year), a wrong period once (here); the two rules together
    # cover "title year against period".
    md = ctx.rec.metadata
    year = _int(md.get("year"))
    ref, ref_cell = (
        (year, "meta.year") if year is not None else (title_year(md.get("title")), "meta.title")
    )
    if ref is None:
        return
    start, end = _date(md.get("period_start")), _date(md.get("period_end"))
    bad = [
        name for name, d in (("period_start", start), ("period_end", end)) if d and d.year != ref
    ]
    if bad:
        printed = f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"
        yield make_finding(info, [ref_cell, *(f"meta.{b}" for b in bad)], str(ref), printed)


@_rule("meta.published_after_year")
def _meta_published(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    year = _int(ctx.rec.metadata.get("year"))
    published = _date(ctx.rec.metadata.get("published_on"))
    if year is not None and published is not None and published.year <= year:
        yield make_finding(
            info,
            ["meta.published_on", "meta.year"],
            f"after {year}-12-31",
            published.isoformat(),
            year=year,
        )


# --------------------------------------------------------------------------- narrative

# Patterns are deliberately narrow: they match only sentences that deny requests or cases
# outright. A sentence about a subset ("未收到法人或其他组织的申请") must not match. Text is
# NFKC-normalized and stripped of whitespace first, so full-width ，；： become , ; :.
_REQ_QUALIFIER = r"(?:政府信息公开|依申请公开|信息公开)"
_NOT_REQUEST = r"(?!人|行政复议|复议|行政诉讼|诉讼|提起)"
_NO_REQUESTS = [
    re.compile(
        r"(?:未|没有)(?:收到|接到|受理|接收|新收)过?(?:任何)?"
        r"(?:公民[、,]?法人(?:和|或|及)其他组织(?:提出|提交)?的?)?"
        rf"{_REQ_QUALIFIER}?的?申请{_NOT_REQUEST}"
    ),
    re.compile(rf"无(?:任何)?{_REQ_QUALIFIER}的?申请{_NOT_REQUEST}"),
    re.compile(
        r"(?:收到|新收|受理)"
        + _REQ_QUALIFIER
        + r"?申请(?:数量|数)?(?:共|为|是)?(?<!\d)(?:0|零)(?:件|个|条)"
    ),
]
_NO_CASES = [
    re.compile(
        r"(?:未|没有|无)(?:发生|收到|出现|产生|涉及|接到|被申请|被提起)?(?:任何)?"
        r"(?:因|涉及|针对)?(?:政府信息公开(?:申请|工作)?)?(?:引起|引发|而)?(?:提起)?的?"
        r"(?:行政)?复议(?:案件)?(?:和|及|与|或|、|以及)(?:也)?(?:未|没有)?(?:被)?(?:提起)?(?:行政)?诉讼"
    ),
    re.compile(
        r"行政复议(?:案件)?(?:和|及|与|、)(?:行政)?诉讼(?:案件)?(?:数量)?(?:均为|都为|均是|均|为)(?:0|零)"
    ),
]


_FULL_WIDTH = str.maketrans(",;:!?()", "，；：！？（）")


def _clause(text: str, m: re.Match[str], limit: int = 60) -> str:
    """The sentence around a match, for quoting in the message."""
    start = max(text.rfind(p, 0, m.start()) for p in "。;!?") + 1
    ends = [i for i in (text.find(p, m.end()) for p in "。;!?") if i >= 0]
    end = min(ends) if ends else len(text)
    quote = text[start:end] if end - start <= limit else text[m.start() : m.end()]
    # Matching ran on NFKC text; give the quote back its full-width punctuation.
    return quote.translate(_FULL_WIDTH)


def _find_statement(ctx: _Ctx, patterns: list[re.Pattern[str]]) -> tuple[Any, str] | None:
    for sec in ctx.rec.sections:
        text = squash(nfkc(str(sec.get("text") or "")))
        for pat in patterns:
            m = pat.search(text)
            if m:
                return sec.get("number"), _clause(text, m)
    return None


def _row_count(ctx: _Ctx, table: str, row: str, parts: Iterable[str]) -> Number | None:
    """A row's total, or the sum of its parts when the total itself is not readable."""
    v = ctx.val(_k(table, row, "total"))
    return v if v is not None else _sum_or_none(ctx, [_k(table, row, p) for p in parts])


@_rule("narrative.no_requests")
def _narrative_no_requests(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    # A warning, not an error: the sentence may speak of one office while the table covers
    # the whole scope, and the pattern reads prose, which is less certain than arithmetic.
    n = _row_count(ctx, "t3", "new_received", APPLICANT_COLS)
    if n is None or n <= 0:
        return
    hit = _find_statement(ctx, _NO_REQUESTS)
    if hit:
        section, quote = hit
        yield make_finding(
            info, ["t3.new_received.total"], "0", _s(n), section=section, quote=quote
        )


@_rule("narrative.no_cases")
def _narrative_no_cases(ctx: _Ctx, info: RuleInfo) -> Iterator[Finding]:
    counts = {g: _row_count(ctx, "t4", g, T4_PARTS) for g in T4_GROUPS}
    with_cases = [g for g, v in counts.items() if v is not None and v > 0]
    if not with_cases:
        return
    hit = _find_statement(ctx, _NO_CASES)
    if hit:
        section, quote = hit
        total = sum((counts[g] or 0 for g in with_cases), 0)
        yield make_finding(
            info,
            [_k("t4", g, "total") for g in with_cases],
            "0",
            _s(total),
            section=section,
            quote=quote,
        )


# --------------------------------------------------------------------------- public API

RULES: list[RuleInfo] = _REGISTRY.infos


def validate_record(rec: Record) -> list[Finding]:
    """Run every within-report rule; returns new findings only (rec is not modified).

    Findings extraction already recorded are not repeated (see value.unreadable); the
    caller merges the two lists and recomputes the status.
    """
    ctx = _context(rec)
    out: list[Finding] = []
    for info, check in _REGISTRY.entries:
        out.extend(check(ctx, info))
    return out


@dataclass
class DerivedFact(Fact):
    """A value a report left blank, with the rule that derived it (the finding's rule id)."""

    rule_id: str = ""


def _deriving_rule(ctx: _Ctx, key: str) -> str:
    """Which rule's blank line `key` was derived for, as `_context` derived it: the total
    row first (but not its corner when the total column is blank too), then the total
    column, and table 四's group totals."""
    table, row, col = key.split(".", 2)
    if key in ctx.blank_total_cells:
        return "total.blank_cell"
    if table == "t4":
        return "t4.blank_total"
    if row == "total" and ctx.blank_total_row and not (col == "total" and ctx.blank_total_col):
        return "t3.blank_row"
    return "t3.blank_column"


def derived_values(rec: Record) -> list[DerivedFact]:
    """Totals a report left blank, derived as sums of their printed parts, each labelled
    with the rule that derived it.

    Only for lines reported by t3.blank_column, t3.blank_row or t4.blank_total, and single
    total cells reported by total.blank_cell; cells whose
    parts are unreadable, and cells whose derived value equals the printed one (a blank that
    really is 0), are left out. The printed facts are untouched: these are a separate layer.
    """
    ctx = _context(rec)
    out: list[DerivedFact] = []
    for key, value in ctx.derived.items():
        printed = ctx.facts[key]
        if value is None or value == printed.value:
            continue
        out.append(
            DerivedFact(
                table_id=printed.table_id,
                row_key=printed.row_key,
                col_key=printed.col_key,
                value=value,
                value_kind="derived",
                printed_text="",
                unit=printed.unit or "件",
                derived=True,
                rule_id=_deriving_rule(ctx, key),
            )
        )
    return out

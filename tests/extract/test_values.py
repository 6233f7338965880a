"""Cell text → exact value."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.values import numeric_tokens, parse_value

FULL = str.maketrans("0123456789,", "０１２３４５６７８９，")


def test_kinds() -> None:
    cases = {
        "": (0, "blank"), "\u3000": (0, "blank"), "12": (12, "number"), "１２": (12, "number"),
        "1,234": (1234, "number"), "+12": (12, "number"), "-3": (-3, "number"), "—": (0, "dash"),
        "/": (0, "dash"), "无": (0, "dash"), "不适用": (0, "dash"), "3件": (3, "number"),
        "见附件": (None, "text"), "1.5": (None, "text"), "1483*": (1483, "number"), "1483①": (1483, "number"),
    }
    assert {t: (parse_value(t).value, parse_value(t).kind) for t in cases} == cases


def test_money() -> None:
    assert parse_value("12500元", money=True).value == Decimal("1.25")
    assert parse_value("12500", money=True, column_unit="元").value == Decimal("1.25")
    assert parse_value("96171.6", money=True).value == Decimal("96171.6")
    assert parse_value("", money=True) == parse_value("", money=True)
    assert isinstance(parse_value("", money=True).value, Decimal)


def test_footnote_marks_are_dropped_not_read_as_digits() -> None:
    p = parse_value("1483①")
    assert (p.value, p.footnote) == (1483, "①")


def test_runs() -> None:
    assert numeric_tokens("0 0 12 3") == ["0", "0", "12", "3"]
    assert numeric_tokens("行政复议 3") is None


@given(n=st.integers(-10**12, 10**12), sep=st.booleans(), full=st.booleans(), unit=st.sampled_from(["", "件", "项"]))
def test_any_printed_integer_reads_back(n: int, sep: bool, full: bool, unit: str) -> None:
    text = f"{n:,}" if sep else str(n)
    if full:
        text = text.translate(FULL)
    p = parse_value(text + unit)
    assert (p.value, p.kind) == (n, "number")
    assert type(p.value) is int


def test_digits_split_by_spaces() -> None:
    assert parse_value("1 483").value == 1483  # thousands groups
    assert parse_value("1 4 8 3").value == 1483  # letter-spaced
    assert parse_value("1483 1").kind == "text"  # a number and a stray mark: never 14831


def test_number_wrapped_in_a_narrow_cell() -> None:
    assert parse_value("215\n1").value == 2151
    assert parse_value("1,23\n4").value == 1234


def test_count_with_measure_word_bi() -> None:
    """政府集中采购 采购项目数量 printed 2笔 (a real Pingtan department report): 笔 is the
    measure word for a procurement, the cell is the count 2 (not text, not lost)."""
    assert (parse_value("2笔").value, parse_value("2笔").kind, parse_value("2笔").unit) == (2, "number", "笔")

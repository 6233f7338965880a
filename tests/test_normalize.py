"""The one table of Chinese numerals and the number reader built on it."""

from __future__ import annotations

import pytest

from pipeline.normalize import CN_DIGITS, cn_int


@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
    ("二〇二四", 2024), ("二○二三", 2023), ("二◯一九", 2019), ("二零二一", 2021),
])
def test_cn_int_reads_numbers_as_reports_print_them(text: str, value: int) -> None:
    assert cn_int(text) == value


@pytest.mark.parametrize("text", ["", "年", "十年", "第三", "2024年"])
def test_cn_int_refuses_what_is_not_a_number(text: str) -> None:
    assert cn_int(text) is None


def test_every_digit_maps_to_its_value() -> None:
    assert sorted(set(CN_DIGITS.values())) == list(range(10))
    assert [cn_int(ch) for ch in "一二三四五六七八九"] == list(range(1, 10))

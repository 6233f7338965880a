"""Cell text → exact value.

Blank cells count as 0 (kind `blank`); dashes and 无/不适用 count as 0 (kind `dash`);
anything unreadable keeps value None (kind `text`) so that it is never a silent 0.
Counts are Python ints; money is a Decimal in 万元.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.normalize import nfkc, squash

DASHES = {"-", "—", "——", "–", "―", "/", "／", "\\", "无", "不适用", "暂无", "空", "×", "x", "X", "－", "--", "---"}
_NUM = re.compile(r"^(?P<sign>[+\-−]?)(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<unit>万元|元|件|项|个|次|条|宗|笔|人次)?$")


# Footnote marks after a number: 1483* or 1483①. They must go before NFKC, which turns
# ① and ¹ into the digit 1 and so 1483① into 14831.
_FOOTNOTE = re.compile(r"(?<=\d)\s*(?:[*＊※†‡]+|[①-⑳⑴-⒇⒈-⒛¹²³⁴-⁹]|[(（][注\d]+[)）]|注\d*)\s*$")


# Horizontal white space only: a number wrapped over lines in a narrow cell (215 / 1)
# is one number and is joined before this check.
_DIGIT_GROUPS = re.compile(r"\d+(?:[ \t\u2009\u202f\u00a0\u3000]+\d+)+")
_WRAPPED = re.compile(r"(?<=\d)[ \t\u3000]*[\r\n]+[ \t\u3000]*(?=\d)")


def _spaced_digits_ok(text: str) -> bool:
    """Digits split by spaces are one number only as thousands groups (1 234 567) or when
    printed letter-spaced (1 4 8 3); '1483 1' is two things, never 14831."""
    for m in _DIGIT_GROUPS.finditer(text):
        groups = m.group().split()
        if all(len(g) == 1 for g in groups):
            continue
        if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
            continue
        return False
    return True


@dataclass(frozen=True)
class Parsed:
    value: int | Decimal | None
    kind: str  # number, blank, dash, text
    unit: str | None = None  # unit printed in the cell, if any
    footnote: str | None = None  # a footnote mark printed after the number, dropped


# Pure, and a statistics table prints the same few texts (0, 1, blanks) hundreds of times;
# Parsed is frozen, so a memoised result can be shared.
@functools.lru_cache(maxsize=16384)
def parse_value(text: str | None, money: bool = False, column_unit: str | None = None) -> Parsed:
    """Parse one printed cell.

    `money` makes the result a Decimal in 万元; `column_unit` is the unit printed in the
    column header (元 or 万元), used when the cell itself prints none.
    """
    text = text or ""
    mark = _FOOTNOTE.search(text)
    if mark:
        text = text[: mark.start()]
    text = _WRAPPED.sub("", text)
    if not _spaced_digits_ok(nfkc(text)):
        return Parsed(None, "text")
    raw = squash(nfkc(text)).replace("|", "")
    if raw == "":
        return Parsed(Decimal(0) if money else 0, "blank")
    if raw in DASHES or set(raw) <= set("-—–―/／_"):
        return Parsed(Decimal(0) if money else 0, "dash")
    m = _NUM.match(raw.replace("−", "-"))
    if not m:
        return Parsed(None, "text")
    sign = -1 if m["sign"] in ("-", "−") else 1
    digits = m["num"].replace(",", "")
    unit = m["unit"]
    if money:
        try:
            amount = Decimal(digits + ("." + m["frac"] if m["frac"] else ""))
        except InvalidOperation:  # pragma: no cover - regex guarantees digits
            return Parsed(None, "text")
        if (unit or column_unit) == "元":
            amount = amount / Decimal(10000)
        return Parsed(sign * amount, "number", unit, mark.group().strip() if mark else None)
    if m["frac"] and set(m["frac"]) != {"0"}:
        return Parsed(None, "text", unit)  # a fractional count is not a count
    return Parsed(sign * int(digits), "number", unit, mark.group().strip() if mark else None)


def numeric_tokens(text: str) -> list[str] | None:
    """Split a run like '0 0 12 3' (PDF table 四 printed as one cell) into its numbers."""
    parts = nfkc(text).split()
    if len(parts) > 1 and all(parse_value(p).kind in ("number", "dash") for p in parts):
        return parts
    return None

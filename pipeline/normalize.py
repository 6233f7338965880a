"""Text normalization shared by readers and extraction."""

from __future__ import annotations

import functools
import re
import unicodedata

_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
# Characters that vary between reports without changing meaning: quotes of every
# style, numbering punctuation, brackets. Labels are compared with these removed.
_LABEL_NOISE = re.compile(r"[\"'“”‘’「」『』《》〈〉.、．。,，:：;；()（）\[\]【】\-—_·•*]")

# Kangxi radicals and CJK radical supplement forms that NFKC leaves alone but that
# WPS/Word PDF exports emit instead of the unified ideograph.
_RADICALS = str.maketrans({
    "⺠": "民", "⻓": "长", "⻘": "青", "⻝": "食", "⻢": "马", "⻛": "风", "⻔": "门",
    "⻋": "车", "⻅": "见", "⻚": "页", "⻆": "角", "⻉": "贝", "⻜": "飞",
})


def nfkc(text: str) -> str:
    """NFKC (full-width digits and letters, Kangxi radicals) plus radical look-alikes."""
    if len(text) <= _MEMO_LEN:
        return _nfkc_short(text)
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


# Readers and extraction normalise the same short strings again and again (cell values,
# row labels, headings): those go through a bounded memo (a str keeps its hash); long
# paragraphs, seldom seen twice, are not kept.
_MEMO_LEN = 64


@functools.lru_cache(maxsize=16384)
def _nfkc_short(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


def squash(text: str) -> str:
    """Collapse all whitespace, including ideographic spaces, to nothing."""
    return _WS.sub("", text)


def clean_text(text: str) -> str:
    """Readable text: NFKC, whitespace runs to one space, trimmed."""
    return _WS.sub(" ", nfkc(text)).strip()


def norm_label(text: str) -> str:
    """Canonical form for matching labels: no spaces, no punctuation, NFKC."""
    return _LABEL_NOISE.sub("", squash(nfkc(text)))


# The one table of Chinese numerals (dates, years, section and row numbering). ○ (U+25CB)
# and ◯ stand in for 〇 in many reports.
CN_DIGITS: dict[str, int] = {"〇": 0, "○": 0, "◯": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                             "六": 6, "七": 7, "八": 8, "九": 9}
CN_DIGIT_CHARS = "".join(CN_DIGITS)


def cn_numeral(n: int) -> str:
    """The numeral printed for 1 … 9 (一 … 九)."""
    return next(ch for ch, v in CN_DIGITS.items() if v == n)


def cn_int(text: str) -> int | None:
    """'12', '十二', '二十三', '十' → the number; '二〇二四' digit by digit → 2024; else None."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
            return None
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    if text and all(ch in CN_DIGITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    return None

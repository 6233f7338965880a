"""Text normalization shared by readers and extraction."""

from __future__ import annotations

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


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}


def cn_year(text: str) -> int | None:
    """'二〇二四' → 2024; None when the text is not a four-digit Chinese year."""
    if len(text) != 4 or any(ch not in CN_DIGITS for ch in text):
        return None
    return int("".join(str(CN_DIGITS[ch]) for ch in text))

"""Matching printed labels to canonical keys using the label map (data/labels.csv)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pipeline import spec
from pipeline.normalize import norm_label

# Leading enumeration in labels: 一、 （三） 1. 3、 ⑴ … (after norm_label strips punctuation
# only the characters remain).
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)")


def strip_enum(text: str) -> str:
    return _ENUM.sub("", text)


@cache
def _patterns(table_id: str, kind: str) -> tuple[tuple[str, str], ...]:
    """(normalized pattern, key) of the `contains` rows, longest pattern first so
    specific wins over generic."""
    pats = [(norm_label(lab.pattern), lab.key) for lab in spec.labels(table_id, kind) if lab.match == "contains"]
    return tuple(sorted(pats, key=lambda p: -len(p[0])))


@cache
def _exact(table_id: str, kind: str) -> dict[str, str]:
    """Normalized label (after its enumeration) → key, of the `exact` rows: wordings
    that also occur inside longer labels (其他 in 其他法律行政法规禁止公开)."""
    return {norm_label(lab.pattern): lab.key for lab in spec.labels(table_id, kind) if lab.match == "exact"}


def whole_label(text: str, table_id: str, kind: str) -> str | None:
    """Key of the `exact` row that is the whole of `text` (norm_label'ed) after its
    enumeration."""
    return _exact(table_id, kind).get(strip_enum(text))


def fuzzy_find(text: str, pat: str) -> int:
    """Position of `pat` in `text` allowing one wrong character (OCR reads 予 as 子,
    禁 as 茜); only for patterns of four or more characters, where one slip cannot turn
    one label into another. -1 when absent."""
    n = len(pat)
    if n < 4:
        return -1
    for i in range(len(text) - n + 1):
        miss = 0
        for a, b in zip(text[i:i + n], pat, strict=True):
            if a != b:
                miss += 1
                if miss > 1:
                    break
        if miss <= 1:
            return i
    return -1


@lru_cache(maxsize=1 << 16)  # a pure function of its arguments; labels repeat across reports
def match(text: str, table_id: str, kind: str, prefix: str | None = None) -> str | None:
    key = _match(text, table_id, kind, prefix, exact=True)
    return key if key is not None else _match(text, table_id, kind, prefix, exact=False)


def _match(text: str, table_id: str, kind: str, prefix: str | None, exact: bool) -> str | None:
    """Key whose pattern occurs in `text` (already norm_label'ed), or of an `exact`
    row that is the whole label after its enumeration."""
    whole = whole_label(text, table_id, kind)
    if whole is not None and (prefix is None or whole.startswith(prefix + ".")):
        return whole
    for pat, key in _patterns(table_id, kind):
        if prefix is not None and not key.startswith(prefix + "."):
            continue
        if pat and (pat in text if exact else fuzzy_find(text, pat) >= 0):
            return key
    return None


def find_all(text: str, table_id: str, kind: str) -> list[tuple[int, str, str]]:
    """All (position, key, printed text) matches of `kind` patterns in text, in text order;
    one-slip fuzzy matches only when nothing matches exactly."""
    out: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for pat, key in _patterns(table_id, kind):
        start = text.find(pat)
        while start >= 0:
            end = start + len(pat)
            if not any(s < end and start < e for s, e in taken):
                out.append((start, key, pat))
                taken.append((start, end))
            start = text.find(pat, end)
    if not out:
        # A fuzzy hit must follow its enumeration (（五）不子处理 → 五不子处理): one slip
        # also turns 不再处理 in the middle of a leaf label into 不予处理.
        for pat, key in _patterns(table_id, kind):
            start = fuzzy_find(text, pat)
            if start > 0 and text[start - 1] in "一二三四五六七八九十":
                out.append((start, key, text[start:start + len(pat)]))
    return sorted(out)

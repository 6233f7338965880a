"""Matching printed labels to canonical keys using the label map (data/labels.csv)."""

from __future__ import annotations

import re
from functools import cache

from pipeline import spec
from pipeline.normalize import norm_label

# Leading enumeration in labels: 一、 （三） 1. 3、 ⑴ … (after norm_label strips punctuation
# only the characters remain).
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)")


def strip_enum(text: str) -> str:
    return _ENUM.sub("", text)


@cache
def _patterns(table_id: str, kind: str) -> tuple[tuple[str, str], ...]:
    """(normalized pattern, key), longest pattern first so specific wins over generic."""
    pats = [(norm_label(lab.pattern), lab.key) for lab in spec.labels(table_id, kind)]
    return tuple(sorted(pats, key=lambda p: -len(p[0])))


def match(text: str, table_id: str, kind: str, prefix: str | None = None) -> str | None:
    """Key whose pattern occurs in `text` (already norm_label'ed).

    A pattern that is just 其他 ("other") matches only a label that is exactly 其他
    after its enumeration, because 其他 also occurs inside longer labels
    (其他法律行政法规禁止公开, 其他对外管理服务事项).
    """
    for pat, key in _patterns(table_id, kind):
        if prefix is not None and not key.startswith(prefix + "."):
            continue
        if pat == "其他":
            if strip_enum(text) in ("其他", "其他结果", "其他组织"):
                return key
            continue
        if pat and pat in text:
            return key
    return None


def find_all(text: str, table_id: str, kind: str) -> list[tuple[int, str, str]]:
    """All (position, key, pattern) matches of `kind` patterns in text, in text order."""
    out: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for pat, key in _patterns(table_id, kind):
        if pat == "其他":
            continue
        start = text.find(pat)
        while start >= 0:
            end = start + len(pat)
            if not any(s < end and start < e for s, e in taken):
                out.append((start, key, pat))
                taken.append((start, end))
            start = text.find(pat, end)
    return sorted(out)

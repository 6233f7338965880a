"""Agency names: the normalised form behind a stable agency_id, and the agency type.

Two spellings of one agency must give one id: full-/half-width forms, spaces, brackets and
punctuation are dropped, and the customary short forms are written out (政府办公室 →
人民政府办公室, 管委会 → 管理委员会, …街道 → …街道办事处). The id is a hash of that form,
so it is the same in every database and every run.
"""

from __future__ import annotations

import hashlib
import re

from pipeline.normalize import nfkc, squash

_NOISE = re.compile(r"[\"'“”‘’「」『』《》〈〉()（）\[\]【】〔〕{}.、．。,，:：;；\-—_·•*]")
# Short form → full form; applied in this order on the squashed name.
_EXPAND = (
    (re.compile(r"(?<!人民)政府办公(室|厅)"), r"人民政府办公\1"),
    (re.compile(r"(?<!人民)政府$"), "人民政府"),
    (re.compile(r"管委会$"), "管理委员会"),
    (re.compile(r"街道办$"), "街道办事处"),
    (re.compile(r"街道$"), "街道办事处"),
)
# (suffix of the normalised name, type); first match wins, so longer suffixes first.
_TYPES = (
    ("人民政府办公室", "办公室"), ("人民政府办公厅", "办公室"),
    ("镇人民政府", "乡镇"), ("乡人民政府", "乡镇"),
    ("人民政府", "人民政府"),
    ("街道办事处", "街道办事处"),
    ("管理委员会", "管委会"),
    ("委员会", "委员会"),
    ("办公室", "办公室"), ("办公厅", "办公室"),
    ("局", "局"), ("厅", "厅"),
    ("中心", "中心"), ("馆", "馆"), ("院", "院"),
)


def normalise_name(name: str) -> str:
    """The form two spellings of one agency share."""
    s = _NOISE.sub("", squash(nfkc(name)))
    for pat, repl in _EXPAND:
        s = pat.sub(repl, s)
    return s


def agency_id(name: str) -> str:
    """Stable id of an agency name: 'ag' + 12 hex digits of the normalised name's SHA-1."""
    return "ag" + hashlib.sha1(normalise_name(name).encode("utf-8")).hexdigest()[:12]


def agency_type(name: str) -> str:
    s = normalise_name(name)
    for suffix, kind in _TYPES:
        if s.endswith(suffix):
            return kind
    return "其他"

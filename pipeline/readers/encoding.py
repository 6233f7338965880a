"""Decoding of text and HTML bytes: BOM, then UTF-8, then detection (GBK family)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(data: bytes, declared: str | None = None) -> str:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, "replace")
    if declared:
        enc = declared.lower()
        # GB2312 and GBK pages routinely contain characters only GB18030 maps.
        if enc in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "hz-gb-2312"):
            enc = "gb18030"
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")

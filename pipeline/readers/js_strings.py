"""HTML held in JavaScript strings: pages a portal renders on the client.

Several provincial portals serve the article as `var content = "…"`,
`document.write('…' + '…')` or JSON inside a `<script>`, so the static page has no
report in it. This module finds the string literals of a script, decodes their JS
escapes and returns the HTML they hold, in source order, for the HTML reader to read
as the body.
"""

from __future__ import annotations

import re

# One JS string literal, single or double quoted; a backslash escapes anything, a line
# continuation included. A literal never spans a raw newline, so an unmatched quote costs
# one line of scanning (template literals, which may, are not used by these portals).
_LITERAL = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# Literals chained by `+` are one string (document.write('<p>' + '…</p>')).
_CHAIN = re.compile(rf"{_LITERAL}(?:\s*\+\s*{_LITERAL})*", re.S)
_ONE = re.compile(_LITERAL, re.S)
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": "", "\r\n": "", "\r": ""}
# A string worth reading: it holds markup a report body is made of.
_MARKUP = re.compile(r"<(?:p|table|tr|td|div|span|br|h[1-6]|font|strong|section)\b", re.I)
# A file that is a script, not a page (a CMS serves the article as content.js).
_SCRIPT_FILE = re.compile(r"^\s*(?:(?:var|let|const)\s+[\w$.]+\s*=|document\.write(?:ln)?\s*\(|"
                          r"[\w$.]+\.innerHTML\s*=)")
_TEXT = re.compile(r"<[^>]*>|&[#\w]+;|\s+")
MIN_TEXT_CHARS = 20  # a string under this much text is a template fragment, not a body


def looks_like_script(text: str) -> bool:
    """A JavaScript file whose first statement assigns or writes a string."""
    return bool(_SCRIPT_FILE.match(text.lstrip("\ufeff")))


def decode_js_string(literal: str) -> str:
    """The value of one quoted JS string literal (\\uXXXX, \\u{…}, \\xHH, \\n, \\", \\/ …)."""

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u":
            return chr(int(e[2:-1] if e[1] == "{" else e[1:], 16))
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        return _SIMPLE.get(e, e)  # \" \' \/ \\ and any other escaped character stand for themselves

    value = _ESCAPE.sub(one, literal[1:-1])
    # \ud83d\ude00: a surrogate pair written as two escapes is one character
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def embedded_html(scripts: list[str]) -> str:
    """The HTML the scripts hold as string values, in source order ('' if none)."""
    parts: list[str] = []
    for script in scripts:
        for chain in _CHAIN.finditer(script):
            value = "".join(decode_js_string(lit.group(0)) for lit in _ONE.finditer(chain.group(0)))
            if _MARKUP.search(value) and len(_TEXT.sub("", value)) >= MIN_TEXT_CHARS:
                parts.append(value)
    return "\n".join(parts)

"""HTML pages in several portal styles and encodings, written as strings."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from tests.fuzz.compose import PageBreak, Para, TableBlock, compose, title_text
from tests.fuzz.truth import Report

DECLARED = {"utf-8": "utf-8", "gbk": "gb2312", "gb18030": "gb18030"}


def _text(text: str, style: str, label_break: str = "br") -> str:
    if label_break == "para" and "\n" in text:
        return "".join(_text(part, "word" if style == "word" else "para") for part in text.split("\n"))
    if style == "para":
        return f"<p>{escape(text)}</p>"
    html = escape(text).replace("\n", "<br>")
    if style == "word":
        return f"<p class=MsoNormal><span style='font-family:仿宋_GB2312'>{html or '&nbsp;'}</span></p>"
    return html or ("&nbsp;" if style == "portal" else "")


def html_table(block: TableBlock, style: str, label_break: str = "br") -> str:
    attrs = " border=1 cellspacing=0" if style != "portal" else ' class="gk-table" style="border-collapse:collapse"'
    rows = []
    for row in block.grid:
        cells = []
        for cell in row:
            tag = "th" if cell.header and style == "plain" else "td"
            span = (f" rowspan={cell.rowspan}" if cell.rowspan > 1 else "") + (
                f" colspan={cell.colspan}" if cell.colspan > 1 else "")
            cells.append(f"<{tag}{span}>{_text(cell.text, style, label_break)}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "\n".join(rows)
    return f"<table{attrs}>\n<tbody>\n{body}\n</tbody></table>"


def _para(para: Para, title_style: str, style: str) -> str:
    t = escape(para.text)
    if para.kind == "title":
        if title_style == "heading":
            return f"<h1>{t}</h1>"
        if title_style == "bold_center":
            return f'<p style="text-align:center"><strong>{t}</strong></p>'
    if para.kind == "signature":
        return f'<p style="text-align:right">{t}</p>'
    if style == "word":
        return _text(para.text, style)
    return f"<p>{t}</p>"


def html_text(rep: Report) -> str:
    lay = rep.layout
    parts = []
    for block in compose(rep):
        if isinstance(block, PageBreak):
            parts.append('<p style="page-break-before:always"></p>' if lay.html_style == "word" else "")
        elif isinstance(block, TableBlock):
            parts.append(html_table(block, lay.html_style, lay.label_break))
        else:
            parts.append(_para(block, lay.title_style, lay.html_style))
    body = "\n".join(p for p in parts if p)
    if lay.html_style == "portal":
        body = ('<div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/xxgk/">信息公开年报</a></div>\n'
                '<div class="main"><div class="article"><div class="info">发布时间：'
                f"{rep.published[0]}-01-15 来源：本网 字号：[大 中 小]</div>\n"
                f'<div class="TRS_Editor"><div class="Custom_UnionStyle">\n{body}\n</div></div></div></div>\n'
                '<div class="footer">版权所有：本网站 主办单位：办公室 备案号：京ICP备00000000号</div>')
    if lay.html_style in ("js_var", "js_write"):
        body = _scripted(body, lay.html_style)
    charset = DECLARED[lay.encoding]
    return (f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            f"<title>{escape(title_text(rep))}</title></head>\n<body>\n{body}\n</body></html>\n")


def _scripted(body: str, style: str) -> str:
    """The article as a JavaScript string the page writes on the client (issue 9 class 2):
    `var content = "…"` with JSON's \\uXXXX escapes, or `document.write('…' + '…')` per line."""
    if style == "js_var":
        literal = json.dumps(body).replace("</", "<\\/")
        return (f'<div id="zoom"></div>\n<script type="text/javascript">\nvar content = {literal};\n'
                "document.getElementById('zoom').innerHTML = content;\n</script>")
    parts = [line.replace("\\", "\\\\").replace("'", "\\'").replace("</", "<\\/") for line in body.split("\n")]
    chain = " +\n  ".join(f"'{p}'" for p in parts)
    return f'<script language="javascript">\ndocument.write({chain});\n</script>'


def write_html(rep: Report, path: Path) -> Path:
    path.write_bytes(html_text(rep).encode(rep.layout.encoding))
    return path

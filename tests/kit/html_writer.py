"""The web-page writer: a report as a portal article page, and blocks as bare HTML tables.

`write_html` prints the report inside a government portal's chrome (nav, breadcrumb,
sidebar, footer, scripts), in UTF-8 or in GBK declared as gb2312 as real sites do.
`html_table` and `html_page` render blocks a test has edited, with the markup choices
(header cells, table attributes, cell content) as arguments. Both place cells on the
grid once, with `spanned_rows`.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.kit.composer import (
    Block,
    PCell,
    PPara,
    PTable,
    Variant,
    compose,
    placed_cells,
    title_lines,
)
from tests.kit.report import SynthReport


def spanned_rows(t: PTable) -> list[list[tuple[int, PCell, int]]]:
    """Per row, the cells that start in it: (grid column, cell, rows it spans).

    A vertical-merge continuation is left out: the rowspan of the cell above covers it.
    """
    grid = placed_cells(t.rows)
    at = {(r, c): cell for r, placed in enumerate(grid) for c, cell in placed}
    out: list[list[tuple[int, PCell, int]]] = []
    for r, placed in enumerate(grid):
        row = []
        for c, cell in placed:
            if cell.vmerge == "continue":
                continue
            n = 1
            if cell.vmerge == "restart":
                while (below := at.get((r + n, c))) is not None and below.vmerge == "continue":
                    n += 1
            row.append((c, cell, n))
        out.append(row)
    return out


def cell_html(text: str, sep: str = "<br/>") -> str:
    """A cell's text as HTML: its lines joined by <br/>, an empty cell as &nbsp;."""
    return sep.join(html.escape(x) for x in text.split("\n")) if text else "&nbsp;"


def _portal_table(table: PTable) -> str:
    """The table as the portal CMS exports it from Word: widths in px, <p align> cells."""
    out = [
        '<table border="1" cellspacing="0" cellpadding="0" align="center" style="border-collapse:collapse;">',
        "<tbody>",
    ]
    for row in spanned_rows(table):
        out.append("<tr>")
        for c, cell, rowspan in row:
            attrs = []
            if cell.span > 1:
                attrs.append(f'colspan="{cell.span}"')
            if rowspan > 1:
                attrs.append(f'rowspan="{rowspan}"')
            px = round(sum(table.widths[c : c + cell.span]) / 15)
            attrs.append(f'style="width:{px}px;"')
            body = cell_html(cell.text, "<br />")
            align = "center" if cell.align == "center" else "left"
            out.append(f'<td {" ".join(attrs)} valign="middle"><p align="{align}">{body}</p></td>')
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def html_table(
    t: PTable,
    cell: Callable[[str, bool], str] | None = None,
    th_rows: int = 0,
    table_attrs: str = 'border="1" cellspacing="0" cellpadding="0"',
) -> str:
    """A PTable as a bare HTML table (colspan/rowspan); `cell(text, is_header)` renders a
    cell's content (default: `cell_html`); the first `th_rows` rows go in <thead> as <th>,
    the rest in <tbody>."""
    out = [f"<table {table_attrs}>"]
    for r, row in enumerate(spanned_rows(t)):
        if th_rows and r == 0:
            out.append("<thead>")
        if th_rows and r == th_rows:
            out.append("</thead><tbody>")
        out.append("<tr>")
        tag = "th" if r < th_rows else "td"
        for _c, pc, rowspan in row:
            attrs = f' colspan="{pc.span}"' if pc.span > 1 else ""
            attrs += f' rowspan="{rowspan}"' if rowspan > 1 else ""
            body = cell(pc.text, r < th_rows) if cell is not None else cell_html(pc.text)
            out.append(f"<{tag}{attrs}>{body}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>" if th_rows else "</table>")
    return "\n".join(out)


def html_body(blocks: list[Block], table: Callable[[PTable], str] = html_table) -> str:
    """Blocks as HTML, one element a line: tables, and every paragraph (empty ones too) as <p>."""
    return "\n".join(
        table(b) if isinstance(b, PTable) else f"<p>{html.escape(b.text)}</p>" for b in blocks
    )


def html_page(
    blocks: list[Block],
    title: str,
    site: str,
    table: Callable[[PTable], str] = html_table,
    charset: str = "utf-8",
    wrapper: str = '<div id="zoom">',
) -> str:
    """A minimal portal page: <title> "title_site", a header bar, the non-empty paragraphs
    and the tables inside `wrapper`, a footer."""
    parts = []
    for b in blocks:
        if isinstance(b, PTable):
            parts.append(table(b))
        elif b.text:
            parts.append(f"<p>{html.escape(b.text)}</p>")
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}_{site}</title></head><body>"
        f'<div class="header">{site}</div>{wrapper}{"".join(parts)}</div>'
        f'<div class="footer">版权所有</div></body></html>'
    )


_P_STYLE = {
    "title": '<p style="text-align:center;font-size:22px;font-weight:bold;">{}</p>',
    "heading": '<p style="text-indent:2em;"><strong>{}</strong></p>',
    "subheading": '<p style="text-indent:2em;"><span style="font-family:楷体;">{}</span></p>',
    "caption": '<p style="text-align:center;">{}</p>',
    "signature": '<p style="text-align:right;">{}</p>',
    "date": '<p style="text-align:right;">{}</p>',
    "blank": "<p>&nbsp;</p>",
}


def _site_code(rep: SynthReport) -> int:
    return zlib.crc32(rep.site.encode("utf-8")) % 10**6  # stable fake ICP/标识码 digits


def write_html(
    rep: SynthReport,
    path: str | Path,
    encoding: str = "utf-8",
    *,
    container: str = "article",
    title_in_body: bool = False,
    **variant: object,
) -> Path:
    """Write the report as a portal article page (nav, breadcrumb, footer, scripts).

    `container` "article" puts the report in <div class="article">, "zoom" in
    <div id="zoom"> (the TRS/Hanweb CMS convention). gbk pages declare charset=gb2312
    as real sites do, though their bytes are GBK.
    """
    if container not in ("article", "zoom"):
        raise ValueError("container must be 'article' or 'zoom'")
    v = Variant(**variant)  # type: ignore[arg-type]
    blocks = compose(rep, **variant)
    title = "".join(
        title_lines(rep, Variant(title_niandu=v.title_niandu, title_fullwidth=v.title_fullwidth))
    )
    body: list[str] = []
    if not title_in_body:
        # The page's <h1> carries the title; drop it and the empty paragraph after it.
        while blocks and isinstance(blocks[0], PPara) and blocks[0].role in ("title", "blank"):
            blocks.pop(0)
    for block in blocks:
        if isinstance(block, PTable):
            body.append(_portal_table(block))
        else:
            tpl = _P_STYLE.get(block.role, '<p style="text-indent:2em;">{}</p>')
            body.append(tpl.format(html.escape(block.text)))
    if encoding.lower() in ("gbk", "gb2312", "gb18030"):
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
    else:
        meta = f'<meta charset="{encoding}" />'
    site, code = html.escape(rep.site), _site_code(rep)
    others = "".join(
        f'<li><a href="../{y}/t{y + 1}0120_{code}.html">{html.escape(rep.agency)}{y}年政府信息公开工作年度报告</a></li>'
        for y in (rep.year - 1, rep.year - 2)
    )
    opening = (
        '<div class="article">' if container == "article" else '<div id="zoom" class="TRS_Editor">'
    )
    pub = rep.published_on.isoformat()
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="SiteName" content="{site}" />
<meta name="ArticleTitle" content="{html.escape(title)}" />
<meta name="PubDate" content="{pub} 09:30" />
<meta name="ContentSource" content="{html.escape(rep.agency)}" />
<title>{html.escape(title)}_{site}</title>
<link rel="stylesheet" href="/images/common.css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top-bar"><div class="wrap"><span>今天是：<span id="today"></span></span>
<a href="/wza/">无障碍</a> | <a href="/site/old/">长者模式</a> | <a href="/search/">站内搜索</a></div></div>
<div class="header"><div class="wrap"><a class="logo" href="/"><img src="/images/logo.png" alt="{site}" /></a>
<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键词" /><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul class="wrap">
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjwm/">走进{html.escape(rep.site.removesuffix("人民政府"))}</a></li></ul></div>
<div class="wrap main">
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/fdzdgknr/">法定主动公开内容</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="sidebar"><h3>政府信息公开</h3><ul>
<li><a href="/zwgk/zn/">政府信息公开指南</a></li><li><a href="/zwgk/zd/">政府信息公开制度</a></li>
<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li><li class="on"><a href="/zwgk/ndbg/">政府信息公开年报</a></li></ul></div>
<div class="content">
<h1 class="article-title">{html.escape(title)}</h1>
<div class="article-info"><span>发布时间：{pub}</span><span>来源：{html.escape(rep.agency)}</span><span>浏览次数：<em id="hits">--</em></span>
<span class="font">字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
{opening}
{chr(10).join(body)}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul>{others}</ul></div>
</div>
</div>
<div class="footer"><div class="wrap">
<p>主办单位：{site}办公室　承办单位：{site}大数据中心</p>
<p>版权所有：{site}　网站标识码：42{code:06d}00　<a href="https://beian.miit.gov.cn/">鄂ICP备{code % 100000:05d}号-1</a></p>
<p>Copyright &copy; {rep.published_on.year} All Rights Reserved</p>
</div></div>
<script type="text/javascript">
function doZoom(size) {{ document.getElementById("zoom") && (document.getElementById("zoom").style.fontSize = size + "px"); }}
document.getElementById("today").innerHTML = new Date().toLocaleDateString("zh-CN");
var _maq = _maq || []; _maq.push(["_setAccount", "{code}"]);
</script>
</body>
</html>
"""
    path = Path(path)
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path



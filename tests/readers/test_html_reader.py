"""HTML reader: encodings, content block, chrome removal, colspan/rowspan grids."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import RejectedInput, Table
from pipeline.readers import read_document
from pipeline.readers.html_reader import decode_html, read_html

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>某区2024年政府信息公开工作年度报告_某区人民政府</title>
<script>var banner = "脚本文字";</script><style>p {{ color: red }}</style></head>
<body>
<div id="header"><h1>某区人民政府门户网站</h1>
  <ul class="main-nav"><li>首页</li><li>机构概况</li><li>政务公开</li></ul></div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<div class="wrap">
 <div id="zoom">
  <p>　　依据《中华人民共和国政府信息公开条例》编制本报告。</p>
  <p>一、总体情况<br>（一）主动公开情况<br/>本年主动公开信息120条。</p>
  <h2>二、主动公开政府信息情况</h2>
  <table border="1">
   <tr><td colspan="4">第二十条第（一）项</td></tr>
   <tr><td>信息内容</td><td>本年<br>制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
   <tr><td>规章</td><td>1</td><td>0</td><td>5</td></tr>
  </table>
  <p>三、收到和处理政府信息公开申请情况</p>
  <div class="bdshare">分享到：微信 微博</div>
 </div>
</div>
<div class="footer"><p>版权所有：某区人民政府办公室 ICP备12345号</p></div>
</body></html>
"""


def _read(data: bytes, path: str = "page.html"):
    return read_html(path, data, "0" * 64)


def _blocks(doc) -> list:
    return [b.texts() if isinstance(b, Table) else (b.text, b.style) for b in doc.blocks]


def test_utf8_and_gbk_pages_read_identically() -> None:
    utf8 = _read(PAGE.format(charset="utf-8").encode("utf-8"))
    gbk_bytes = PAGE.format(charset="gb2312").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk_bytes.decode("utf-8")  # the GBK page really is not UTF-8
    gbk = _read(gbk_bytes)
    assert _blocks(utf8) == _blocks(gbk)
    assert [t.caption for t in utf8.tables] == [t.caption for t in gbk.tables]
    assert utf8.metadata == gbk.metadata
    assert utf8.metadata["html_title"] == "某区2024年政府信息公开工作年度报告_某区人民政府"
    assert utf8.metadata["html_content_root"] == "div#zoom"
    assert _blocks(utf8) == [
        ("依据《中华人民共和国政府信息公开条例》编制本报告。", None),
        ("一、总体情况", None),
        ("（一）主动公开情况", None),
        ("本年主动公开信息120条。", None),
        ("二、主动公开政府信息情况", "Heading 2"),
        [
            ["第二十条第（一）项"] * 4,
            ["信息内容", "本年\n制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "5"],
        ],
        ("三、收到和处理政府信息公开申请情况", None),
    ]
    assert utf8.tables[0].caption == "二、主动公开政府信息情况"
    assert [c.anchor for c in utf8.tables[0].rows[0]] == [None, (0, 0), (0, 0), (0, 0)]


def test_stale_gb2312_declaration_on_utf8_page() -> None:
    doc = _read(PAGE.format(charset="gb2312").encode("utf-8"))
    assert doc.paragraphs[0].text == "依据《中华人民共和国政府信息公开条例》编制本报告。"


def test_http_equiv_content_type_gbk() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK">'
        "</head><body><p>政府信息公开工作年度报告</p></body></html>"
    )
    data = html.encode("gbk")
    assert decode_html(data) == html
    assert [p.text for p in _read(data).paragraphs] == ["政府信息公开工作年度报告"]


def test_gb18030_only_character_in_gb2312_page() -> None:
    """GB2312-labelled pages contain characters only GB18030 maps (e.g. 镕, €)."""
    html = '<html><head><meta charset="gb2312"></head><body><p>朱镕基 €5</p></body></html>'
    doc = _read(html.encode("gb18030"))
    assert [p.text for p in doc.paragraphs] == ["朱镕基 €5"]


def test_chrome_absent_without_known_wrapper() -> None:
    html = """<html><head><title>报告</title></head><body>
    <div class="top"><a href="/">首页</a> 登录 注册</div>
    <nav><a>机构概况</a><a>政务公开</a><a>政府信息公开年度报告</a></nav>
    <div class="menu"><span>办事服务</span><span>互动交流</span></div>
    <div class="breadcrumb">首页 &gt; 年度报告</div>
    <div class="page">
      <div class="left-side"><ul><li>通知公告</li><li>政策解读</li></ul></div>
      <div class="main-col">
        <p>某局2024年政府信息公开工作年度报告</p>
        <p>本报告由某局根据条例要求编制，全文包括总体情况等六项内容。</p>
        <table><tr><th>信息内容</th><th>本年处理决定数量</th></tr>
               <tr><td>行政许可</td><td>12</td></tr></table>
        <p>二、存在的主要问题及改进情况：公开质量有待提高。</p>
      </div>
    </div>
    <footer><p>主办单位：某局</p><p>网站标识码 1234</p></footer>
    <div id="copyright">版权所有 © 2024</div>
    </body></html>"""
    doc = _read(html.encode("utf-8"))
    texts = [p.text for p in doc.paragraphs]
    assert texts == [
        "某局2024年政府信息公开工作年度报告",
        "本报告由某局根据条例要求编制，全文包括总体情况等六项内容。",
        "二、存在的主要问题及改进情况：公开质量有待提高。",
    ]
    everything = " ".join(texts + [c.text for t in doc.tables for row in t.rows for c in row])
    for chrome in ("首页", "机构概况", "办事服务", "通知公告", "主办单位", "版权所有", "登录"):
        assert chrome not in everything
    assert doc.tables[0].texts() == [["信息内容", "本年处理决定数量"], ["行政许可", "12"]]
    assert doc.metadata["html_content_root"] == "div.main-col"


def test_colspan_rowspan_grid_cell_by_cell() -> None:
    html = """<html><body><div class="content">
    <table>
      <thead>
        <tr><th rowspan="3" colspan="3">（本列数据的勾稽关系）</th><th colspan="4">申请人情况</th></tr>
        <tr><th rowspan="2">自然人</th><th colspan="2">法人或其他组织</th><th rowspan="2">总计</th></tr>
        <tr><th>商业<br>企业</th><th>科研<p>机构</p></th></tr>
      </thead>
      <tbody>
        <tr><td rowspan="2">三、办理结果</td><td colspan="2">（一）予以公开</td><td>1</td><td>2</td><td>3</td><td>6</td></tr>
        <tr><td>（三）不予公开</td><td>1.国家秘密</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
      </tbody>
    </table></div></body></html>"""
    (table,) = _read(html.encode("utf-8")).tables
    head = "（本列数据的勾稽关系）"
    grid = [[(c.text, c.anchor) for c in row] for row in table.rows]
    assert grid == [
        [(head, None), (head, (0, 0)), (head, (0, 0)), ("申请人情况", None)]
        + [("申请人情况", (0, 3))] * 3,
        [(head, (0, 0))] * 3
        + [("自然人", None), ("法人或其他组织", None), ("法人或其他组织", (1, 4)), ("总计", None)],
        [(head, (0, 0))] * 3
        + [("自然人", (1, 3)), ("商业\n企业", None), ("科研\n机构", None), ("总计", (1, 6))],
        [("三、办理结果", None), ("（一）予以公开", None), ("（一）予以公开", (3, 1))]
        + [("1", None), ("2", None), ("3", None), ("6", None)],
        [("三、办理结果", (3, 0)), ("（三）不予公开", None), ("1.国家秘密", None)]
        + [("0", None)] * 4,
    ]
    assert all(
        (c.row, c.col) == (r, k) for r, row in enumerate(table.rows) for k, c in enumerate(row)
    )


def test_short_rows_padded_and_rowspan_clipped() -> None:
    html = """<html><body><table>
      <tr><td rowspan="9">甲</td><td>1</td><td>2</td></tr>
      <tr><td>3</td></tr>
    </table></body></html>"""
    (table,) = _read(html.encode("utf-8")).tables
    assert [[(c.text, c.anchor) for c in row] for row in table.rows] == [
        [("甲", None), ("1", None), ("2", None)],
        [("甲", (0, 0)), ("3", None), ("", None)],
    ]


def test_nested_table_flattened_and_layout_table_unwrapped() -> None:
    html = """<html><body>
    <table width="100%"><tr><td>
      <p>一、总体情况</p>
      <table border="1">
        <tr><td>项目</td><td><table><tr><td>甲</td><td>1</td></tr><tr><td>乙</td><td>2</td></tr></table></td></tr>
        <tr><td>合计</td><td>3</td></tr>
      </table>
    </td></tr></table></body></html>"""
    doc = _read(html.encode("utf-8"))
    assert [p.text for p in doc.paragraphs] == ["一、总体情况"]
    (table,) = doc.tables  # the 1x1 layout table is not a table of the report
    assert table.texts() == [["项目", "甲\t1\n乙\t2"], ["合计", "3"]]
    assert table.caption == "一、总体情况"


def test_aspnet_form_wrapper_is_not_chrome() -> None:
    html = """<html><body><form id="form1" method="post">
      <div class="nav">首页 新闻</div>
      <table><tr><td><div class="text">
        <p>某镇2024年政府信息公开工作年度报告正文第一段。</p><p>第二段内容。</p>
      </div></td></tr></table>
      <form class="search"><input name="q"><span>站内搜索</span></form>
    </form></body></html>"""
    doc = _read(html.encode("utf-8"))
    assert [p.text for p in doc.paragraphs] == [
        "某镇2024年政府信息公开工作年度报告正文第一段。",
        "第二段内容。",
    ]
    # Found by walking body > form > layout table > cell down to the text block.
    assert doc.metadata["html_content_root"] == "div.text"


def test_chrome_named_wrapper_kept_and_footer_content_box_dropped() -> None:
    report = "某区2024年政府信息公开工作年度报告：本年度主动公开政府信息共计一千二百条。"
    wrapped = f"""<html><body><div class="nav-wrap"><div id="zoom"><p>{report}</p></div></div>
      <div class="footer">版权所有</div></body></html>"""
    doc = _read(wrapped.encode("utf-8"))
    assert [p.text for p in doc.paragraphs] == [report]
    assert doc.metadata["html_content_root"] == "div#zoom"
    # A "content" box inside the footer is neither the article nor a reason to keep it.
    footer_box = f"""<html><body><div class="page"><p>{report}</p><p>第二段。</p></div>
      <div class="footer"><div class="content">版权所有 联系我们</div></div></body></html>"""
    doc = _read(footer_box.encode("utf-8"))
    assert [p.text for p in doc.paragraphs] == [report, "第二段。"]


def test_hidden_elements_and_comments_dropped() -> None:
    html = """<html><body><div id="zoom"><p>可见内容</p>
      <p style="display: none">隐藏内容</p><!-- 注释内容 --><p hidden>也隐藏</p></div></body></html>"""
    assert [p.text for p in _read(html.encode("utf-8")).paragraphs] == ["可见内容"]


def test_page_without_content_rejected() -> None:
    html = """<html><head><title>跳转中</title><script>location.href = "/a.html";</script></head>
    <body><div class="nav">首页</div><div class="footer">版权所有</div></body></html>"""
    with pytest.raises(RejectedInput, match="^HTML page has no report content$"):
        _read(html.encode("utf-8"))


def test_html_dispatch_by_content(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"  # misnamed: content decides
    target.write_bytes(PAGE.format(charset="utf-8").encode("utf-8"))
    doc = read_document(target)
    assert doc.file_type == "html"
    assert len(doc.tables) == 1
    assert doc.paragraphs[0].text.startswith("依据《中华人民共和国政府信息公开条例》")


# A cell's text by the fast path (bare text) must be what the walker makes of it:
# whitespace of every kind, newlines, entities and CJK, as portals print them.
_CELL_CHARS = st.sampled_from(list("0123456789 \t\n\r\u3000\u00a0\u200b开公予以－-—／/（）()") + ["&nbsp;", "&#12288;"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL_CHARS, max_size=30).map("".join))
def test_bare_cell_text_is_what_the_walker_makes(inner: str) -> None:
    from lxml import html as lxml_html

    from pipeline.readers.html_reader import cell_text, walked_text

    td = lxml_html.fragment_fromstring(f"<table><tr><td>{inner}</td></tr></table>").find(".//td")
    assert len(td) == 0
    assert cell_text(td) == walked_text(td)

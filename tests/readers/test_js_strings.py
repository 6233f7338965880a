"""Reports served inside JavaScript strings (issue 9 class 2), read as the page body."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.model import Paragraph, Table
from pipeline.process import process_file
from pipeline.readers import read_document
from pipeline.readers.js_strings import decode_js_string, embedded_html
from pipeline.readers.sniff import sniff

TITLE = "<p style='text-align:center'>2024年江城市档案馆政府信息公开工作年度报告</p>"
TABLE = ("<table border='1'><tr><td>信息内容</td><td>本年新制作数量</td></tr>"
         "<tr><td>规章</td><td>7</td></tr></table>")
PAGE = '<html><head><meta charset="utf-8"><title>x</title></head><body><div id="zoom">{}</div>{}</body></html>'


def _doc(tmp_path: Path, html: str, name: str = "article.html"):  # type: ignore[no-untyped-def]
    p = tmp_path / name
    p.write_text(html, encoding="utf-8")
    return read_document(p)


def _texts(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def test_escapes_decoded() -> None:
    assert decode_js_string(r'"a\"b\'c\/d\\e\n\u5e74\x41\u{5e74}"') == "a\"b'c/d\\e\n年A年"
    assert decode_js_string(r"'\ud83d\ude00 ok'") == "\U0001f600 ok"
    assert decode_js_string('"one \\\ntwo"') == "one two"  # a line continuation is no character


def test_var_content_json_escaped(tmp_path: Path) -> None:
    js = json.dumps(TITLE + TABLE, ensure_ascii=True).replace("/", "\\/")  # \uXXXX and \/ throughout
    doc = _doc(tmp_path, PAGE.format("", f"<script>var content = {js};</script>"))
    assert _texts(doc)[0] == "2024年江城市档案馆政府信息公开工作年度报告"
    assert [t.texts() for t in doc.blocks if isinstance(t, Table)] == [[["信息内容", "本年新制作数量"], ["规章", "7"]]]
    assert doc.metadata["html_content_root"].startswith("script string")


def test_document_write_concatenated_single_quotes(tmp_path: Path) -> None:
    parts = " + ".join(repr(s) for s in (TITLE, TABLE[:40], TABLE[40:]))
    doc = _doc(tmp_path, PAGE.format("正在加载", f"<script>document.write({parts});</script>"))
    assert "正在加载" not in _texts(doc)
    assert len([b for b in doc.blocks if isinstance(b, Table)]) == 1


def test_json_inside_script(tmp_path: Path) -> None:
    data = json.dumps({"id": 3, "title": "年报", "content": TITLE + TABLE}, ensure_ascii=False)
    doc = _doc(tmp_path, PAGE.format("", f'<script type="application/json">{data}</script>'))
    assert _texts(doc)[0].startswith("2024年江城市档案馆")


def test_static_article_wins_over_small_script_strings(tmp_path: Path) -> None:
    script = "<script>var share = '<div class=\"share\">分享到微信朋友圈和微博平台一起看</div>';</script>"
    doc = _doc(tmp_path, PAGE.format(TITLE + TABLE + "<p>" + "本机关认真落实条例。" * 5 + "</p>", script))
    assert not any("分享" in t for t in _texts(doc))
    assert doc.metadata["html_content_root"] == "div#zoom"


def test_script_file_sniffed_and_read(tmp_path: Path) -> None:
    data = ("let content = " + json.dumps(TITLE + TABLE, ensure_ascii=False) + ";\n").encode()
    assert sniff(data) == "html"
    p = tmp_path / "content.js"
    p.write_bytes(data)
    rec = process_file(p)
    assert rec.status != "rejected", rec.reason
    assert rec.metadata.get("year") == 2024


def test_no_markup_strings_ignored() -> None:
    assert embedded_html(["var a = 'hello'; var b = \"<br>\";"]) == ""

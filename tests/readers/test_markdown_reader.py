"""Markdown from OCR/conversion tools (issue 9 class 8): headings, pipe tables, HTML tables."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Paragraph, Table
from pipeline.process import process_file
from pipeline.readers import read_document
from pipeline.readers.sniff import sniff


def _read(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    p = tmp_path / "report.md"
    p.write_text(text, encoding="utf-8")
    return read_document(p)


def test_sniffed_by_content_not_name() -> None:
    assert sniff("正文\n" .encode() + "前言。\n".encode() * 3000 + b"| a | b |\n|---|---|\n| 1 | 2 |\n") == "md"
    assert sniff("# 标题\n\n正文".encode()) == "md"
    assert sniff("一、总体情况\n本机关认真落实。\n".encode()) == "txt"
    assert sniff(b"<!DOCTYPE html><html><body><h1># x</h1></body></html>") == "html"
    assert sniff(b"<table><tr><td>1</td></tr></table>") == "html"


def test_headings_are_paragraphs_and_pipe_rows_a_padded_grid(tmp_path: Path) -> None:
    doc = _read(tmp_path, "# **江城市档案馆** 2024年政府信息公开工作年度报告 #\n\n## 二、主动公开政府信息情况\n"
                "| 信息内容 | 本年制发件数 | 本年废止件数 |\n|:---|---:|:---:|\n| 规章 | 1 |\n| a \\| b | 2<br>3 | 4 |\n")
    paras = [(b.text, b.style) for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras == [("江城市档案馆 2024年政府信息公开工作年度报告", "Heading 1"), ("二、主动公开政府信息情况", "Heading 2")]
    (table,) = doc.tables
    assert table.texts() == [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "1", ""], ["a | b", "2\n3", "4"]]
    assert table.caption == "二、主动公开政府信息情况"
    assert doc.file_type == "md"


def test_html_table_block_inside_markdown(tmp_path: Path) -> None:
    doc = _read(tmp_path, "# 年度报告\n\n<table><tr><td rowspan=\"2\">行政许可</td><td>5</td></tr>\n"
                "<tr><td>6</td></tr></table>\n\n后记\n")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["年度报告", "后记"]
    assert [t.texts() for t in doc.blocks if isinstance(t, Table)] == [[["行政许可", "5"], ["行政许可", "6"]]]


def test_markdown_report_values(tmp_path: Path) -> None:
    p = tmp_path / "converted.txt"  # the name says text: the content decides
    p.write_text("# 江城市档案馆2024年政府信息公开工作年度报告\n\n## 二、主动公开政府信息情况\n\n"
                 "### 第二十条第（五）项\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 517645 |\n\n"
                 "### 第二十条第（八）项\n| 信息内容 | 本年收费金额（单位：万元） |\n|---|---|\n| 行政事业性收费 | 4068.208 |\n",
                 encoding="utf-8")
    rec = process_file(p)
    got = rec.fact_map()
    assert rec.file_type == "md"
    assert (got["t2.licensing.decisions"].value, str(got["t2.fees.amount"].value)) == (517645, "4068.208")
    assert rec.metadata.get("agency") == "江城市档案馆"

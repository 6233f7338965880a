"""Word reader: the official 2021 template's merged layout and generated documents."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.model import Paragraph, Table
from pipeline.readers import read_document
from pipeline.readers.docx_reader import read_docx
from tests.paths import FIXTURES

TEMPLATE = FIXTURES / "official-template-2021.docx"


def _bytes(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _read(data: bytes) -> object:
    return read_docx("test.docx", data, "0" * 64)


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


# -- the official template --------------------------------------------------------------


@pytest.fixture(scope="module")
def template():
    return read_document(TEMPLATE)


def test_template_tables_shapes_and_captions(template) -> None:
    assert template.file_type == "docx"
    shapes = [(len(t.rows), len(t.rows[0])) for t in template.tables]
    assert shapes == [(14, 4), (28, 10), (4, 15)]
    assert all(len(row) == len(t.rows[0]) for t in template.tables for row in t.rows)
    assert [t.index for t in template.tables] == [0, 1, 2]
    assert [t.caption for t in template.tables] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]


def test_template_anchors(template) -> None:
    t1, t2, t3 = template.tables
    # Table 1: heading row spans all four columns.
    assert [(c.text, c.anchor) for c in t1.rows[0]] == [
        ("第二十条第（一）项", None),
        ("第二十条第（一）项", (0, 0)),
        ("第二十条第（一）项", (0, 0)),
        ("第二十条第（一）项", (0, 0)),
    ]
    assert t1.rows[5][3].text == "本年处理决定数量" and t1.rows[5][3].anchor == (5, 1)
    assert t1.rows[2][0].text == "规章" and t1.rows[2][1].text == ""  # full-width blanks stripped

    # Table 2: the big vertical merge of 三、本年度办理结果 over rows 5..26, column 0.
    assert t2.rows[5][0].anchor is None
    assert t2.rows[5][0].text == "三、本年度办理结果"
    for r in range(6, 27):
        assert t2.rows[r][0].text == "三、本年度办理结果"
        assert t2.rows[r][0].anchor == (5, 0)
    assert t2.rows[27][0].text == "四、结转下年度继续办理" and t2.rows[27][0].anchor is None
    # 3x3 corner block (vMerge over gridSpan) anchored at (0, 0).
    assert t2.rows[0][0].text.startswith("（本列数据的勾稽关系为")
    assert {t2.rows[r][c].anchor for r in range(3) for c in range(3)} == {None, (0, 0)}
    assert t2.rows[2][2].anchor == (0, 0)
    # Nested vertical merge in column 1, and line breaks inside a header cell.
    assert [t2.rows[r][1].anchor for r in (7, 8, 14)] == [None, (7, 1), (7, 1)]
    assert t2.rows[8][1].text == "（三）不予公开"
    assert t2.rows[2][4].text == "商业\n企业" and t2.rows[2][4].anchor is None
    assert t2.rows[2][3].text == "自然人" and t2.rows[2][3].anchor == (1, 3)
    assert t2.rows[2][9].text == "总计" and t2.rows[2][9].anchor == (1, 9)

    # Table 3: row 0 col 1 is covered by 行政复议 at (0, 0).
    assert t3.rows[0][1].text == "行政复议" and t3.rows[0][1].anchor == (0, 0)
    assert t3.rows[0][5].text == "行政诉讼" and t3.rows[0][5].anchor is None
    assert t3.rows[0][14].anchor == (0, 5)
    assert t3.rows[2][0].text == "结果维持" and t3.rows[2][0].anchor == (1, 0)
    assert t3.rows[1][12].text == "复议后起诉" and t3.rows[1][12].anchor == (1, 10)
    assert t3.rows[2][10].text == "结果\n维持" and t3.rows[2][10].anchor is None


def test_template_grid_agrees_with_python_docx(template) -> None:
    """python-docx's row.cells repeats merged cells: the texts must match position by position."""
    source = docx.Document(str(TEMPLATE))
    for ours, theirs in zip(template.tables, source.tables, strict=True):
        expected = [[_clean(c.text) for c in row.cells] for row in theirs.rows]
        assert ours.texts() == expected


def test_template_paragraphs_in_order(template) -> None:
    kinds = ["T" if isinstance(b, Table) else "P" for b in template.blocks]
    assert "".join(kinds) == "PPPPTPTPTPPPP"
    paras = template.paragraphs
    assert paras[0].text == "政府信息公开工作年度报告格式模板"
    assert paras[0].style == "Normal (Web)"
    assert paras[-1].text == "（文字描述，收取信息处理费情况在此处报告。）"


# -- generated documents ----------------------------------------------------------------


def test_generated_gridspan_and_vmerge() -> None:
    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "横跨"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "竖跨"
    t.cell(2, 1).merge(t.cell(3, 2)).text = "块"
    t.cell(0, 3).text = "D"
    t.cell(1, 1).text = "1"
    t.cell(1, 2).text = "2"
    t.cell(1, 3).text = "3"
    t.cell(2, 3).text = "4"
    t.cell(3, 3).text = "5"
    doc = _read(_bytes(d))
    (table,) = doc.tables
    got = [[(c.text, c.anchor) for c in row] for row in table.rows]
    assert got == [
        [("横跨", None), ("横跨", (0, 0)), ("横跨", (0, 0)), ("D", None)],
        [("竖跨", None), ("1", None), ("2", None), ("3", None)],
        [("竖跨", (1, 0)), ("块", None), ("块", (2, 1)), ("4", None)],
        [("竖跨", (1, 0)), ("块", (2, 1)), ("块", (2, 1)), ("5", None)],
    ]
    assert all(
        (c.row, c.col) == (r, k) for r, row in enumerate(table.rows) for k, c in enumerate(row)
    )


def test_grid_before_leaves_empty_positions() -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["a", "b", "c"]):
        t.cell(0, c).text = text
    t.cell(1, 1).text = "x"
    t.cell(1, 2).text = "y"
    tr = t.rows[1]._tr
    # Row 2 starts one grid column in and has two cells only.
    tr.remove(tr.tc_lst[0])
    tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    (table,) = _read(_bytes(d)).tables
    assert table.texts() == [["a", "b", "c"], ["", "x", "y"]]
    assert [c.anchor for c in table.rows[1]] == [None, None, None]


def test_paragraph_table_order_styles_and_captions() -> None:
    d = docx.Document()
    d.add_heading("某区2024年政府信息公开工作年度报告", level=1)
    d.add_paragraph("二、主动公开政府信息情况")
    d.add_paragraph("这是一段很长的叙述文字，超过二十个字符，因此不能作为表格的标题使用。")
    d.add_table(rows=1, cols=2).cell(0, 0).text = "表一"
    d.add_table(rows=1, cols=1).cell(0, 0).text = "紧跟"
    d.add_paragraph("表三")
    d.add_table(rows=2, cols=1).cell(1, 0).text = "末"
    d.add_paragraph("　　结尾段落　")
    doc = _read(_bytes(d))
    kinds = ["T" if isinstance(b, Table) else "P" for b in doc.blocks]
    assert "".join(kinds) == "PPPTTPTP"
    assert doc.paragraphs[0].style == "Heading 1"
    assert doc.paragraphs[1].style == "Normal"
    # Nearest preceding short paragraph, skipping the long one; not past another table.
    assert [t.caption for t in doc.tables] == ["二、主动公开政府信息情况", None, "表三"]
    assert doc.tables[2].texts() == [[""], ["末"]]
    assert doc.paragraphs[-1].text == "结尾段落"


def test_nested_table_flattened_into_cell() -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "说明"
    inner = cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "甲"
    inner.cell(0, 1).text = "1"
    inner.cell(1, 0).text = "乙"
    inner.cell(1, 1).text = "2"
    cell.add_paragraph("附注")
    outer.cell(0, 1).text = "右"
    doc = _read(_bytes(d))
    assert len(doc.tables) == 1  # the nested table is not a table of its own
    assert doc.tables[0].texts() == [["说明\n甲\t1\n乙\t2\n附注", "右"]]


_TEXTBOX_RUN = """
<w:r {ns}>
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>
        <w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent>
      </wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>
    </mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox>
      <w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent>
    </v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def test_text_box_and_deleted_revision_ignored_insertion_kept() -> None:
    d = docx.Document()
    p = d.add_paragraph("前")
    ns = (
        nsdecls("w", "wp", "a")
        + " "
        + " ".join(
            f'xmlns:{k}="{v}"'
            for k, v in {
                "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
                "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
                "v": "urn:schemas-microsoft-com:vml",
            }.items()
        )
    )
    p._p.append(parse_xml(_TEXTBOX_RUN.format(ns=ns)))
    p._p.append(
        parse_xml(
            f'<w:del {ns} w:id="1" w:author="x"><w:r><w:delText>删除</w:delText></w:r></w:del>'
        )
    )
    p._p.append(parse_xml(f'<w:ins {ns} w:id="2" w:author="x"><w:r><w:t>插入</w:t></w:r></w:ins>'))
    p.add_run("后")
    doc = _read(_bytes(d))
    assert [x.text for x in doc.paragraphs] == ["前插入后"]
    assert doc.notes == ["1 text box(es) ignored"]


def test_content_control_tab_and_break() -> None:
    d = docx.Document()
    d.add_paragraph("开头")
    body = d.element.body
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:alias w:val='控件'/></w:sdtPr><w:sdtContent>"
        "<w:p><w:r><w:t>控件内</w:t><w:tab/><w:t>文字</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
        "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, sdt)  # before w:sectPr
    prompt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
        "<w:p><w:r><w:t>单击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, prompt)  # an unfilled control shows only its prompt
    d.add_paragraph("结尾")
    doc = _read(_bytes(d))
    texts = [b.texts() if isinstance(b, Table) else b.text for b in doc.blocks]
    assert texts == ["开头", "控件内\t文字\n第二行", [["格"]], "结尾"]


def test_docx_named_html_dispatches_by_content(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("内容判断类型")
    target = tmp_path / "report.html"
    target.write_bytes(_bytes(d))
    doc = read_document(target)
    assert doc.file_type == "docx"
    assert [p.text for p in doc.paragraphs] == ["内容判断类型"]
    assert isinstance(doc.blocks[0], Paragraph)
    assert doc.source_path == str(target)
    assert len(doc.sha256) == 64


def test_macro_enabled_document_is_read() -> None:
    """.docm has a different main content type that python-docx alone refuses."""
    d = docx.Document()
    d.add_paragraph("宏文档")
    src = zipfile.ZipFile(io.BytesIO(_bytes(d)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in data
            zf.writestr(info, data)
    doc = _read(out.getvalue())
    assert [p.text for p in doc.paragraphs] == ["宏文档"]


def test_core_properties_in_metadata() -> None:
    d = docx.Document()
    d.core_properties.title = "2024年年度报告"
    d.add_paragraph("正文")
    doc = _read(_bytes(d))
    assert doc.metadata["docx_title"] == "2024年年度报告"


def test_legacy_hmerge_and_deleted_row() -> None:
    """Old Word files merge horizontally with w:hMerge; tracked-deleted rows are dropped."""
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            t.cell(r, c).text = f"{r}{c}"
    tcs = t.rows[0]._tr.tc_lst
    tcs[0].get_or_add_tcPr().append(parse_xml(f'<w:hMerge {nsdecls("w")} w:val="restart"/>'))
    tcs[1].get_or_add_tcPr().append(parse_xml(f"<w:hMerge {nsdecls('w')}/>"))
    t.rows[1]._tr.insert(
        0, parse_xml(f'<w:trPr {nsdecls("w")}><w:del w:id="9" w:author="x"/></w:trPr>')
    )
    (table,) = _read(_bytes(d)).tables
    assert [[(c.text, c.anchor) for c in row] for row in table.rows] == [
        [("00", None), ("00", (0, 0)), ("02", None)],
        [("20", None), ("21", None), ("22", None)],
    ]


def test_main_part_with_another_name() -> None:
    """Some generators write word/document2.xml; the package relationships say which."""
    d = docx.Document()
    d.add_paragraph("改名的主文档")
    src = zipfile.ZipFile(io.BytesIO(_bytes(d)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name == "word/document.xml":
                name = "word/document2.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/document2.xml.rels"
            elif name in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"/word/document.xml", b"/word/document2.xml")
                data = data.replace(b'"word/document.xml"', b'"word/document2.xml"')
            zf.writestr(name, data)
    data = out.getvalue()
    assert "word/document.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    doc = _read(data)
    assert [p.text for p in doc.paragraphs] == ["改名的主文档"]

"""PDF reader: table grids (merged cells, no rules, rotated pages, split tables),
paragraphs, metadata, rejections, and the real huaian report."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import time
import tracemalloc
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4

from pipeline.model import Document, RejectedInput, Table
from pipeline.normalize import nfkc, squash
from pipeline.readers import read_document
from pipeline.readers.pdf import read_pdf
from pipeline.readers.pdf.layout import Line, Word, is_page_number
from pipeline.readers.pdf.pages import needs_ocr
from tests.kit import pdf_builders as pb
from tests.paths import FIXTURES

HUAIAN = FIXTURES / "huaian-city-2024.pdf"
HUAIAN_TRUTH = FIXTURES / "huaian-city-2024.truth.json"


def read(data: bytes, name: str = "report.pdf") -> Document:
    return read_pdf(name, data, hashlib.sha256(data).hexdigest())


def norm(text: str) -> str:
    """A spec text the way the reader returns it: NFKC; a label printed one character
    per line joined into one line."""
    lines = text.split("\n")
    if len(lines) >= 3 and all(len(squash(x)) <= 2 for x in lines):
        return squash(nfkc(text))
    return nfkc(text)


def grid(table: Table) -> list[list[tuple[str, tuple[int, int] | None]]]:
    return [[(c.text, c.anchor) for c in row] for row in table.rows]


def assert_cells_traceable(table: Table, pages: set[int]) -> None:
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            assert (cell.row, cell.col) == (r, c)
            assert cell.page in pages, (r, c, cell.page)
            assert cell.bbox is not None and cell.bbox[0] < cell.bbox[2] and cell.bbox[1] < cell.bbox[3]
            if cell.anchor is not None:
                ar, ac = cell.anchor
                assert table.rows[ar][ac].anchor is None
                assert table.rows[ar][ac].text == cell.text


# --- (a) ruled table with merged header cells ------------------------------------------


def test_ruled_t3_every_cell() -> None:
    spec = pb.t3_spec()
    doc = read(pb.table_pdf(spec))
    assert doc.file_type == "pdf" and doc.pages == 1 and not doc.ocr
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert grid(table) == spec.expected(norm)
    assert_cells_traceable(table, {1})
    assert table.page == 1
    assert table.caption == "三、收到和处理政府信息公开申请情况"
    # Reading order: heading, table, heading.
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    # Merged header: 申请人情况 spans the seven number columns of row 0.
    assert [c.anchor for c in table.rows[0][3:]] == [(0, 2)] * 6
    # The cell boxes lie on the page where the grid says.
    x0, top, x1, bottom = table.rows[3][2].bbox  # 3001
    assert x1 - x0 == pytest.approx(42, abs=1) and bottom - top == pytest.approx(20, abs=1)


# --- (b) the same table without ruling lines ---------------------------------------------


def test_unruled_t3_body_same_grid_as_ruled() -> None:
    spec = pb.t3_spec()
    ruled = read(pb.table_pdf(spec)).tables[0]
    doc = read(pb.table_pdf(spec, ruled=False))
    assert len(doc.tables) == 1
    unruled = doc.tables[0]
    assert any("without ruling lines" in n for n in doc.notes)
    # Body rows (from the first numbers row) are identical, anchors included.
    def body(t: Table) -> list[list[tuple[str, tuple[int, int] | None]]]:
        first = next(r for r, row in enumerate(t.rows) if row[2].text == "3001")
        return [[(c.text, None if c.anchor is None else (c.anchor[0] - first, c.anchor[1])) for c in row]
                for row in t.rows[first:]]

    assert body(unruled) == body(ruled)
    # Without rules a header cell's extent is not printed anywhere: the header keeps
    # every word, but how they group into cells is a best guess.
    header_text = squash("".join(c.text for row in unruled.rows[:2] for c in row if c.anchor is None))
    for label in ("申请人情况", "自然人", "法人或其他组织", "商业", "企业", "社会公益组织", "法律服务机构", "其他", "总计"):
        assert label in header_text
    assert_cells_traceable(unruled, {1})


# --- (c) landscape, /Rotate 90, sideways content -----------------------------------------


@pytest.mark.parametrize("build", [
    lambda spec: pb.table_pdf(spec, pagesize=pb.LANDSCAPE_A4),
    pb.rotated_table_pdf,
    pb.sideways_table_pdf,
], ids=["landscape-mediabox", "rotate-90", "sideways-text"])
def test_landscape_t4(build) -> None:
    spec = pb.t4_spec()
    doc = read(build(spec))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert grid(table) == spec.expected(norm)
    assert [c.text for c in table.rows[3]] == [str(n) for n in pb.T4_NUMBERS]
    assert_cells_traceable(table, {1})
    assert any(p.text.startswith("四、政府信息公开行政复议") for p in doc.paragraphs)


# --- (d) tables split across pages --------------------------------------------------------


def test_split_table_header_repeated_joined() -> None:
    spec = pb.simple_spec(40, tall_rows={15: 44.0})
    # Page 1 holds rows 0-15 and a page number printed inside the last row; page 2
    # repeats the header row and holds the rest.
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, 16), footer="- 3 -", footer_at=(110, 420 + 24 + 14 * 22 + 30)),
        pb.PagePart((16, 41), repeat_header=True, footer="4"),
    ])
    doc = read(data)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert grid(table) == spec.expected(norm)  # header once, all 40 rows in order
    assert [r[0].page for r in table.rows] == [1] * 16 + [2] * 25
    assert_cells_traceable(table, {1, 2})
    texts = " ".join(p.text for p in doc.paragraphs)
    assert "- 3 -" not in texts and "3 -" not in texts


def _grouped_expected(spec: pb.GridSpec, replace: dict[str, str]) -> list[list[tuple[str, tuple[int, int] | None]]]:
    return [[(replace.get(t, t), a) for t, a in row] for row in spec.expected(norm)]


def test_split_table_group_label_cut_by_page_break() -> None:
    """WPS: "（四）无" at the foot of page 1, "法提供" at the top of page 2; the
    vertical "三、本年度办理结果" cell continues blank; page numbers under both parts."""
    spec = pb.t3_grouped_spec()
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, 8), texts={(7, 1): "（四）无"}, footer="- 4 -"),
        pb.PagePart((8, spec.n_rows), texts={(7, 1): "法提供"}, footer="- 5 -"),
    ])
    doc = read(data)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert grid(table) == _grouped_expected(spec, {"(四)无法提供": "(四)无\n法提供"})
    # The joined cells: anchors on page 1, covered positions on page 2 keep their page.
    assert table.rows[7][1].text == "(四)无\n法提供" and table.rows[7][1].page == 1
    assert table.rows[8][1].anchor == (7, 1) and table.rows[8][1].page == 2
    assert table.rows[12][0].anchor == (4, 0) and table.rows[12][0].text == "三、本年度办理结果"
    assert_cells_traceable(table, {1, 2})
    assert not any(squash(p.text) in ("-4-", "-5-") for p in doc.paragraphs)


def test_split_table_row_label_and_numbers_on_two_pages() -> None:
    """A row whose label starts on page 1 and whose numbers are on page 2 (with the
    label's end) is one row; the repeated header on page 2 is dropped."""
    spec = pb.t3_grouped_spec()
    r = 11  # 5.要求行政机关确认或重新出具已获取信息
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, r + 1), texts={(r, 2): "5.要求行政机关确认或重新出", **{(r, c): "" for c in range(3, 10)}},
                    footer="— 4 —"),
        pb.PagePart((r, spec.n_rows), texts={(r, 2): "具已获取信息"}, repeat_header=True),
    ])
    doc = read(data)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    label = "5.要求行政机关确认或重新出具已获取信息"
    assert grid(table) == _grouped_expected(spec, {label: "5.要求行政机关确认或重新出\n具已获取信息"})
    assert [c.text for c in table.rows[r][3:]] == ["1", "0", "0", "0", "0", "0", "1"]
    assert_cells_traceable(table, {1, 2})


# The 勾稽关系 note printed three characters a line, as in one narrow label column:
# seven lines fit in the 74 pt header at 8 pt type, the eighth (，等于) runs over.
_NOTE_LINES = "（本列\n数据的\n勾稽关\n系为：\n第一项\n加第二\n项之和\n，等于\n第三项\n加第四\n项之和）"


def test_split_table_header_repeated_whole_and_clipped() -> None:
    """Page 2 repeats the header as printed on page 1 (Word's "repeat header row"); page
    3 repeats it with the note clipped (LibreOffice, a note taller than the repeated
    rows): the note's first lines in its cell, its next line drawn over the first body
    row, among that row's label. Both headers are dropped, and the note's line is taken
    out of the label (t3_repeated_header_clipped)."""
    spec = pb.t3_grouped_spec()
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, 4)),
        pb.PagePart((4, 7), repeat_header=True),
        pb.PagePart((7, spec.n_rows), repeat_header=True, clipped_header={(0, 0): _NOTE_LINES}),
    ])
    page3 = pdfplumber.open(io.BytesIO(data)).pages[2].extract_text()
    assert "，等于" in page3 and "第三项" not in page3  # the case drawn: one line over the body row
    doc = read(data)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert grid(table) == spec.expected(norm)
    assert [r[0].page for r in table.rows] == [1] * 4 + [2] * 3 + [3] * (spec.n_rows - 7)
    assert_cells_traceable(table, {1, 2, 3})


def test_split_table_clipped_header_row_text_on_its_pitch_kept() -> None:
    """A clipped repeated header whose next line does not read on from the clipped text
    (here 其他, not ，等于): the chars over the body row are the row's own, kept."""
    spec = pb.t3_grouped_spec()
    lines = _NOTE_LINES.split("\n")
    lines[7] = "其他"
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, 7)),
        pb.PagePart((7, spec.n_rows), repeat_header=True, clipped_header={(0, 0): "\n".join(lines)}),
    ])
    table = read(data).tables[0]
    assert len(table.rows) == spec.n_rows  # the header dropped all the same
    assert "其" in table.rows[7][2].text and "他" in table.rows[7][2].text


def test_split_table_row_numbers_above_label_tail_below() -> None:
    """The upper part of a row cut by the break holds the label's start and the numbers,
    the lower part the rest of the label over empty cells: one row."""
    spec = pb.t3_grouped_spec()
    r = 11  # 5.要求行政机关确认或重新出具已获取信息
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, r + 1), texts={(r, 2): "5.要求行政机关确认或重新出"}, footer="— 4 —"),
        pb.PagePart((r, spec.n_rows), texts={(r, 2): "具已获取信息", **{(r, c): "" for c in range(3, 10)}}),
    ])
    table = read(data).tables[0]
    label = "5.要求行政机关确认或重新出具已获取信息"
    assert grid(table) == _grouped_expected(spec, {label: "5.要求行政机关确认或重新出\n具已获取信息"})
    assert [c.page for c in table.rows[r][3:]] == [1] * 7
    assert_cells_traceable(table, {1, 2})


def _row_with_numbers_cut(upper: dict[int, str], lower: dict[int, str],
                          labels: tuple[str, str] = ("5.要求行政机关确认或重新出", "具已获取信息"),
                          extra: dict[tuple[int, int], str] | None = None) -> tuple[Document, int]:
    """Row 5.要求… of the grouped 表三 cut by the page break: the label's start and the
    numbers `upper` (column → text, the rest blank) at the foot of page 1, the label's
    end and `lower` at the head of page 2, as LibreOffice breaks a row whose numbers
    wrapped in their narrow columns; `extra` changes other cells of page 1."""
    spec = pb.t3_grouped_spec()
    r = 11
    blank = {(r, c): "" for c in range(3, 10)}
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, r + 1), texts={**blank, (r, 2): labels[0], **(extra or {}),
                                       **{(r, c): v for c, v in upper.items()}}),
        pb.PagePart((r, spec.n_rows), texts={**blank, (r, 2): labels[1],
                                              **{(r, c): v for c, v in lower.items()}}),
    ])
    return read(data), r


def test_split_table_row_wrapped_numbers_run_on_to_next_page() -> None:
    """Numbers that fill their narrow cells at the foot of page 1 (one more digit would
    not fit) and run on at the head of page 2: one row, each number with its rest."""
    doc, r = _row_with_numbers_cut({3: "123456789", 4: "12345678", 5: "7"}, {3: "0", 4: "9"})
    table = doc.tables[0]
    assert len(table.rows) == pb.t3_grouped_spec().n_rows
    assert table.rows[r][2].text == "5.要求行政机关确认或重新出\n具已获取信息"
    assert [c.text for c in table.rows[r][3:]] == ["123456789\n0", "12345678\n9", "7", "", "", "", ""]
    assert table.rows[r + 1][1].text.startswith("(七)总计")
    assert not doc.notes


def test_split_table_row_numbers_on_both_pages_not_wrapped_is_flagged() -> None:
    """A number at the head of page 2 under a number that did not fill its cell is no
    rest of it: the parts stay two rows (no value is made up by joining digits), and a
    note says the row needs checking."""
    doc, r = _row_with_numbers_cut({3: "12", 4: "12345678"}, {3: "3", 4: "9"})
    table = doc.tables[0]
    assert len(table.rows) == pb.t3_grouped_spec().n_rows + 1
    assert [c.text for c in table.rows[r][3:5]] == ["12", "12345678"]
    assert [c.text for c in table.rows[r + 1][3:5]] == ["3", "9"]
    assert any("continues the row above" in n for n in doc.notes)


def test_split_table_row_numbers_above_and_below_in_other_columns() -> None:
    """LibreOffice keeps a one-line number above the break and moves a two-line one
    below: numbers on both sides, in different columns, under no label of their own."""
    for labels in (("（七）总计", ""), ("5.要求行政机关确认或重新出", "具已获取信息")):
        doc, r = _row_with_numbers_cut({3: "12", 5: "7"}, {4: "98765\n4"}, labels=labels)
        table = doc.tables[0]
        assert len(table.rows) == pb.t3_grouped_spec().n_rows
        assert [c.text for c in table.rows[r][3:6]] == ["12", "98765\n4", "7"]


def test_split_table_repeated_group_label_cut_before_the_leaf() -> None:
    """Rows printed with the group label repeated in the leaf's cell (（五）不予处理 over
    1.信访…): a row cut after the group's part, its numbers above, the leaf below, is
    one row; the label above is the head of its neighbour's label."""
    doc, r = _row_with_numbers_cut({c: "3" for c in range(3, 10)}, {},
                                   labels=("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
                                   extra={(10, 2): "（五）不予处理\n1.信访举报投诉类申请"})
    table = doc.tables[0]
    assert len(table.rows) == pb.t3_grouped_spec().n_rows
    assert table.rows[r][2].text == "(五)不予处理\n5.要求行政机关确认或重新出具已获取信息"
    assert [c.text for c in table.rows[r][3:]] == ["3"] * 7


def test_split_table_group_row_then_blank_leaf_row_are_two_rows() -> None:
    """The same cut without a neighbour that repeats the group label: a row of its own
    at the head of the page (values left blank) is not joined to the row above."""
    doc, r = _row_with_numbers_cut({c: "3" for c in range(3, 10)}, {},
                                   labels=("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"))
    assert len(doc.tables[0].rows) == pb.t3_grouped_spec().n_rows + 1


def test_split_table_header_rows_then_value_row_are_two_rows() -> None:
    """表四's header rows at the foot of page 1, its value row at the head of page 2: the
    column labels over the numbers are no row cut in two."""
    spec = pb.t4_spec()
    data = pb.split_table_pdf(spec, [pb.PagePart((0, 3)), pb.PagePart((3, 4))],
                              top_first=842 - 72 - sum(spec.row_heights[:3]), heading="四、行政复议、行政诉讼情况")
    doc = read(data)
    assert len(doc.tables) == 1
    assert grid(doc.tables[0]) == spec.expected(norm)


def test_split_table_blank_row_at_page_head_is_its_own_row() -> None:
    """A row with a label and blank values at the head of page 2 (zeros left blank) is
    not the rest of the last row of page 1."""
    spec = pb.simple_spec(20)
    data = pb.split_table_pdf(spec, [
        pb.PagePart((0, 11)),
        pb.PagePart((11, 21), texts={(11, 1): "", (11, 2): ""}),
    ])
    table = read(data).tables[0]
    assert len(table.rows) == 21
    assert [c.text for c in table.rows[10]] == ["第10项事项", "109", "63"]
    assert [c.text for c in table.rows[11]] == ["第11项事项", "", ""]


# --- table-finder artefacts ------------------------------------------------------------------


def test_boxed_paragraph_is_a_paragraph_not_a_table() -> None:
    box = pb.GridSpec([420.0], [60.0], [(0, 0, 1, 1, "本报告由本机关办公室根据条例第五十条编制。\n报告所列统计期限自1月1日至12月31日。")])
    buf = io.BytesIO()
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pagesize=A4)
    pb.body_text(c, 72, 60, "二、主动公开政府信息情况（第二十条）", A4[1], size=14)
    pb.draw_grid(c, box, 90, 100, A4[1])
    c.showPage()
    c.save()
    doc = read(buf.getvalue())
    assert doc.tables == []
    assert any("报告所列统计期限" in p.text for p in doc.paragraphs)


def test_number_run_in_one_cell_is_split_into_columns() -> None:
    """表四's numbers row without vertical rules: one cell, fifteen numbers."""
    spec = pb.t4_spec()
    cells = [c for c in spec.cells if c[0] < 3] + [(3, 0, 4, 15, "")]
    merged = pb.GridSpec(spec.col_widths, spec.row_heights, cells)
    buf = io.BytesIO()
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    w, h = pb.LANDSCAPE_A4
    c = canvas.Canvas(buf, pagesize=(w, h))
    pb.body_text(c, 72, 40, "四、政府信息公开行政复议、行政诉讼情况", h, size=14)
    x0 = (w - sum(spec.col_widths)) / 2
    pb.draw_grid(c, merged, x0, 70, h)
    top = 70 + sum(spec.row_heights[:3])
    c.setFont(pb.cjk_font(), 9)
    for i, n in enumerate(pb.T4_NUMBERS):
        tw = pdfmetrics.stringWidth(str(n), pb.cjk_font(), 9)
        c.drawString(x0 + 40 * i + (40 - tw) / 2, h - (top + 14), str(n))
    c.showPage()
    c.save()
    table = read(buf.getvalue()).tables[0]
    assert [cell.text for cell in table.rows[3]] == [str(n) for n in pb.T4_NUMBERS]
    assert all(cell.anchor is None for cell in table.rows[3])


# --- paragraphs, page numbers, metadata --------------------------------------------------------


def test_paragraphs_title_and_page_numbers() -> None:
    doc = read(pb.narrative_pdf())
    texts = [p.text for p in doc.paragraphs]
    title = doc.paragraphs[0]
    assert squash(title.text) == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert title.style == "title" and title.page == 1
    assert texts[1] == "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。"
    assert texts[2] == "一、总体情况"
    # The long paragraph runs from page 1 onto page 2 and stays one paragraph.
    long = "今年全市受理政府信息公开申请共计三千余件,按时答复;另有一百余件顺延到下一年度答复,均在法定期限内予以答复,未发生逾期。" * 2
    assert texts[3] == long and doc.paragraphs[3].page == 1
    assert len(texts) == 4  # "- 1 -" and "— 2 —" are gone
    assert doc.metadata["Title"] == "测试报告"
    assert doc.metadata["CreationDate"].startswith("D:")
    assert "CreationDate.iso" in doc.metadata


def test_table_page_words_read_down_a_column() -> None:
    """In narrow cells a label wraps every two characters: 予以 / 公开 on two lines of
    one column is the table word 予以公开; the same words side by side in two columns are not."""
    from pipeline.readers.pdf.pages import has_table_keyword

    def line(top: float, *words: tuple[float, str]) -> Line:
        return Line([Word(x, x + 16, t) for x, t in words], top, top + 8, 8.0, 1)

    stacked = [line(100, (80, "予以"), (140, "12")), line(110, (80, "公开"), (140, "3"))]
    assert has_table_keyword(stacked, ("予以公开",))
    apart = [line(100, (80, "予以"), (140, "12")), line(110, (120, "公开"), (140, "3"))]
    assert not has_table_keyword(apart, ("予以公开",))


@pytest.mark.parametrize("text,bottom,expected", [
    ("-3-", 800, True), ("— 3 —", 400, True), ("- 12 -", 50, True), ("第 3 页 共 6 页", 800, True),
    ("3", 800, True), ("3", 400, False), ("3/6", 820, True), ("3001", 400, False),
])
def test_page_number_lines(text: str, bottom: float, expected: bool) -> None:
    line = Line([Word(280, 300, text)], bottom - 10, bottom, 10, 1)
    assert is_page_number(line, 842, 0.1) is expected


def test_cid_glyph_soup_goes_to_ocr() -> None:
    from pipeline.readers.pdf.settings import DEFAULT_SETTINGS as s

    def chars(texts: list[str]) -> list[dict]:
        return [{"text": t} for t in texts]

    assert needs_ocr(chars(["(cid:12)"] * 80 + ["一"] * 20), s)
    assert needs_ocr(chars([]), s)
    assert not needs_ocr(chars(["(cid:12)"] * 5 + ["一"] * 95), s)


# --- (e) encryption, (f) damage ------------------------------------------------------------


def test_encrypted_with_user_password_rejected() -> None:
    with pytest.raises(RejectedInput, match=r"^encrypted PDF: password required$"):
        read(pb.encrypted_pdf("secret", "owner"))


@pytest.mark.skipif(pb.embedded_cjk_font() is None, reason="fonts-wqy-zenhei not installed (an embeddable CJK font)")
def test_encrypted_with_owner_password_only_reads() -> None:
    doc = read(pb.encrypted_pdf("", "owner"))
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [
        ["信息内容", "本年制发件数", "本年废止件数"], ["规章", "1", "0"], ["行政规范性文件", "8", "26"]]
    assert doc.paragraphs[0].text == "二、主动公开政府信息情况"


def test_truncated_pdf_rejected() -> None:
    data = pb.table_pdf(pb.t3_spec())
    with pytest.raises(RejectedInput, match=r"^corrupt PDF: "):
        read(data[: len(data) // 2])
    real = HUAIAN.read_bytes()
    with pytest.raises(RejectedInput, match=r"^corrupt PDF: "):
        read(real[: len(real) // 2])


def test_garbage_after_pdf_header_rejected() -> None:
    with pytest.raises(RejectedInput, match=r"^corrupt PDF: "):
        read(b"%PDF-1.4\n" + b"\x00garbage" * 100)


def test_dispatch_by_content() -> None:
    data = pb.table_pdf(pb.t3_spec())
    doc = read_document("whatever.bin", data)
    assert doc.file_type == "pdf" and len(doc.tables) == 1


# --- memory and speed ---------------------------------------------------------------------------


def test_memory_flat_on_long_reports() -> None:
    def peak(n: int) -> int:
        data = pb.many_pages_pdf(n)
        tracemalloc.start()
        try:
            doc = read(data)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert doc.pages == n

    small, large = peak(10), peak(40)
    # Four times the pages, far less than four times the memory: pages are released.
    assert large < small * 2, (small, large)


# --- (i) the real report -------------------------------------------------------------------


T3_ROWS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partially_granted": "(二)部分公开",
    "denied.state_secret": "1.属于国家秘密",
    "denied.prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied.security_stability": "3.危及“三安全一稳定”",
    "denied.third_party_rights": "4.保护第三方合法权益",
    "denied.internal_affairs": "5.属于三类内部事务信息",
    "denied.process_info": "6.属于四类过程性信息",
    "denied.enforcement_files": "7.属于行政执法案卷",
    "denied.inquiry_matters": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.unclear_after_correction": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.excessive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "1、申请人无正当理由逾期不补正",
    "other.no_fee_paid": "2、申请人逾期未按收费通知要求缴纳费用",
    "other.other": "3、其他",
    "total": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
T3_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
T4_BLOCKS = {"reconsideration": 0, "litigation_direct": 5, "litigation_after_reconsideration": 10}


@pytest.fixture(scope="module")
def huaian() -> tuple[Document, float]:
    data = HUAIAN.read_bytes()
    started = time.perf_counter()
    doc = read_pdf(str(HUAIAN), data, hashlib.sha256(data).hexdigest())
    return doc, time.perf_counter() - started


@pytest.fixture(scope="module")
def truth() -> dict[tuple[str, str, str], float]:
    facts = json.loads(HUAIAN_TRUTH.read_text(encoding="utf-8"))["facts"]
    return {(f["table_id"], f["row_key"], f["col_key"]): f["value"] for f in facts}


def _row(table: Table, label: str) -> int:
    hits = [r for r, row in enumerate(table.rows) if any(squash(c.text).startswith(squash(label)) for c in row[:3] if c.anchor is None)]
    assert len(hits) == 1, (label, hits)
    return hits[0]


def test_huaian_shape_and_speed(huaian) -> None:
    doc, seconds = huaian
    assert doc.pages == 6 and doc.file_type == "pdf" and not doc.ocr
    assert [len(t.rows) for t in doc.tables] == [14, 28, 4]
    assert [len(t.rows[0]) for t in doc.tables] == [4, 10, 15]
    assert [t.page for t in doc.tables] == [3, 4, 5]
    assert seconds / doc.pages < 1.0, seconds
    assert doc.metadata["CreationDate"] == "D:20250225100250+08'00'"
    assert doc.metadata["CreationDate.iso"] == "2025-02-25T10:02:50+08:00"
    assert doc.metadata["Author"] == "王守强"
    assert doc.metadata["Title"] == "政府信息公开工作年度报告"


def test_huaian_paragraphs(huaian) -> None:
    doc, _ = huaian
    paras = doc.paragraphs
    assert squash(paras[0].text) == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert paras[0].style == "title"
    text = "\n".join(p.text for p in paras)
    # The boxed introduction on page 1 is text, not a table.
    assert "本报告由淮安市人民政府办公室根据" in text
    # A sentence broken over a page (page 1 → page 2) is one paragraph.
    assert any("一流营商环境高质量推进产业发展" in squash(p.text) for p in paras)
    assert "受理政府信息公开申请 3119 件" in text
    for p in paras:
        assert not is_page_number(Line([Word(0, 1, p.text)], 800, 810, 10, 1), 842, 0.1)
    headings = [p.text for p in paras if p.text.startswith(("一、", "二、", "三、", "四、", "五、", "六、"))]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_huaian_t2_values(huaian, truth) -> None:
    t2 = huaian[0].tables[0]
    assert t2.rows[0][0].text == "第二十条 第(一)项" and t2.rows[0][3].anchor == (0, 0)
    rules, normative = _row(t2, "规章"), _row(t2, "行政规范性文件")
    for r, key in ((rules, "rules"), (normative, "normative_docs")):
        assert [int(c.text) for c in t2.rows[r][1:4]] == [truth[("t2", key, k)] for k in ("issued", "repealed", "in_force")]
    for label, key in (("行政许可", "licensing"), ("行政处罚", "penalty"), ("行政强制", "coercion")):
        row = t2.rows[_row(t2, label)]
        assert int(row[1].text) == truth[("t2", key, "decisions")]
        assert row[2].anchor == (row[1].row, 1)  # the value cell spans the row
    fees = t2.rows[_row(t2, "行政事业性收费")]
    assert float(fees[1].text) == truth[("t2", "fees", "amount")]
    # The second half of 表二 is on page 4 and joined to the first.
    assert t2.rows[_row(t2, "行政处罚")][1].page == 4 and t2.rows[_row(t2, "行政许可")][1].page == 3


def test_huaian_t3_values(huaian, truth) -> None:
    t3 = huaian[0].tables[1]
    assert len(T3_ROWS) * len(T3_COLS) == sum(1 for k in truth if k[0] == "t3")
    for key, label in T3_ROWS.items():
        row = t3.rows[_row(t3, label)]
        got = [int(c.text) for c in row[3:10]]
        assert got == [truth[("t3", key, col)] for col in T3_COLS], key
    # Header cells, with WPS's wrapped header words.
    assert [squash(c.text) for c in t3.rows[2][4:9]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert t3.rows[1][3].text == "自然人" and t3.rows[0][3].text == "申请人情况"
    # "三、本年度办理结果" printed one character per line spans rows 5-26, across pages.
    assert t3.rows[5][0].text == "三、本年度办理结果"
    assert all(t3.rows[r][0].anchor == (5, 0) for r in range(6, 27))
    # "（四）无" / "法提供" cut by the page break is one cell over three rows.
    r = _row(t3, "1.本机关不掌握相关政府信息")
    assert squash(t3.rows[r][1].text) == "(四)无法提供"
    assert [t3.rows[r + k][1].anchor for k in (1, 2)] == [(r, 1), (r, 1)]
    assert t3.rows[r][3].page == 4 and t3.rows[r + 1][3].page == 5
    assert_cells_traceable(t3, {4, 5})


def test_huaian_t4_values(huaian, truth) -> None:
    t4 = huaian[0].tables[2]
    numbers = [int(c.text) for c in t4.rows[3]]
    for key, start in T4_BLOCKS.items():
        assert numbers[start:start + 5] == [truth[("t4", key, col)] for col in T4_COLS], key
    assert t4.rows[0][0].text == "行政复议" and t4.rows[0][5].text == "行政诉讼"
    assert t4.rows[1][5].text == "未经复议直接起诉" and t4.rows[1][10].text == "复议后起诉"
    assert_cells_traceable(t4, {5})


# --- (h) a Word table split over a page break by LibreOffice's PDF export --------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_pdf_split_table_joined(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_heading("测试单位2024年政府信息公开工作年度报告", level=1)
    for k in range(12):  # half a page: the table starts on page 1 and ends on page 2
        d.add_paragraph(f"第{k + 1}段正文：本机关认真贯彻落实政府信息公开条例，推进政务公开工作。")
    d.add_paragraph("二、主动公开政府信息情况（第二十条）")
    rows = [("信息内容", "本年制发件数", "本年废止件数")] + [(f"第{k + 1}项信息", str(100 + k), str(3 * k)) for k in range(30)]
    table = d.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")  # repeat the header row on every page
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    src = tmp_path / "split.docx"
    d.save(str(src))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    data = (tmp_path / "split.pdf").read_bytes()
    doc = read(data)
    assert doc.pages >= 2
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert [[c.text for c in row] for row in t.rows] == [list(r) for r in rows]
    assert {c.page for row in t.rows for c in row} == {1, 2}

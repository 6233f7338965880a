"""Table 二 sub-tables printed as text lines (pipeline/extract/t2_lines.py): read only where
the count of numbers fixes the columns; never a guess."""

from __future__ import annotations

from pipeline.extract.tables import find_tables
from pipeline.model import Document, Paragraph, Table, grid_from_rows


def _doc(*lines: str, table: list[list[str]] | None = None) -> Document:
    blocks: list[Paragraph | Table] = [Paragraph("二、主动公开政府信息情况"), *map(Paragraph, lines)]
    if table:
        blocks.append(Table(0, grid_from_rows(table)))
    blocks.append(Paragraph("三、收到和处理政府信息公开申请情况"))
    blocks.append(Paragraph("行政处罚 9"))  # under another section: never table 二
    return Document("x.md", "0" * 64, "md", blocks)


def _cells(doc: Document) -> dict[str, str]:
    return {f"{c.row_key}.{c.col_key}": c.cell.text for c in find_tables(doc).cells if c.table_id == "t2"}


def test_one_number_is_the_2021_column() -> None:
    found = find_tables(_doc("第二十条第（五）项", "信息内容本年处理决定数量", "行政许可 97"))
    assert [(c.row_key, c.col_key, c.cell.text, c.table_index, c.row) for c in found.cells] == [
        ("licensing", "decisions", "97", None, 3)]
    assert [f.rule_id for f in found.findings] == ["t2.from_lines"]


def test_three_numbers_are_the_2019_columns_in_order() -> None:
    assert _cells(_doc("行政许可 12 -3 40")) == {"licensing.prior_year_items": "12", "licensing.change": "-3",
                                               "licensing.decisions": "40"}


def test_a_count_no_template_fits_is_not_read() -> None:
    found = find_tables(_doc("行政许可 12 40"))
    assert found.cells == []
    assert [f.rule_id for f in found.findings] == ["t2.lines_ambiguous"]


def test_a_row_the_table_prints_is_not_read_again() -> None:
    table = [["信息内容", "本年处理决定数量"], ["行政许可", "5"]]
    assert _cells(_doc("行政许可 97", table=table)) == {"licensing.decisions": "5"}


def test_narrative_is_not_a_line() -> None:
    assert _cells(_doc("本年行政许可 97 件，同比增长。")) == {}

"""Explicit settings for reading PDFs, each with the reason for its value.

Everything here is a plain value so the reader's behaviour can be changed (and
tested) without touching the code. Distances are PDF points (1/72 inch) unless the
name says otherwise; reports are A4 (595 x 842 pt) with body text at 14-16 pt and
table text at 9-12 pt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Words that appear on a page holding one of the statistics tables (表二/三/四) or
# directly above it. The table finder runs only on such pages (and on a page right
# after one whose table runs into the bottom margin): finding tables on narrative
# pages costs time and turns boxed paragraphs into false one-column tables.
TABLE_PAGE_KEYWORDS: tuple[str, ...] = (
    "第二十条",
    "信息内容",
    "本年制发件数",
    "本年新收",
    "申请人情况",
    "自然人",
    "予以公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "其他处理",
    "结转下年度",
    "行政复议",
    "行政诉讼",
)

# pdfplumber table settings for tables drawn with ruling lines (the common case: Word
# and WPS draw every cell border).
RULED_TABLE_SETTINGS: MappingProxyType[str, Any] = MappingProxyType({
    # Cell borders are vector lines or thin filled rectangles; both become "edges".
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    # WPS draws the shared border of two adjacent cells twice, up to ~1.5 pt apart,
    # and Word's 0.5 pt borders are stroked from the centre: 3 pt folds both into one
    # ruling line without merging genuinely distinct rows (rows are >= 15 pt tall).
    "snap_tolerance": 3,
    # Borders are emitted one segment per cell; segments of the same line meet within
    # a point or two. 3 pt joins them back into one line.
    "join_tolerance": 3,
    # Ignore edges shorter than 5 pt: underlines of single characters and the tick
    # marks of a few fonts are shorter; the narrowest real cell is ~20 pt wide.
    "edge_min_length": 5,
    # Lines drawn to a cell corner sometimes stop short or overshoot by ~1-2 pt.
    "intersection_tolerance": 3,
    # Cell text: chars closer than 3 pt on a line join without a space (CJK glyphs
    # touch); WPS letter-spaces headers ("结 果") by ~4 pt and the space is kept, so
    # squashing spaces recovers the word. 3 pt vertically groups a line.
    "text_x_tolerance": 3,
    "text_y_tolerance": 3,
    # Not set here: "explicit_vertical_lines". For a table drawn without its left and
    # right borders the reader adds, per page, a vertical rule where the table's
    # horizontal rules end (see pdf_reader._missing_outer_rules); pdfplumber adds
    # explicit lines to the ruling lines it finds.
})


@dataclass(frozen=True)
class PdfSettings:
    # Table finder settings for ruled tables (see RULED_TABLE_SETTINGS).
    ruled_table: MappingProxyType[str, Any] = field(default_factory=lambda: RULED_TABLE_SETTINGS)
    # Keywords that mark a statistics-table page (see TABLE_PAGE_KEYWORDS).
    table_keywords: tuple[str, ...] = TABLE_PAGE_KEYWORDS
    # Grid edges closer than this are the same column/row line: the same border seen
    # on two pages of a split table differs by ~1.2 pt in the huaian report.
    grid_tolerance: float = 3.0
    # Two table fragments on consecutive pages are one table when their left and right
    # edges agree within this distance (and nothing but a page number lies between).
    join_edge_tolerance: float = 6.0
    # A page is "image-like" when more than this share of its characters are
    # unmapped glyphs ("(cid:123)"): the text layer is unusable and the page is OCRed.
    cid_ratio_for_ocr: float = 0.3
    # ... or when it has fewer characters than this (a scan with a few stray glyphs).
    min_chars_for_text: int = 5
    # Page-number lines without dashes ("3", "3/6") are dropped only inside the top or
    # bottom margin band of this share of the page height; "-3-" is dropped anywhere.
    margin_band: float = 0.1
    # Running headers and footers: a line inside the margin band repeated (digits
    # aside) within this distance of the same place on one of the previous
    # `furniture_lookback` pages is dropped on every page that has it. Two pages back
    # catches headers that alternate between odd and even pages; lines longer than
    # `furniture_max_chars` characters are text, never furniture.
    furniture_lookback: int = 2
    furniture_tolerance: float = 2.0
    furniture_max_chars: int = 40
    # OCR rendering resolution: Tesseract is most accurate with 10-12 pt text at about
    # 300 dpi (x-height ~30 px); higher costs time without improving digits.
    ocr_dpi: int = 300
    # Unruled tables: a gap wider than this many font sizes between two words on a line
    # separates cells (CJK body text never leaves a whole empty character slot).
    column_gap_em: float = 1.0
    # Tables ruled with horizontal lines only (三线表): a horizontal rule at least this
    # share of the page width bounds table rows (shorter ones are underlines).
    rule_min_share: float = 0.3
    # Tables without rules: the lines of one cell's wrapped text follow each other at
    # most this many type sizes apart (centre to centre; cell text is set at 1.2-1.3
    # times its size), rows are further apart.
    cell_line_pitch_em: float = 1.45
    # Text in two columns: a gutter at least this many type sizes wide (no line of
    # justified body text leaves a whole character slot empty) ...
    column_gutter_em: float = 1.0
    # ... free of characters across a run of consecutive lines with text on both
    # sides on at least this many of them (fewer could be a two-part form line).
    column_min_lines: int = 4


DEFAULT_SETTINGS = PdfSettings()

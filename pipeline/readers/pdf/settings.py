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

from pipeline import spec

# Words that appear on a page holding one of the statistics tables (表二/三/四) or
# directly above it. The table finder runs only on such pages (and on a page right
# after one whose table runs into the bottom margin): finding tables on narrative
# pages costs time and turns boxed paragraphs into false one-column tables.
TABLE_PAGE_KEYWORDS: tuple[str, ...] = spec.page_words()  # data/structure.csv, kind page_word

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
    # horizontal rules end (see pdf.ruled.missing_outer_rules); pdfplumber adds
    # explicit lines to the ruling lines it finds.
})


@dataclass(frozen=True)
class PdfSettings:
    # Table finder settings for ruled tables (see RULED_TABLE_SETTINGS).
    ruled_table: MappingProxyType[str, Any] = field(default_factory=lambda: RULED_TABLE_SETTINGS)
    # Keywords that mark a statistics-table page (see TABLE_PAGE_KEYWORDS).
    table_keywords: tuple[str, ...] = TABLE_PAGE_KEYWORDS
    # ... also read down a column of a table: words whose left sides lie within this many
    # points are one column (a narrow cell wraps 予以 / 公开, so no line holds the keyword).
    keyword_column_step: float = 2.0
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
    # OCR gives no type size for the text of a table cell: table text is set at 9-12 pt.
    ocr_cell_size: float = 10.0
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

    # --- text layer -> words and lines (layout.lines_from_chars)
    # Chars closer than this on a line are one word: CJK glyphs touch, and a space
    # between Latin words is wider (~3 pt at body sizes).
    word_gap: float = 3.0
    # A char joins a line when its vertical overlap with it is at least this share of
    # the shorter of the two heights: superscripts and mixed sizes stay on their line,
    # the next line (no overlap) does not.
    line_overlap: float = 0.5
    # Only the last few lines can still overlap a char further down the page (chars
    # come sorted by top): looking back this many keeps the grouping linear.
    line_lookback: int = 4
    # Fake bold: WPS prints some headings twice, offset by a fraction of a glyph; a
    # repeated char this share of its width from the previous one is dropped.
    fake_bold_offset: float = 0.3
    # A label printed one character per line down a narrow cell ("三、" / "本" / "年")
    # is at least this many lines of at most this many characters.
    vertical_label_min_lines: int = 3
    vertical_label_max_chars: int = 2
    # Type sizes within this many points are the same size (rounding of scaled fonts
    # differs by a few tenths; a heading is 2 pt or more larger).
    size_tolerance: float = 1.0

    # --- page triage (pages.py)
    # A page is turned when more than this share of its chars run sideways.
    sideways_share: float = 0.5
    # An unstroked rectangle filled at least this light (gray, RGB; CMYK at most
    # 1 - this) is a background, not a ruling line: WPS draws boxed paragraphs and
    # cell backgrounds that way.
    white_level: float = 0.95
    # A page with no usable text layer is OCRed only when it has ink: rendered at this
    # resolution, its darkest pixel is darker than `ink_level` (0 black, 255 white).
    ink_check_dpi: int = 24
    ink_level: int = 200

    # --- ruled tables (ruled.py)
    # A table side counts as bordered when vertical rules at its edge cover at least
    # this share of the height of its horizontal rules; else the border is added.
    border_present_share: float = 0.5

    # --- tables without vertical rules (unruled.py, grid.py)
    # Two horizontal rules bound one band of a three-line table when their ends agree
    # within this distance (twice the grid tolerance: rules are drawn per cell).
    rule_extent_tolerance: float = 6.0
    # One run of text wider than this share of the table (or of the page) is a
    # paragraph line, never a table row.
    paragraph_share: float = 0.6
    # A line set in type this many points larger than the data rows is a heading or
    # paragraph, not part of a three-line table.
    larger_type_pt: float = 1.5
    # A table's run of data lines tolerates this many label lines in a row (wrapped
    # labels, group labels) and gaps of at most this many type sizes.
    run_max_label_lines: int = 4
    run_max_gap_em: float = 4.0
    # Fewer data lines than this are a line of text with numbers, not a table.
    min_data_rows: int = 2
    # Header lines above the first data line: at most this many, each at most this
    # many type sizes above the line below (a heading further up is text).
    header_max_lines: int = 8
    header_max_gap_em: float = 3.0
    # Header lines closer than this many type sizes are one wrapped header row.
    header_wrap_em: float = 0.5
    # Runs of one cell whose tops are closer than this many type sizes are one line.
    same_line_em: float = 0.5
    # Numbers of one column overlap or touch within this distance; a column boundary
    # lies this far left of a label column's start or of a value column's first digit.
    edge_slack: float = 0.5
    # The grid's outer sides lie this far outside its text.
    grid_margin: float = 1.0
    # A label run may end this far into the first number column (kerning).
    label_slack: float = 1.0
    # Label runs starting within this many type sizes of each other start one column.
    label_column_em: float = 0.8
    # Text starting at least this far right of the labels and left of the numbers is
    # a column header left-aligned in the first value column.
    lead_in_gap: float = 2.0
    # A run touching a column boundary is placed by its ends moved this far inwards.
    boundary_inset: float = 2.0
    # A vertical label's characters: centres within `stack_centre_em` or left sides
    # within `stack_left_em` type sizes, lines at most `stack_pitch_em` apart.
    stack_centre_em: float = 0.6
    stack_left_em: float = 0.3
    stack_pitch_em: float = 2.5
    # A vertical label spans the rows whose middle lies within this many type sizes of it.
    vertical_label_reach_em: float = 1.0

    # --- two-column text (columns.py)
    # The gutter lies in this band of the page width (a margin note or indent is no gutter).
    column_gutter_band: tuple[float, float] = (0.3, 0.7)
    # Lines further apart than this many type sizes end a run of two-column lines.
    column_line_gap_em: float = 2.5
    # A one-sided line at the run's ends further than this share of the run's line
    # pitch from the next is a heading, not part of the columns.
    column_heading_pitch: float = 1.3
    # A left line ends within this many type sizes of the gutter when justified, on at
    # least this share of the two-sided lines (prose, not a form of labels and values).
    column_justified_em: float = 1.5
    column_justified_share: float = 0.5

    # --- joining fragments and paragraphs (tables.py, page_rows.py, assemble.py)
    # An upper label whose last line ends within this many type sizes of its cell's
    # right side wrapped there: the text at the head of the next page continues it.
    label_wrap_em: float = 2.0
    # An upper number whose last line leaves less room than this many of its own digits
    # before its cell's right side wrapped there: a number at the head of the next page,
    # in the same cell of a row cut by the break, is its rest (`4604` / `6`). One digit:
    # had there been room for one more, the line would not have wrapped.
    number_wrap_digits: float = 1.0
    # A repeated header cell clipped by its row (a note taller than the repeated rows)
    # draws its next lines over the row below, on its own line pitch: chars there whose
    # top lies within this distance of that pitch (and whose text continues the note)
    # are the note's, not the row's. Chars of one cell line share their top to float
    # precision (LibreOffice, reportlab); the row's own lines lie off that pitch by its
    # padding (1.5 pt in LibreOffice's t3_repeated_header_clipped), or on it by chance,
    # when their text does not read on from the note's.
    spill_line_tolerance: float = 0.1
    # The largest cell inset (text to cell side) taken for a number that is centred or
    # right-aligned in its cell: Word's and LibreOffice's default is 0.19 cm (5.4 pt).
    cell_inset_max: float = 6.0
    # A paragraph just above a table, at most this many characters, is its caption.
    caption_max_chars: int = 40
    # Body metrics: lines of at least `body_min_chars` characters, at least
    # `body_min_lines` of them (else the previous page's), right margin at this
    # quantile of the line ends, line pitch from gaps under `pitch_max_em` sizes.
    body_min_chars: int = 8
    body_min_lines: int = 3
    right_margin_quantile: float = 0.8
    pitch_max_em: float = 4.0
    # Without two body lines in a row, the pitch is taken as the usual 1.5 line spacing.
    fallback_pitch_em: float = 1.5
    # A line ending more than this many type sizes before the right margin is short
    # (a paragraph's last line).
    short_line_em: float = 1.5
    # A line starting more than this many type sizes right of the left margin is
    # indented (a first line), more than `set_off_em` is right-aligned or centred.
    indent_em: float = 0.8
    set_off_em: float = 2.5
    # Type this share larger than the body is a title or heading; title lines that
    # large (`big_type`) stay one paragraph while at most `big_gap_em` sizes apart.
    heading_type: float = 1.25
    big_type: float = 1.2
    big_gap_em: float = 1.2
    # A gap wider than this share of the line pitch (less the line's height), and at
    # least `para_gap_em` sizes, ends a paragraph.
    para_gap_pitch: float = 1.6
    para_gap_em: float = 1.2

    # --- opening (reader.py)
    # A complete PDF ends with %%EOF within its last 2 KB (trailing garbage aside).
    eof_window: int = 2048
    # A page's read error is quoted in the note up to this many characters.
    note_max_chars: int = 120


DEFAULT_SETTINGS = PdfSettings()

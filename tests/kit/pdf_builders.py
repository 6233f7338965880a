"""Build small PDFs for the PDF reader tests.

The tables imitate the 2021 statistics tables as Word/WPS print them: every cell
stroked as its own rectangle (shared borders drawn twice), merged header cells,
a group label printed one character per line, labels wrapped inside their cell.
Chinese text uses reportlab's built-in CID font STSong-Light (not embedded; PDF
readers map it through the Adobe-GB1 CMaps, so the text layer is exact).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
_registered = False


def cjk_font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


@dataclass
class GridSpec:
    """A table as grid geometry plus merged cells.

    `cells` are (r0, c0, r1, c1, text) with exclusive ends; every grid position must be
    covered by exactly one cell.
    """

    col_widths: list[float]
    row_heights: list[float]
    cells: list[tuple[int, int, int, int, str]]
    font_size: float = 9.0
    numbers_centered: bool = True
    header_rows: int = 0  # rows repeated on each page when the table is split

    @property
    def n_rows(self) -> int:
        return len(self.row_heights)

    @property
    def n_cols(self) -> int:
        return len(self.col_widths)

    def covering(self) -> list[list[tuple[int, int, int, int, str]]]:
        grid: list[list[tuple[int, int, int, int, str] | None]] = [
            [None] * self.n_cols for _ in range(self.n_rows)
        ]
        for cell in self.cells:
            r0, c0, r1, c1, _ = cell
            for r in range(r0, r1):
                for c in range(c0, c1):
                    assert grid[r][c] is None, f"overlap at {(r, c)}"
                    grid[r][c] = cell
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                assert cell is not None, f"hole at {(r, c)}"
        return grid  # type: ignore[return-value]

    def expected(self, norm=lambda s: s) -> list[list[tuple[str, tuple[int, int] | None]]]:
        """(text, anchor) per grid position, the way the reader must return them."""
        out = []
        for r, row in enumerate(self.covering()):
            line = []
            for c, (r0, c0, _r1, _c1, text) in enumerate(row):
                anchor = None if (r, c) == (r0, c0) else (r0, c0)
                line.append((norm(text), anchor))
            out.append(line)
        return out


# --- the t3-like table (申请情况) -------------------------------------------------------

T3_NUMBERS = {
    "一、本年新收政府信息公开申请数量": [3001, 53, 0, 2, 61, 4, 3121],
    "二、上年结转政府信息公开申请数量": [34, 0, 1, 0, 0, 0, 35],
    "（一）予以公开": [1288, 21, 0, 0, 50, 3, 1362],
    "（二）部分公开（区分处理的，只计\n这一情形，不计其他情形）": [447, 7, 0, 0, 0, 0, 454],
    "（三）不予公开": [176, 2, 0, 0, 0, 0, 178],
    "（四）无法提供": [758, 12, 1, 2, 10, 1, 784],
    "（七）总计": [2669, 42, 1, 2, 60, 4, 2778],
    "四、结转下年度继续办理": [366, 11, 0, 0, 1, 0, 378],
}
T3_GROUP = "三、\n本\n年\n度\n办\n理\n结\n果"  # printed one character per line


def t3_spec() -> GridSpec:
    widths = [34.0, 150.0, 42.0, 42.0, 42.0, 46.0, 46.0, 34.0, 44.0]
    heights = [22.0, 22.0, 30.0] + [20.0, 20.0, 20.0, 30.0, 20.0, 20.0, 20.0, 20.0]
    cells: list[tuple[int, int, int, int, str]] = [
        (0, 0, 3, 2, "（本列数据的勾稽关系为：第一项加第二项\n之和，等于第三项加第四项之和）"),
        (0, 2, 1, 9, "申请人情况"),
        (1, 2, 3, 3, "自然人"),
        (1, 3, 2, 8, "法人或其他组织"),
        (1, 8, 3, 9, "总计"),
        (2, 3, 3, 4, "商业\n企业"),
        (2, 4, 3, 5, "科研\n机构"),
        (2, 5, 3, 6, "社会公\n益组织"),
        (2, 6, 3, 7, "法律服\n务机构"),
        (2, 7, 3, 8, "其他"),
    ]
    labels = list(T3_NUMBERS)
    r = 3
    for label in labels:
        if label.startswith(("一、", "二、", "四、")):
            cells.append((r, 0, r + 1, 2, label))
        else:
            if label == "（一）予以公开":
                cells.append((r, 0, r + 5, 1, T3_GROUP))
            cells.append((r, 1, r + 1, 2, label))
        for i, n in enumerate(T3_NUMBERS[label]):
            cells.append((r, 2 + i, r + 1, 3 + i, str(n)))
        r += 1
    return GridSpec(widths, heights, cells, header_rows=3)


# --- a t3 with the real row groups, for tables split across pages -------------------------

T3_GROUPED_ROWS: list[tuple[str | None, str, list[int]]] = [
    # (group label in column 1 or None when the label spans columns 1-2, label, numbers)
    (None, "（一）予以公开", [1288, 21, 0, 0, 50, 3, 1362]),
    ("（三）不予公开", "1.属于国家秘密", [2, 0, 0, 0, 0, 0, 2]),
    ("（三）不予公开", "2.其他法律行政法规禁止公开", [30, 1, 0, 0, 0, 0, 31]),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", [746, 12, 0, 0, 10, 1, 769]),
    ("（四）无法提供", "2.没有现成信息需要另行制作", [11, 0, 0, 0, 0, 0, 11]),
    ("（四）无法提供", "3.补正后申请内容仍不明确", [1, 0, 0, 0, 0, 0, 1]),
    ("（五）不予处理", "1.信访举报投诉类申请", [56, 6, 0, 0, 0, 0, 62]),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", [1, 0, 0, 0, 0, 0, 1]),
    (None, "（七）总计", [2932, 53, 0, 0, 61, 4, 3050]),
]


def t3_grouped_spec() -> GridSpec:
    """Ten columns like the real 表三: three label columns, seven numbers."""
    widths = [30.0, 62.0, 166.0, 36.0, 32.0, 32.0, 32.0, 36.0, 30.0, 40.0]
    heights = [22.0, 22.0, 30.0, 24.0] + [24.0] * len(T3_GROUPED_ROWS) + [24.0]
    cells: list[tuple[int, int, int, int, str]] = [
        (0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）"),
        (0, 3, 1, 10, "申请人情况"),
        (1, 3, 3, 4, "自然人"),
        (1, 4, 2, 9, "法人或其他组织"),
        (1, 9, 3, 10, "总计"),
        (2, 4, 3, 5, "商业\n企业"),
        (2, 5, 3, 6, "科研\n机构"),
        (2, 6, 3, 7, "社会公\n益组织"),
        (2, 7, 3, 8, "法律服\n务机构"),
        (2, 8, 3, 9, "其他"),
        (3, 0, 4, 3, "一、本年新收政府信息公开申请数量"),
    ]
    for i, n in enumerate([3001, 53, 0, 0, 61, 4, 3119]):
        cells.append((3, 3 + i, 4, 4 + i, str(n)))
    first = 4
    cells.append((first, 0, first + len(T3_GROUPED_ROWS), 1, "三、\n本\n年\n度\n办\n理\n结\n果"))
    r = first
    groups: dict[str, list[int]] = {}
    for group, label, numbers in T3_GROUPED_ROWS:
        if group is None:
            cells.append((r, 1, r + 1, 3, label))
        else:
            groups.setdefault(group, []).append(r)
            cells.append((r, 2, r + 1, 3, label))
        for i, n in enumerate(numbers):
            cells.append((r, 3 + i, r + 1, 4 + i, str(n)))
        r += 1
    for group, rows in groups.items():
        cells.append((rows[0], 1, rows[-1] + 1, 2, group))
    cells.append((r, 0, r + 1, 3, "四、结转下年度继续办理"))
    for i, n in enumerate([103, 0, 0, 0, 0, 0, 103]):
        cells.append((r, 3 + i, r + 1, 4 + i, str(n)))
    return GridSpec(widths, heights, cells, font_size=8.0, header_rows=3)


# --- the t4-like table (行政复议、行政诉讼), 15 columns -----------------------------------

T4_NUMBERS = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def t4_spec() -> GridSpec:
    widths = [40.0] * 15
    heights = [20.0, 20.0, 34.0, 22.0]
    results = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    cells: list[tuple[int, int, int, int, str]] = [
        (0, 0, 1, 5, "行政复议"),
        (0, 5, 1, 15, "行政诉讼"),
        (1, 5, 2, 10, "未经复议直接起诉"),
        (1, 10, 2, 15, "复议后起诉"),
    ]
    for i, text in enumerate(results):
        cells.append((1, i, 3, i + 1, text))
    for block in (5, 10):
        for i, text in enumerate(results):
            cells.append((2, block + i, 3, block + i + 1, text))
    for i, n in enumerate(T4_NUMBERS):
        cells.append((3, i, 4, i + 1, str(n)))
    return GridSpec(widths, heights, cells)


def simple_spec(n_body: int, header: tuple[str, ...] = ("信息内容", "本年制发件数", "本年废止件数"),
                tall_rows: dict[int, float] | None = None) -> GridSpec:
    """Header row plus `n_body` rows of a label and two numbers (for split tables)."""
    widths = [200.0, 100.0, 100.0]
    heights = [24.0] + [22.0] * n_body
    for r, h in (tall_rows or {}).items():
        heights[r] = h
    cells: list[tuple[int, int, int, int, str]] = [(0, i, 1, i + 1, h) for i, h in enumerate(header)]
    for k in range(n_body):
        r = k + 1
        cells += [(r, 0, r + 1, 1, f"第{k + 1}项事项"), (r, 1, r + 1, 2, str(100 + k)), (r, 2, r + 1, 3, str(7 * k))]
    return GridSpec(widths, heights, cells, header_rows=1)


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def draw_grid(
    c: Canvas,
    spec: GridSpec,
    x0: float,
    top: float,
    page_height: float,
    ruled: bool = True,
    rows: tuple[int, int] | None = None,
    texts: dict[tuple[int, int], str] | None = None,
) -> float:
    """Draw rows [a, b) of `spec` with the first drawn row's top edge at `top`.

    A merged cell cut by the row range is drawn clipped; its text is drawn only where
    the cell starts inside the range, unless `texts` gives the text for (r0, c0) on
    this part. Returns the bottom y (from the top of the page) of the drawn rows.
    """
    font = cjk_font()
    a, b = rows if rows is not None else (0, spec.n_rows)
    texts = texts or {}
    ys = [top]
    for h in spec.row_heights[a:b]:
        ys.append(ys[-1] + h)
    xs = [x0]
    for w in spec.col_widths:
        xs.append(xs[-1] + w)
    size = spec.font_size
    lead = size * 1.2
    c.setLineWidth(0.5)
    for r0, c0, r1, c1, text in spec.cells:
        if r1 <= a or r0 >= b:
            continue
        ra, rb = max(r0, a) - a, min(r1, b) - a
        left, right = xs[c0], xs[c1]
        ctop, cbottom = ys[ra], ys[rb]
        if ruled:
            c.rect(left, page_height - cbottom, right - left, cbottom - ctop, stroke=1, fill=0)
        if r0 >= a:
            shown = texts.get((r0, c0), text)
        else:
            shown = texts.get((r0, c0), "")
        if not shown:
            continue
        lines = shown.split("\n")
        c.setFont(font, size)
        block = lead * (len(lines) - 1) + size
        # Baseline of the first line so that the block is vertically centred.
        y = ctop + (cbottom - ctop - block) / 2 + size * 0.88
        for line in lines:
            width = pdfmetrics.stringWidth(line, font, size)
            if _is_number(line) and spec.numbers_centered or len(lines) > 3 or right - left < 40:
                x = left + (right - left - width) / 2
            else:
                x = left + 3
            c.drawString(x, page_height - y, line)
            y += lead
    return ys[-1]


def draw_clipped(c: Canvas, spec: GridSpec, x0: float, top: float, page_height: float,
                 key: tuple[int, int], text: str) -> None:
    """Header cell `key` (r0, c0) of a table drawn from `top` printed as LibreOffice prints
    a repeated header cell taller than the repeated rows: the lines of `text` that fit,
    centred across the cell and ending at its foot, then the next line over the cell's
    bottom rule (its glyph tops 2 pt above it: 2.1 pt in LibreOffice's
    t3_repeated_header_clipped) onto the row below, and no more."""
    r0, c0, r1, c1, _ = next(cell for cell in spec.cells if cell[:2] == key)
    left, right = x0 + sum(spec.col_widths[:c0]), x0 + sum(spec.col_widths[:c1])
    ctop, cbottom = top + sum(spec.row_heights[:r0]), top + sum(spec.row_heights[:r1])
    font, size = cjk_font(), spec.font_size
    lead = size * 1.2
    lines = text.split("\n")
    fit = int((cbottom - ctop - 2) // lead)
    first = cbottom - 2 - fit * lead  # top of the first line: line `fit` starts 2 pt above the rule
    c.setFont(font, size)
    for k, line in enumerate(lines[:fit + 1]):
        width = pdfmetrics.stringWidth(line, font, size)
        c.drawString(left + (right - left - width) / 2, page_height - (first + k * lead + size * 0.88), line)


def _canvas(buf: io.BytesIO, pagesize: tuple[float, float], **kwargs) -> Canvas:
    cv = canvas.Canvas(buf, pagesize=pagesize, **kwargs)
    cv.setTitle("测试报告")
    cv.setAuthor("测试")
    cv.setCreator("pdf_builders")
    return cv


def body_text(c: Canvas, x: float, y_top: float, text: str, page_height: float, size: float = 12) -> None:
    c.setFont(cjk_font(), size)
    c.drawString(x, page_height - y_top - size * 0.88, text)


def table_pdf(spec: GridSpec, ruled: bool = True, pagesize: tuple[float, float] = A4, heading: str = "三、收到和处理政府信息公开申请情况") -> bytes:
    buf = io.BytesIO()
    w, h = pagesize
    c = _canvas(buf, pagesize)
    body_text(c, 72, 60, heading, h, size=14)
    x0 = (w - sum(spec.col_widths)) / 2
    bottom = draw_grid(c, spec, x0, 90, h, ruled=ruled)
    body_text(c, 72, bottom + 24, "四、政府信息公开行政复议、行政诉讼情况", h, size=14)
    c.showPage()
    c.save()
    return buf.getvalue()


def rotated_table_pdf(spec: GridSpec) -> bytes:
    """Portrait media box with /Rotate 90: viewers turn the page clockwise, so the
    content is drawn turned counter-clockwise and reads upright on screen."""
    buf = io.BytesIO()
    w, h = A4  # the media box stays portrait
    # reportlab writes the MediaBox with width and height swapped when the page is
    # rotated by 90, so it is given the landscape size to get a portrait box.
    c = _canvas(buf, (h, w))
    c.setPageRotation(90)
    # After /Rotate 90 the visible page is h wide and w tall. Map visible coordinates
    # (origin bottom-left of the displayed page) onto the media box.
    c.translate(w, 0)
    c.rotate(90)
    vw, vh = h, w
    body_text(c, 72, 40, "四、政府信息公开行政复议、行政诉讼情况", vh, size=14)
    x0 = (vw - sum(spec.col_widths)) / 2
    draw_grid(c, spec, x0, 70, vh)
    c.showPage()
    c.save()
    return buf.getvalue()


def sideways_table_pdf(spec: GridSpec) -> bytes:
    """A landscape table printed on a portrait page without /Rotate: the content is
    turned a quarter counter-clockwise, so on screen its text runs bottom to top."""
    buf = io.BytesIO()
    w, h = A4
    c = _canvas(buf, (w, h))
    c.translate(w, 0)
    c.rotate(90)
    vw, vh = h, w
    body_text(c, 72, 40, "四、政府信息公开行政复议、行政诉讼情况", vh, size=14)
    x0 = (vw - sum(spec.col_widths)) / 2
    draw_grid(c, spec, x0, 70, vh)
    c.showPage()
    c.save()
    return buf.getvalue()


@dataclass
class PagePart:
    rows: tuple[int, int]
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    repeat_header: bool = False
    footer: str | None = None  # page number line, by default centred at the page foot
    footer_at: tuple[float, float] | None = None  # (x, top) to print it elsewhere
    # Header cells printed clipped on this page's repeated header: (r0, c0) -> the cell's
    # text in printed lines (see `draw_clipped`).
    clipped_header: dict[tuple[int, int], str] = field(default_factory=dict)


def split_table_pdf(spec: GridSpec, parts: list[PagePart], top_first: float = 420.0, heading: str = "三、收到和处理政府信息公开申请情况") -> bytes:
    """One table printed across pages: part i on page i (the first part starts at
    `top_first`, after a few paragraphs; later parts at the top margin)."""
    buf = io.BytesIO()
    w, h = A4
    c = _canvas(buf, A4)
    x0 = (w - sum(spec.col_widths)) / 2
    for i, part in enumerate(parts):
        top = 72.0
        if i == 0:
            y = 72.0
            for k in range(8):
                body_text(c, 72, y, f"这是第{k + 1}行正文，用来把表格推到页面下方。", h)
                y += 30
            body_text(c, 72, top_first - 30, heading, h, size=14)
            top = top_first
        if part.repeat_header and spec.header_rows:
            blank = {key: "" for key in part.clipped_header}
            header_top = top
            top = draw_grid(c, spec, x0, top, h, rows=(0, spec.header_rows), texts=blank)
            for key, text in part.clipped_header.items():
                draw_clipped(c, spec, x0, header_top, h, key, text)
        draw_grid(c, spec, x0, top, h, rows=part.rows, texts=part.texts)
        if part.footer:
            x, y = part.footer_at or (w / 2 - 20, h - 50)
            body_text(c, x, y, part.footer, h, size=10)
        if i == len(parts) - 1:
            body_text(c, 72, h - 120, "五、存在的主要问题及改进情况", h, size=14)
        c.showPage()
    c.save()
    return buf.getvalue()


def narrative_pdf() -> bytes:
    """Two pages of report text: a letter-spaced title over two lines in large type,
    indented paragraphs wrapped over lines, one paragraph running onto page 2, page
    numbers "- 1 -" / "— 2 —" at the foot."""
    buf = io.BytesIO()
    w, h = A4
    c = _canvas(buf, A4)
    font = cjk_font()
    c.setFont(font, 22)
    for i, line in enumerate(["淮 安 市 人 民 政 府", "2024年政府信息公开工作年度报告"]):
        tw = pdfmetrics.stringWidth(line, font, 22)
        c.drawString((w - tw) / 2, h - 100 - i * 30, line)
    size = 16.0
    per_line = 26  # characters per full line at 16 pt across 416 pt
    left = (w - per_line * size) / 2
    y = 180.0
    paragraphs = [
        "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。",
        "一、总体情况",
        "今年全市受理政府信息公开申请共计三千余件，按时答复；另有一百余件顺延到下一年度答复，均在法定期限内予以答复，未发生逾期。" * 2,
    ]
    lines_per_page = 0
    for pi, para in enumerate(paragraphs):
        chars = list(para)
        first = True
        while chars:
            n = per_line - 2 if first else per_line
            chunk = "".join(chars[:n])
            chars = chars[n:]
            x = left + (2 * size if first else 0)
            c.setFont(font, size)
            # Justify full lines across the measure the way Word does.
            if chars:
                c.drawString(x, h - y, chunk, charSpace=(left + per_line * size - x - pdfmetrics.stringWidth(chunk, font, size)) / max(len(chunk) - 1, 1))
            else:
                c.drawString(x, h - y, chunk)
            first = False
            y += 28
            lines_per_page += 1
            if pi == 2 and lines_per_page == 6:
                body_text(c, w / 2 - 15, h - 60, "- 1 -", h, size=10)
                c.showPage()
                y = 80.0
    body_text(c, w / 2 - 20, h - 60, "— 2 —", h, size=10)
    c.showPage()
    c.save()
    return buf.getvalue()


WQY_ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def embedded_cjk_font() -> str | None:
    """An embedded TrueType CJK font (WenQuanYi Zen Hei), or None when not installed.

    Encrypted files need it: reportlab leaves the CIDSystemInfo strings of its
    built-in CID fonts unencrypted, so pdfminer decrypts them into garbage and loses
    the Unicode mapping. Embedded TrueType subsets carry a ToUnicode stream instead.
    """
    from pathlib import Path

    from reportlab.pdfbase.ttfonts import TTFont

    if not Path(WQY_ZENHEI).exists():
        return None
    if "WQYZenHei" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQYZenHei", WQY_ZENHEI, subfontIndex=0))
    return "WQYZenHei"


def encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    """表二's first block, encrypted (RC4) with the given passwords."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    font = embedded_cjk_font() or cjk_font()
    enc = StandardEncryption(user_password, ownerPassword=owner_password, canPrint=1, canModify=0, canCopy=1)
    buf = io.BytesIO()
    c = _canvas(buf, A4, encrypt=enc)
    h = A4[1]
    c.setFont(font, 14)
    c.drawString(72, h - 80, "二、主动公开政府信息情况")
    rows = [("信息内容", "本年制发件数", "本年废止件数"), ("规章", "1", "0"), ("行政规范性文件", "8", "26")]
    c.setLineWidth(0.5)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            x, top = 72 + 150 * k, 100 + 24 * r
            c.rect(x, h - top - 24, 150, 24, stroke=1, fill=0)
            c.setFont(font, 10)
            c.drawString(x + 4, h - top - 16, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def image_only_pdf(pdf_bytes: bytes, dpi: int = 200, pages: list[int] | None = None) -> bytes:
    """Render the pages (0-based `pages`, default all) of `pdf_bytes` to bitmaps and
    wrap them in a new PDF that has no text layer at all (a "scanned" report)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    src = pdfium.PdfDocument(pdf_bytes)
    buf = io.BytesIO()
    out: Canvas | None = None
    try:
        for i in pages if pages is not None else range(len(src)):
            page = src[i]
            w, h = page.get_size()
            img = page.render(scale=dpi / 72).to_pil().convert("L")
            page.close()
            if out is None:
                out = canvas.Canvas(buf, pagesize=(w, h))
            out.setPageSize((w, h))
            out.drawImage(ImageReader(img), 0, 0, width=w, height=h)
            out.showPage()
    finally:
        src.close()
    assert out is not None
    out.save()
    return buf.getvalue()


def many_pages_pdf(n: int) -> bytes:
    buf = io.BytesIO()
    c = _canvas(buf, A4)
    for i in range(n):
        for k in range(20):
            body_text(c, 72, 72 + k * 30, f"第{i + 1}页第{k + 1}行：政府信息公开工作年度报告正文内容。", A4[1])
        body_text(c, A4[0] / 2 - 15, A4[1] - 50, f"- {i + 1} -", A4[1], size=10)
        c.showPage()
    c.save()
    return buf.getvalue()


LANDSCAPE_A4 = landscape(A4)

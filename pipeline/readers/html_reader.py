"""Web pages (report published as an HTML article) into the document model.

Government sites wrap the report in a CMS template: navigation, breadcrumbs,
"share / print / close window" bars, footers with the ICP licence. The reader drops
that chrome, picks the element that holds the article, and yields its paragraphs
and tables in document order. Tables get the same merged-cell grid as Word tables
(colspan/rowspan resolved, covered positions carry the anchor's text and position).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml import html as lxml_html

from pipeline.model import Cell, Document, Paragraph, RejectedInput, Table
from pipeline.readers.encoding import decode_text
from pipeline.readers.js_strings import embedded_html, looks_like_script
from pipeline.readers.safety import safe_html_parser

CAPTION_MAX_CHARS = 20
MAX_COLSPAN = 1000  # the HTML standard's own limit
MAX_TABLE_CELLS = 1_000_000  # a hostile rowspan/colspan must not exhaust memory

# Never content: removed wherever they are.
_JUNK_TAGS = (
    "script", "style", "noscript", "iframe", "frame", "frameset", "template", "object",
    "embed", "svg", "canvas", "button", "select", "input", "textarea", "option", "map",
    "audio", "video", "link", "meta", "head",
)  # fmt: skip
# Site chrome by tag (kept when it wraps the article, see _remove_chrome).
_CHROME_TAGS = {"nav", "header", "footer", "aside", "form", "menu"}
# Site chrome by id/class: matched anywhere in a token.
_CHROME_SUBSTR = re.compile(
    r"nav|menu|header|footer|breadcrumb|crumb|sidebar|share|copyright|toolbar|qrcode|erweima|"
    r"friendlink|bottom"
)
# ... and as a whole component of a token ("foot", "side_2", "print-btn"): as
# substrings they occur inside content class names ("footnote", "inside", "blueprint").
_CHROME_WORDS = re.compile(
    r"(?:^|[-_])(?:foot|side|links?|search|login|print|close|tools?|position|"
    r"location|banner|dqwz|wzdh|pager|fontsize|ewm|related|relate|xgxx)(?:$|[-_]|\d)"
)
# Header-like tokens: site banners, but inside the article they hold its title.
_HEADERISH = re.compile(r"header|(?:^|[-_])(?:head|top)(?:$|[-_]|\d)")
# Elements that typically wrap the article body on government CMSs, most specific first.
_CONTENT_SELECTORS: tuple[tuple[str, str], ...] = (
    ("id", "zoom"),
    ("id", "UCAP-CONTENT"),
    ("class", "TRS_Editor"),
    ("class", "TRS_UEDITOR"),
    ("id", "content"),
    ("class", "article-content"),
    ("class", "article"),
    ("class", "content"),
    ("tag", "article"),
    ("tag", "main"),
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "main", "aside", "header", "footer", "nav", "blockquote", "pre",
    "address", "figure", "figcaption", "center", "hr", "form", "fieldset", "details",
    "summary", "body", "html", "caption", "tr", "td", "th", "tbody", "thead", "tfoot",
}  # fmt: skip
# Elements the content search may descend into (not paragraph-level blocks).
_CONTAINER_TAGS = {
    "div", "section", "article", "main", "form", "center", "table", "tbody", "tr", "td",
    "font", "span",
}  # fmt: skip
_HEADINGS = {f"h{i}": f"Heading {i}" for i in range(1, 7)}

_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# libxml2's HTML parser does not understand a DTD internal subset and would leak
# its tail ("]>") into the body text.
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.I | re.S)
_SPACE = re.compile(r"[ \t\r\n\f\v\xa0]+")
_TAGS = re.compile(r"<[^>]*>")


def read_html(path: str, data: bytes, sha256: str) -> Document:
    """Read an HTML page into a Document of the article's paragraphs and tables."""
    text = decode_html(data)
    text = _XML_DECL.sub("", text, count=1)
    text = _DOCTYPE_SUBSET.sub("", text[:65536], count=1) + text[65536:]
    text = text.replace("\x00", "")
    if not text.strip():
        raise RejectedInput("HTML page has no report content")
    if looks_like_script(text):
        # The article as a script file (content.js): the page is the HTML in its strings.
        text = embedded_html([text]) or text
    root = _parse(text)
    doc = Document(source_path=path, sha256=sha256, file_type="html")
    title_el = root.find(".//title")
    if title_el is not None:
        title = _norm(title_el.text_content()).strip()
        if title:
            doc.metadata["html_title"] = title

    # Rendered on the client: the report may be in a script's strings, not in the page.
    scripted = embedded_html([el.text_content() for el in root.iter("script")])
    body = _body(root)
    # A portal page that frames the report: say where the report is, if nothing else is.
    frames = [el.get("src", "").strip() for el in body.iter("iframe", "frame", "embed", "object")]
    if frames:
        doc.metadata["html_frames"] = " ".join(f or "(no src)" for f in frames)
    content = _article(body)
    # The script's HTML is the body when it holds more text than the static article (which
    # is then an empty container or a "loading" notice).
    if scripted and len(_SPACE.sub("", _TAGS.sub("", scripted))) > _text_len(content):
        content = _article(_body(_parse(scripted)))
        doc.metadata["html_content_root"] = "script string: " + _describe(content)
    else:
        doc.metadata["html_content_root"] = _describe(content)

    flow = _Flow(doc.blocks)
    flow.run(content)
    if not any(
        isinstance(b, Paragraph) or any(c.text for row in b.rows for c in row) for b in doc.blocks
    ):
        raise RejectedInput("HTML page has no report content")
    return doc


def _parse(text: str) -> lxml_html.HtmlElement:
    parser = safe_html_parser()
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise RejectedInput(f"HTML page has no report content ({exc})") from exc
    for err in parser.error_log:
        # libxml2 stops at its limits (e.g. nesting deeper than 256) and silently drops
        # the rest of the page; a truncated report must not pass as a whole one.
        if err.type_name == "ERR_RESOURCE_LIMIT":
            raise RejectedInput(f"HTML page exceeds parser limits: {err.message}")
    return root


def _body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    body = root.find("body")
    return root if body is None else body


def _article(body: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element holding the article: junk and chrome removed, the CMS wrapper or the largest block."""
    _remove_junk(body)
    preferred = _preferred_root(body)
    _remove_chrome(body, keep=preferred)
    return preferred if preferred is not None else _largest_block(body)


# -- encoding ------------------------------------------------------------------------


def declared_charset(data: bytes) -> str | None:
    """Charset from <meta charset> or <meta http-equiv=Content-Type> near the top."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_html(data: bytes) -> str:
    """BOM, then strict UTF-8, then the declared charset, then detection.

    Valid UTF-8 is tried before the declaration because CMS templates often keep a
    stale `charset=gb2312` on pages now served as UTF-8, while GBK text with Chinese
    in it is practically never valid UTF-8. GB2312/GBK map to GB18030 (decode_text).
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared in ("utf-8", "utf8"):
        # A declared UTF-8 page with a few broken bytes is still UTF-8, not GBK.
        text = data.decode("utf-8", "replace")
        if text.count("\ufffd") <= max(3, len(text) // 1000):
            return text
    return decode_text(data, declared)


# -- cleaning ------------------------------------------------------------------------


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text)


def _text_len(el: lxml_html.HtmlElement) -> int:
    return len(_SPACE.sub("", el.text_content()))


def _self_any(tags: Iterable[str]) -> str:
    return " or ".join(f"self::{t}" for t in sorted(tags))


# The elements that can be junk or chrome, found by lxml in C (in document order, below
# the body): the Python tests then run on a few dozen elements, not on every one of the page.
_JUNK_CANDIDATES = f".//*[@style or @hidden or {_self_any(_JUNK_TAGS)}]"
_CHROME_CANDIDATES = f".//*[@id or @class or {_self_any(_CHROME_TAGS)}]"


def _remove_junk(body: lxml_html.HtmlElement) -> None:
    doomed = [
        el
        for el in body.xpath(_JUNK_CANDIDATES)
        if (
            el.tag in _JUNK_TAGS
            or _HIDDEN_STYLE.search(el.get("style", ""))
            or el.get("hidden") is not None
        )
    ]
    for el in doomed:
        _drop(el)


def _drop(el: lxml_html.HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()  # keeps the tail text, which belongs to the parent


def _chrome_kind(el: lxml_html.HtmlElement) -> str | None:
    """Kind of site chrome: "header" (header-like), "chrome" (anything else), or None."""
    tokens = f"{el.get('id', '')} {el.get('class', '')}".lower().split()
    kinds = set()
    if el.tag in _CHROME_TAGS:
        kinds.add("header" if el.tag == "header" else "chrome")
    for token in tokens:
        if _HEADERISH.search(token):
            kinds.add("header")
        elif _CHROME_SUBSTR.search(token) or _CHROME_WORDS.search(token):
            kinds.add("chrome")
    if "chrome" in kinds:
        return "chrome"
    return "header" if kinds else None


def _matches(el: lxml_html.HtmlElement, kind: str, value: str) -> bool:
    if kind == "tag":
        return el.tag == value
    if kind == "id":
        return (el.get("id") or "").lower() == value.lower()
    return value.lower() in (el.get("class") or "").lower().split()


def _is_content_wrapper(el: lxml_html.HtmlElement) -> bool:
    return any(_matches(el, kind, value) for kind, value in _CONTENT_SELECTORS)


def _preferred_root(body: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """A known CMS article wrapper that holds a fair share of the page's text: for each
    selector in order, the element with the most text (the first such in page order)."""
    total = _text_len(body)
    # The candidates are found by lxml in C (elements with an id or a class, elements of a
    # tag), not by walking every element of the page in Python once per selector.
    attributed = body.xpath(".//*[@id or @class]")
    sizes: dict[lxml_html.HtmlElement, int] = {}
    for kind, value in _CONTENT_SELECTORS:
        if kind == "tag":
            candidates = [el for el in body.iter(value) if el is not body]
        else:
            candidates = [el for el in attributed if _matches(el, kind, value)]
        best = None
        best_len = 0
        for el in candidates:
            if el not in sizes:
                sizes[el] = _text_len(el)
            if sizes[el] > best_len:
                best, best_len = el, sizes[el]
        # A "content" class on a small box (a sidebar blurb) is not the article.
        if best is not None and best_len >= max(1, 0.25 * total):
            return best
    return None


def _remove_chrome(body: lxml_html.HtmlElement, keep: lxml_html.HtmlElement | None) -> None:
    """Drop navigation, headers, footers, share bars and the like.

    Never drops `keep` (the article wrapper) or its ancestors. ASP.NET pages put the
    whole page in one <form>, so a form is chrome only when it holds a minor part of
    the text (a search box). Other chrome is kept when it holds most of a substantial
    page (a template calling its main column "nav-content"). Header-like parts inside
    the article (its title block) are kept too.
    """
    total = _text_len(body)
    protected = set() if keep is None else {keep, *keep.iterancestors()}
    doomed: list[lxml_html.HtmlElement] = []
    for el in body.xpath(_CHROME_CANDIDATES):
        kind = _chrome_kind(el) if el not in protected else None
        if kind is None:
            continue
        size = _text_len(el)
        if el.tag == "form" and size >= 0.4 * total:
            continue
        if size >= 0.6 * total and size >= 500:
            continue
        if kind == "header" and _in_article(el):
            continue
        doomed.append(el)
    for el in doomed:
        _drop(el)


def _in_article(el: lxml_html.HtmlElement) -> bool:
    return any(a.tag in ("article", "main") or _is_content_wrapper(a) for a in el.iterancestors())


def _data_tables(el: lxml_html.HtmlElement) -> int:
    """Tables that look like data: no nested table, 2+ rows, some row with 2+ cells."""
    count = 0
    for t in el.iter("table"):
        if next(t.iterdescendants("table"), None) is not None:
            continue
        rows = _table_rows(t)
        if len(rows) >= 2 and any(len(_row_cells(tr)) >= 2 for tr in rows):
            count += 1
    return count


def _largest_block(body: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """Walk down from <body> while one child container holds nearly all the text and
    every data table (a paragraph is never a container)."""
    total = _text_len(body)
    current = body
    tables = _data_tables(body)
    while True:
        children = [c for c in current if isinstance(c.tag, str)]
        if not children:
            return current
        best = max(children, key=_text_len)
        if (
            best.tag not in _CONTAINER_TAGS
            or not any(c.tag in _BLOCK_TAGS or c.tag == "table" for c in best)
            or _text_len(best) < 0.9 * total
            or _data_tables(best) != tables
        ):
            return current
        current = best


def _describe(el: lxml_html.HtmlElement) -> str:
    desc = str(el.tag)
    if el.get("id"):
        desc += "#" + el.get("id", "")
    if el.get("class"):
        desc += "." + ".".join(el.get("class", "").split())
    return desc


# -- flow: paragraphs and tables in document order ---------------------------------


class _Flow:
    """Turns an element's content into Paragraph/Table blocks (or, in a cell, lines)."""

    def __init__(self, blocks: list[Paragraph | Table], in_cell: bool = False) -> None:
        self.blocks = blocks
        self.in_cell = in_cell
        self.buf: list[str] = []
        self.style: str | None = None
        self.pre = 0

    def run(self, el: lxml_html.HtmlElement) -> None:
        self.visit(el)
        self.flush()

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text if self.pre else _norm(text))

    def flush(self) -> None:
        if not self.buf:
            return
        joined = "".join(self.buf)
        self.buf = []
        for line in joined.split("\n"):
            line = line.strip()
            if line:
                self.blocks.append(Paragraph(text=line, style=self.style))

    def visit(self, el: lxml_html.HtmlElement) -> None:
        tag = el.tag
        if tag == "br":
            self.flush()
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        if tag == "sup" and self.in_cell:
            # A superscript in a table cell is a footnote mark (1483<sup>1</sup>): as
            # text it would turn 1483 into 14831.
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        saved_style = self.style
        if tag in _HEADINGS:
            self.style = _HEADINGS[tag]
        if tag == "pre":
            self.pre += 1
        self.add(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self.visit(child)
            self.add(child.tail)
        if block:
            self.flush()
        if tag == "pre":
            self.pre -= 1
        self.style = saved_style

    def table(self, el: lxml_html.HtmlElement) -> None:
        rows = table_grid(el)
        if _is_layout(el, rows):
            # A table used for page layout: read its cells as ordinary content.
            for tr in _table_rows(el):
                for td in _row_cells(tr):
                    self.visit(td)
                    self.flush()
            return
        if not any(c.text for row in rows for c in row):
            return  # spacer or empty table
        if self.in_cell:
            # Nested table flattened into the enclosing cell: a line per row.
            for row in rows:
                texts = [c.text for c in row if c.anchor is None and c.text]
                if texts:
                    self.blocks.append(Paragraph(text="\t".join(texts)))
            return
        caption_el = el.find("caption")
        caption = _norm(caption_el.text_content()).strip() if caption_el is not None else ""
        index = sum(1 for b in self.blocks if isinstance(b, Table))
        self.blocks.append(Table(index=index, rows=rows, caption=caption or _caption(self.blocks)))


def _caption(blocks: list[Paragraph | Table]) -> str | None:
    """Nearest preceding short paragraph, not looking past the previous table."""
    for block in reversed(blocks):
        if isinstance(block, Table):
            return None
        if len(block.text) <= CAPTION_MAX_CHARS:
            return block.text
    return None


def _table_rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    rows: list[lxml_html.HtmlElement] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


def _row_cells(tr: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return [c for c in tr if c.tag in ("td", "th")]


def _span(el: lxml_html.HtmlElement, attr: str) -> int:
    m = re.match(r"\s*(\d+)", el.get(attr) or "")
    return int(m.group(1)) if m else 1


def cell_text(td: lxml_html.HtmlElement) -> str:
    """A cell's text: <p>, <br> and block boundaries become "\\n"; nested tables flattened."""
    if len(td) == 0:
        # Most cells hold bare text (no child element, no comment): what _Flow would make
        # of it, without a walker per cell (a statistics table has a few hundred cells).
        lines_ = (line.strip() for line in _norm(td.text or "").split("\n"))
        return "\n".join(line for line in lines_ if line)
    return walked_text(td)


def walked_text(td: lxml_html.HtmlElement) -> str:
    """cell_text by the walker, whatever the cell holds."""
    lines: list[Paragraph | Table] = []
    _Flow(lines, in_cell=True).run(td)
    return "\n".join(b.text for b in lines if isinstance(b, Paragraph))


def table_grid(table: lxml_html.HtmlElement) -> list[list[Cell]]:
    """Resolve colspan/rowspan into a full grid, as a browser lays the table out."""
    trs = _table_rows(table)
    n = len(trs)
    placed: dict[tuple[int, int], Cell] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in _row_cells(tr):
            while (r, c) in placed:
                c += 1
            colspan = min(max(_span(td, "colspan"), 1), MAX_COLSPAN)
            rowspan = _span(td, "rowspan")
            # rowspan=0 spans to the end of the table; any span stops at the last row.
            rowspan = n - r if rowspan == 0 else min(max(rowspan, 1), n - r)
            if len(placed) + colspan * rowspan > MAX_TABLE_CELLS:
                raise RejectedInput(f"HTML table too large (> {MAX_TABLE_CELLS} cells)")
            text = cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    anchor = None if dr == dc == 0 else (r, c)
                    pos = (r + dr, c + dc)
                    # Overlapping spans (malformed): the first cell placed keeps the slot.
                    placed.setdefault(pos, Cell(text=text, row=pos[0], col=pos[1], anchor=anchor))
            c += colspan
            width = max(width, c)
    if n * width > MAX_TABLE_CELLS:
        raise RejectedInput(f"HTML table too large (> {MAX_TABLE_CELLS} cells)")
    return [
        [placed.get((r, c)) or Cell(text="", row=r, col=c) for c in range(width)] for r in range(n)
    ]


def _is_layout(table: lxml_html.HtmlElement, rows: list[list[Cell]]) -> bool:
    """A single cell, or a single row/column holding further tables: page layout."""
    if not rows or not rows[0]:
        return False
    if len(rows) == 1 and len(rows[0]) == 1:
        return True
    nested = next(table.iterdescendants("table"), None) is not None
    return nested and (len(rows) == 1 or len(rows[0]) == 1)

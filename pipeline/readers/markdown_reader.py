"""Markdown from OCR and document-conversion tools into the document model.

Researchers often hold reports already converted: ATX headings (`## 一、总体情况`), pipe
tables (`| 行政许可 | 517645 |`), sometimes HTML `<table>` blocks. A heading is a paragraph
(its `#` marks dropped), a run of pipe rows is one table (separator rows dropped, short rows
padded), an HTML table block gets the HTML reader's merged-cell grid, any other line is a
paragraph as in a text dump.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from pipeline.model import Cell, Document, Paragraph, Table
from pipeline.readers.encoding import decode_text
from pipeline.readers.html_reader import CAPTION_MAX_CHARS, table_grid
from pipeline.readers.safety import safe_html_parser

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BR = re.compile(r"<br\s*/?>", re.I)
# Inline marks a converter adds around text: **bold**, __bold__, `code`, images.
_INLINE = re.compile(r"\*\*|__|`|!\[[^\]]*\]\([^)]*\)")
_HTML_TABLE_OPEN = re.compile(r"<table\b", re.I)
_HTML_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
_HTML_TAG = re.compile(r"<[^>]+>")


def read_markdown(path: str, data: bytes, sha256: str) -> Document:
    lines = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(source_path=path, sha256=sha256, file_type="md")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _PIPE_ROW.match(line) or (_SEPARATOR.match(line) and "|" in line):
            j = i
            while j < len(lines) and (_PIPE_ROW.match(lines[j]) or (_SEPARATOR.match(lines[j]) and "|" in lines[j])):
                j += 1
            _add_table(doc, _pipe_grid(lines[i:j]))
            i = j
            continue
        if _HTML_TABLE_OPEN.search(line):
            j = i
            while j < len(lines) and not _HTML_TABLE_CLOSE.search(lines[j]):
                j += 1
            _html_tables(doc, "\n".join(lines[i:j + 1]))
            i = j + 1
            continue
        _paragraph(doc, line)
        i += 1
    return doc


def _paragraph(doc: Document, line: str) -> None:
    m = _HEADING.match(line)
    style = f"Heading {len(m.group(1))}" if m else None
    text = _INLINE.sub("", _HTML_TAG.sub("", m.group(2) if m else line)).strip()
    if text:
        doc.blocks.append(Paragraph(text=text, style=style))


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [_INLINE.sub("", _BR.sub("\n", c)).replace("\\|", "|").strip() for c in _CELL_SPLIT.split(inner)]


def _pipe_grid(lines: list[str]) -> list[list[Cell]]:
    rows = [_pipe_cells(ln) for ln in lines if not _SEPARATOR.match(ln)]
    # A converter drops empty trailing cells unevenly: pad every row to the widest.
    width = max((len(r) for r in rows), default=0)
    return [[Cell(text=t, row=r, col=c) for c, t in enumerate(row + [""] * (width - len(row)))]
            for r, row in enumerate(rows)]


def _html_tables(doc: Document, block: str) -> None:
    try:
        root = lxml_html.document_fromstring(block.encode("utf-8"), parser=safe_html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        _paragraph(doc, block)
        return
    for table in root.iter("table"):
        if next(table.iterancestors("table"), None) is None:
            _add_table(doc, table_grid(table))


def _add_table(doc: Document, rows: list[list[Cell]]) -> None:
    if not any(c.text for row in rows for c in row):
        return
    doc.blocks.append(Table(index=len(doc.tables), rows=rows, caption=_caption(doc)))


def _caption(doc: Document) -> str | None:
    """The nearest preceding short paragraph, not looking past the previous table."""
    for block in reversed(doc.blocks):
        if isinstance(block, Table):
            return None
        if len(block.text) <= CAPTION_MAX_CHARS:
            return block.text
    return None

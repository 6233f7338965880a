"""Tables flattened into the running text of one line, as a crawler's text dump of a
portal page prints them (the page's text taken with every cell joined by a space):

    … 二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年新制作数量 … 规章 0 0 0
    规范性文件 6 4 11 … 三、收到和处理政府信息公开申请情况 … 一、本年新收政府信息公开申请数量
    0 0 0 0 0 0 0 …

The cells come in the table's reading order, so each run "label value value …" is one
row. Such a line is cut back into blocks: the numbered section headings as paragraphs,
each run of rows as a table. Table 二's captions and one-row column headers go back as
rows; the two-row headers of tables 三 and 四 cannot be told apart from the flattened
words (总计 comes before 商业企业), so those stay a paragraph, the rows keep no header
and the extractor takes the template's column order, saying so in a finding.
"""

from __future__ import annotations

import re

from pipeline.extract import labels
from pipeline.extract.sections import heading_number
from pipeline.extract.values import parse_value
from pipeline.model import Block, Paragraph, Table, grid_from_rows
from pipeline.normalize import nfkc, norm_label

# Where a row label starts: 一、 （一） (一) 1. 1、 — the enumeration of the template's rows.
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])")
# The sections whose tables are printed as rows (二 … 四); 五 and 六 are prose only.
_TABLE_SECTIONS = {2, 3, 4}
_MIN_VALUES = 20
_CAPTION = re.compile(r"^第.{1,4}条第.{1,6}项$")  # a line with fewer numbers standing alone is prose, not a flattened table


def is_flat_report(line: str) -> bool:
    """A line holding the headings of the table sections and many lone numbers."""
    tokens = line.split()
    if len(tokens) < _MIN_VALUES:
        return False
    heads = {heading_number(t) for t in tokens}
    return len(heads & _TABLE_SECTIONS) >= 2 and sum(map(_is_value, tokens)) >= _MIN_VALUES


def split_flat_report(line: str, table_index: int) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    words: list[str] = []
    section = 0

    def close_table() -> None:
        nonlocal rows
        if rows:
            blocks.append(Table(index=table_index + sum(isinstance(b, Table) for b in blocks),
                                rows=grid_from_rows(rows)))
            rows = []

    def flush_words(upto: int) -> None:
        """Words before a row (or the line's end): headings end the table and start a
        section; the rest is a paragraph outside any table."""
        nonlocal section
        text: list[str] = []
        for w in words[:upto]:
            n = heading_number(w)
            if n is not None and n > section:
                close_table()
                if text:
                    blocks.append(Paragraph(text=" ".join(text)))
                    text = []
                blocks.append(Paragraph(text=w))
                section = n
            else:
                text.append(w)
        if text and section == 2:
            rows.extend(_header_rows(text))
        elif text:
            close_table()
            blocks.append(Paragraph(text=" ".join(text)))
        del words[:upto]

    tokens = line.split()
    i = 0
    while i < len(tokens):
        if not (_is_value(tokens[i]) and section in _TABLE_SECTIONS):
            words.append(tokens[i])
            i += 1
            if heading_number(tokens[i - 1]) is not None:
                flush_words(len(words))  # the section number decides what follows
            continue
        j = i
        while j < len(tokens) and _is_value(tokens[j]):
            j += 1
        start = _label_start(words)
        label = _label_cells(words[start:])
        flush_words(start)
        words.clear()
        rows.append([*label, *tokens[i:j]])
        i = j
    flush_words(len(words))
    close_table()
    return blocks


def _header_rows(words: list[str]) -> list[list[str]]:
    """Table 二's captions (第二十条第（一）项) and column headers, back as the rows they
    were: its header is one row of one word a cell, so the flattened order is the grid's
    (unlike the two-row headers of tables 三 and 四, which stay text)."""
    out: list[list[str]] = []
    for w in words:
        if _CAPTION.match(nfkc(w)):
            out.append([w])
        elif out and len(out[-1]) > 1 or out and not _CAPTION.match(nfkc(out[-1][0])):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _is_value(token: str) -> bool:
    return parse_value(token).kind == "number"


def _level(token: str) -> int | None:
    """0 for 一、, 1 for （一）, 2 for 1. — None when the token starts no row label."""
    m = _ENUM.match(nfkc(token))
    if m is None:
        return None
    head = m.group()
    return 2 if head[0].isdigit() else 1 if head[0] in "（(" else 0


def _label_start(words: list[str]) -> int:
    """Index of the first word of the row label among the words since the last row.

    The label starts at the last enumerated word, taking in the enumerated group words
    of higher levels right before it (三、本年度办理结果 （一）予以公开, （三）不予 公开
    1.属于国家秘密); a label with no enumeration (规章, 行政许可) is the last word.
    Anything before it is a caption or column header."""
    starts = [k for k, w in enumerate(words) if _level(w) is not None and heading_number(w) is None]
    if not starts:
        # a row of table 二 (规章 0 0 0); words that name no row are a header (table 四
        # has no row label at all)
        last = words[-1] if words else ""
        return len(words) - 1 if labels.match(norm_label(last), "t2", "row") else len(words)
    k = starts[-1]
    level = _level(words[k])
    for prev in reversed(starts[:-1]):
        lv = _level(words[prev])
        if lv is None or level is None or lv >= level:
            break
        k, level = prev, lv
    return k


def _label_cells(words: list[str]) -> list[str]:
    """One cell per enumerated part, its words joined (a space inside 不予 公开 is a line
    break of the printed cell)."""
    cells: list[str] = []
    for w in words:
        if cells and _level(w) is None:
            cells[-1] += w
        else:
            cells.append(w)
    return cells

"""Plain text (Word's text export, or tab-separated rows) and Markdown with pipe tables or
HTML <table> blocks (what document-conversion tools write for merged cells)."""

from __future__ import annotations

from pathlib import Path

from tests.fuzz.compose import PageBreak, TableBlock, compose
from tests.fuzz.grid import place
from tests.fuzz.render_html import html_table
from tests.fuzz.truth import Report


def _cells_table(block: TableBlock) -> list[str]:
    """Word's text export: one cell a line after a tab; a merged cell once, the rows it
    spans below as one empty cell each; a blank line after each row and after the table."""
    lines: list[str] = []
    for line in place(block.grid):
        prev = None
        for slot in line:
            if slot.anchor:
                lines.append("\t" + slot.cell.text)
            elif not slot.top and (prev is None or prev.cell is not slot.cell):
                lines.append("\t")
            prev = slot
        lines.append("")
    lines.append("")
    return lines


def _rows_table(block: TableBlock) -> list[str]:
    """Rows as tab-separated lines (a spreadsheet pasted into a text file)."""
    return ["\t".join(s.cell.text.replace("\n", "") if s.anchor else "" for s in line) for line in place(block.grid)] + [""]


def text_text(rep: Report) -> str:
    out: list[str] = []
    for block in compose(rep):
        if isinstance(block, PageBreak):
            out.append("\f")
        elif isinstance(block, TableBlock):
            out += _cells_table(block) if rep.layout.text_style == "cells" else _rows_table(block)
        else:
            out.append(block.text)
    return "\n".join(out) + "\n"


def markdown_text(rep: Report) -> str:
    out: list[str] = []
    for block in compose(rep):
        if isinstance(block, PageBreak):
            continue
        if isinstance(block, TableBlock) and rep.layout.md_style == "html":
            out += ["", html_table(block, "plain"), ""]
        elif isinstance(block, TableBlock):
            dense = place(block.grid)
            row = ["| " + " | ".join(s.cell.text.strip().replace("\n", "<br>") if s.anchor else "" for s in line) + " |" for line in dense]
            out += ["", row[0], "|" + "---|" * len(dense[0]), *row[1:], ""]
        elif block.kind == "title":
            out.append("# " + block.text)
        elif block.kind == "heading":
            out.append("## " + block.text)
        else:
            out += [block.text, ""]
    return "\n".join(out) + "\n"


def write_text(rep: Report, path: Path) -> Path:
    path.write_bytes(text_text(rep).encode(rep.layout.encoding))
    return path


def write_markdown(rep: Report, path: Path) -> Path:
    path.write_bytes(markdown_text(rep).encode("utf-8"))
    return path

"""A .docx written with python-docx directly: real merged cells, Word's own table grid."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.fuzz.compose import PageBreak, Para, TableBlock, compose
from tests.fuzz.grid import place
from tests.fuzz.truth import Report


def _paragraph(doc: object, para: Para, style: str) -> None:
    if para.kind == "title" and style == "heading":
        doc.add_heading(para.text, level=1)
        return
    p = doc.add_paragraph()
    run = p.add_run(para.text)
    if para.kind == "title" and style == "bold_center":
        run.bold = True
        run.font.size = Pt(18)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif para.kind == "signature":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif para.kind == "caption":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_header(row: object) -> None:
    """Mark a header row to repeat on every page, as Word users do for long tables."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cell_text(cell: object, text: str, label_break: str) -> None:
    """A wrapped label: a line break (python-docx writes "\n" as <w:br/>) or a second paragraph."""
    first, _, rest = text.partition("\n")
    if label_break == "para" and rest:
        cell.text = first
        cell.add_paragraph(rest)
    else:
        cell.text = text


def _table(doc: object, block: TableBlock, label_break: str) -> None:
    dense = place(block.grid)
    table = doc.add_table(rows=len(dense), cols=len(dense[0]))
    table.style = "Table Grid"
    done: set[int] = set()
    for r, line in enumerate(dense):
        c = 0
        while c < len(line):
            slot = line[c]
            if slot.anchor and id(slot.cell) not in done:
                done.add(id(slot.cell))
                cell = table.cell(r, c)
                if slot.cell.rowspan > 1 or slot.cell.colspan > 1:
                    cell = cell.merge(table.cell(r + slot.cell.rowspan - 1, c + slot.cell.colspan - 1))
                _cell_text(cell, slot.cell.text, label_break)
                if slot.cell.header:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            c += 1
        if all(s.cell.header for s in line):
            _repeat_header(table.rows[r])
    if block.break_before_row is not None:
        table.cell(block.break_before_row, 0).paragraphs[0].paragraph_format.page_break_before = True


def docx_bytes(rep: Report) -> bytes:
    doc = new_document()
    doc.core_properties.title = ""  # no title property: the body must carry the title
    for block in compose(rep):
        if isinstance(block, PageBreak):
            doc.add_page_break()
        elif isinstance(block, TableBlock):
            _table(doc, block, rep.layout.label_break)
        else:
            _paragraph(doc, block, rep.layout.title_style)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_docx(rep: Report, path: Path) -> Path:
    path.write_bytes(docx_bytes(rep))
    return path

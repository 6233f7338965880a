"""The Word writer: a report as a .docx in the official merged-cell layout.

Fonts, sizes and margins are those of the official template (仿宋_GB2312 三号 body,
宋体 五号 in tables); the cell XML is written by hand because python-docx cannot set
gridSpan/vMerge the way the template does. The file is re-packed with fixed member
timestamps, so the same report always gives the same bytes (and sha256).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, Twips
from docx.text.run import Run

from tests.kit.composer import Block, PCell, PTable, compose, placed_cells
from tests.kit.report import SynthReport

_FONTS = {
    "title": ("方正小标宋简体", 22.0, False),
    "heading": ("黑体", 16.0, False),
    "subheading": ("楷体_GB2312", 16.0, False),
    "caption": ("黑体", 14.0, False),
}
_BODY_FONT = ("仿宋_GB2312", 16.0, False)
_CELL_FONT = "宋体"
_CELL_SIZE = 21  # half-points: 10.5pt (五号), as in the template


def _font(run: Run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold or None
    # font.name sets only the Latin slots; Chinese text uses w:eastAsia.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _cell_paragraph(lines: list[str], align: str) -> BaseOxmlElement:
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center" if align == "center" else "left")
    ppr.append(jc)
    p.append(ppr)
    for i, line in enumerate(lines):
        if not line and len(lines) == 1:
            break  # an empty cell is an empty paragraph, as in the template
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), _CELL_FONT)
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(_CELL_SIZE))
        rpr.append(fonts)
        rpr.append(sz)
        r.append(rpr)
        if i:
            r.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = line
        r.append(t)
        p.append(r)
    return p


def _tc(cell: PCell, width: int) -> BaseOxmlElement:
    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), str(width))
    w.set(qn("w:type"), "dxa")
    pr.append(w)  # schema order: tcW, gridSpan, vMerge, …, vAlign
    if cell.span > 1:
        gs = OxmlElement("w:gridSpan")
        gs.set(qn("w:val"), str(cell.span))
        pr.append(gs)
    if cell.vmerge:
        vm = OxmlElement("w:vMerge")
        vm.set(qn("w:val"), cell.vmerge)
        pr.append(vm)
    va = OxmlElement("w:vAlign")
    va.set(qn("w:val"), "center")
    pr.append(va)
    tc.append(pr)
    text = "" if cell.vmerge == "continue" else cell.text
    lines = text.split("\n")
    if cell.br:
        tc.append(_cell_paragraph(lines, cell.align))
    else:
        for line in lines:
            tc.append(_cell_paragraph([line], cell.align))
    return tc


def docx_table(document: DocxDocument, table: PTable) -> None:
    t = document.add_table(rows=0, cols=len(table.widths))
    t.style = document.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for gc, w in zip(t._tbl.tblGrid.gridCol_lst, table.widths, strict=True):
        gc.w = Twips(w)
    for placed in placed_cells(table.rows):
        tr = OxmlElement("w:tr")
        for col, cell in placed:
            tr.append(_tc(cell, sum(table.widths[col : col + cell.span])))
        t._tbl.append(tr)


def _docx_bytes(blocks: list[Block], rep: SynthReport) -> bytes:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = _BODY_FONT[0]
    normal.font.size = Pt(_BODY_FONT[1])
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _BODY_FONT[0])
    sec = document.sections[0]
    sec.left_margin = sec.right_margin = Twips(1588)
    sec.top_margin, sec.bottom_margin = Twips(2098), Twips(1985)
    for block in blocks:
        if isinstance(block, PTable):
            docx_table(document, block)
            continue
        p = document.add_paragraph()
        fmt = p.paragraph_format
        if block.role in ("title", "caption"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.role in ("signature", "date"):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.role in ("body", "preamble", "subheading", "heading"):
            fmt.first_line_indent = Pt(32)  # two characters, the official style
        if block.text:
            name, size, bold = _FONTS.get(block.role, _BODY_FONT)
            _font(p.add_run(block.text), name, size, bold)
    props = document.core_properties
    stamp = dt.datetime.combine(rep.published_on, dt.time(9, 0))
    props.title = rep.title
    props.author = props.last_modified_by = rep.agency
    props.created = props.modified = stamp
    props.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue(), stamp)


def _stable_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Re-pack with fixed member timestamps so the same report gives the same sha256."""
    out = io.BytesIO()
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, 0)
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def write_docx(rep: SynthReport, path: str | Path, **variant: object) -> Path:
    """Write the report as a Word file in the official merged-cell layout."""
    path = Path(path)
    path.write_bytes(_docx_bytes(compose(rep, **variant), rep))
    return path


def write_blocks_docx(blocks: list[Block], path: str | Path) -> Path:
    """Blocks (edited by a test) as a plain Word file: python-docx's default styles, each
    paragraph as is, the tables in the writer's merged-cell layout."""
    d = docx.Document()
    for b in blocks:
        if isinstance(b, PTable):
            docx_table(d, b)
        else:
            d.add_paragraph(b.text)
    path = Path(path)
    d.save(str(path))
    return path

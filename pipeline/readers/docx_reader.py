"""Word 2007+ (.docx) reports into the document model.

The parts the reader needs (main document, styles, headers, core properties) are read
straight from the zip (pipeline.readers.docx_package); a package that path does not read
exactly as python-docx would goes through python-docx's `Package.open` instead. Either
way paragraphs and tables are read from the body XML directly:
python-docx's `row.cells` repeats merged cells without saying which grid position
is the anchor, and its paragraph text includes text boxes and deleted revisions,
neither of which belongs in a report's reading order.

Merged cells: `w:gridSpan` spans columns to the right of the anchor; `w:vMerge`
"restart" starts a vertical merge that following rows continue with a bare
`w:vMerge` (or val="continue") at the same grid column. Every covered position
gets the anchor's text and `anchor=(row, col)`.
"""

from __future__ import annotations

import io
import zipfile

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.coreprops import CoreProperties
from docx.opc.part import PartFactory
from docx.package import Package
from docx.parts.document import DocumentPart
from lxml import etree

from pipeline.model import Cell, Document, Paragraph, RejectedInput, Table
from pipeline.readers.docx_package import R_ID, WordParts, read_parts
from pipeline.readers.safety import (
    OLE_MAGIC,
    is_encrypted_ooxml,
    open_checked_zip,
    parse_xml,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

CAPTION_MAX_CHARS = 20
# Word itself stops at 63 columns; the cap keeps a hostile gridSpan from allocating
# millions of cells.
MAX_COLS = 256

# Main-part content types of Word documents. python-docx registers only the first;
# macro-enabled documents and templates (.docm/.dotx/.dotm) have the same XML, so
# they are registered too (python-docx's registry is global, adding types is harmless).
WORD_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
for _ct in WORD_MAIN_TYPES:
    PartFactory.part_type_for.setdefault(_ct, DocumentPart)

# Run-level content that is not part of the visible text in reading order.
_SKIP = {
    W + "pPr",
    W + "rPr",
    W + "sdtPr",
    W + "sdtEndPr",
    W + "del",  # deleted revision
    W + "moveFrom",  # moved-away revision (the text shows up again at w:moveTo)
    W + "delText",
    W + "delInstrText",
    W + "instrText",  # field code; the field's result runs are kept
    W + "fldData",
    W + "txbxContent",  # text box: floating, outside the reading order
    W + "drawing",
    W + "pict",
    W + "object",
    W + "rt",  # ruby annotation (pinyin above characters)
    MC + "AlternateContent",  # wraps drawings and their text boxes
}
# Containers whose children are block content (paragraphs and tables).
_BLOCK_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml"}

# Hints for a zip that is some other kind of document.
_OTHER_ZIPS = (
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("Contents/0.xml", "an OFD document"),
    ("content.xml", "an OpenDocument file"),
)


def read_docx(path: str, data: bytes, sha256: str) -> Document:
    """Read a .docx (or .docm/.dotx) into a Document of paragraphs and tables."""
    _check_container(data)
    parts = _direct_parts(data)
    if parts is not None:
        return _read_direct(path, sha256, parts)
    return _read_with_python_docx(path, data, sha256)


def _direct_parts(data: bytes) -> WordParts | None:
    """The parts straight from the zip (the fast path), or None when the package is one
    python-docx should judge (see pipeline.readers.docx_package)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return read_parts(zf, WORD_MAIN_TYPES)
    except Exception:  # Unusual, or anything else odd: python-docx decides, as it always did
        return None


def _read_direct(path: str, sha256: str, parts: WordParts) -> Document:
    reader = _BodyReader(parts.styles)
    doc = Document(source_path=path, sha256=sha256, file_type="docx")
    reader.read_blocks(parts.document.find(W + "body"), doc)
    doc.metadata.update(_props_metadata(parts.core))
    header = _direct_header_text(parts)
    return _finish(doc, reader, header)


def _read_with_python_docx(path: str, data: bytes, sha256: str) -> Document:
    try:
        package = Package.open(io.BytesIO(data))
        part = package.main_document_part
    except RejectedInput:
        raise
    except Exception as exc:  # python-docx raises many kinds for broken packages
        raise RejectedInput(f"corrupt .docx: {type(exc).__name__}: {_one_line(exc)}") from exc
    if not isinstance(part, DocumentPart):
        raise RejectedInput(f"not a Word document: main part is {part.content_type}")
    try:
        document: DocxDocument = part.document
        styles = _style_names(document)
    except Exception as exc:  # broken styles part or body
        raise RejectedInput(f"corrupt .docx: {type(exc).__name__}: {_one_line(exc)}") from exc

    reader = _BodyReader(styles)
    doc = Document(source_path=path, sha256=sha256, file_type="docx")
    body = document.element.body
    reader.read_blocks(body, doc)
    doc.metadata.update(_core_metadata(document))
    return _finish(doc, reader, _header_text(document))


def _finish(doc: Document, reader: _BodyReader, header: str) -> Document:
    if header:
        doc.metadata["docx_header"] = header
    if reader.text_boxes:
        doc.notes.append(f"{reader.text_boxes} text box(es) ignored")
    if reader.alt_chunks:
        doc.notes.append(f"{reader.alt_chunks} embedded altChunk document(s) not read")
    return doc


def _check_container(data: bytes) -> None:
    """Reject anything that is not a sane zip holding a Word main document."""
    if data.startswith(OLE_MAGIC):
        if is_encrypted_ooxml(data):
            raise RejectedInput("encrypted .docx: password-protected Office file (OLE container)")
        raise RejectedInput("not a .docx: OLE container (legacy Word .doc or similar)")
    if not data.startswith(b"PK"):
        raise RejectedInput("not a Word document: not a zip file")
    with open_checked_zip(data, ".docx") as zf:
        names = set(zf.namelist())
        if "word/document.xml" in names or _declares_word_main(zf, names):
            return
    hint = next((f" (looks like {kind})" for member, kind in _OTHER_ZIPS if member in names), "")
    raise RejectedInput(f"not a Word document: zip has no word/document.xml{hint}")


def _declares_word_main(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """Some generators name the main part differently (e.g. word/document2.xml)."""
    if "[Content_Types].xml" not in names:
        return False
    info = zf.getinfo("[Content_Types].xml")
    if info.file_size > 1024 * 1024:
        return False
    try:
        root = parse_xml(zf.read(info))
    except (RejectedInput, zipfile.BadZipFile, OSError, EOFError):
        return False
    for el in root.iter(CONTENT_TYPES_NS + "Override"):
        if el.get("ContentType") in WORD_MAIN_TYPES:
            return True
    return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _style_names(document: DocxDocument) -> dict[str | None, str]:
    """Paragraph style id -> UI name; key None is the default paragraph style."""
    names: dict[str | None, str] = {}
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.style_id and style.name:
            names[style.style_id] = style.name
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    if default is not None and default.name:
        names[None] = default.name
    return names


def _core_metadata(document: DocxDocument) -> dict[str, str]:
    """Title and dates from docProps/core.xml: a hint to the report year when the text is vague."""
    try:
        props = document.core_properties
    except Exception:  # malformed core properties are not worth rejecting a report
        return {}
    return _props_metadata(props)


def _props_metadata(props: CoreProperties) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        values = {
            "docx_title": props.title,
            "docx_author": props.author,
            "docx_created": props.created.isoformat() if props.created else None,
            "docx_modified": props.modified.isoformat() if props.modified else None,
        }
    except Exception:  # malformed core properties are not worth rejecting a report
        return out
    for key, value in values.items():
        if value:
            out[key] = str(value)
    return out


def _direct_header_text(parts: WordParts) -> str:
    """_header_text over the directly read parts: the same sections, the same order (first
    page header, then the default one), the same paragraph text (python-docx's)."""
    from docx.text.paragraph import Paragraph as DocxParagraph

    lines: list[str] = []
    body = parts.document.find(W + "body")
    sects = [s for p in body.findall(W + "p") for s in p.findall(f"{W}pPr/{W}sectPr")] + body.findall(W + "sectPr")
    try:
        for sect in sects:
            for kind in ("first", "default"):
                ref = next((r for r in sect.findall(W + "headerReference") if r.get(W + "type") == kind), None)
                if ref is None:
                    continue  # linked to the previous section
                for p in parts.headers[ref.get(R_ID)].findall(W + "p"):
                    text = _clean(DocxParagraph(p, None).text)  # type: ignore[arg-type]
                    if text and text not in lines:
                        lines.append(text)
    except Exception:  # a malformed header part is not worth rejecting a report
        return ""
    return "\n".join(lines)


def _header_text(document: DocxDocument) -> str:
    """Text of the page headers: some reports print their title only there. Kept as
    metadata, not body text, so it never repeats inside the report."""
    lines: list[str] = []
    try:
        for section in document.sections:
            for hdr in (section.first_page_header, section.header):
                if hdr.is_linked_to_previous:
                    continue
                for para in hdr.paragraphs:
                    text = _clean(para.text)
                    if text and text not in lines:
                        lines.append(text)
    except Exception:  # a malformed header part is not worth rejecting a report
        return ""
    return "\n".join(lines)


def _clean(text: str) -> str:
    """Strip each line (full-width indentation included) and drop empty lines."""
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_TC_PR, _GRID_SPAN, _V_MERGE, _H_MERGE, _VAL = W + "tcPr", W + "gridSpan", W + "vMerge", W + "hMerge", W + "val"


def _first_children(el: etree._Element) -> dict[object, etree._Element]:
    """Each child tag's first element, in one pass over the children: what `find(tag)`
    gives for each, without a path lookup per property (cells are read by the thousand)."""
    first: dict[object, etree._Element] = {}
    for child in el:
        first.setdefault(child.tag, child)
    return first


def _first_child(el: etree._Element, tag: str) -> etree._Element | None:
    for child in el:
        if child.tag == tag:
            return child
    return None


def _int_val(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(W + "val", default))
    except ValueError:
        return default


class _BodyReader:
    def __init__(self, styles: dict[str | None, str]) -> None:
        self.styles = styles
        self.text_boxes = 0
        self.alt_chunks = 0

    # -- block level ---------------------------------------------------------------

    def read_blocks(self, container: etree._Element, doc: Document) -> None:
        for child in container:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions, unexpanded entity refs
            if tag == W + "p":
                text = _clean(self.paragraph_text(child))
                if text:
                    doc.blocks.append(Paragraph(text=text, style=self.paragraph_style(child)))
            elif tag == W + "tbl" and _is_frame(child):
                # A one-cell frame (or a column of them) around the real content, as
                # Word files made from web pages or OA systems have: read what is inside.
                for tr in _children(child, W + "tr"):
                    for tc in _children(tr, W + "tc"):
                        self.read_blocks(tc, doc)
            elif tag == W + "tbl":
                rows = self.table_grid(child)
                if rows:
                    table = Table(index=len(doc.tables), rows=rows, caption=_caption(doc))
                    doc.blocks.append(table)
            elif tag in _BLOCK_WRAPPERS:
                if not _is_placeholder(child):
                    self.read_blocks(child, doc)
            elif tag == W + "altChunk":
                self.alt_chunks += 1

    def paragraph_style(self, p: etree._Element) -> str | None:
        ppr = p.find(W + "pPr")
        style = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style.get(W + "val") if style is not None else None
        return self.styles.get(style_id) or self.styles.get(None)

    def paragraph_text(self, p: etree._Element) -> str:
        out: list[str] = []
        self._run_text(p, out)
        return "".join(out)

    def _run_text(self, el: etree._Element, out: list[str]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in _SKIP:
                if tag == W + "txbxContent":
                    self.text_boxes += 1
                elif tag in (W + "drawing", W + "pict", MC + "AlternateContent"):
                    # Count text boxes once per drawing (AlternateContent holds two
                    # renditions of the same box).
                    if child.find(".//" + W + "txbxContent") is not None:
                        self.text_boxes += 1
                continue
            if tag == W + "t":
                out.append(_element_text(child))
            elif tag in (W + "tab", W + "ptab"):
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == W + "sdt" and _is_placeholder(child):
                continue
            else:
                # w:r, w:hyperlink, w:ins, w:moveTo, w:smartTag, w:fldSimple, w:sdt, ...
                self._run_text(child, out)

    # -- tables --------------------------------------------------------------------

    def table_grid(self, tbl: etree._Element) -> list[list[Cell]]:
        grid: list[list[Cell | None]] = []
        for tr in _children(tbl, W + "tr"):
            trpr = tr.find(W + "trPr")
            if trpr is not None and trpr.find(W + "del") is not None:
                continue  # row deleted in tracked changes
            r = len(grid)
            row: list[Cell | None] = []
            before = min(
                _int_val(trpr.find(W + "gridBefore") if trpr is not None else None, 0), MAX_COLS
            )
            row.extend([None] * max(before, 0))
            for tc in _children(tr, W + "tc"):
                if len(row) >= MAX_COLS:
                    break
                self._place_cell(tc, r, row, grid)
            grid.append(row)
        width = max([len(row) for row in grid], default=0)
        grid_cols = tbl.find(W + "tblGrid")
        if grid_cols is not None:
            width = max(width, min(len(grid_cols.findall(W + "gridCol")), MAX_COLS))
        if width == 0:
            return []
        rows: list[list[Cell]] = []
        for r, row in enumerate(grid):
            row.extend([None] * (width - len(row)))
            rows.append([cell or Cell(text="", row=r, col=c) for c, cell in enumerate(row)])
        return rows

    def _place_cell(
        self, tc: etree._Element, r: int, row: list[Cell | None], grid: list[list[Cell | None]]
    ) -> None:
        tcpr = _first_child(tc, _TC_PR)
        span = 1
        vmerge: str | None = None
        hmerge: str | None = None
        if tcpr is not None:
            props = _first_children(tcpr)
            span = _int_val(props.get(_GRID_SPAN), 1)
            vm = props.get(_V_MERGE)
            if vm is not None:
                # A bare <w:vMerge/> means "continue" (the attribute's default).
                vmerge = vm.get(_VAL, "continue")
            hm = props.get(_H_MERGE)
            if hm is not None:
                hmerge = hm.get(_VAL, "continue")
        span = max(1, min(span, MAX_COLS - len(row)))
        c0 = len(row)

        if vmerge == "continue" and r > 0:
            above = grid[r - 1]
            for k in range(span):
                c = c0 + k
                top = above[c] if c < len(above) else None
                if top is None:
                    # Nothing to continue (malformed): the cell stands on its own.
                    row.append(Cell(text=self.cell_text(tc), row=r, col=c))
                    continue
                anchor = top.anchor or (top.row, top.col)
                row.append(Cell(text=top.text, row=r, col=c, anchor=anchor))
            return
        if hmerge == "continue" and row and row[-1] is not None:
            # Legacy horizontal merge (pre-gridSpan Word): continue the cell to the left.
            left = row[-1]
            anchor = left.anchor or (left.row, left.col)
            for k in range(span):
                row.append(Cell(text=left.text, row=r, col=c0 + k, anchor=anchor))
            return

        text = self.cell_text(tc)
        row.append(Cell(text=text, row=r, col=c0))
        for k in range(1, span):
            row.append(Cell(text=text, row=r, col=c0 + k, anchor=(r, c0)))

    def cell_text(self, tc: etree._Element) -> str:
        lines: list[str] = []
        self._cell_lines(tc, lines)
        return _clean("\n".join(lines))

    def _cell_lines(self, container: etree._Element, lines: list[str]) -> None:
        for child in container:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == W + "p":
                lines.append(self.paragraph_text(child))
            elif tag == W + "tbl":
                # Nested table flattened: one line per row, anchor cells joined by tabs.
                for nested_row in self.table_grid(child):
                    texts = [c.text for c in nested_row if c.anchor is None and c.text]
                    if texts:
                        lines.append("\t".join(texts))
            elif tag in _BLOCK_WRAPPERS and not _is_placeholder(child):
                self._cell_lines(child, lines)


def _is_frame(tbl: etree._Element) -> bool:
    """A layout table: one column whose cells each hold a table. (A lone cell holding
    only text stays a table: a boxed note.)"""
    rows = _children(tbl, W + "tr")
    cells = [tc for tr in rows for tc in _children(tr, W + "tc")]
    if len(cells) != len(rows) or not cells:
        return False
    return all(tc.find(W + "tbl") is not None for tc in cells)


def _children(parent: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with `tag`, looking through content controls and custom XML."""
    found: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _BLOCK_WRAPPERS:
            found.extend(_children(child, tag))
    return found


def _is_placeholder(el: etree._Element) -> bool:
    """A content control still showing its prompt ("单击此处输入文字"), not user text."""
    return el.tag == W + "sdt" and el.find(f"{W}sdtPr/{W}showingPlcHdr") is not None


def _element_text(el: etree._Element) -> str:
    """Text of a w:t, skipping unexpanded entity references but keeping text after them."""
    parts = [el.text or ""]
    for child in el:
        parts.append(child.tail or "")
    return "".join(parts)


def _caption(doc: Document) -> str | None:
    """Nearest preceding short paragraph, not looking past the previous table."""
    for block in reversed(doc.blocks):
        if isinstance(block, Table):
            return None
        if len(block.text) <= CAPTION_MAX_CHARS:
            return block.text
    return None

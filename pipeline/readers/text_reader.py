"""Plain-text dumps of a .docx in the style of the shared sample, or of a spreadsheet.

Narrative lines are unindented; a table is a run of tab-prefixed lines, one cell per
line, with one blank line between rows. An unindented line that directly follows a
cell line (no blank in between) continues that cell (a label broken over lines).

The other common export prints a table one row a line, cells separated by tabs (merged
cells left empty): a line with a tab inside it, not only in front, is such a row, and a
run of them is one table.

A crawler's dump of a portal page may print the whole article on one line, tables
flattened into it (readers/flat_tables.py); such a line is cut back into its blocks.
"""

from __future__ import annotations

from pipeline.model import Document, Paragraph, Table, grid_from_rows
from pipeline.readers.encoding import decode_text
from pipeline.readers.flat_tables import is_flat_report, split_flat_report


def read_text(path: str, data: bytes, sha256: str) -> Document:
    text = decode_text(data)
    doc = Document(source_path=path, sha256=sha256, file_type="txt")
    rows: list[list[str]] = []
    row: list[str] = []
    in_table = False
    row_mode = False  # the table being read is printed a row a line
    prev_cell = False  # the previous line was a cell line

    def close_table() -> None:
        nonlocal rows, row
        if row:
            rows.append(row)
        if rows:
            doc.blocks.append(Table(index=len(doc.tables), rows=grid_from_rows(rows)))
        rows, row = [], []

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _is_row_line(line):
            if in_table and not row_mode:
                close_table()
            in_table, row_mode, prev_cell = True, True, False
            rows.append([c.strip() for c in line.split("\t")])
            continue
        if in_table and row_mode:
            # a row table ends at the first line that is not a row
            close_table()
            in_table = row_mode = False
        if line.startswith("\t"):
            in_table = True
            row.append(line[1:].strip())
            prev_cell = True
            continue
        if line.strip() == "":
            if in_table and row:
                rows.append(row)
                row = []
            elif in_table and not row:
                # Two blank lines in a row end the table.
                close_table()
                in_table = False
            prev_cell = False
            continue
        if in_table and prev_cell and row:
            row[-1] = row[-1] + "\n" + line.strip()
            continue
        if in_table:
            close_table()
            in_table = False
        if is_flat_report(line):
            doc.blocks.extend(split_flat_report(line, len(doc.tables)))
        else:
            doc.blocks.append(Paragraph(text=line.strip()))
        prev_cell = False
    if in_table:
        close_table()
    return doc


def _is_row_line(line: str) -> bool:
    """A tab-separated row: a tab after some text, or two tabs or more (a cell line is one
    tab in front of its text)."""
    body = line.rstrip("\n")
    return "\t" in body.lstrip("\t") or (body.count("\t") >= 2 and body.strip("\t") == "" and len(body) > 1)

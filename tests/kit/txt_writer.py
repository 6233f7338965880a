"""The text writer: a report as the docx-to-text dump some archives publish.

It mimics a Tika-style docx-to-text conversion, like
/work/shared/samples/wuhan-qiaokou-archives-2024.txt: one tab-prefixed line per <w:tc> (a
vMerge continuation prints as an empty cell, a gridSpan cell once), a blank line after
each row and one more after the table.
"""

from __future__ import annotations

from pathlib import Path

from tests.kit.composer import PPara, compose
from tests.kit.report import SynthReport


def txt_text(rep: SynthReport, **variant: object) -> str:
    """The report as the sample's docx-to-text dump."""
    lines: list[str] = []
    for block in compose(rep, **variant):
        if isinstance(block, PPara):
            lines.append(block.text)
            continue
        for row in block.rows:
            for cell in row:
                parts = ("" if cell.vmerge == "continue" else cell.text).split("\n")
                lines.append("\t" + parts[0])
                lines.extend(parts[1:])  # continuation lines of a cell are unindented
            lines.append("")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_txt(rep: SynthReport, path: str | Path, **variant: object) -> Path:
    """Write the report as a UTF-8 text dump of its docx (same variants as write_docx)."""
    path = Path(path)
    path.write_text(txt_text(rep, **variant), encoding="utf-8", newline="\n")
    return path

"""The six narrative sections (一 … 六), each with its heading and text."""

from __future__ import annotations

import re

from pipeline import spec
from pipeline.model import Document, Paragraph
from pipeline.normalize import clean_text, cn_numeral, nfkc, squash

# What each numbered heading is about (data/structure.csv); a numbered line that says
# something else is body text (e.g. 一、加强组织领导 inside section 一).
KEYWORDS = spec.section_keywords()
NUMBERS = "".join(cn_numeral(n) for n in sorted(KEYWORDS))
_HEAD = re.compile(rf"^([{NUMBERS}])[、.．,，\s]\s*(.+)$")


def heading_number(text: str) -> int | None:
    t = nfkc(text).strip()
    m = _HEAD.match(t)
    if not m or len(squash(t)) > 40:
        return None
    n = NUMBERS.index(m.group(1)) + 1
    body = squash(m.group(2))
    return n if any(k in body for k in KEYWORDS[n]) else None


def extract_sections(doc: Document) -> list[dict[str, object]]:
    sections: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    last = 0
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            continue
        n = heading_number(block.text)
        if n is not None and n > last:
            current = {"number": n, "heading": clean_text(block.text), "text": "", "page": block.page}
            sections.append(current)
            last = n
            continue
        if current is not None and block.text.strip():
            sep = "\n" if current["text"] else ""
            current["text"] = f"{current['text']}{sep}{block.text.strip()}"
    return sections

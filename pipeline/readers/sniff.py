"""File type by content (magic bytes, zip members), never by extension."""

from __future__ import annotations

import re

from pipeline.readers.js_strings import looks_like_script

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MARKDOWN_SNIFF_BYTES = 65536
# Markdown by its own marks at the start of a line: an ATX heading (`## 一、总体情况`) or a
# pipe table's separator row (`|---|---|`); a text dump of a report has neither.
_MD_HEADING = re.compile(r"^#{1,6}[ \t]*\S", re.M)
_MD_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|[ \t|:-]*$", re.M)


def sniff(data: bytes) -> str:
    """Return one of: pdf, docx (any zip), doc (OLE or RTF), html, md, txt, empty, binary."""
    if not data or not data.strip():
        return "empty"
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        # Every zip goes to the Word reader, which checks the archive for bombs before
        # listing it and says what it is when it is not a Word document.
        return "docx"
    if head.startswith(OLE_MAGIC):
        return "doc"  # legacy Word (also .wps/.xls; the converter tells them apart)
    if head.startswith(b"{\\rtf"):
        return "doc"  # RTF saved as .doc: LibreOffice converts it too
    text = _as_text(head)
    if text is None:
        return "binary"
    low = text.lower()
    if "<html" in low or "<!doctype html" in low or "<body" in low or "<meta" in low:
        return "html"
    if looks_like_script(text):
        return "html"  # an article served as a script (content.js): the HTML reader reads its strings
    # Markdown from a converter may open with pages of plain text before its first table.
    if is_markdown(_as_text(data[:MARKDOWN_SNIFF_BYTES]) or text):
        return "md"
    if "<table" in low:
        return "html"
    return "txt"


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-8", "ignore") if head[:3] == b"\xef\xbb\xbf" else head.decode("utf-16", "ignore")
    if b"\x00" in head:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the 2 KiB boundary is not a reason to refuse.
            if exc.start >= len(head) - 4:
                return head[: exc.start].decode(enc, "ignore")
    return None


def is_markdown(text: str) -> bool:
    return bool(_MD_SEPARATOR.search(text) or _MD_HEADING.search(text))

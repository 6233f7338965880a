"""One reader per file type, all yielding `pipeline.model.Document`.

`read_document` picks the reader by content (see `pipeline.readers.sniff`), never by the
file name, and raises `RejectedInput` with a one-line reason for anything that is
not readable as a report.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.model import Document, RejectedInput
from pipeline.readers.sniff import sniff

if TYPE_CHECKING:
    from pipeline.settings import Settings

MAX_FILE_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RejectedInput(f"file too large ({size} bytes > {MAX_FILE_BYTES})")
    # At most the cap + 1 bytes: a file that grows while read (or /dev/zero) ends there.
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RejectedInput(f"file too large (more than {MAX_FILE_BYTES} bytes)")
    return data


def read_document(path: Path | str, data: bytes | None = None, settings: Settings | None = None) -> Document:
    path = Path(path)
    if data is None:
        data = read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    src = str(path)
    if kind == "empty":
        raise RejectedInput("empty file")
    if kind == "txt":
        from pipeline.readers.text_reader import read_text

        return read_text(src, data, sha)
    if kind == "md":
        from pipeline.readers.markdown_reader import read_markdown

        return read_markdown(src, data, sha)
    if kind == "html":
        from pipeline.readers.html_reader import read_html

        return read_html(src, data, sha)
    if kind == "docx":
        from pipeline.readers.docx_reader import read_docx

        return read_docx(src, data, sha)
    if kind == "pdf":
        try:
            from pipeline.readers.pdf import read_pdf
        except ImportError as exc:
            raise RejectedInput("unsupported file type: PDF (no PDF reader installed)") from exc
        from pipeline.settings import DEFAULT

        return read_pdf(src, data, sha, (settings or DEFAULT).pdf)
    if kind == "doc":
        from pipeline.readers.safety import is_encrypted_ooxml

        if is_encrypted_ooxml(data):
            raise RejectedInput("encrypted Office document: password required")
        try:
            from pipeline.readers.doc_reader import read_doc
        except ImportError as exc:
            raise RejectedInput("unsupported file type: legacy Word (.doc)") from exc
        return read_doc(src, data, sha)
    raise RejectedInput(f"unsupported file type: {kind} (not a Word, PDF, HTML or text file)")

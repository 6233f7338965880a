"""Opening a PDF: rejection reasons and the document's metadata."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.model import RejectedInput

log = logging.getLogger(__name__)


def rejection(exc: BaseException) -> RejectedInput:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    name = type(inner).__name__
    if "Password" in name or "password" in str(inner).lower():
        return RejectedInput("encrypted PDF: password required")
    if "Encryption" in name:
        return RejectedInput(f"encrypted PDF: unsupported encryption ({inner})")
    reason = str(inner).strip().splitlines()[0] if str(inner).strip() else name
    return RejectedInput(f"corrupt PDF: {reason}")


def pdf_date(value: str) -> str | None:
    """'D:20250225100250+08'00'' → '2025-02-25T10:02:50+08:00'."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?", value.strip())
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo or 1), int(d or 1), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace("'", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        dt = dt.replace(tzinfo=timezone(sign * offset))
    elif tz == "Z":
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


def read_metadata(pdf: pdfplumber.PDF, data: bytes, opened: Any = None) -> dict[str, str]:
    """The document information, PDFium's reading over pdfminer's; `opened` is the
    file already open in PDFium (else it is opened here)."""
    out: dict[str, str] = {}
    for key, value in (pdf.metadata or {}).items():
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str) and value.strip():
            out[str(key)] = value.strip()
    # pdfminer decodes UTF-16LE strings (BOM FF FE, which WPS writes) as PDFDocEncoding;
    # PDFium reads the standard keys correctly.
    try:
        import pypdfium2 as pdfium

        doc = opened if opened is not None else pdfium.PdfDocument(data, password="")
        try:
            for key, value in doc.get_metadata_dict().items():
                if value and value.strip():
                    out[key] = value.strip()
        finally:
            if opened is None:
                doc.close()
    except Exception as exc:  # metadata is a courtesy; the text layer was readable
        log.debug("pdfium metadata failed: %s", exc)
    for key in ("CreationDate", "ModDate"):
        if key in out:
            iso = pdf_date(out[key])
            if iso:
                out[key + ".iso"] = iso
    return out

"""One file through the per-document stages: read → extract → validate → status.

`process_file` is the one function a batch, a Dask worker or `gongkai show` calls for a
document; it never raises for bad input (the record says `rejected` and why). Each stage
is a call here, so that extraction never runs a check and a check never reads a file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.extract import extract_document
from pipeline.model import Document, RejectedInput
from pipeline.readers import read_bytes, read_document
from pipeline.record import Record
from pipeline.settings import DEFAULT, Settings
from pipeline.validate import validate_record
from pipeline.validate.status import status_and_reason


def process_document(doc: Document) -> Record:
    """Extract a document that has been read, run the within-report rules, set the status."""
    rec = extract_document(doc)
    if rec.status == "rejected":
        return rec
    rec.findings.extend(validate_record(rec))
    rec.status, rec.reason = status_and_reason(rec.findings)
    return rec


def process_file(path: Path | str, settings: Settings | None = None) -> Record:
    """Read, extract and check one file; unreadable input becomes a rejected record."""
    path = Path(path)
    try:
        data = read_bytes(path)
    except (OSError, RejectedInput) as exc:
        # No content to hash: the record is named by its path, so that it is still one per file.
        return _rejected(hashlib.sha256(str(path).encode()).hexdigest(), path, None, exc)
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = read_document(path, data, settings or DEFAULT)
    except RejectedInput as exc:
        return _rejected(sha, path, None, exc)
    except Exception as exc:  # a reader bug must not stop the batch; say which file and why
        return _rejected(sha, path, None, f"reader failed: {type(exc).__name__}: {exc}")
    try:
        return process_document(doc)
    except Exception as exc:
        return _rejected(sha, path, doc.file_type, f"extraction failed: {type(exc).__name__}: {exc}")


def _rejected(sha: str, path: Path, file_type: str | None, why: object) -> Record:
    return Record(sha256=sha, source_path=str(path), file_type=file_type, status="rejected",
                  reason=_one_line(why))


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__

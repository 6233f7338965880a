"""The task a Dask worker runs for one document: the same steps as a local worker
(pipeline.batch._work) — regular file?, hash, record already there?, process_file, write —
under a per-document time limit, reading the document and writing its record through the
shared store."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.batch import FileTimeout, Outcome, _path_id, _sha_of, not_regular
from pipeline.executors.deadline import thread_deadline
from pipeline.executors.store import RecordStore, fetch, is_url
from pipeline.record import Record
from pipeline.settings import Settings

Process = Callable[[Path, Settings], Record]


def rejected(src: str, sha: str, reason: str, store: RecordStore) -> Outcome:
    rec = Record(sha256=sha, source_path=src, file_type=None, status="rejected", reason=reason)
    return Outcome(_shown(src), sha, rec.status, rec.reason, store.write(rec))


def _shown(src: str) -> Path | str:
    """What the summary prints for a document: its path, or its URL as given."""
    return src if is_url(src) else Path(src)


def extract_one(src: str, store: RecordStore, force: bool, timeout: int, settings: Settings,
                process: Process | None = None) -> Outcome:
    """One document to one record in the store. `process` is pipeline.process.process_file
    unless a test hands another (one that crashes or hangs on purpose)."""
    if process is None:
        from pipeline.process import process_file as process
    sha = hashlib.sha256(src.encode()).hexdigest()
    try:
        with thread_deadline(timeout):
            if is_url(src):
                return _from_url(src, store, force, settings, process)
            return _from_path(src, store, force, settings, process)
    except FileTimeout:
        if not is_url(src):
            try:
                sha = _sha_of(Path(src))
            except OSError:
                sha = _path_id(Path(src))
        return rejected(src, sha, f"extraction stopped: took longer than {timeout} s", store)


def _from_path(src: str, store: RecordStore, force: bool, settings: Settings, process: Process) -> Outcome:
    path = Path(src)
    why = not_regular(path)
    if why:
        return rejected(src, _path_id(path), why, store)
    try:
        sha = _sha_of(path)
    except OSError as exc:
        return rejected(src, _path_id(path), f"cannot read: {exc.strerror or type(exc).__name__}", store)
    rec = store.existing(sha, force)
    if rec is not None:
        return Outcome(path, rec.sha256, rec.status, rec.reason, store.location(sha), True)
    rec = process(path, settings)
    return Outcome(path, rec.sha256, rec.status, rec.reason, store.write(rec))


def _from_url(src: str, store: RecordStore, force: bool, settings: Settings, process: Process) -> Outcome:
    try:
        data = fetch(src)
    except OSError as exc:
        return rejected(src, hashlib.sha256(src.encode()).hexdigest(),
                        f"cannot read: {' '.join(str(exc).split())[:200] or type(exc).__name__}", store)
    sha = hashlib.sha256(data).hexdigest()
    rec = store.existing(sha, force)
    if rec is not None:
        return Outcome(src, rec.sha256, rec.status, rec.reason, store.location(sha), True)
    # The readers take a file (LibreOffice and pdfplumber open paths): a private copy,
    # named like the original, and the record names the URL.
    with tempfile.TemporaryDirectory(prefix="gongkai-") as tmp:
        local = Path(tmp) / (src.rstrip("/").rsplit("/", 1)[-1] or "document")
        local.write_bytes(data)
        rec = process(local, settings)
    rec.source_path = src
    return Outcome(src, rec.sha256, rec.status, rec.reason, store.write(rec))

"""The shared location of documents and records: a local path or an fsspec URL.

A cluster's workers read documents from, and write records to, a place they all see: a
mounted folder, or an object store named by URL (s3://bucket/extracted, file:///srv/x…).
A record is written whole or not at all (a temp name, then a move), named by the file's
sha256, so a rerun skips what is there and duplicates collapse.
"""

from __future__ import annotations

import posixpath
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.batch import TEMP_PREFIX, Discovery, discover
from pipeline.readers import MAX_FILE_BYTES
from pipeline.record import Record, from_json, to_json, write_record


def is_url(where: str | Path) -> bool:
    return isinstance(where, str) and "://" in where


def _fs(url: str) -> tuple[Any, str]:
    from fsspec.core import url_to_fs

    return url_to_fs(url)


def _current(rec: Record, force: bool) -> Record | None:
    """The record if it was made by this version of the extractor (else it is made again)."""
    from pipeline import __version__

    if force:
        return None
    return rec if rec.provenance.get("extractor") == f"gongkai {__version__}" else None


@dataclass
class RecordStore:
    """extracted/ wherever it is. Pickles small (the fsspec filesystem pickles by its
    options), so every task carries it to its worker."""

    where: str

    @property
    def local(self) -> Path | None:
        return None if is_url(self.where) else Path(self.where)

    def location(self, sha: str) -> str:
        if self.local is not None:
            return str(self.local / f"{sha}.json")
        return self.where.rstrip("/") + f"/{sha}.json"

    def prepare(self) -> None:
        if self.local is not None:
            self.local.mkdir(parents=True, exist_ok=True)
        else:
            fs, root = _fs(self.where)
            fs.makedirs(root, exist_ok=True)

    def existing(self, sha: str, force: bool) -> Record | None:
        """A record already made for this content by this extractor version, if any; a
        damaged one is simply made again."""
        if force:
            return None
        try:
            return _current(self.read(self.location(sha)), force)
        except Exception:
            return None

    def write(self, rec: Record) -> str:
        if self.local is not None:
            return str(write_record(rec, self.local))
        fs, root = _fs(self.where)
        target = posixpath.join(root, f"{rec.sha256}.json")
        tmp = posixpath.join(root, f"{TEMP_PREFIX}{uuid.uuid4().hex}.json")
        fs.pipe_file(tmp, to_json(rec).encode("utf-8"))
        fs.mv(tmp, target)  # an object store's PUT is whole anyway; a folder gets a rename
        return self.location(rec.sha256)

    def read(self, location: str) -> Record:
        if not is_url(location):
            return from_json(Path(location).read_text(encoding="utf-8"))
        fs, path = _fs(location)
        return from_json(fs.cat_file(path).decode("utf-8"))


def discover_any(args: list[str]) -> Discovery:
    """Files under local paths (pipeline.batch.discover) and under fsspec URLs (a folder is
    listed recursively, hidden names skipped), in order; a missing one raises FileNotFoundError."""
    found = Discovery()
    local = [a for a in args if not is_url(a)]
    for a in args:
        if not is_url(a):
            continue
        fs, root = _fs(a)
        proto = a.split("://", 1)[0]
        if fs.isdir(root):
            names = sorted(p for p in fs.find(root)
                           if not any(part.startswith(".") for part in posixpath.relpath(p, root).split("/")))
            found.files.extend(f"{proto}://{p}" if not p.startswith(f"{proto}://") else p for p in names)
        elif fs.isfile(root):
            found.files.append(a)
        else:
            raise FileNotFoundError(a)
    if local:
        d = discover([Path(a) for a in local])
        found.files = list(d.files) + found.files
        found.unreadable = d.unreadable
    found.files = list(dict.fromkeys(found.files))
    return found


def fetch(url: str) -> bytes:
    """A document's bytes from a URL, at most the size cap + 1 (the reader rejects more)."""
    fs, path = _fs(url)
    with fs.open(path, "rb") as fh:
        return fh.read(MAX_FILE_BYTES + 1)

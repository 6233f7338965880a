"""The extract stage over many files: discovery, parallel workers, resumable output.

Each document's record lands in extracted/<sha256>.json atomically, so a killed run
leaves only whole records and a rerun extracts only what is not there yet. A file that
hangs is stopped after a time limit (hashing included: a FIFO or a stuck network mount
must not hang the batch), and a file that crashes its worker process is rejected on its
own; the rest of the batch carries on either way.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import signal
import stat
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.readers import MAX_FILE_BYTES
from pipeline.record import Record, flush_to_disk, write_record
from pipeline.settings import DEFAULT, Settings

SKIP_NAMES = {".DS_Store", "Thumbs.db"}
DEFAULT_TIMEOUT = 600  # seconds per file; OCR of a long scanned report takes minutes
TEMP_PREFIX = ".tmp-"  # write_record's temp files; never records
STALE_TEMP_SECONDS = 3600  # a temp file lives for one write: an hour-old one is a killed run's


@dataclass
class Discovery:
    """The files found, and every folder or file that could not be looked into, with why."""

    files: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def discover(paths: Iterable[Path | str]) -> Discovery:
    """Files under the given files and folders (recursive, symlinked folders followed once),
    hidden ones skipped, in order; a missing argument raises FileNotFoundError."""
    found = Discovery()
    seen_dirs: set[tuple[int, int]] = set()  # (device, inode): a symlink loop is walked once
    for p in map(Path, paths):
        if p.is_dir():
            _walk(p, found, seen_dirs)
        elif p.exists() or p.is_symlink():
            found.files.append(p)
        else:
            raise FileNotFoundError(str(p))
    found.files = list(dict.fromkeys(found.files))
    return found


def _walk(top: Path, found: Discovery, seen_dirs: set[tuple[int, int]]) -> None:
    def unreadable(exc: OSError) -> None:
        found.unreadable.append((Path(exc.filename or top), exc.strerror or type(exc).__name__))

    for root, dirs, files in os.walk(top, onerror=unreadable, followlinks=True):
        try:
            st = os.stat(root)
        except OSError as exc:
            unreadable(exc)
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.files.extend(Path(root) / f for f in sorted(files) if not f.startswith(".") and f not in SKIP_NAMES)


@dataclass
class Outcome:
    path: Path | str  # a str when the document was named by URL (a Dask run)
    sha256: str
    status: str
    reason: str | None
    record_path: Path | str | None  # a str: the record's place in a shared store
    skipped: bool = False  # already extracted


class FileTimeout(BaseException):
    """A BaseException, like KeyboardInterrupt, so that the readers' and the extractor's
    `except Exception` (which turn errors into rejected records) do not swallow it."""


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Raise FileTimeout in this (main) thread after `seconds`; 0 means no limit."""
    if seconds <= 0:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeout(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _path_id(path: Path) -> str:
    """The id of a file whose content cannot be read: the hash of its path."""
    return hashlib.sha256(str(path).encode()).hexdigest()


def not_regular(path: Path) -> str | None:
    """Why a path is not a regular file we may open (a FIFO would block the open itself,
    /dev/zero never ends), or None. Symlinks are judged by what they point to."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or type(exc).__name__}"
    if stat.S_ISREG(mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "a special file")
    return f"not a regular file ({kind})"


def _sha_of(path: Path) -> str:
    """sha256 of at most MAX_FILE_BYTES + 1 bytes: a file that grows forever is cut there
    (the reader then rejects it as too large)."""
    h = hashlib.sha256()
    left = MAX_FILE_BYTES + 1
    with path.open("rb") as fh:
        while left > 0:
            chunk = fh.read(min(1 << 20, left))
            if not chunk:
                break
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def _rejected(path: Path, sha: str, reason: str, out_dir: Path) -> Outcome:
    rec = Record(sha256=sha, source_path=str(path), file_type=None, status="rejected", reason=reason)
    return Outcome(path, sha, rec.status, rec.reason, write_record(rec, out_dir))


def _existing(target: Path, force: bool) -> Record | None:
    """A record already extracted by this version of the extractor, if any."""
    from pipeline import __version__
    from pipeline.record import read_record

    if force or not target.exists():
        return None
    try:
        rec = read_record(target)
    except Exception:  # a damaged record is simply made again
        return None
    # A record made by another version of the extractor is made again.
    return rec if rec.provenance.get("extractor") == f"gongkai {__version__}" else None


# The settings of a worker process, set once when it starts: they are handed over by fork,
# not pickled per file (a PdfSettings holds read-only mappings, which do not pickle).
_worker_settings: Settings = DEFAULT


def _use_settings(settings: Settings) -> None:
    global _worker_settings
    _worker_settings = settings


# The readers and the parsing libraries they load on first use, imported in the parent
# before the pool forks so that every worker starts with them loaded: otherwise each
# worker pays about 0.3 s of imports (python-docx, pdfplumber, PDFium's start) inside the
# batch, on its first document of each type.
WARM_MODULES = ("pipeline.process", "pipeline.readers.docx_reader", "pipeline.readers.html_reader",
                "pipeline.readers.text_reader", "pipeline.readers.pdf", "pypdfium2")


def warm_imports() -> None:
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - a reader that cannot load says so on its own files
            continue


def _pool(jobs: int, settings: Settings) -> ProcessPoolExecutor:
    warm_imports()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_use_settings, initargs=(settings,))


def _work(path: Path, out_dir: Path, force: bool, timeout: int, settings: Settings | None = None) -> Outcome:
    from pipeline.process import process_file

    settings = settings or _worker_settings

    why = not_regular(path)
    if why:
        return _rejected(path, _path_id(path), why, out_dir)
    sha = _path_id(path)
    try:
        with _deadline(timeout):
            try:
                sha = _sha_of(path)
            except OSError as exc:
                return _rejected(path, sha, f"cannot read: {exc.strerror or type(exc).__name__}", out_dir)
            target = out_dir / f"{sha}.json"
            rec = _existing(target, force)
            if rec is not None:
                return Outcome(path, rec.sha256, rec.status, rec.reason, target, True)
            rec = process_file(path, settings)
    except FileTimeout as exc:
        return _rejected(path, sha, f"extraction stopped: {exc}", out_dir)
    return Outcome(path, rec.sha256, rec.status, rec.reason, write_record(rec, out_dir))


def clean_stale_temp(folder: Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove temp files a killed run left behind (not those a running extract is writing)."""
    removed = []
    cutoff = time.time() - older_than
    for p in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
                removed.append(p)
        except OSError:
            continue  # gone already, or not ours to remove: the next run tries again
    return removed


def extract_many(
    files: list[Path], out_dir: Path, jobs: int = 1, force: bool = False, timeout: int = DEFAULT_TIMEOUT,
    settings: Settings = DEFAULT,
) -> Iterator[Outcome]:
    """Extract files to out_dir with `jobs` worker processes; yields outcomes as they finish.
    The records are on the disk when the batch ends (or stops), not one by one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_stale_temp(out_dir)
    try:
        yield from _run(files, out_dir, jobs, force, timeout, settings)
    finally:
        flush_to_disk()


def _run(files: list[Path], out_dir: Path, jobs: int, force: bool, timeout: int,
         settings: Settings) -> Iterator[Outcome]:
    if jobs <= 1:
        for f in files:
            yield _work(f, out_dir, force, timeout, settings)
        return
    done: set[Path] = set()
    try:
        with _pool(jobs, settings) as pool:
            futs = [pool.submit(_work, f, out_dir, force, timeout) for f in files]
            for fut in as_completed(futs):
                o = fut.result()
                done.add(o.path)
                yield o
    except BrokenProcessPool:
        # A worker died (a native library crashed on some file). Redo what is left one
        # file per fresh process, so the culprit is found and rejected and the rest load.
        for f in files:
            if f not in done:
                yield _isolated(f, out_dir, force, timeout, settings)


def _isolated(f: Path, out_dir: Path, force: bool, timeout: int, settings: Settings) -> Outcome:
    try:
        with _pool(1, settings) as pool:
            return pool.submit(_work, f, out_dir, force, timeout).result()
    except BrokenProcessPool:
        sha = _path_id(f)
        try:
            sha = _sha_of(f)
        except OSError:
            pass
        return _rejected(f, sha, "the reader crashed its worker process on this file", out_dir)

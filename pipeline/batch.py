"""The extract stage over many files: discovery, parallel workers, resumable output.

Each document's record lands in extracted/<sha256>.json atomically, so a killed run
leaves only whole records and a rerun extracts only what is not there yet. A file that
hangs is stopped after a time limit, and a file that crashes its worker process is
rejected on its own; the rest of the batch carries on either way.
"""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.record import Record, write_record

SKIP_NAMES = {".DS_Store", "Thumbs.db"}
DEFAULT_TIMEOUT = 600  # seconds per file; OCR of a long scanned report takes minutes


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Files under the given files and folders (recursive), hidden ones skipped, sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(Path(root) / f for f in sorted(files)
                           if not f.startswith(".") and f not in SKIP_NAMES)
        elif p.exists():
            out.append(p)
        else:
            raise FileNotFoundError(str(p))
    return list(dict.fromkeys(out))


@dataclass
class Outcome:
    path: Path
    sha256: str
    status: str
    reason: str | None
    record_path: Path | None
    skipped: bool = False  # already extracted


def _sha_of(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


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


def _rejected(path: Path, reason: str, out_dir: Path) -> Outcome:
    sha = _sha_of(path) or hashlib.sha256(str(path).encode()).hexdigest()
    rec = Record(sha256=sha, source_path=str(path), file_type=None, status="rejected", reason=reason)
    return Outcome(path, sha, rec.status, rec.reason, write_record(rec, out_dir))


def _work(path: Path, out_dir: Path, force: bool, timeout: int) -> Outcome:
    from pipeline import __version__
    from pipeline.process import process_file
    from pipeline.record import read_record

    sha = _sha_of(path)
    target = out_dir / f"{sha}.json" if sha else None
    if target is not None and target.exists() and not force:
        try:
            rec = read_record(target)
            # A record made by another version of the extractor is made again.
            if rec.provenance.get("extractor") == f"gongkai {__version__}":
                return Outcome(path, rec.sha256, rec.status, rec.reason, target, True)
        except Exception:  # a damaged record is simply redone
            pass
    try:
        with _deadline(timeout):
            rec = process_file(path)
    except FileTimeout as exc:
        return _rejected(path, f"extraction stopped: {exc}", out_dir)
    return Outcome(path, rec.sha256, rec.status, rec.reason, write_record(rec, out_dir))


def extract_many(
    files: list[Path], out_dir: Path, jobs: int = 1, force: bool = False, timeout: int = DEFAULT_TIMEOUT,
    on_done: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Extract files to out_dir with `jobs` worker processes; yields outcomes as they finish."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for o in _run(files, out_dir, jobs, force, timeout):
        if on_done:
            on_done(o)
        yield o


def _run(files: list[Path], out_dir: Path, jobs: int, force: bool, timeout: int) -> Iterator[Outcome]:
    if jobs <= 1:
        for f in files:
            yield _work(f, out_dir, force, timeout)
        return
    done: set[Path] = set()
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
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
                yield _isolated(f, out_dir, force, timeout)


def _isolated(f: Path, out_dir: Path, force: bool, timeout: int) -> Outcome:
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(_work, f, out_dir, force, timeout).result()
    except BrokenProcessPool:
        return _rejected(f, "the reader crashed its worker process on this file", out_dir)

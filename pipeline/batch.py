"""The extract stage over many files: discovery, parallel workers, resumable output.

Each document's record lands in extracted/<sha256>.json atomically, so a killed run
leaves only whole records and a rerun extracts only what is not there yet.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from pipeline.record import Record, write_record

SKIP_NAMES = {".DS_Store", "Thumbs.db"}


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
    seen: dict[Path, None] = {}
    for p in out:
        seen.setdefault(p, None)
    return list(seen)


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


def _work(path: str, out_dir: str, force: bool) -> tuple[str, str, str, str | None, str | None, bool]:
    from pipeline import __version__
    from pipeline.extract import extract_file
    from pipeline.record import read_record

    p = Path(path)
    sha = _sha_of(p)
    target = Path(out_dir) / f"{sha}.json" if sha else None
    if target is not None and target.exists() and not force:
        try:
            rec = read_record(target)
            # A record made by another version of the extractor is made again.
            if rec.provenance.get("extractor") == f"gongkai {__version__}":
                return path, rec.sha256, rec.status, rec.reason, str(target), True
        except Exception:  # a damaged record is simply redone
            pass
    rec: Record = extract_file(p)
    written = write_record(rec, Path(out_dir))
    return path, rec.sha256, rec.status, rec.reason, str(written), False


def extract_many(
    files: list[Path], out_dir: Path, jobs: int = 1, force: bool = False,
    on_done: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Extract files to out_dir with `jobs` worker processes; yields outcomes as they finish."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if jobs <= 1:
        results: Iterable = (_work(str(f), str(out_dir), force) for f in files)
        for r in results:
            o = Outcome(Path(r[0]), r[1], r[2], r[3], Path(r[4]) if r[4] else None, r[5])
            if on_done:
                on_done(o)
            yield o
        return
    done: set[str] = set()
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futs = {pool.submit(_work, str(f), str(out_dir), force): f for f in files}
            for fut in as_completed(futs):
                r = fut.result()
                done.add(r[0])
                o = Outcome(Path(r[0]), r[1], r[2], r[3], Path(r[4]) if r[4] else None, r[5])
                if on_done:
                    on_done(o)
                yield o
    except BrokenProcessPool:
        # A worker died (a native library crashed on some file). Redo what is left one
        # file per fresh process, so the culprit is found and rejected and the rest load.
        for f in files:
            if str(f) in done:
                continue
            o = _isolated(f, out_dir, force)
            if on_done:
                on_done(o)
            yield o


def _isolated(f: Path, out_dir: Path, force: bool) -> Outcome:
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            r = pool.submit(_work, str(f), str(out_dir), force).result()
        return Outcome(Path(r[0]), r[1], r[2], r[3], Path(r[4]) if r[4] else None, r[5])
    except BrokenProcessPool:
        from pipeline.record import Record

        sha = _sha_of(f) or hashlib.sha256(str(f).encode()).hexdigest()
        rec = Record(sha256=sha, source_path=str(f), file_type=None, status="rejected",
                     reason="the reader crashed its worker process on this file")
        written = write_record(rec, out_dir)
        return Outcome(f, sha, rec.status, rec.reason, written)

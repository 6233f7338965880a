"""Throughput figures for `make bench`: documents per second per file type, pages per
second and peak memory per worker for paged formats, the PDF reference ratio against a
plain pdfplumber extract_tables() over every page, and loading speed.

Prints figures; asserts nothing (performance goals live here, not in unit tests).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.sniff import sniff  # noqa: E402


def corpus(folder: Path) -> dict[str, list[Path]]:
    by_type: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            by_type[sniff(p.read_bytes())].append(p)
    return dict(by_type)


def _worker(kind: str, files: list[str], min_seconds: float) -> None:
    """Runs in a fresh process so its peak RSS is this file type's alone."""
    from pipeline.extract import extract_file

    n = pages = 0
    statuses: dict[str, int] = defaultdict(int)
    start = time.perf_counter()
    while True:
        for f in files:
            rec = extract_file(f)
            n += 1
            pages += int(rec.metadata.get("pages") or 0)
            statuses[rec.status] += 1
        if time.perf_counter() - start >= min_seconds:
            break
    secs = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "docs": n, "pages": pages, "seconds": secs, "peak_mb": peak_mb,
                      "statuses": statuses}))


def _reference_worker(files: list[str], min_seconds: float) -> None:
    import pdfplumber

    n = 0
    start = time.perf_counter()
    while True:
        for f in files:
            with pdfplumber.open(f) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
                    page.close()
            n += 1
        if time.perf_counter() - start >= min_seconds:
            break
    print(json.dumps({"docs": n, "seconds": time.perf_counter() - start}))


def run_sub(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def parallel(files: list[Path], jobs: int, copies: int) -> tuple[int, float]:
    from pipeline.batch import extract_many

    batch = files * copies
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        n = sum(1 for _ in extract_many(batch, Path(tmp), jobs=jobs, force=True))
        return n, time.perf_counter() - start


def load_speed(files: list[Path]) -> tuple[int, int, float]:
    from pipeline.db import connect
    from pipeline.extract import extract_file
    from pipeline.load import load_records

    recs = [extract_file(f) for f in files]
    # Distinct report ids so each copy is really inserted.
    many = []
    for i in range(max(1, 400 // max(1, len(recs)))):
        for r in recs:
            clone = type(r)(**{**r.__dict__, "sha256": f"{r.sha256[:56]}{i:08d}"})
            many.append(clone)
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "b.duckdb")
        start = time.perf_counter()
        load_records(con, many)
        secs = time.perf_counter() - start
        facts = con.execute("SELECT count(*) FROM facts").fetchall()[0][0]
        con.close()
    return len(many), facts, secs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT / "raw"))
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timing per measurement")
    ap.add_argument("--_worker", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--_reference", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._worker:
        _worker(a._worker[0], a._worker[1:], a.seconds)
        return
    if a._reference:
        _reference_worker(a._reference, a.seconds)
        return
    types = corpus(Path(a.folder))
    print(f"corpus {a.folder}: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(types.items())))
    print(f"soffice: {shutil.which('soffice') or 'missing'}; tesseract: {shutil.which('tesseract') or 'missing'}")
    print(f"\n{'type':6} {'docs/s (1 worker)':>18} {'pages/s':>8} {'peak MB/worker':>15} statuses")
    for kind, files in sorted(types.items()):
        r = run_sub(["--seconds", str(a.seconds), "--_worker", kind, *map(str, files)])
        dps = r["docs"] / r["seconds"]
        pps = r["pages"] / r["seconds"] if r["pages"] else 0
        print(f"{kind:6} {dps:18.2f} {pps:8.1f} {r['peak_mb']:15.0f} {dict(r['statuses'])}")
    every = [f for fs in types.values() for f in fs]
    for jobs in (1, 2):
        n, secs = parallel(every, jobs, copies=3)
        print(f"\nall types, {jobs} worker(s): {n} docs in {secs:.1f}s = {n / secs:.2f} docs/s")
    pdfs = types.get("pdf", [])
    if pdfs:
        n, secs = parallel(pdfs, 2, copies=max(1, 12 // len(pdfs)))
        print(f"born-digital and scanned PDF, 2 workers: {n / secs:.2f} docs/s")
        ref = run_sub(["--seconds", str(a.seconds), "--_reference", *map(str, pdfs)])
        own = run_sub(["--seconds", str(a.seconds), "--_worker", "pdf", *map(str, pdfs)])
        ratio = (own["docs"] / own["seconds"]) / (ref["docs"] / ref["seconds"])
        print(f"plain pdfplumber extract_tables() on every page: {ref['docs'] / ref['seconds']:.2f} docs/s; "
              f"gongkai / plain = {ratio:.2f}x")
    n, facts, secs = load_speed([f for f in every if sniff(f.read_bytes()) != "pdf"][:8])
    print(f"\nload: {n} records, {facts} facts in {secs:.2f}s = {facts / secs:,.0f} facts/s")


if __name__ == "__main__":
    main()

"""`make bench`: throughput and accuracy figures on a generated corpus.

The corpus (built once into a cache folder) holds synthetic reports with known numbers as
.docx, .html, .txt, born-digital PDF and legacy .doc (both made from the .docx by
LibreOffice), the real Huai'an PDF, and optionally scanned PDFs (--ocr). For each file type
it prints documents per second with one worker, pages per second and peak memory per
worker, the share of values read exactly; then throughput with both cores, the PDF
reference ratio against a plain pdfplumber extract_tables() over every page, and loading
speed; each type's rate against its parsing library's floor (python-docx open and body walk,
lxml parse, pypdfium2 text), and a Dask LocalCluster of two workers against the process
pool. Figures go to bench/results.json. It asserts nothing: performance goals live here,
not in unit tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENCIES = ["江城市汉阳区档案馆", "清河县人民政府办公室", "江城市生态环境局", "江城市汉阳区五里街道办事处",
            "江城市人民政府", "江城市统计局"]


def build_corpus(folder: Path, n: int, ocr: bool) -> None:
    """Reports with known values: truth.json maps file name → {key: value}."""
    from tests.kit import make_report, write_docx, write_html, write_txt
    from tests.kit.doc_writer import convert, libreoffice

    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, str]] = {}
    docx_files = []
    for i in range(n):
        rep = make_report(random.Random(i), AGENCIES[i % len(AGENCIES)], [2020, 2022, 2023, 2024][i % 4])
        vals = {k: str(v) for k, v in rep.values.items()}
        for ext, writer in (("docx", write_docx), ("html", write_html), ("txt", write_txt)):
            name = f"r{i:03d}.{ext}"
            kw = {"encoding": "gbk"} if ext == "html" and i % 2 else {}
            writer(rep, folder / name, **kw)
            truth[name] = vals
        docx_files.append(folder / f"r{i:03d}.docx")
        truth[f"r{i:03d}.pdf"] = vals
        truth[f"r{i:03d}.doc"] = vals
    if libreoffice():
        for fmt in ("pdf", "doc"):
            with tempfile.TemporaryDirectory() as profile:
                convert(docx_files, folder, fmt, profile=Path(profile), timeout=900)
    huaian = json.loads((ROOT / "tests/fixtures/huaian-city-2024.truth.json").read_text(encoding="utf-8"))
    hv = {f"{f['table_id']}.{f['row_key']}.{f['col_key']}": str(f["value"]) for f in huaian["facts"]}
    shutil.copy(ROOT / "tests/fixtures/huaian-city-2024.pdf", folder / "huaian.pdf")
    truth["huaian.pdf"] = hv
    if ocr:
        from tests.kit.pdf_builders import image_only_pdf

        (folder / "huaian-scan.pdf").write_bytes(image_only_pdf((folder / "huaian.pdf").read_bytes(), dpi=200))
        truth["huaian-scan.pdf"] = hv
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")


def corpus_files(folder: Path) -> dict[str, list[Path]]:
    from pipeline.readers.sniff import sniff

    by_type: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.name != "truth.json":
            kind = sniff(p.read_bytes())
            if kind == "pdf" and "scan" in p.name:
                kind = "scan"
            by_type[kind].append(p)
    return dict(by_type)


def _same(value: object, truth: str) -> bool:
    return value is not None and Decimal(str(value)) == Decimal(truth)


def _count_parse() -> list[float]:
    """Count the CPU seconds pdfplumber spends parsing pages (pdfminer's interpreter and
    pdfplumber's object dicts, Page.parse_objects): the part of a PDF's time that neither
    gongkai nor plain pdfplumber can avoid while pdfminer reads every page."""
    from pdfplumber.page import Page

    spent = [0.0]
    original = Page.parse_objects

    def timed(self: Page) -> dict:
        t = time.process_time()
        try:
            return original(self)
        finally:
            spent[0] += time.process_time() - t

    Page.parse_objects = timed  # type: ignore[method-assign]
    return spent


def _worker(kind: str, files: list[str], min_seconds: float, truth_path: str) -> None:
    """Runs in a fresh process so its peak RSS is this file type's alone."""
    from pipeline.process import process_file

    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    for f in files:  # untimed: imports and first-use caches (fonts, CMaps, memos) of every file, as a long batch
        process_file(f)
    parse = _count_parse() if kind == "pdf" else [0.0]
    n = pages = right = total = 0
    statuses: dict[str, int] = defaultdict(int)
    cpu = time.process_time()
    start = time.perf_counter()
    first = True
    while True:
        for f in files:
            rec = process_file(f)
            n += 1
            pages += int(rec.metadata.get("pages") or 0)
            statuses[rec.status] += 1
            if first and Path(f).name in truth:
                got = {x.key: x.value for x in rec.facts}
                for k, v in truth[Path(f).name].items():
                    total += 1
                    right += _same(got.get(k), v)
        first = False
        if time.perf_counter() - start >= min_seconds:
            break
    secs = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "docs": n, "pages": pages, "seconds": secs, "cpu": cpu, "parse_cpu": parse[0],
                      "peak_mb": peak_mb, "statuses": statuses, "right": right, "total": total}))


def _reference_worker(files: list[str], min_seconds: float) -> None:
    import pdfplumber

    for f in files:  # untimed: pdfminer's CMaps and caches of every file, as gongkai's worker
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()
    parse = _count_parse()
    n = pages = 0
    cpu = time.process_time()
    start = time.perf_counter()
    while True:
        for f in files:
            with pdfplumber.open(f) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
                    page.close()
                    pages += 1
            n += 1
        if time.perf_counter() - start >= min_seconds:
            break
    print(json.dumps({"docs": n, "pages": pages, "seconds": time.perf_counter() - start,
                      "cpu": time.process_time() - cpu, "parse_cpu": parse[0]}))


def _floor_one(kind: str, path: str) -> None:
    """What the parsing library alone does with one file: the floor under each reader."""
    if kind == "docx":
        import docx

        d = docx.Document(path)  # python-docx open, then a walk of the body
        for para in d.paragraphs:
            _ = para.text
        for table in d.tables:
            for row in table.rows:
                for cell in row.cells:
                    _ = cell.text
    elif kind == "html":
        from lxml import html as lxml_html

        lxml_html.document_fromstring(Path(path).read_bytes()).text_content()  # lxml parse of the page
    elif kind == "txt":
        data = Path(path).read_bytes()
        try:
            data.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            data.decode("gb18030").splitlines()
    elif kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)  # pypdfium2's text of every page
        for i in range(len(pdf)):
            page = pdf[i]
            page.get_textpage().get_text_range()
            page.close()
        pdf.close()


FLOORS = {"docx": "python-docx open + body walk", "html": "lxml.html parse", "txt": "decode + split lines",
          "pdf": "pypdfium2 text of every page"}


def _floor_worker(kind: str, files: list[str], min_seconds: float) -> None:
    for f in files:  # untimed: the library's import and first-use caches
        _floor_one(kind, f)
    n = 0
    cpu = time.process_time()
    start = time.perf_counter()
    while True:
        for f in files:
            _floor_one(kind, f)
            n += 1
        if time.perf_counter() - start >= min_seconds:
            break
    print(json.dumps({"docs": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}))


def run_sub(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def parallel(files: list[Path], jobs: int, copies: int) -> tuple[int, float]:
    from pipeline.batch import extract_many

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        n = sum(1 for _ in extract_many(files * copies, Path(tmp), jobs=jobs, force=True))
        return n, time.perf_counter() - start


def dask_parallel(files: list[Path], client: object) -> tuple[int, float]:
    """The same batch on a running LocalCluster: (documents, seconds of extraction)."""
    from pipeline.executors.dask_run import extract_on_dask
    from pipeline.executors.store import RecordStore
    from pipeline.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        n = sum(1 for _ in extract_on_dask(client, files, RecordStore(tmp), True, 600, Settings()))
        return n, time.perf_counter() - start


def dask_against_pool(files: list[Path], copies: int, rounds: int = 2) -> dict[str, float]:
    """A LocalCluster of 2 workers against the process pool of 2 on the same batch, in
    alternating rounds (pool, Dask, pool, Dask: a busy machine's load falls on both), best of
    each; the cluster is started once and warmed on a few documents first, as a long batch
    amortises its start-up, which is printed apart."""
    from pipeline.executors.dask_run import dask_client

    t0 = time.perf_counter()
    best = {"pool": 0.0, "dask": 0.0}
    with dask_client(None, 2, dashboard=None) as client:
        client.wait_for_workers(2)
        up = time.perf_counter() - t0
        dask_parallel(files[:4], client)
        for _ in range(rounds):
            load = _load()
            n, secs = parallel(files, 2, copies)
            best["pool"] = max(best["pool"], n / secs)
            print(f"  process pool of 2: {n} docs in {secs:.1f}s = {n / secs:.2f} docs/s ({load})")
            load = _load()
            n, secs = dask_parallel(files * copies, client)
            best["dask"] = max(best["dask"], n / secs)
            print(f"  Dask LocalCluster of 2: {n} docs in {secs:.1f}s = {n / secs:.2f} docs/s ({load})")
    ratio = best["dask"] / best["pool"]
    print(f"Dask / process pool = {ratio:.2f}x (cluster started in {up:.1f}s, not counted)")
    return {"dask_2": best["dask"], "pool_2_beside_dask": best["pool"], "dask_startup_s": up,
            "dask_over_pool": ratio}


def load_speed(files: list[Path], n_records: int = 2000) -> tuple[int, int, float]:
    """The whole `gongkai load` verb as a user runs it (a process: start-up, reading the
    JSON records, staging, the one transaction, cross-year checks), on n_records records
    made from the given files with distinct ids so that every copy is inserted."""
    import duckdb

    from pipeline.process import process_file
    from pipeline.record import to_json

    texts = [(r.sha256, to_json(r)) for r in (process_file(f) for f in files)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "extracted"
        folder.mkdir()
        for i in range(n_records):
            sha, text = texts[i % len(texts)]
            new = f"{sha[:56]}{i:08d}"
            (folder / f"{new}.json").write_text(text.replace(sha, new), encoding="utf-8")
        db = Path(tmp) / "b.duckdb"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "load", "--from", str(folder), "--db", str(db)],
                       cwd=ROOT, check=True, capture_output=True)
        secs = time.perf_counter() - start
        con = duckdb.connect(str(db), read_only=True)
        facts = con.execute("SELECT count(*) FROM facts").fetchall()[0][0]
        con.close()
    return n_records, facts, secs


def _load() -> str:
    """The machine's 1-minute load average: the machine is shared, so every parallel
    figure says how busy it was."""
    return f"load average {os.getloadavg()[0]:.2f}"


def per_type(folder: Path, types: dict[str, list[Path]], seconds: float, results: dict) -> dict[str, float]:
    """One worker per file type against its library floor; returns documents per CPU
    second by type. Rates per CPU second (the worker is single-threaded) are what the
    ratios use: wall time on a shared machine counts the other jobs too."""
    print(f"\n{'type':6} {'docs/s':>7} {'docs/cpu-s':>10} {'pages/s':>8} {'peak MB':>8} {'values exact':>14} "
          f"{'floor docs/cpu-s':>16} {'/floor':>7}  statuses")
    rates: dict[str, float] = {}
    for kind, files in sorted(types.items()):
        secs = seconds if kind != "scan" else 0.0
        r = run_sub(["--corpus", str(folder), "--seconds", str(secs), "--_worker", kind, *map(str, files)])
        dps, cps = r["docs"] / r["seconds"], r["docs"] / r["cpu"]
        rates[kind] = cps
        pps = f"{r['pages'] / r['seconds']:.1f}" if r["pages"] else "-"
        acc = f"{r['right']}/{r['total']}" if r["total"] else "-"
        row: dict[str, object] = {"docs_per_s": dps, "docs_per_cpu_s": cps, "pages_per_s": r["pages"] / r["seconds"],
                                  "peak_mb": r["peak_mb"], "values_exact": r["right"], "values": r["total"],
                                  "statuses": r["statuses"]}
        floor_txt = f"{'-':>16} {'-':>7}"
        if kind in FLOORS:
            fl = run_sub(["--corpus", str(folder), "--seconds", str(seconds), "--_floor", kind, *map(str, files)])
            fcps = fl["docs"] / fl["cpu"]
            row.update(floor=FLOORS[kind], floor_docs_per_s=fl["docs"] / fl["seconds"], floor_docs_per_cpu_s=fcps,
                       ratio_to_floor=cps / fcps)
            floor_txt = f"{fcps:16.2f} {cps / fcps:7.2f}"
        results["types"][kind] = row
        print(f"{kind:6} {dps:7.2f} {cps:10.2f} {pps:>8} {r['peak_mb']:8.0f} {acc:>14} {floor_txt}  "
              f"{dict(r['statuses'])}")
    print("floors: " + "; ".join(f"{k}: {v}" for k, v in FLOORS.items()))
    return rates


def pdf_against_plain(folder: Path, pdfs: list[Path], seconds: float, rounds: int = 3) -> dict[str, object]:
    """gongkai against plain pdfplumber extract_tables() over every page of the same
    files, in alternating subprocesses (so a burst of other work hits both), best round
    of each by CPU time; and the share of each spent in pdfminer's page parse (gongkai's
    is what PDFium could not stand in for). On all the PDFs, then the kit's (LibreOffice
    from the synthetic .docx, tables on nearly every page) and the real ones apart."""
    out: dict[str, object] = _pdf_ratio("all", folder, pdfs, seconds, rounds)
    kit = [p for p in pdfs if p.name.startswith("r")]
    real = [p for p in pdfs if p not in kit]
    for name, files in (("kit", kit), ("real", real)):
        if files and len(files) < len(pdfs):
            out[name] = _pdf_ratio(name, folder, files, seconds, rounds)
    return out


def _pdf_ratio(name: str, folder: Path, pdfs: list[Path], seconds: float, rounds: int) -> dict[str, float]:
    own_runs, ref_runs = [], []
    load = _load()
    for _ in range(rounds):
        own_runs.append(run_sub(["--corpus", str(folder), "--seconds", str(seconds), "--_worker", "pdf",
                                 *map(str, pdfs)]))
        ref_runs.append(run_sub(["--corpus", str(folder), "--seconds", str(seconds), "--_reference",
                                 *map(str, pdfs)]))
    own = min(own_runs, key=lambda r: r["cpu"] / r["docs"])
    ref = min(ref_runs, key=lambda r: r["cpu"] / r["docs"])
    own_cps, ref_cps = own["docs"] / own["cpu"], ref["docs"] / ref["cpu"]
    own_parse, ref_parse = own["parse_cpu"] / own["cpu"], ref["parse_cpu"] / ref["cpu"]
    fl = run_sub(["--corpus", str(folder), "--seconds", str(seconds), "--_floor", "pdf", *map(str, pdfs)])
    floor_cps = fl["docs"] / fl["cpu"]
    print(f"\nborn-digital PDF ({name}: {len(pdfs)} files, {own['pages'] / own['docs']:.1f} pages each), 1 worker, "
          f"best of {rounds} alternating rounds by CPU time ({load} at the start, {_load()} at the end): "
          f"gongkai {own_cps:.2f} docs/cpu-s, plain pdfplumber extract_tables() on every page {ref_cps:.2f} "
          f"docs/cpu-s ({ref['pages'] / ref['cpu']:.1f} pages/cpu-s); gongkai / plain = {own_cps / ref_cps:.2f}x "
          f"(wall clock {(own['docs'] / own['seconds']) / (ref['docs'] / ref['seconds']):.2f}x); "
          f"pypdfium2 text floor {floor_cps:.2f} docs/cpu-s, gongkai / floor = {own_cps / floor_cps:.2f}")
    print(f"pdfminer page parse (pdfplumber Page.parse_objects, pages PDFium could not stand in for): "
          f"{own_parse:.0%} of gongkai's time, {ref_parse:.0%} of plain's")
    return {"gongkai_docs_per_cpu_s": own_cps, "plain_pdfplumber_docs_per_cpu_s": ref_cps,
            "plain_pdfplumber_docs_per_s": ref["docs"] / ref["seconds"], "gongkai_over_plain": own_cps / ref_cps,
            "pypdfium2_floor_docs_per_cpu_s": floor_cps, "gongkai_over_floor": own_cps / floor_cps,
            "parse_share_gongkai": own_parse, "parse_share_plain": ref_parse, "files": len(pdfs),
            "pages_per_doc": own["pages"] / own["docs"], "load_average": load}


def _timed_runs(files: list[Path], jobs_list: list[int], copies: int, rounds: int) -> dict[int, float]:
    """Best documents/s for each worker count, runs alternating (1, 2, 1, 2, …)."""
    best: dict[int, float] = {}
    for _ in range(rounds):
        for jobs in jobs_list:
            load = _load()
            n, secs = parallel(files, jobs, copies)
            best[jobs] = max(best.get(jobs, 0.0), n / secs)
            print(f"  {jobs} worker(s): {n} docs in {secs:.1f}s = {n / secs:.2f} docs/s ({load})")
    return best


def two_workers(types: dict[str, list[Path]], rates: dict[str, float], seconds: float) -> dict[str, float]:
    """The two-worker speedup on the readers that run in the worker process (.docx,
    .html, .txt, born-digital PDF), enough copies for the one-worker run to take about
    6 × --seconds, best of three alternating rounds after an untimed warm pass; .doc apart (LibreOffice is a process of
    its own that already uses more than one core); then a Dask LocalCluster of 2 against
    the pool on the same batch."""
    inproc = [f for k in ("docx", "html", "txt", "pdf") for f in types.get(k, [])]
    per_copy = sum(1 / rates[k] for k in ("docx", "html", "txt", "pdf") for _ in types.get(k, []))
    copies = max(2, math.ceil(6 * seconds / per_copy))
    print(f"\n.docx, .html, .txt and PDF together, {len(inproc) * copies} docs (process pool):")
    # Untimed, in this process: first-use caches warm here are what the one-worker run (in
    # this process) and the forked workers of the pool alike start with, so that the first
    # round is not the only cold one.
    from pipeline.process import process_file

    for f in inproc:
        process_file(f)
    pool = _timed_runs(inproc, [1, 2], copies, rounds=3)
    out = {"pool_1": pool[1], "pool_2": pool[2], "speedup_2": pool[2] / pool[1], "docs": len(inproc) * copies}
    print(f"two-worker speedup (process pool): {pool[2] / pool[1]:.2f}x")
    if types.get("doc"):
        print(f"\n.doc (LibreOffice), {len(types['doc'])} docs:")
        doc = _timed_runs(types["doc"], [1, 2], 1, rounds=1)
        out.update(doc_pool_1=doc[1], doc_pool_2=doc[2], doc_speedup_2=doc[2] / doc[1])
        print(f"two-worker speedup on .doc: {doc[2] / doc[1]:.2f}x")
    print(f"\nDask LocalCluster of 2 workers against the process pool, the same {len(inproc) * copies} docs:")
    out.update(dask_against_pool(inproc, copies))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(Path(tempfile.gettempdir()) / "gongkai-bench"),
                    help="corpus folder (built when missing)")
    ap.add_argument("-n", type=int, default=8, help="synthetic reports per file type")
    ap.add_argument("--ocr", action="store_true", help="also a scanned PDF (slow: OCR)")
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timing per measurement")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--_worker", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--_reference", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--_floor", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    folder = Path(a.corpus)
    if a._worker:
        _worker(a._worker[0], a._worker[1:], a.seconds, str(folder / "truth.json"))
        return
    if a._reference:
        _reference_worker(a._reference, a.seconds)
        return
    if a._floor:
        _floor_worker(a._floor[0], a._floor[1:], a.seconds)
        return
    if a.rebuild or not (folder / "truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        build_corpus(folder, a.n, a.ocr)
        print(f"built corpus in {folder} ({time.perf_counter() - t:.0f}s)")
    types = corpus_files(folder)
    print("corpus: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(types.items())))
    print(f"soffice: {shutil.which('soffice') or 'missing'}; tesseract: {shutil.which('tesseract') or 'missing'}")
    results: dict[str, object] = {"corpus": {k: len(v) for k, v in types.items()}, "types": {},
                                  "load_average": {"start": os.getloadavg()[0]}}
    rates = per_type(folder, types, a.seconds, results)
    pdfs = types.get("pdf", [])
    if pdfs:
        results["pdf"] = pdf_against_plain(folder, pdfs, a.seconds)
    results["parallel"] = two_workers(types, rates, a.seconds)
    n, facts, secs = load_speed([f for k, fs in types.items() if k in ("docx", "txt", "html") for f in fs][:10])
    print(f"\ngongkai load (the whole verb, JSON reading included): {n} records, {facts} facts in {secs:.2f}s "
          f"= {facts / secs:,.0f} facts/s")
    results["load_facts_per_s"] = facts / secs
    results["load_average"]["end"] = os.getloadavg()[0]  # type: ignore[index]
    if a.ocr:  # the scan matrix: cells right and flagged per variant, seconds per page
        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_ocr.py")], check=False)
    write_results(results)
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_ocr.py")), "--small"], check=True)  # scans
    # The database at scale, then the web pages on that same database. 5,000 reports keep
    # `make bench` short; BENCH_DB_REPORTS=100000 is the 100k-report size
    # (35 min at load 7-9: 25 writing the records, 8 loading, 3 exporting everything).
    big = ROOT / "tmp" / "bench" / "db.duckdb"
    big.parent.mkdir(parents=True, exist_ok=True)
    for old in big.parent.glob("db.duckdb*"):
        old.unlink()
    n = os.environ.get("BENCH_DB_REPORTS", "5000")
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_db.py")), "--reports", n, "--db", str(big)],
                   check=True)
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_web.py")), "--db", str(big)], check=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_accuracy.py")], check=False)  # accuracy per source


def write_results(results: dict[str, object]) -> None:
    """bench/results.json: this run's figures under their keys; other benches' keys kept."""
    target = ROOT / "bench" / "results.json"
    target.parent.mkdir(exist_ok=True)
    old = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    old.update(results)
    target.write_text(json.dumps(old, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"figures written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

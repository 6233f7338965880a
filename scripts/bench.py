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


def _worker(kind: str, files: list[str], min_seconds: float, truth_path: str) -> None:
    """Runs in a fresh process so its peak RSS is this file type's alone."""
    from pipeline.process import process_file

    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    n = pages = right = total = 0
    statuses: dict[str, int] = defaultdict(int)
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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "docs": n, "pages": pages, "seconds": secs, "peak_mb": peak_mb,
                      "statuses": statuses, "right": right, "total": total}))


def _reference_worker(files: list[str], min_seconds: float) -> None:
    import pdfplumber

    n = pages = 0
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
    print(json.dumps({"docs": n, "pages": pages, "seconds": time.perf_counter() - start}))


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
    n = 0
    start = time.perf_counter()
    while True:
        for f in files:
            _floor_one(kind, f)
            n += 1
        if time.perf_counter() - start >= min_seconds:
            break
    print(json.dumps({"docs": n, "seconds": time.perf_counter() - start}))


def run_sub(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def parallel(files: list[Path], jobs: int, copies: int) -> tuple[int, float]:
    from pipeline.batch import extract_many

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        n = sum(1 for _ in extract_many(files * copies, Path(tmp), jobs=jobs, force=True))
        return n, time.perf_counter() - start


def dask_parallel(files: list[Path], workers: int, copies: int) -> tuple[int, float, float]:
    """The same batch on a LocalCluster of `workers` processes: (documents, seconds of
    extraction, seconds to start the cluster)."""
    from pipeline.executors.dask_run import dask_client, extract_on_dask
    from pipeline.executors.store import RecordStore
    from pipeline.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with dask_client(None, workers, dashboard=None) as client:
            client.wait_for_workers(workers)
            up = time.perf_counter() - t0
            start = time.perf_counter()
            n = sum(1 for _ in extract_on_dask(client, files * copies, RecordStore(tmp), True, 600, Settings()))
            return n, time.perf_counter() - start, up


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
    results: dict[str, object] = {"corpus": {k: len(v) for k, v in types.items()}, "types": {}}
    print(f"\n{'type':6} {'docs/s 1 worker':>16} {'pages/s':>8} {'peak MB':>8} {'values exact':>14} "
          f"{'floor docs/s':>13} {'/floor':>7}  statuses")
    for kind, files in sorted(types.items()):
        secs = a.seconds if kind != "scan" else 0.0
        r = run_sub(["--corpus", str(folder), "--seconds", str(secs), "--_worker", kind, *map(str, files)])
        dps = r["docs"] / r["seconds"]
        pps = f"{r['pages'] / r['seconds']:.1f}" if r["pages"] else "-"
        acc = f"{r['right']}/{r['total']}" if r["total"] else "-"
        row: dict[str, object] = {"docs_per_s": dps, "pages_per_s": r["pages"] / r["seconds"], "peak_mb": r["peak_mb"],
                                  "values_exact": r["right"], "values": r["total"], "statuses": r["statuses"]}
        floor_txt = f"{'-':>13} {'-':>7}"
        if kind in FLOORS:
            fl = run_sub(["--corpus", str(folder), "--seconds", str(a.seconds), "--_floor", kind, *map(str, files)])
            fdps = fl["docs"] / fl["seconds"]
            row.update(floor=FLOORS[kind], floor_docs_per_s=fdps, ratio_to_floor=dps / fdps)
            floor_txt = f"{fdps:13.2f} {dps / fdps:7.2f}"
        results["types"][kind] = row  # type: ignore[index]
        print(f"{kind:6} {dps:16.2f} {pps:>8} {r['peak_mb']:8.0f} {acc:>14} {floor_txt}  {dict(r['statuses'])}")
    print("floors: " + "; ".join(f"{k}: {v}" for k, v in FLOORS.items()))
    fast = [f for k, fs in types.items() if k != "scan" for f in fs]
    pool: dict[int, float] = {}
    for jobs in (1, 2):
        n, secs = parallel(fast, jobs, copies=2)
        pool[jobs] = n / secs
        print(f"\nall types but scans, {jobs} worker(s) (process pool): {n} docs in {secs:.1f}s = {n / secs:.2f} docs/s")
    print(f"two-worker speedup (process pool): {pool[2] / pool[1]:.2f}x")
    n, secs, up = dask_parallel(fast, 2, copies=2)
    print(f"all types but scans, Dask LocalCluster of 2 workers: {n} docs in {secs:.1f}s = {n / secs:.2f} docs/s "
          f"(cluster started in {up:.1f}s); Dask / process pool = {(n / secs) / pool[2]:.2f}x")
    results["parallel"] = {"pool_1": pool[1], "pool_2": pool[2], "speedup_2": pool[2] / pool[1],
                           "dask_2": n / secs, "dask_startup_s": up, "dask_over_pool": (n / secs) / pool[2]}
    pdfs = types.get("pdf", [])
    if pdfs:
        n, secs = parallel(pdfs, 2, copies=max(1, 24 // len(pdfs)))
        print(f"born-digital PDF, 2 workers: {n / secs:.2f} docs/s")
        ref = run_sub(["--corpus", str(folder), "--seconds", str(a.seconds), "--_reference", *map(str, pdfs)])
        own = run_sub(["--corpus", str(folder), "--seconds", str(a.seconds), "--_worker", "pdf", *map(str, pdfs)])
        ratio = (own["docs"] / own["seconds"]) / (ref["docs"] / ref["seconds"])
        print(f"plain pdfplumber extract_tables() on every page, 1 worker: {ref['docs'] / ref['seconds']:.2f} docs/s "
              f"({ref['pages'] / ref['seconds']:.1f} pages/s); gongkai / plain = {ratio:.2f}x")
        results["pdf"] = {"docs_per_s_2_workers": n / secs, "plain_pdfplumber_docs_per_s": ref["docs"] / ref["seconds"],
                          "gongkai_over_plain": ratio}
    n, facts, secs = load_speed([f for k, fs in types.items() if k in ("docx", "txt", "html") for f in fs][:10])
    print(f"\ngongkai load (the whole verb, JSON reading included): {n} records, {facts} facts in {secs:.2f}s "
          f"= {facts / secs:,.0f} facts/s")
    results["load_facts_per_s"] = facts / secs
    if a.ocr:  # the scan matrix: cells right and flagged per variant, seconds per page
        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_ocr.py")], check=False)
    write_results(results)
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_db.py"))], check=True)  # 100k reports
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_web.py"))], check=True)  # page render times
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

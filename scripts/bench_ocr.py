"""OCR benchmark: scanned copies of reports with known values, read back cell by cell.

Sources: the real Huai'an PDF (hand-checked truth file) and PDFs that LibreOffice makes
from the sample reports raw/*.docx (truth: the same .docx read by the Word reader,
which is exact). Each source is scanned in every variant of tests/kit/scans.py (skew ±2°,
150/200/300 dpi, JPEG noise, a red seal, faint print, pages turned 90°/180°) and
extracted like any file. Printed per variant: cells right / cells, wrong cells and how
many of them were flagged (named by an error finding: low OCR confidence or a broken
rule), right cells flagged needlessly, metadata (agency, year) right, seconds per page.
`--engine tesseract` runs the previous Tesseract engine (scripts/ocr_tesseract.py) on
the same scans, for comparison.

    python scripts/bench_ocr.py                      # full matrix, RapidOCR
    python scripts/bench_ocr.py --engine both -s huaian --variants seal-200
    python scripts/bench_ocr.py --small              # what make bench runs: a few minutes
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from pipeline.process import process_file  # noqa: E402
from tests.kit import scans  # noqa: E402

DOCX_SOURCES = ("qinghe-county-office-2019.docx", "jiangcheng-eeb-2024.docx", "jiangcheng-city-2019.docx",
                "jiangcheng-hanyang-archives-2022.docx", "jiangcheng-hanyang-wuli-street-2024.docx",
                "qinghe-county-office-2023.docx")

THRESHOLDS = (50, 80, 90, 95, 97, 98, 99)
# make bench's fixed matrix: the real Huai'an report (6 pages) as a skewed 150-dpi JPEG
# scan and as a sealed 200-dpi one, the two variants that cost the most flags.
SMALL = (["huaian"], ["skew-2-150-jpeg", "seal-200"])


def _value(v: Any) -> Any:
    return Decimal(str(v)) if isinstance(v, float | str) and not isinstance(v, bool) else v


def sources(work: Path, names: list[str]) -> list[tuple[str, bytes, dict[str, Any], tuple[str, int]]]:
    """(name, PDF bytes, {fact key: value}, (agency, year)) of each source."""
    out = []
    if "huaian" in names:
        truth = json.loads((ROOT / "tests/fixtures/huaian-city-2024.truth.json").read_text(encoding="utf-8"))
        values = {f"{f['table_id']}.{f['row_key']}.{f['col_key']}": _value(f["value"]) for f in truth["facts"]}
        out.append(("huaian", (ROOT / "tests/fixtures/huaian-city-2024.pdf").read_bytes(), values,
                    (truth["agency"], truth["year"])))
    docx = [n for n in DOCX_SOURCES if n in names or "docx" in names]
    soffice = shutil.which("soffice")
    if docx and soffice is None:
        print("soffice missing: the LibreOffice sources are skipped")
        docx = []
    if docx:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(work), *(str(ROOT / "raw" / n) for n in docx)],
                           capture_output=True, timeout=900, check=True)
    for n in docx:
        rec = process_file(ROOT / "raw" / n)
        values = {k: f.value for k, f in rec.fact_map().items() if not f.derived}
        pdf = (work / n).with_suffix(".pdf").read_bytes()
        out.append((Path(n).stem, pdf, values, (rec.metadata.get("agency"), rec.metadata.get("year"))))
    return out


@contextmanager
def engine(name: str) -> Iterator[None]:
    """Swap the OCR engine the PDF reader calls (and its review threshold)."""
    if name == "rapidocr":
        yield
        return
    import ocr_tesseract

    import pipeline.extract as ex
    from pipeline.readers import ocr

    saved = ocr.ocr_pdfium_page, ex.OCR_REVIEW_CONFIDENCE
    ocr.ocr_pdfium_page, ex.OCR_REVIEW_CONFIDENCE = ocr_tesseract.ocr_pdfium_page, ocr_tesseract.REVIEW_CONFIDENCE
    try:
        yield
    finally:
        ocr.ocr_pdfium_page, ex.OCR_REVIEW_CONFIDENCE = saved


def score(rec: Any, truth: dict[str, Any], meta: tuple[str, int]) -> dict[str, Any]:
    got = rec.fact_map()
    flagged = {c for f in rec.findings if f.severity == "error" for c in f.cells}
    low = {c for f in rec.findings if f.rule_id == "ocr.low_confidence" for c in f.cells}
    wrong = [k for k, v in truth.items() if k not in got or got[k].value != v]
    # A cell missing from the record is flagged when a finding says cells are missing.
    missing_said = any(f.severity == "error" and "missing" in f.rule_id for f in rec.findings)
    unflagged = [k for k in wrong if k not in flagged and not (k not in got and missing_said)]
    return {"cells": len(truth), "right": len(truth) - len(wrong), "wrong": len(wrong),
            "wrong_unflagged": unflagged, "wrong_unflagged_text": [(k, got[k].printed_text if k in got else None,
                                                                     str(truth[k])) for k in unflagged],
            # For choosing the review threshold: the confidence of every wrong cell, and
            # how many right cells fall under each candidate threshold.
            "wrong_conf": [got[k].ocr_confidence if k in got else None for k in wrong],
            "right_under": {t: sum(1 for k in truth if k not in wrong and (got[k].ocr_confidence or 100) < t)
                            for t in THRESHOLDS},
            "right_flagged": sum(1 for k in truth if k not in wrong and k in low),
            "meta_right": (rec.metadata.get("agency"), rec.metadata.get("year")) == tuple(meta),
            "meta": [rec.metadata.get("agency"), rec.metadata.get("year")],
            "status": rec.status if rec.status != "rejected" else f"rejected: {rec.reason}", "pages": rec.metadata.get("pages") or 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-s", "--sources", nargs="+", default=["huaian", "docx"],
                    help="huaian, docx (all of them) or .docx names from raw/")
    ap.add_argument("--variants", nargs="+", default=[v.name for v in scans.VARIANTS])
    ap.add_argument("--engine", choices=["rapidocr", "tesseract", "both"], default="rapidocr")
    ap.add_argument("--json", help="write every result to this file")
    ap.add_argument("--small", action="store_true", help="make bench's fixed matrix (overrides -s, --variants)")
    a = ap.parse_args()
    if a.small:
        a.sources, a.variants = SMALL
    variants = [v for v in scans.VARIANTS if v.name in a.variants]
    engines = ["rapidocr", "tesseract"] if a.engine == "both" else [a.engine]
    if "tesseract" in engines and shutil.which("tesseract") is None:
        print("tesseract not installed: only RapidOCR is measured")
        engines.remove("tesseract")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-ocr-") as tmp:
        work = Path(tmp)
        srcs = sources(work, a.sources)
        print(f"{'engine':9} {'variant':20} {'source':36} {'right/cells':>12} {'wrong':>5} {'unflagged':>9} "
              f"{'needless':>8} {'meta':>4} {'s/page':>6}  status")
        for eng in engines:
            with engine(eng):
                for v in variants:
                    for name, pdf, truth, meta in srcs:
                        path = work / f"{name}.{v.name}.pdf"
                        path.write_bytes(scans.scan_pdf(pdf, v))
                        t = time.perf_counter()
                        rec = process_file(path)
                        secs = time.perf_counter() - t
                        r = score(rec, truth, meta) | {"engine": eng, "variant": v.name, "source": name,
                                                        "seconds": secs}
                        results.append(r)
                        print(f"{eng:9} {v.name:20} {name:36} {r['right']:>5}/{r['cells']:<6} {r['wrong']:>5} "
                              f"{len(r['wrong_unflagged']):>9} {r['right_flagged']:>8} "
                              f"{'yes' if r['meta_right'] else 'no':>4} {secs / max(r['pages'], 1):>6.1f}  "
                              f"{r['status']} {r['wrong_unflagged_text'][:3] or ''}", flush=True)
    print()
    for eng in engines:
        rs = [r for r in results if r["engine"] == eng]
        cells, right = sum(r["cells"] for r in rs), sum(r["right"] for r in rs)
        pages, secs = sum(r["pages"] for r in rs), sum(r["seconds"] for r in rs)
        print(f"{eng}: {right}/{cells} cells right ({100 * right / max(cells, 1):.2f}%), "
              f"{sum(r['wrong'] for r in rs)} wrong of which {sum(len(r['wrong_unflagged']) for r in rs)} unflagged, "
              f"{sum(r['right_flagged'] for r in rs)} right cells flagged needlessly, metadata right "
              f"{sum(r['meta_right'] for r in rs)}/{len(rs)}, {secs / max(pages, 1):.1f} s/page over {pages} pages")
    if a.json:
        Path(a.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""A scanned report (no text layer): the real Huai'an PDF rasterized, read by OCR."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.process import process_file
from tests.kit.pdf_builders import image_only_pdf
from tests.paths import FIXTURES

FIX = FIXTURES
TRUTH = json.loads((FIX / "huaian-city-2024.truth.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def test_scanned_report_values_marked_as_ocr(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_only_pdf((FIX / "huaian-city-2024.pdf").read_bytes(), dpi=200))
    rec = process_file(scan)
    assert rec.metadata["ocr"] is True
    assert (rec.metadata["agency"], rec.metadata["year"]) == (TRUTH["agency"], TRUTH["year"])
    got = rec.fact_map()
    truth = {f"{f['table_id']}.{f['row_key']}.{f['col_key']}": f["value"] for f in TRUTH["facts"]}
    wrong = {k: (got[k].printed_text if k in got else None, v) for k, v in truth.items()
             if k not in got or got[k].value != (Decimal(str(v)) if isinstance(v, float) else v)}
    assert wrong == {}
    assert all(f.ocr_confidence is not None and f.page for f in rec.facts)
    assert any(f.rule_id == "ocr.used" for f in rec.findings)


def test_low_confidence_means_review(tmp_path: Path) -> None:
    from pipeline.extract import OCR_REVIEW_CONFIDENCE, _ocr_findings
    from pipeline.model import Document
    from pipeline.record import Fact

    facts = [Fact("t3", "granted", "total", 8, "number", "8", ocr_confidence=OCR_REVIEW_CONFIDENCE - 1, page=4),
             Fact("t3", "granted", "research", 0, "number", "0", ocr_confidence=96.0, page=4)]
    found = _ocr_findings(facts, Document("x", "0", "pdf"))
    low = [f for f in found if f.rule_id == "ocr.low_confidence"]
    assert [(f.severity, f.cells) for f in low] == [("error", ["t3.granted.total"])]

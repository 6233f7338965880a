"""A scanned report (no text layer): the real Huai'an PDF scanned with a skew, JPEG noise
and a red seal over the tables, read by OCR from end to end."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pipeline.extract import OCR_REVIEW_CONFIDENCE
from pipeline.process import process_file
from tests.kit import scans
from tests.paths import FIXTURES

FIX = FIXTURES
TRUTH = json.loads((FIX / "huaian-city-2024.truth.json").read_text(encoding="utf-8"))


def test_scanned_report_every_value_right_or_flagged(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    variant = scans.ScanVariant("seal", dpi=200, skew=-1.0, jpeg=75, seal=True)
    scan.write_bytes(scans.scan_pdf((FIX / "huaian-city-2024.pdf").read_bytes(), variant))
    rec = process_file(scan)
    assert rec.metadata["ocr"] is True
    assert (rec.metadata["agency"], rec.metadata["year"]) == (TRUTH["agency"], TRUTH["year"])
    got = rec.fact_map()
    truth = {f"{f['table_id']}.{f['row_key']}.{f['col_key']}": f["value"] for f in TRUTH["facts"]}
    wrong = {k: (got[k].printed_text if k in got else None, v) for k, v in truth.items()
             if k not in got or got[k].value != (Decimal(str(v)) if isinstance(v, float) else v)}
    # The product's promise: a value is right, or the report is in review naming it.
    named = {c for f in rec.findings if f.severity == "error" for c in f.cells}
    assert {k: w for k, w in wrong.items() if k not in named} == {}
    # The seal lies over 表二's last column rule: those cells merge, and are flagged.
    assert len(wrong) <= 4, wrong
    assert all(f.ocr_confidence is not None and f.page for f in rec.facts)
    assert any(f.rule_id == "ocr.used" for f in rec.findings)


def test_low_confidence_means_review() -> None:
    from pipeline.extract import _ocr_findings
    from pipeline.model import Document
    from pipeline.record import Fact
    from pipeline.validate.status import status_and_reason

    facts = [Fact("t3", "granted", "total", 8, "number", "8", ocr_confidence=OCR_REVIEW_CONFIDENCE - 1, page=4),
             Fact("t3", "granted", "research", 0, "number", "0", ocr_confidence=OCR_REVIEW_CONFIDENCE, page=4)]
    found = _ocr_findings(facts, Document("x", "0", "pdf"))
    low = [f for f in found if f.rule_id == "ocr.low_confidence"]
    assert [(f.severity, f.cells) for f in low] == [("error", ["t3.granted.total"])]
    assert status_and_reason(found)[0] == "review"
    assert status_and_reason(_ocr_findings(facts[1:], Document("x", "0", "pdf")))[0] != "review"

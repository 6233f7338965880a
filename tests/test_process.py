"""process_file / process_document: read → extract → validate → status, one stage per call."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import extract_document
from pipeline.process import process_document, process_file
from pipeline.readers import read_bytes, read_document
from tests.extract.test_extract import T3_HEADER, _doc, _numbers, _t3_rows


def _unbalanced() -> object:
    # _numbers gives every cell a different number, so no row or column adds up.
    return _doc("某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                T3_HEADER + _t3_rows(_numbers(100)))


def test_extraction_runs_no_check_and_processing_does() -> None:
    extracted = extract_document(_unbalanced())
    assert not {f.rule_id for f in extracted.findings} & {"t3.balance", "t3.results_sum", "t3.row_total"}
    processed = process_document(_unbalanced())
    ids = {f.rule_id for f in processed.findings}
    assert {"t3.balance", "t3.results_sum", "t3.row_total"} <= ids
    # Extraction's own findings are kept, and the status speaks for all of them.
    assert {f.rule_id for f in extracted.findings} <= ids
    assert processed.status == "review" and processed.reason


def test_process_file_is_read_then_process_document(wuhan_txt: Path) -> None:
    rec = process_file(wuhan_txt)
    doc = read_document(wuhan_txt, read_bytes(wuhan_txt))
    again = process_document(doc)
    assert rec.status == again.status != "rejected"
    assert [(f.key, f.value) for f in rec.facts] == [(f.key, f.value) for f in again.facts]
    assert [f.rule_id for f in rec.findings] == [f.rule_id for f in again.findings]


def test_unreadable_input_is_a_rejected_record_not_an_exception(tmp_path: Path) -> None:
    missing = process_file(tmp_path / "nope.docx")
    assert missing.status == "rejected" and missing.reason and "\n" not in missing.reason
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    rec = process_file(junk)
    assert rec.status == "rejected" and rec.reason

"""The real published PDF (淮安市人民政府 2024, WPS export, tables split across pages):
every value equal to the hand transcription."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.process import process_file
from tests.paths import FIXTURES

FIX = FIXTURES
TRUTH = json.loads((FIX / "huaian-city-2024.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def record():
    return process_file(FIX / "huaian-city-2024.pdf")


def test_metadata(record) -> None:
    m = record.metadata
    assert record.file_type == "pdf"
    assert m["agency"] == TRUTH["agency"]
    assert m["year"] == TRUTH["year"]
    assert m["title"] == TRUTH["title"]
    assert m["format_version"] == TRUTH["format_version"]
    assert m["published_on"] is None  # not printed in the document
    assert m["pages"] == 6
    assert record.sha256 == TRUTH["saved_file_sha256"]


def test_every_value(record) -> None:
    got = record.fact_map()
    truth = {f"{f['table_id']}.{f['row_key']}.{f['col_key']}": f["value"] for f in TRUTH["facts"]}
    assert set(got) == set(truth)
    # money is transcribed as a JSON float; compare it as the exact decimal it prints
    wrong = {k: (got[k].printed_text, v) for k, v in truth.items()
             if got[k].value != (Decimal(str(v)) if isinstance(v, float) else v)}
    assert wrong == {}


def test_checks_pass_and_every_value_has_a_page(record) -> None:
    assert [f.rule_id for f in record.findings if f.severity == "error"] == TRUTH["rule_violations"] == []
    assert all(f.page and f.bbox for f in record.facts)
    assert [s["number"] for s in record.sections] == [1, 2, 3, 4, 5, 6]


def test_type_by_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "report.docx"
    disguised.write_bytes((FIX / "huaian-city-2024.pdf").read_bytes())
    rec = process_file(disguised)
    assert rec.file_type == "pdf" and rec.metadata["agency"] == TRUTH["agency"]

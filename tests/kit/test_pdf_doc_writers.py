"""The kit's PDF and .doc writers: a generated report read back to exactly its numbers.

(The .docx, .html and .txt writers have their round trips in test_roundtrip.py; the layout
variants of the PDF writer are exercised in tests/readers/test_pdf_adversarial.py.)
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.process import process_file
from pipeline.readers.safety import OLE_MAGIC
from pipeline.record import Record
from tests.kit import SynthReport, make_report, write_doc, write_pdf
from tests.kit.doc_writer import libreoffice


def _report(year: int) -> SynthReport:
    return make_report(random.Random(year), "江城市生态环境局", year, scale=30)


def _assert_exact(rec: Record, rep: SynthReport) -> None:
    assert rec.status != "rejected", rec.reason
    m = rec.metadata
    assert (m["agency"], m["year"], m["format_version"], m["published_on"]) == (
        rep.agency, rep.year, rep.format_version, rep.published_on.isoformat())
    assert {k: f.value for k, f in rec.fact_map().items()} == rep.values
    assert [f for f in rec.findings if f.severity == "error"] == []


@pytest.mark.parametrize("year", [2020, 2023])
def test_pdf_writer_reads_back_exactly(tmp_path: Path, year: int) -> None:
    rep = _report(year)
    path = write_pdf(rep, tmp_path / "report.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    _assert_exact(process_file(path), rep)


def test_doc_writer_reads_back_exactly(tmp_path: Path) -> None:
    if libreoffice() is None:
        pytest.skip("LibreOffice not installed")
    rep = _report(2023)
    path = write_doc(rep, tmp_path / "report.doc")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.doc"]  # nothing left beside it
    assert path.read_bytes().startswith(OLE_MAGIC)
    _assert_exact(process_file(path), rep)

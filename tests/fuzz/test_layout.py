"""Property tests: documents drawn by the layout fuzzer (tests/fuzz) read back exactly —
agency, year, template and every cell — as .docx, HTML, plain text, Markdown and PDF.

The strategy is restricted to what gongkai reads right today only by excluding the
failure classes recorded in tests/fuzz/classes.py; each class names its xfail case in
tests/fuzz/test_regressions.py (none is open today).

Bounded for `make test` (derandomized, no example database, so CI is repeatable);
`make fuzz` sets FUZZ_MAX_EXAMPLES for a long run and prints the survey by class.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.check import assert_reads_back
from tests.fuzz.classes import outside_known
from tests.fuzz.render_pdf import soffice
from tests.fuzz.strategies import reports
from tests.fuzz.truth import Report

LONG = int(os.environ.get("FUZZ_MAX_EXAMPLES", "0"))


def _settings(examples: int) -> settings:
    return settings(max_examples=LONG or examples, deadline=None, derandomize=not LONG, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def _drawn(fmt: str) -> st.SearchStrategy[Report]:
    # Per file type: every class still listed in tests/fuzz/classes.py is left out.
    return reports().filter(outside_known(fmt))


def _check(rep: Report, fmt: str) -> None:
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{fmt}-") as tmp:
        assert_reads_back(rep, fmt, Path(tmp))


@_settings(15)
@given(_drawn("docx"))
def test_docx_layouts_read_back(rep: Report) -> None:
    _check(rep, "docx")


@_settings(15)
@given(_drawn("html"))
def test_html_layouts_read_back(rep: Report) -> None:
    _check(rep, "html")


@_settings(20)
@given(_drawn("txt"))
def test_text_layouts_read_back(rep: Report) -> None:
    _check(rep, "txt")


@_settings(10)
@given(_drawn("md"))
def test_markdown_layouts_read_back(rep: Report) -> None:
    _check(rep, "md")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
@_settings(1)  # LibreOffice starts for each document (~10-25 s on a busy machine); `make fuzz` does many
@given(_drawn("pdf"))
def test_pdf_layouts_read_back(rep: Report) -> None:
    _check(rep, "pdf")

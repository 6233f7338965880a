"""Generated reports written as real .docx/.html/.txt files read back to exactly their numbers."""

from __future__ import annotations

import importlib.util
import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import spec
from pipeline.process import process_file
from tests.kit import SynthReport, make_report, write_docx, write_html, write_txt
from tests.paths import ROOT


def _samples_module():  # scripts/ is not a package; load make_samples.py by path
    spec_ = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec_)
    sys.modules["make_samples"] = mod
    spec_.loader.exec_module(mod)
    return mod


def expected_values(rep: SynthReport, variants: dict) -> dict[str, tuple[object, str | None]]:
    """key → (value, value_kind or None when any kind is fine) as the file prints it."""
    exp: dict[str, tuple[object, str | None]] = {k: (v, None) for k, v in rep.values.items()}
    if variants.get("other_single_row") and rep.format_version == "2021":
        subs = {k: v for k, v in rep.values.items() if k.startswith("t3.other.")}
        for k in subs:
            del exp[k]
        cols = spec.col_keys("2021", "t3")
        sums = {c: sum(rep.values[f"t3.other.{s}.{c}"] for s in ("no_correction", "no_fee_paid", "other"))
                for c in cols}
        if all(v == 0 for v in sums.values()):
            exp.update({k: (0, None) for k in subs})
        else:
            exp.update({f"t3.other.{c}": (v, None) for c, v in sums.items()})
    for k in variants.get("dash_cells", ()):
        exp[k] = (0, "dash")
    for k in variants.get("text_cells", {}):
        exp[k] = (None, "text")
    if variants.get("blank_zeros"):
        exp = {k: (v, "blank" if v == 0 and kind is None else kind) for k, (v, kind) in exp.items()}
    return exp


def assert_record_matches(path: Path, rep: SynthReport, variants: dict) -> None:
    rec = process_file(path)
    assert rec.status != "rejected", rec.reason
    m = rec.metadata
    assert (m["agency"], m["year"], m["format_version"]) == (rep.agency, rep.year, rep.format_version)
    assert m["published_on"] == rep.published_on.isoformat()
    assert m["scope"] == rep.scope
    got = rec.fact_map()
    exp = expected_values(rep, variants)
    assert set(got) == set(exp), (set(exp) - set(got), set(got) - set(exp))
    for key, (value, kind) in exp.items():
        f = got[key]
        assert f.value == value, (key, f.printed_text, value)
        if isinstance(value, Decimal):
            assert isinstance(f.value, Decimal)
        elif value is not None:
            assert type(f.value) is int, key
        if kind is not None:
            assert f.value_kind == kind, key
    errors = [f for f in rec.findings if f.severity == "error"]
    if not variants.get("text_cells"):
        assert not errors, errors
        assert [s["number"] for s in rec.sections] == [1, 2, 3, 4, 5, 6]


SAMPLES = _samples_module().build_samples()


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.file for s in SAMPLES])
def test_bundled_samples_read_back_exactly(sample) -> None:
    # The committed files in raw/ must still be what the generator makes ...
    fresh = sample.write(Path(__import__("tempfile").mkdtemp()))
    assert fresh.read_bytes() == (ROOT / "raw" / sample.file).read_bytes(), "raw/ is stale: run make samples"
    # ... and read back to every number.
    assert_record_matches(ROOT / "raw" / sample.file, sample.report, sample.variants)


VARIANTS = [
    ("docx", {}),
    ("docx", {"t2_layout": "four", "caption": True}),
    ("docx", {"blank_zeros": True, "split_labels": True}),
    ("docx", {"fullwidth_digits": True, "title_fullwidth": True}),
    ("docx", {"vertical_label": True, "title_split": True}),
    ("docx", {"other_single_row": True}),
    ("docx", {"t3_header_repeat": True, "money_in_yuan": True}),
    ("html", {}),
    ("html", {"encoding": "gbk", "split_labels": True}),
    ("html", {"encoding": "gbk", "t2_layout": "four", "t3_header_repeat": True, "container": "zoom"}),
    ("html", {"blank_zeros": True, "title_niandu": True, "title_in_body": True}),
    ("txt", {}),
    ("txt", {"split_labels": True, "blank_zeros": True}),
    ("txt", {"t2_layout": "four", "other_single_row": True}),
]
WRITERS = {"docx": write_docx, "html": write_html, "txt": write_txt}


@pytest.mark.parametrize("fmt_year", [2020, 2023])
@pytest.mark.parametrize(("writer", "variants"), VARIANTS, ids=[f"{w}-{'-'.join(v) or 'plain'}" for w, v in VARIANTS])
def test_variants_read_back_exactly(tmp_path: Path, writer: str, variants: dict, fmt_year: int) -> None:
    rep = make_report(random.Random(f"{writer}{sorted(variants)}{fmt_year}"), "江城市某某区统计局", fmt_year)
    path = WRITERS[writer](rep, tmp_path / f"r.{writer}", **variants)
    assert_record_matches(path, rep, variants)


def test_dash_and_text_cells(tmp_path: Path) -> None:
    rep = make_report(random.Random(5), "江城市某某区统计局", 2024)
    zero = sorted(k for k, v in rep.values.items() if v == 0 and k.startswith("t4."))[:2]
    variants = {"dash_cells": frozenset(zero), "text_cells": {"t3.granted.research": "见附表"}}
    path = write_docx(rep, tmp_path / "r.docx", **variants)
    assert_record_matches(path, rep, variants)
    rec = process_file(path)
    assert rec.status == "review"
    assert [f.cells for f in rec.findings if f.rule_id == "value.unreadable"] == [["t3.granted.research"]]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**9), year=st.sampled_from([2019, 2020, 2021, 2022, 2024]),
       scale=st.sampled_from([0, 3, 40, 800, 20000]), writer=st.sampled_from(["docx", "html"]))
def test_any_report_round_trips(tmp_path: Path, seed: int, year: int, scale: int, writer: str) -> None:
    rep = make_report(random.Random(seed), "江城市某某区统计局", year, scale=scale)
    path = WRITERS[writer](rep, tmp_path / f"h{seed}.{writer}")
    assert_record_matches(path, rep, {})


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice not installed")
def test_large_numbers_wrapped_in_narrow_pdf_cells(tmp_path: Path) -> None:
    """A city's four-digit counts wrap inside the narrow columns of a PDF made by Word or
    LibreOffice (215 / 1): still one number each."""
    import subprocess

    rep = make_report(random.Random(4), "江城市人民政府", 2023, scale=2400)
    docx_path = write_docx(rep, tmp_path / "city.docx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx_path)], capture_output=True, timeout=180, check=True)
    assert_record_matches(tmp_path / "city.pdf", rep, {})

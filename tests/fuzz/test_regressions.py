"""Minimal layouts the layout fuzzer (tests/fuzz) found gongkai reading wrong, one per
failure class, each kept as an explicit case.

Each case is marked xfail(strict=True) with its failure class while the extractor gets
it wrong: when a fix makes one pass, the strict mark fails the suite, and the fixer
removes the mark here and the class in tests/fuzz/classes.py (which keeps the property
tests in tests/fuzz/test_layout.py away from it). Every case has a control: the same
document without the one feature, which must read back exactly today.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fuzz.check import assert_reads_back
from tests.fuzz.classes import known_failures
from tests.fuzz.fixed import fixed_values
from tests.fuzz.render_pdf import soffice
from tests.fuzz.truth import Layout, Report


def _report(template: str = "2021", agency: str = "东州市西城区经济技术开发区管委会", **layout: object) -> Report:
    year = 2024 if template == "2021" else 2020
    return Report(agency, year, template, fixed_values(template), Layout(**layout))


def _t4_zero(rep: Report) -> Report:
    """行政复议 all zero: its row of a transposed t4 prints no digit."""
    zero = {k: 0 for k in rep.values if k.startswith("t4.reconsideration.")}
    return dataclasses.replace(rep, values={**rep.values, **zero})


def _wide_t3(rep: Report) -> Report:
    """Table 三's numbers ×1001 (still adding up): four- and five-digit numbers wrap in
    LibreOffice's narrow applicant columns, the table grows over the page, and LibreOffice
    breaks a row there (`1.属` / `于国家秘密`, `1001` / `0`)."""
    return dataclasses.replace(rep, values={k: v * 1001 if k.startswith("t3.") else v for k, v in rep.values.items()})


# (id, file type, report with the failing feature, the same report without it)
CASES: list[tuple[str, str, Report, Report, str]] = [
    ("title_broken_inside_agency_name", "docx", _report(title_break=5), _report(title_break=20),
     "title broken inside the agency name"),
    ("title_broken_inside_agency_name_html", "html", _report("2019", "江城市档案馆", title_break=3),
     _report("2019", "江城市档案馆", title_break=10), "title broken inside the agency name"),
    ("appendix_t4_as_two_tables", "docx", _report("2019", placement="appendix", t4_style="split"),
     _report("2019", placement="appendix"), "appendix: t4 as two tables"),
    ("appendix_t3_two_row_header", "html", _report("2019", placement="appendix", t3_header="two_rows"),
     _report("2019", t3_header="two_rows"), "appendix: t3 without 申请人情况 row"),
    ("appendix_t3_flat_header", "docx", _report(placement="appendix", t3_header="flat"),
     _report(t3_header="flat"), "appendix: t3 without 申请人情况 row"),
    ("t4_transposed_row_without_digits", "docx", _t4_zero(_report(t4_style="transposed", zero_styles=("—",))),
     _t4_zero(_report(t4_style="transposed")), "t4 transposed: row without digits"),
    ("t4_transposed_blank_row_html", "html", _t4_zero(_report(t4_style="transposed", zero_styles=("blank",))),
     _t4_zero(_report(t4_style="transposed", zero_styles=("0",))), "t4 transposed: row without digits"),
    ("txt_appendix_t3_flat_header", "txt", _report("2019", placement="appendix", t3_header="flat"),
     _report("2019", t3_header="flat"), "appendix: t3 without 申请人情况 row"),
    ("title_broken_inside_guanyu", "txt", _report("2019", "江城市档案馆", title_form="guanyu", title_break=7),
     _report("2019", "江城市档案馆", title_form="guanyu", title_break=8), "title broken inside the agency name"),
    ("txt_t3_group_label_rows", "txt", _report(t3_rows="grouprow"), _report(t3_rows="joined"),
     "txt: t3 group label rows"),
    ("txt_tab_separated_rows", "txt", _report(text_style="rows"), _report(),
     "txt: tab-separated rows"),
    ("markdown_pipe_tables", "md", _report(), _report(md_style="html"), "markdown pipe tables"),
    # The title names no agency and no signature closes the report: the preamble's subject
    # (XX管委会认真贯彻落实《条例》…) is the only place the agency is printed.
    ("agency_only_in_preamble", "docx", _report(title_form="no_agency", preamble="agency_notice", signature="none"),
     _report(title_form="no_agency", preamble="agency_notice"), "agency only in the preamble"),
    ("agency_only_in_preamble_html", "html",
     _report("2019", "江城市档案馆", title_form="no_agency", preamble="agency_notice", signature="none", width="half"),
     _report("2019", "江城市档案馆", title_form="no_agency", preamble="agency_notice", width="half"),
     "agency only in the preamble"),
    ("t3_row_broken_across_pages", "pdf", _wide_t3(_report()), _report(), "pdf: t3 row broken across pages"),
    # Padded numbers wrap one line later: the row is cut with one-line numbers above the
    # break and two-line ones below it, in other columns.
    ("t3_row_numbers_both_sides_of_break", "pdf", _wide_t3(_report(number_style="padded")),
     _report(number_style="padded"), "pdf: t3 row broken across pages"),
    # Three narrow label columns and no 申请人情况 row: on the page after the break no line
    # holds a word of the table (予以 / 公开, 自然 / 人), and the page was not searched.
    ("t3_page_words_only_down_columns", "pdf",
     _wide_t3(_report(t3_header="two_rows", t3_rows="repeat", page_breaks=frozenset({"before_t3"}))),
     _report(t3_header="two_rows", t3_rows="repeat", page_breaks=frozenset({"before_t3"})),
     "pdf: t3 page without a keyword line"),
    ("t3_repeated_header_clipped", "pdf", _report(t3_rows="joined"), _report(),
     "pdf: t3 header repeated and clipped"),
]


# Cases the extractor reads right since the issue 9 fixes: plain regression tests now. A
# fixed class is gone from tests/fuzz/classes.py, so the property tests draw it again.
FIXED = {"title_broken_inside_guanyu", "markdown_pipe_tables",
         "title_broken_inside_agency_name", "title_broken_inside_agency_name_html",
         "t4_transposed_row_without_digits", "t4_transposed_blank_row_html",
         "appendix_t4_as_two_tables", "appendix_t3_two_row_header", "appendix_t3_flat_header",
         "txt_appendix_t3_flat_header", "txt_t3_group_label_rows", "txt_tab_separated_rows",
         "agency_only_in_preamble", "agency_only_in_preamble_html",
         "t3_row_broken_across_pages", "t3_row_numbers_both_sides_of_break",
         "t3_page_words_only_down_columns", "t3_repeated_header_clipped"}


def _need_renderer(fmt: str) -> None:
    if fmt == "pdf" and soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")


@pytest.mark.parametrize(("name", "fmt", "rep", "cls"), [
    pytest.param(name, fmt, bad, cls, id=name,
                 marks=() if name in FIXED else pytest.mark.xfail(strict=True, reason=cls))
    for name, fmt, bad, _, cls in CASES])
def test_fuzz_regression(name: str, fmt: str, rep: Report, cls: str, tmp_path: Path) -> None:
    _need_renderer(fmt)
    if name not in FIXED:
        assert cls in known_failures(rep, fmt)  # the property tests must be kept away from it
    assert_reads_back(rep, fmt, tmp_path)


@pytest.mark.parametrize(("fmt", "rep"), [
    pytest.param(fmt, good, id=f"{name}_control") for name, fmt, _, good, _ in CASES])
def test_fuzz_regression_control(fmt: str, rep: Report, tmp_path: Path) -> None:
    """The same document without the failing feature reads back exactly, and lies outside every class."""
    _need_renderer(fmt)
    assert known_failures(rep, fmt) == []
    assert_reads_back(rep, fmt, tmp_path)


@pytest.mark.parametrize(("fmt", "unit", "amount"), [("docx", "万元", "5949.088667"), ("html", "元", "12.345678"),
                                                     ("txt", "万元", "0.000001")])
def test_money_keeps_every_printed_digit(fmt: str, unit: str, amount: str, tmp_path: Path) -> None:
    """Issue 9 class 4 at extraction: 万元 to six decimals (元 with 角/分) read back exactly."""
    rep = _report(money_unit=unit)
    rep = dataclasses.replace(rep, values={**rep.values, "t2.fees.amount": Decimal(amount)})
    assert_reads_back(rep, fmt, tmp_path)

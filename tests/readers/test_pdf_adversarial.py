"""Adversarial PDFs and web pages: layouts real agencies publish, read back to the exact numbers.

Every case prints one generated report (tests.kit, numbers known) the way some agency
really does — Word → PDF through LibreOffice with the table broken across pages at a chosen
row, reportlab PDFs with unusual rulings, page furniture, rotated or landscape pages,
web pages with unusual markup — runs it through `process_file` and states what a careful
human reader says the document contains. Failing tests are left failing on purpose: each
documents a place where reading or extraction goes wrong.

LibreOffice conversions are batched in module-scoped fixtures (one soffice call per
batch). Page breaks are placed deterministically: a first conversion measures where the
rows of each table fall when the table starts a page, and the documents of the second
batch get a fixed-height spacer paragraph that pushes a chosen row just past the foot of
the page (or a chosen row half across it). The fixture checks that the break landed
where intended, so a case never passes or fails for a layout it did not build.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from reportlab.lib.pagesizes import A4, landscape

from pipeline import spec
from pipeline.process import process_file
from pipeline.record import Record
from tests.kit import compose, make_report, write_docx, write_pdf
from tests.kit import pdf_builders as pb
from tests.kit.composer import PCell, PPara, PTable
from tests.kit.doc_writer import convert as lo_convert
from tests.kit.doc_writer import libreoffice
from tests.kit.html_writer import html_page as kit_html_page
from tests.kit.html_writer import html_table
from tests.kit.pdf_writer import Grid, RLReport, Style, text_width, typeset

AGENCY = "江城市某某区统计局"
# The 2021-template report of the previous round (numbers non-zero where it matters) ...
REP = make_report(random.Random(7), AGENCY, 2023, scale=40)
TITLE = f"{AGENCY}2023年政府信息公开工作年度报告"
# ... the same agency's 2022 report (for the two-reports-in-one-file case) ...
REP22 = make_report(random.Random(22), AGENCY, 2022, scale=40)
# ... and a 2019-template report.
REP20 = make_report(random.Random(20), AGENCY, 2020, scale=40)


def test_reports_under_test_are_the_expected_ones() -> None:
    assert (REP.format_version, REP.published_on.isoformat()) == ("2021", "2024-01-27")
    assert REP.values["t2.licensing.decisions"] == 1483
    assert REP.values["t3.other.no_correction.natural_person"] > 0
    assert REP.values["t3.other.other.total"] > 0
    assert REP.values["t4.reconsideration.total"] > 0
    assert REP20.format_version == "2019" and REP22.format_version == "2021"
    assert REP22.values["t3.new_received.total"] != REP.values["t3.new_received.total"]
    assert REP22.values["t2.licensing.decisions"] != REP.values["t2.licensing.decisions"]
    assert REP22.published_on.isoformat() == "2023-02-10"


# --------------------------------------------------------------------------- checking


def expected(rep, other_single_row: bool = False) -> dict[str, object]:
    """Key → value as the printed tables state it (a 2021 report printing （六）其他处理 as
    one row states the sums under the 2019 keys t3.other.*)."""
    exp = dict(rep.values)
    if other_single_row and rep.format_version == "2021":
        cols = spec.col_keys("2021", "t3")
        sums = {c: sum(rep.values[f"t3.other.{s}.{c}"] for s in ("no_correction", "no_fee_paid", "other"))
                for c in cols}
        if any(sums.values()):
            for k in [k for k in exp if k.startswith("t3.other.")]:
                del exp[k]
            exp.update({f"t3.other.{c}": v for c, v in sums.items()})
        # all zero: the three 2021 sub-rows are 0, as printed
    return exp


def mismatches(rec: Record, rep=REP, *prefixes: str, other_single_row: bool = False) -> list[tuple]:
    """(key, printed, got, expected) for every key under the prefixes that is wrong, missing,
    extra or stored twice; [] when the record holds exactly the report's numbers."""
    prefixes = prefixes or ("t2.", "t3.", "t4.")
    exp = {k: v for k, v in expected(rep, other_single_row).items() if k.startswith(prefixes)}
    facts = [f for f in rec.facts if f.key.startswith(prefixes)]
    got = {f.key: f for f in facts}
    bad: list[tuple] = [
        (k, got[k].printed_text if k in got else "MISSING", got[k].value if k in got else None, v)
        for k, v in exp.items()
        if k not in got or got[k].value != v
    ]
    bad += [(k, got[k].printed_text, got[k].value, "EXTRA") for k in sorted(set(got) - set(exp))]
    seen: set[str] = set()
    for f in facts:
        if f.key in seen:
            bad.append((f.key, f.printed_text, f.value, "STORED TWICE"))
        seen.add(f.key)
    return bad


def problems(rec: Record) -> list[tuple[str, str, str]]:
    return [(f.rule_id, f.severity, f.message) for f in rec.findings if f.severity in ("error", "warning")]


def meta(rec: Record) -> tuple:
    m = rec.metadata
    return (m.get("agency"), m.get("year"), m.get("format_version"), m.get("published_on"))


def everything_right(rec: Record, rep=REP, other_single_row: bool = False) -> None:
    assert rec.status != "rejected", rec.reason
    assert meta(rec) == (rep.agency, rep.year, rep.format_version, rep.published_on.isoformat())
    assert mismatches(rec, rep, other_single_row=other_single_row) == []
    allowed = {"t3.other_split_unknown"} if other_single_row and rep.format_version == "2021" else set()
    assert [p for p in problems(rec) if p[0] not in allowed] == []


# --------------------------------------------------------------------------- LibreOffice


def soffice() -> str:
    exe = libreoffice()
    if exe is None:
        pytest.skip("LibreOffice not installed")
    return exe


def convert(files: list[Path], outdir: Path) -> None:
    """One soffice call for the whole batch (start-up dominates the cost)."""
    lo_convert(files, outdir, "pdf", exe=soffice())


def a4_docx(rep, path: Path, **variant: object) -> Path:
    """The kit's Word file on A4 paper (its default template is US Letter)."""
    write_docx(rep, path, **variant)
    d = docx.Document(str(path))
    for s in d.sections:
        s.page_width, s.page_height = Mm(210), Mm(297)
    d.save(str(path))
    return path


def spacer(height_pt: float, page_break: bool = False) -> list:
    """Empty paragraphs of exact line height adding up to `height_pt` (chunks ≤ 100 pt)."""
    out = []
    left = height_pt
    first = True
    while left > 0.01:
        h = min(left, 100.0)
        left -= h
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        if page_break and first:
            ppr.append(OxmlElement("w:pageBreakBefore"))
        sp = OxmlElement("w:spacing")
        for k, v in (("before", "0"), ("after", "0"), ("line", str(round(h * 20))), ("lineRule", "exact")):
            sp.set(qn(f"w:{k}"), v)
        ppr.append(sp)
        ind = OxmlElement("w:ind")
        ind.set(qn("w:firstLine"), "0")
        ppr.append(ind)
        p.append(ppr)
        out.append(p)
        first = False
    return out


def _field_run(instr: str):
    r = OxmlElement("w:r")
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instr} "
        r.append(el)
    return r


def add_header_footer(d) -> None:
    """Agency name in the page header, "第 X 页 共 Y 页" (PAGE / NUMPAGES fields) in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sec = d.sections[0]
    sec.header.paragraphs[0].text = AGENCY
    sec.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("第 ")
    fp._p.append(_field_run("PAGE"))
    fp.add_run(" 页 共 ")
    fp._p.append(_field_run("NUMPAGES"))
    fp.add_run(" 页")


HEADINGS = ("二、主动公开", "三、收到和处理", "四、政府信息公开行政复议")
S0 = 10.0  # calibration spacer (pt)


def calibration_docx(rep, path: Path, header_footer: bool = False,
                     spacers: dict[str, float] | None = None, variant: tuple = (),
                     repeat_header: bool = False) -> Path:
    """The report with each table section (二, 三, 四) starting a page after a spacer:
    S0 pt in the calibration run, the computed height in the run that places a break."""
    a4_docx(rep, path, **dict(variant))
    d = docx.Document(str(path))
    if header_footer:
        add_header_footer(d)
    if repeat_header:
        t3 = next(t for t in d.tables if "申请人情况" in t._tbl.xml)
        for tr in t3._tbl.findall(qn("w:tr"))[:3]:
            tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for para in d.paragraphs:
        for h in HEADINGS:
            if para.text.startswith(h):
                for el in spacer((spacers or {}).get(h, S0), page_break=True):
                    para._p.addprevious(el)
    d.save(str(path))
    return path


def _hrules(page) -> list[float]:
    ys = sorted(o["top"] for o in page.lines + page.rects if abs(o["bottom"] - o["top"]) < 1.0)
    out: list[float] = []
    for y in ys:
        if not out or y - out[-1] > 1.0:
            out.append(y)
    return out


def _find(pdf, text: str) -> list[tuple[int, float]]:
    """(page index, top) of each place the text is printed (NFKC, within one line)."""
    hits = []
    for i, page in enumerate(pdf.pages):
        for m in page.search(re.escape(text), regex=True):
            hits.append((i, float(m["top"])))
    return hits


@dataclass(frozen=True)
class BreakCase:
    name: str
    rep_name: str  # "REP" or "REP20"
    heading: str  # the section whose table is broken
    row: str | int  # label that starts row X, or the index of row X's top rule on the page
    mode: str = "clean"  # "clean": row X starts the next page; "mid"/"strip": row X split (two lines fit)
    header_footer: bool = False
    last_of_row: str | None = None  # mid: text of row X's last label line (must be on the next page)
    variant: tuple[tuple[str, object], ...] = ()  # synth writer variant
    room: float = 30.0  # mid/strip: pt left for row X at the page foot (a line is 12.8 pt)
    repeat_header: bool = False  # t3's three header rows marked "repeat at the top of each page"


BREAKS = [
    BreakCase("t3-before-carried-over", "REP", "三、收到和处理", "二、上年结转"),
    BreakCase("t3-mid-denied", "REP", "三、收到和处理", "6.属于四类过程性信息"),
    BreakCase("t3-before-total", "REP", "三、收到和处理", "(七)总计"),
    # split_labels: the label's three lines are three paragraphs, so the row splits between
    # them (a line of a paragraph is never left alone at a page foot or head: widow control)
    BreakCase("t3-row-split-other-no-fee-paid", "REP", "三、收到和处理", "2.申请人逾期未按收费", "mid",
              last_of_row="理其政府信息公开申请", variant=(("split_labels", True),)),
    # One three-line paragraph: widow control moves all its lines to the next page, the row
    # is split anyway and leaves an empty two-line strip of cells at the foot of the page.
    BreakCase("t3-row-split-empty-strip", "REP", "三、收到和处理", "1.申请人无正当理由", "strip"),
    BreakCase("t4-between-header-and-values", "REP", "四、政府信息公开行政复议", 3),
    BreakCase("t2-between-header-and-values", "REP", "二、主动公开", "行政处罚"),
    BreakCase("t3-mid-denied-with-header-footer", "REP", "三、收到和处理", "6.属于四类过程性信息",
              header_footer=True),
    BreakCase("t3-mid-denied-header-rows-repeated", "REP", "三、收到和处理", "6.属于四类过程性信息",
              repeat_header=True),
    BreakCase("2019-t3-before-total", "REP20", "三、收到和处理", "(七)总计"),
    BreakCase("2019-t2-between-header-and-values", "REP20", "二、主动公开", "政府集中采购"),
    BreakCase("2019-t3-row-split-partially-granted", "REP20", "三、收到和处理", "(二)部分公开", "mid",
              last_of_row="不计其他情形", variant=(("split_labels", True),), room=17.0),
]
REPS = {"REP": REP, "REP20": REP20}

MATRIX_VARIANTS: dict[str, dict] = {
    "t2-four-tables": {"t2_layout": "four"},
    "blank-zeros": {"blank_zeros": True},
    "split-labels": {"split_labels": True},
    "vertical-label": {"vertical_label": True},
    "fullwidth-digits": {"fullwidth_digits": True},
    "other-single-row": {"other_single_row": True},
    "t3-header-repeat": {"t3_header_repeat": True},
    "money-in-yuan": {"money_in_yuan": True},
    "caption": {"caption": True},
    "title-split": {"title_split": True},
}
MATRIX_REPS = {2020: REP20, 2023: REP}


@pytest.fixture(scope="module")
def lo(tmp_path_factory) -> dict[str, Path]:
    """name → PDF made by LibreOffice: the variant matrix and the placed page breaks."""
    out = tmp_path_factory.mktemp("lo")
    first: list[Path] = []
    pdfs: dict[str, Path] = {}
    for year, rep in MATRIX_REPS.items():
        for name, variant in MATRIX_VARIANTS.items():
            first.append(a4_docx(rep, out / f"matrix-{name}-{year}.docx", **variant))
    calib: dict[tuple, Path] = {}
    for case in BREAKS:
        key = (case.rep_name, case.header_footer, case.variant, case.repeat_header)
        if key not in calib:
            calib[key] = calibration_docx(REPS[case.rep_name], out / f"calib-{len(calib)}.docx",
                                          header_footer=case.header_footer, variant=case.variant,
                                          repeat_header=case.repeat_header)
    first += calib.values()
    convert(first, out)
    for f in first:
        pdfs[f.stem] = f.with_suffix(".pdf")
    # Place the breaks.
    second: list[Path] = []
    for case in BREAKS:
        key = (case.rep_name, case.header_footer, case.variant, case.repeat_header)
        src = calib[key].with_suffix(".pdf")
        d = docx.Document(str(calib[key]))
        bottom = (d.sections[0].page_height - d.sections[0].bottom_margin) / 12700  # EMU → pt
        with pdfplumber.open(src, unicode_norm="NFKC") as pdf:
            (hp, _), = _find(pdf, case.heading)
            page = pdf.pages[hp]
            rules = _hrules(page)
            if isinstance(case.row, int):
                y = rules[case.row]
            else:
                # inside the table (the narrative above may use the same words)
                hits = [t for p, t in _find(pdf, case.row) if p == hp and t > rules[0]]
                assert len(hits) == 1, (case.name, hits)
                y = max(r for r in rules if r <= hits[0] + 0.5)
            assert y < bottom, (case.name, "row not on the table's first page in calibration")
        # clean: 2 pt left under row X-1, less than any line; mid: room for some lines of
        # row X (10.5 pt type, 12.8 pt a line), not all
        room = 2.0 if case.mode == "clean" else case.room
        height = S0 + bottom - y - room
        path = calibration_docx(REPS[case.rep_name], out / f"break-{case.name}.docx",
                                header_footer=case.header_footer, spacers={case.heading: height},
                                variant=case.variant, repeat_header=case.repeat_header)
        second.append(path)
    convert(second, out)
    for case, path in zip(BREAKS, second, strict=True):
        pdfs[f"break-{case.name}"] = path.with_suffix(".pdf")
    return pdfs


def layout_error(case: BreakCase, pdf_path: Path) -> str | None:
    """Why the PDF does not break the table where the case says (None: it does)."""
    with pdfplumber.open(pdf_path, unicode_norm="NFKC") as pdf:
        (hp, _), = _find(pdf, case.heading)
        if isinstance(case.row, int):
            # t4: the header's rules on the heading's page, the value row's on the next
            if len(_hrules(pdf.pages[hp])) != case.row + 1 or len(_hrules(pdf.pages[hp + 1])) < 2:
                return "t4 header and value row not on two pages"
            return None
        pages = {p for p, t in _find(pdf, case.row) if p > hp or t > _hrules(pdf.pages[hp])[0]}
        if case.mode == "strip":
            rules = _hrules(pdf.pages[hp])
            if pages != {hp + 1} or rules[-1] - rules[-2] < 20:
                return f"row X's text not moved whole to the next page over an empty strip ({pages}, {hp})"
        elif case.mode == "clean":
            if pages != {hp + 1}:
                return f"row X does not start the next page ({pages}, {hp})"
            if case.repeat_header and hp + 1 not in {p for p, _ in _find(pdf, "申请人情况")}:
                return "header rows not repeated on the next page"
        elif pages != {hp} or hp + 1 not in {p for p, _ in _find(pdf, case.last_of_row)}:
            return f"row X not split across the break ({pages}, {hp})"
    return None


@pytest.mark.parametrize("year", sorted(MATRIX_REPS))
@pytest.mark.parametrize("variant", sorted(MATRIX_VARIANTS))
def test_libreoffice_pdf_of_every_writer_variant(lo: dict[str, Path], variant: str, year: int) -> None:
    # The synth Word file of each publisher variant, on A4, printed to PDF by LibreOffice:
    # the tables break across pages wherever A4 puts the break.
    rep = MATRIX_REPS[year]
    rec = process_file(lo[f"matrix-{variant}-{year}"])
    everything_right(rec, rep, other_single_row=variant == "other-single-row")


@pytest.mark.parametrize("case", BREAKS, ids=[c.name for c in BREAKS])
def test_libreoffice_pdf_table_broken_at_chosen_row(lo: dict[str, Path], case: BreakCase) -> None:
    if (why := layout_error(case, lo[f"break-{case.name}"])) is not None:
        raise RuntimeError(f"test layout not as intended: {why}")
    rec = process_file(lo[f"break-{case.name}"])
    everything_right(rec, REPS[case.rep_name])


def report_pdf(tmp_path: Path, name: str = "report.pdf", rep=REP, **kwargs) -> Path:
    return write_pdf(rep, tmp_path / name, **kwargs)


def test_reportlab_baseline_report(tmp_path: Path) -> None:
    # The typesetter's plain output, every cell ruled: the reference for the cases below.
    everything_right(process_file(report_pdf(tmp_path)))


def thin_space_thousands(text: str) -> str:
    digits = text.strip()
    if not digits.isdigit():
        return digits
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return "\u2009".join([digits, *groups])


@pytest.mark.parametrize("tid", ["t2", "t3", "t4"])
def test_tables_without_outer_left_right_borders(tmp_path: Path, tid: str) -> None:
    # Inner rules only (a WPS table style): no table has a left or right border, so the
    # first (label) column and the last (总计) column have no outer vertical rule.
    rec = process_file(report_pdf(tmp_path, styles={t: Style(rules="no_outer") for t in ("t2", "t3", "t4")}))
    assert meta(rec) == (AGENCY, 2023, "2021", "2024-01-27")
    assert mismatches(rec, REP, f"{tid}.") == []


@pytest.mark.parametrize("tid", ["t2", "t3", "t4"])
def test_three_line_tables(tmp_path: Path, tid: str) -> None:
    # 三线表 throughout: a rule above each table, one under its header rows (t3, t4), one
    # under the table; no vertical rules and no rules between body rows.
    rec = process_file(report_pdf(tmp_path, styles={t: Style(rules="booktabs") for t in ("t2", "t3", "t4")}))
    assert meta(rec) == (AGENCY, 2023, "2021", "2024-01-27")
    assert mismatches(rec, REP, f"{tid}.") == []


def test_numbers_right_aligned_small_with_thin_space_thousands(tmp_path: Path) -> None:
    # Numbers right-aligned in 7.5 pt under 9 pt labels, thousands set off by a thin space
    # (1 483): the space is a positioning gap, no character in the text layer.
    style = Style(num_align="right", num_size=7.5, num_text=thin_space_thousands)
    everything_right(process_file(report_pdf(tmp_path, styles={t: style for t in ("t2", "t3", "t4")})))


def test_header_and_page_x_of_y_footer_on_every_page(tmp_path: Path) -> None:
    # The agency name over a rule at the top of every page, "第 2 页 共 3 页" at the foot;
    # table 三 runs from page 2 onto page 3 under the running header.
    path = report_pdf(tmp_path, header=AGENCY, footer=lambda i, n: f"第 {i} 页 共 {n} 页")
    with pdfplumber.open(path, unicode_norm="NFKC") as pdf:
        assert len(pdf.pages) == 3 and "申请人情况" in pdf.pages[1].extract_text()
        assert "(七)总计" in pdf.pages[2].extract_text()
    rec = process_file(path)
    everything_right(rec)
    assert [s["number"] for s in rec.sections] == [1, 2, 3, 4, 5, 6]
    # Page furniture is not narrative: the agency's name is a line of the text only once,
    # as the signature at the end of section 六.
    lines = [(s["number"], line) for s in rec.sections for line in str(s["text"]).split("\n")]
    assert [n for n, line in lines if line == AGENCY] == [6]
    assert not [line for _, line in lines if "页" in line and "共" in line]


def _landscape_t3(rotate: int, repeat: bool) -> Callable:
    def hook(doc: RLReport, tid: str, k: int) -> None:
        if tid == "t3":
            doc.new_page(landscape(A4), rotate=rotate)
        elif tid == "t4":
            doc.new_page(A4)
    return hook


def test_t3_alone_on_landscape_pages_header_repeated(tmp_path: Path) -> None:
    # An A4 landscape section holding only table 三, which runs over two landscape pages with
    # its three header rows repeated; the report goes on in portrait.
    path = report_pdf(tmp_path, table_hook=_landscape_t3(0, True), repeat_header=True)
    with pdfplumber.open(path) as pdf:
        wide = [i for i, p in enumerate(pdf.pages) if p.width > p.height]
        assert len(wide) == 2 and all("申请人情况" in pdf.pages[i].extract_text() for i in wide)
    everything_right(process_file(path))


def test_t3_on_pages_with_rotate_90(tmp_path: Path) -> None:
    # Portrait media boxes shown turned by /Rotate 90 (how many PDF tools store landscape
    # pages); table 三 runs over two of them.
    path = report_pdf(tmp_path, table_hook=_landscape_t3(90, False))
    with pdfplumber.open(path) as pdf:
        assert sum(1 for p in pdf.pages if p.rotation == 90) == 2
    everything_right(process_file(path))


def test_t3_printed_sideways_on_portrait_pages(tmp_path: Path) -> None:
    # The same landscape pages printed sideways on portrait sheets, no /Rotate: the text runs
    # bottom to top; table 三 spans two such pages.
    path = report_pdf(tmp_path, table_hook=_landscape_t3(-90, False))
    with pdfplumber.open(path) as pdf:
        assert sum(1 for p in pdf.pages if p.height > p.width and p.rotation == 0) == len(pdf.pages)
    everything_right(process_file(path))


def test_title_letter_spaced_over_two_lines(tmp_path: Path) -> None:
    path = report_pdf(tmp_path, title_spacing=9.0)
    rec = process_file(path)
    assert rec.metadata["title"] == TITLE
    everything_right(rec)


def _title_image(lines: list[str]):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(pb.WQY_ZENHEI, 56)
    img = Image.new("L", (1300, 180), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        w = draw.textlength(line, font=font)
        draw.text(((1300 - w) / 2, 10 + i * 84), line, font=font, fill=0)
    return img


def test_title_printed_as_image_agency_named_in_first_paragraph(tmp_path: Path) -> None:
    # The title is a picture (no text layer); the first paragraph names the agency; the
    # report closes with the date only (no signature line).
    if not Path(pb.WQY_ZENHEI).exists():
        pytest.skip("WenQuanYi Zen Hei not installed")
    bs = [b for b in compose(REP) if not (isinstance(b, PPara) and b.role in ("title", "signature"))]
    pre = next(b for b in bs if isinstance(b, PPara) and b.role == "preamble")
    pre.text = pre.text.replace("本报告依据", f"本报告由{AGENCY}依据", 1)
    doc = RLReport()
    doc.image(_title_image([AGENCY, "2023年政府信息公开工作年度报告"]), 420, 58)
    typeset(doc, REP, blocks=bs)
    path = tmp_path / "report.pdf"
    path.write_bytes(doc.render())
    rec = process_file(path)
    assert rec.status != "rejected", rec.reason
    assert (rec.metadata["agency"], rec.metadata["year"], rec.metadata["published_on"]) == (
        AGENCY, 2023, "2024-01-27")
    assert mismatches(rec) == []


def _columns(doc: RLReport, paras: list[str], gutter: float = 18.0) -> None:
    """Paragraphs set in two columns (left column first, then right, then the next page)."""
    size = doc.size
    pitch = size * 1.65
    colw = (doc.w - 2 * doc.margin - gutter) / 2
    lines: list[tuple[str, bool, bool]] = []  # text, first line, justified
    for p in paras:
        rest, first = p, True
        while rest:
            room = colw - (2 * size if first else 0)
            line = ""
            for ch in rest:
                if line and text_width(line + ch, size) > room:
                    break
                line += ch
            rest = rest[len(line):]
            lines.append((line, first, bool(rest)))
            first = False
    # Balanced columns, as Word sets a two-column section that ends mid-page: on each page
    # the left column takes the first half of the lines that fit there, the right the rest.
    while lines:
        fit = int((doc.bottom - doc.y) // pitch)
        if fit < 1:
            doc.new_page()
            continue
        chunk = lines[: 2 * fit]
        lines = lines[2 * fit:]
        half = (len(chunk) + 1) // 2
        top = doc.y
        for col, part in enumerate((chunk[:half], chunk[half:])):
            y = top
            for text, first, justified in part:
                x0 = doc.margin + col * (colw + gutter) + (2 * size if first else 0)
                right = doc.margin + col * (colw + gutter) + colw
                lw = text_width(text, size)
                cs = (right - x0 - lw) / (len(text) - 1) if justified and len(text) > 1 else 0.0
                doc.text_line(x0, y, text, size, cs)
                y += pitch
        doc.y = top + half * pitch
        if lines:
            doc.new_page()


def test_preamble_and_overview_in_two_columns(tmp_path: Path) -> None:
    # The preamble and section 一 set in two columns (a magazine-style layout some city
    # portals use for the narrative), then the tables in one column as usual.
    from pipeline.normalize import nfkc

    bs = compose(REP)
    i = next(k for k, b in enumerate(bs) if isinstance(b, PPara) and b.role == "preamble")
    j = next(k for k, b in enumerate(bs) if isinstance(b, PPara) and b.text.startswith("二、"))
    cols = [b.text for b in bs[i:j]]
    doc = RLReport()
    typeset(doc, REP, blocks=bs[:i])
    _columns(doc, cols)
    doc.y += 12
    typeset(doc, REP, blocks=bs[j:])
    path = tmp_path / "report.pdf"
    path.write_bytes(doc.render())
    rec = process_file(path)
    everything_right(rec)
    assert (rec.metadata["period_start"], rec.metadata["period_end"]) == ("2023-01-01", "2023-12-31")
    overview = [nfkc(b.text) for b in bs[i + 2:j]]  # after the preamble and the heading 一、总体情况
    assert rec.sections[0]["number"] == 1
    assert rec.sections[0]["text"] == "\n".join(overview)


def test_baseline_overview_text_is_exact(tmp_path: Path) -> None:
    # The reference for the two-column case: in one column the section text comes back
    # paragraph for paragraph.
    from pipeline.normalize import nfkc

    bs = compose(REP)
    i = next(k for k, b in enumerate(bs) if isinstance(b, PPara) and b.text.startswith("一、"))
    j = next(k for k, b in enumerate(bs) if isinstance(b, PPara) and b.text.startswith("二、"))
    rec = process_file(report_pdf(tmp_path))
    assert rec.sections[0]["text"] == "\n".join(nfkc(b.text) for b in bs[i + 1:j])


def test_disclosure_catalogue_box_above_title(tmp_path: Path) -> None:
    # A portal's "print to PDF": the 索引号 / 发布机构 / 发文日期 / 名称 box at the top of
    # page 1, then the report.
    box = PTable("box", [
        [PCell("索 引 号"), PCell("11420100MB1234567X/2024-00012"), PCell("分    类"), PCell("政府信息公开年报")],
        [PCell("发布机构"), PCell(AGENCY), PCell("发文日期"), PCell("2024-01-27")],
        [PCell("名    称"), PCell(TITLE, span=3)],
        [PCell("文    号"), PCell(""), PCell("有 效 性"), PCell("有效")],
    ], [1300, 3300, 1300, 3300])
    doc = RLReport()
    doc.table(Grid.of(box, width=451, size=9))
    doc.y += 18
    typeset(doc, REP)
    path = tmp_path / "report.pdf"
    path.write_bytes(doc.render())
    rec = process_file(path)
    assert rec.metadata["title"] == TITLE
    everything_right(rec)


def test_tables_in_attachments_after_the_signature(tmp_path: Path) -> None:
    # The narrative says 详见附件 and ends with signature and date; the three tables follow
    # as 附件1-3, each on a page of its own after the signature.
    bs = compose(REP)
    body: list = []
    for b in bs:
        if isinstance(b, PTable):
            continue
        body.append(b)
        if b.role == "heading" and b.text.startswith(("二、", "三、", "四、")):
            body.append(PPara(f"具体情况详见附件{'一二三四'.index(b.text[0])}。"))
    doc = RLReport()
    typeset(doc, REP, blocks=body)
    for n, (tid, name) in enumerate((("t2", "主动公开政府信息情况"), ("t3", "收到和处理政府信息公开申请情况"),
                                     ("t4", "政府信息公开行政复议、行政诉讼情况")), start=1):
        doc.new_page()
        doc.para(f"附件{n}", indent=0, align="left")
        doc.para(name, size=16, align="center")
        for t in [b for b in bs if isinstance(b, PTable) and b.table_id == tid]:
            doc.table(Grid.of(t, header_rows=0 if tid == "t2" else 3))
    path = tmp_path / "report.pdf"
    path.write_bytes(doc.render())
    everything_right(process_file(path))


def test_two_annual_reports_in_one_pdf(tmp_path: Path) -> None:
    # An agency's 2022 and 2023 reports bound into one PDF (a "历年年报" download).
    # Decision: a record is one report. Two complete reports in one file cannot be stored
    # as one without mixing years, so the file must be rejected, or held for review with an
    # error finding; and whatever numbers it keeps must all come from the one report its
    # metadata names, each key once (never 2022's t2 with 2023's t3).
    doc = RLReport()
    typeset(doc, REP22)
    doc.new_page()
    typeset(doc, REP)
    path = tmp_path / "report.pdf"
    path.write_bytes(doc.render())
    rec = process_file(path)
    assert rec.status in ("rejected", "review"), (rec.status, problems(rec))
    if rec.status == "review":
        assert any(f.severity == "error" for f in rec.findings)
        named = {2022: REP22, 2023: REP}[rec.metadata["year"]]
        assert rec.metadata["published_on"] == named.published_on.isoformat()
        assert mismatches(rec, named) == []


# --------------------------------------------------------------------------- web pages


def html_page(bs: list, **kwargs) -> str:
    """The blocks as a bare portal page titled like the agency's (see tests.kit.html_writer)."""
    return kit_html_page(bs, TITLE, "江城市某某区人民政府", **kwargs)


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_html_tables_with_css_borders_only(tmp_path: Path) -> None:
    # No border/cellspacing attributes: the grid is drawn by a stylesheet and inline styles.
    style = "<style>table.xxgk td{border:1px solid #000;padding:4px}</style>"
    page = html_page(compose(REP), table=lambda t: html_table(
        t, table_attrs='class="xxgk" style="border-collapse:collapse;width:100%"'))
    everything_right(process_file(write(tmp_path, page.replace("<body>", "<body>" + style))))


def test_html_thead_th_header_rows_and_tbody(tmp_path: Path) -> None:
    # Header rows as <th> inside <thead> (t3's three, t4's three), the body in <tbody>.
    rows = {"t2": 0, "t3": 3, "t4": 3}
    page = html_page(compose(REP), table=lambda t: html_table(t, th_rows=rows[t.table_id]))
    everything_right(process_file(write(tmp_path, page)))


def test_html_cells_with_spans_nbsp_padding_and_footnote_marks(tmp_path: Path) -> None:
    # Every cell a <p> holding a font <span>, numbers padded with &nbsp;, and 行政许可's count
    # carrying a superscript footnote mark: 1483<sup>1</sup> (注1 under the table).
    def cell(text: str, header: bool) -> str:
        body = "<br/>".join(html.escape(x) for x in text.split("\n"))
        if re.fullmatch(r"[\d.]+", text):
            body = f"&nbsp;&nbsp;{body}&nbsp;"
            if text == "1483":
                body += "<sup>1</sup>"
        return (f'<p style="text-align:center"><span style="font-family:仿宋_GB2312;font-size:14px">'
                f"{body or '&nbsp;'}</span></p>")

    bs = compose(REP)
    t2 = next(k for k, b in enumerate(bs) if isinstance(b, PTable) and b.table_id == "t2")
    bs.insert(t2 + 1, PPara("注1：含承接上级下放事项。"))
    rec = process_file(write(tmp_path, html_page(bs, table=lambda t: html_table(t, cell=cell))))
    assert rec.fact_map()["t2.licensing.decisions"].value == 1483
    everything_right(rec)


def _t3_split_with_header(bs: list, at_key: str) -> None:
    """t3 printed as two <table>s at the row of `at_key`, the header rows repeated and the
    merged labels restarted in the second table."""
    i = next(k for k, b in enumerate(bs) if isinstance(b, PTable) and b.table_id == "t3")
    t3 = bs[i]
    k = next(r for r, row in enumerate(t3.rows) if any(c.key and c.key.startswith(at_key) for c in row))
    second = [list(r) for r in t3.rows[k:]]
    for c, pc in enumerate(second[0]):
        if pc.vmerge == "continue":
            # the label of the merged cell is printed again in the continuation
            above = next(row[c] for row in reversed(t3.rows[:k]) if c < len(row) and row[c].vmerge == "restart")
            second[0][c] = PCell(above.text, span=pc.span, vmerge="restart")
    bs[i:i + 1] = [PTable("t3", t3.rows[:k], t3.widths), PPara("（续表）"),
                   PTable("t3", [list(r) for r in t3.rows[:3]] + second, t3.widths)]


def test_html_t3_split_mid_group_header_repeated(tmp_path: Path) -> None:
    # Two <table>s for t3 (the page follows the printed layout), cut inside （三）不予公开:
    # the second table repeats the three header rows and the group labels, under a （续表）.
    bs = compose(REP)
    _t3_split_with_header(bs, "t3.denied.process_info")
    everything_right(process_file(write(tmp_path, html_page(bs))))


def test_html_gb18030_page_declaring_utf8(tmp_path: Path) -> None:
    # The bytes are GB18030, the page says charset=utf-8 (a template copied between
    # sites); the agency's name has a character outside GBK (𬌗, only GB18030 four-byte).
    agency = "江城市𬌗山区统计局"
    rep = make_report(random.Random(7), agency, 2023, scale=40)
    page = html_page(compose(rep), charset="utf-8").replace(TITLE, rep.title)
    path = write(tmp_path, page, encoding="gb18030")
    rec = process_file(path)
    assert rec.metadata["agency"] == agency
    everything_right(rec, rep)


def test_html_report_only_in_an_iframe(tmp_path: Path) -> None:
    # The portal page frames the report (a PDF viewer or another page): the page itself has
    # the title, the 索引号 box and an <iframe>, no report text and no tables. Nothing here
    # can be read as the report, and the reason must say where it is.
    page = (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
            f"<div class='xxgk-info'><table><tr><td>索引号</td><td>11420100MB1234567X/2024-00012</td></tr>"
            f"<tr><td>发布机构</td><td>{AGENCY}</td></tr><tr><td>名称</td><td>{TITLE}</td></tr></table></div>"
            f"<h1>{TITLE}</h1><div id='zoom'><iframe src='/attach/2024/ndbg.pdf' width='100%' height='900'></iframe>"
            f"</div></body></html>")
    rec = process_file(write(tmp_path, page))
    assert rec.status == "rejected"
    assert "iframe" in (rec.reason or "").lower()

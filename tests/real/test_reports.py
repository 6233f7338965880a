"""Real published reports, value by value, against truth files checked by hand.

Each folder under tests/fixtures/real/ holds one report as published or as stored (its
truth.json says which, and where it came from) and the truth: agency, year, template and
every printed statistic under its canonical key, read off the source by a person — never
copied from what gongkai extracts. Where gongkai is wrong today the case is a strict xfail
naming the failure class; each class also has a minimal regression case of a few lines of
the same real layout. A developer fixing a class removes its marks.

Besides the committed files, the tests build three documents from them: the Shanghai page
as a browser renders it (the HTML inside its JavaScript string), and two scans (a real page
printed to PDF by LibreOffice, rasterised by pypdfium2 and wrapped back into a PDF with no
text layer).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.db import connect, query
from pipeline.load import load_records
from pipeline.process import process_file
from pipeline.record import Fact, Record
from pipeline.validate import derived_values
from tests.kit import pdf_builders as pb
from tests.paths import FIXTURES

REAL = FIXTURES / "real"
SLUGS = sorted(p.name for p in REAL.iterdir() if (p / "truth.json").is_file())

# ---------------------------------------------------------------- failure classes of today
GLUED = ("a crawler's text dump with the table cells glued together, no separator (规章000, "
         "一、本年新收政府信息公开申请数量5000005): no table is found (tables 二 三 四 missing). A digit run splits "
         "into cells only where its length equals the row's cell count (all one-digit values); 行政规范性文件0012 "
         "(4 digits, 3 cells) cannot be split by anyone")

# (the Markdown conversions' table 二 lines and blank 总计 are read right since issue 9)
VALUES_XFAIL = {"pingtan-transport-2021": GLUED}
META_XFAIL: dict[str, str] = {}
CHECKS_XFAIL = {"pingtan-transport-2021": GLUED}


def _cases(xfails: dict[str, str]) -> list[Any]:
    return [pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=xfails[s])) if s in xfails else s
            for s in SLUGS]


@cache
def truth(slug: str) -> dict[str, Any]:
    t: dict[str, Any] = json.loads((REAL / slug / "truth.json").read_text(encoding="utf-8"))
    return t


@cache
def record(slug: str) -> Record:
    return process_file(REAL / slug / truth(slug)["saved_file"])


def _want(v: Any) -> int | Decimal:
    # money is written in the truth as the exact decimal string (or a JSON float) in 万元
    return Decimal(str(v)) if isinstance(v, (str, float)) else int(v)


def wrong_cells(rec: Record, t: dict[str, Any]) -> dict[str, tuple[str | None, Any]]:
    """Every truth cell gongkai gets wrong: key -> (what it read, what is printed)."""
    got = rec.fact_map()
    out: dict[str, tuple[str | None, Any]] = {}
    for f in t["facts"]:
        key = f"{f['table_id']}.{f['row_key']}.{f['col_key']}"
        g = got.get(key)
        blank_ok = f.get("value_kind") != "blank" or (g is not None and g.value_kind == "blank")
        if g is None or g.value != _want(f["value"]) or not blank_ok:
            out[key] = (None if g is None else f"{g.printed_text!r} -> {g.value} ({g.value_kind})", f["value"])
    # a value read for a key the report does not print is wrong too (unverified cells aside)
    known = {f"{f['table_id']}.{f['row_key']}.{f['col_key']}" for f in t["facts"]} | set(t.get("unverified_keys", []))
    out.update({k: (f"{g.printed_text!r} -> {g.value}", "not printed") for k, g in got.items()
                if k not in known and not g.derived})
    return out


def test_corpus_is_what_the_report_says() -> None:
    """The committed corpus: both templates, several file types, small, files unchanged since checked."""
    import hashlib

    ts = [truth(s) for s in SLUGS]
    assert {t["format_version"] for t in ts} == {"2019", "2021"}
    assert len({t["agency"] for t in ts}) >= 10
    assert sum(t["format_version"] == "2019" for t in ts) >= 4
    assert {Path(t["saved_file"]).suffix for t in ts} >= {".html", ".js", ".md", ".pdf", ".txt"}
    assert sum(f.stat().st_size for f in REAL.rglob("*") if f.is_file()) < 3_000_000
    for s, t in zip(SLUGS, ts, strict=True):
        assert hashlib.sha256((REAL / s / t["saved_file"]).read_bytes()).hexdigest() == t["saved_file_sha256"], s


@pytest.mark.parametrize("slug", _cases(VALUES_XFAIL))
def test_every_value(slug: str) -> None:
    assert wrong_cells(record(slug), truth(slug)) == {}


@pytest.mark.parametrize("slug", _cases(META_XFAIL))
def test_metadata(slug: str) -> None:
    t, m = truth(slug), record(slug).metadata
    assert (m.get("agency"), m.get("year"), m.get("format_version")) == (t["agency"], t["year"], t["format_version"])


@pytest.mark.parametrize("slug", _cases(CHECKS_XFAIL))
def test_read_and_checks_as_printed(slug: str) -> None:
    """Read (not rejected) and the report's own rules hold exactly where the truth says they do."""
    rec, t = record(slug), truth(slug)
    assert rec.status != "rejected", rec.reason
    # cells the file itself lost (the truth's unverified_keys: the conversion dropped them)
    # are rightly reported missing; that is the file's fault, not a broken rule
    lost = set(t.get("unverified_keys", []))
    errors = {f.rule_id for f in rec.findings if f.severity == "error"
              and not (f.rule_id == "table.cells_missing" and set(f.cells) <= lost)}
    assert sorted(errors) == t["rule_violations"]


# ---------------------------------------------------------------- the Shanghai page as rendered


def _js_content(js: str) -> str:
    """The HTML a browser gets from `let content = "…"` (JS string escapes are JSON's here)."""
    m = re.search(r'content = (".*")\s*$', js, re.S)
    assert m is not None
    return str(json.loads(m.group(1), strict=False))


@pytest.fixture(scope="module")
def shanghai_rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = _js_content((REAL / "shanghai-gov-office-2019" / "content.js").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("rendered") / "shanghai-2019.html"
    path.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{html}</body></html>',
                    encoding="utf-8")
    return path


def test_shanghai_rendered_page_every_value_and_metadata(shanghai_rendered: Path) -> None:
    rec, t = process_file(shanghai_rendered), truth("shanghai-gov-office-2019")
    assert wrong_cells(rec, t) == {}
    m = rec.metadata
    assert (m["agency"], m["year"], m["format_version"]) == (t["agency"], t["year"], t["format_version"])


def test_shanghai_rendered_page_checks_as_printed(shanghai_rendered: Path) -> None:
    rec = process_file(shanghai_rendered)
    assert [f.rule_id for f in rec.findings if f.severity == "error"] == []


# ---------------------------------------------------------------- money in the database


@pytest.mark.parametrize("slug,key", [("pingtan-2023", "t2.fees.amount"),
                                      ("pingtan-2019", "t2.central_procurement.amount")])
def test_money_keeps_every_printed_digit_in_the_database(tmp_path: Path, slug: str, key: str) -> None:
    want = next(_want(f["value"]) for f in truth(slug)["facts"] if f"{f['table_id']}.{f['row_key']}.{f['col_key']}" == key)
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [record(slug)])
    t, r, c = key.split(".")
    assert query(con, "SELECT amount FROM facts WHERE table_id=? AND row_key=? AND col_key=?", [t, r, c]) == [(want,)]
    con.close()


def test_money_has_a_value_in_the_database(tmp_path: Path) -> None:
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [record("pingtan-2023")])
    assert query(con, "SELECT value IS NOT NULL FROM facts WHERE row_key='fees'") == [(True,)]
    con.close()


# ---------------------------------------------------------------- scans made from real pages


def _soffice_pdf(html: Path, outdir: Path) -> bytes:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice not installed")
    subprocess.run([exe, f"-env:UserInstallation={(outdir / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(html)],
                   check=True, capture_output=True, timeout=300)
    return html.with_suffix(".pdf").read_bytes()


def _table_pages(pdf: bytes) -> list[int]:
    """0-based pages printing tables 三 or 四: OCR costs tens of seconds a page here, so the
    scans hold those pages only and are compared on the t3/t4 cells."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    pages = [i for i, t in enumerate(texts) if any(m in t for m in ("申请人情况", "本年度办理结果", "行政复议"))]
    assert pages, "no page prints table 三 or 四"
    # Every page from the first to the last: a middle page of table 三 names none of the
    # markers (the Shanghai page's rows 不予公开 … 不予处理 are on a page of their own).
    return list(range(pages[0], pages[-1] + 1))


def _printable(html: Path) -> None:
    """The page as it is printed on paper before it is scanned: cells may wrap. The
    Shanghai page marks every cell nowrap, so its table 三 is twice the page's width and
    LibreOffice's print cut it on both sides (the row labels and five of the seven columns
    were off the page: no reader could find the table in that scan); a browser's print
    shrinks such a page to fit instead."""
    html.write_text(html.read_text(encoding="utf-8").replace(' nowrap="nowrap"', ""), encoding="utf-8")


def _scan_of(html: Path, outdir: Path) -> Path:
    """A real page printed to PDF, its table pages rasterised at 200 dpi into an image-only PDF."""
    _printable(html)
    pdf = _soffice_pdf(html, outdir)
    scan = outdir / f"{html.stem}-scan.pdf"
    scan.write_bytes(pb.image_only_pdf(pdf, dpi=200, pages=_table_pages(pdf)))
    return scan


def _t3_t4(t: dict[str, Any]) -> dict[str, Any]:
    return dict(t, facts=[f for f in t["facts"] if f["table_id"] in ("t3", "t4")],
                unverified_keys=[*t.get("unverified_keys", []),
                                 *(f"t2.{f['row_key']}.{f['col_key']}" for f in t["facts"] if f["table_id"] == "t2")])


def test_scan_of_pingtan_2023_every_value(tmp_path: Path) -> None:
    html = tmp_path / "pingtan-2023.html"
    shutil.copy(REAL / "pingtan-2023" / "page.html", html)
    assert wrong_cells(process_file(_scan_of(html, tmp_path)), _t3_t4(truth("pingtan-2023"))) == {}


def test_scan_of_shanghai_2019_every_value(tmp_path: Path, shanghai_rendered: Path) -> None:
    html = tmp_path / shanghai_rendered.name
    shutil.copy(shanghai_rendered, html)
    assert wrong_cells(process_file(_scan_of(html, tmp_path)), _t3_t4(truth("shanghai-gov-office-2019"))) == {}


# ---------------------------------------------------------------- minimal cases, one per class
# A few lines of the real layouts above, failing the same way; kept small so that a fix
# can be tried on them first.


def _shanghai_part(start: str, end: str) -> str:
    """A slice of the real Shanghai article HTML, from the paragraph `start` to the text `end`."""
    html = _js_content((REAL / "shanghai-gov-office-2019" / "content.js").read_text(encoding="utf-8"))
    i = html.index(start)
    return html[i:html.index(end, i) + len(end)]


def _value(facts: dict[str, Fact], key: str) -> int | Decimal | None:
    f = facts.get(key)
    return None if f is None else f.value


SH_TITLE = "<p style='text-align: center;font-weight: bold;'>2019年上海市人民政府办公厅政府信息公开工作年度报告</p>"


def test_minimal_js_string_page(tmp_path: Path) -> None:
    body = SH_TITLE + _shanghai_part("<p>三、收到和处理政府信息公开申请情况</p>", "</table>")
    js = json.dumps(body, ensure_ascii=False)  # a JS string literal: \" escapes, as the portal serves it
    page = tmp_path / "article.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body><div id="zoom"></div><script>'
                    f'var content = {js};document.getElementById("zoom").innerHTML = content;'
                    "</script></body></html>", encoding="utf-8")
    got = process_file(page).fact_map()
    assert [_value(got, f"t3.new_received.{c}") for c in ("natural_person", "commercial", "total")] == [821, 35, 859]


def test_minimal_markdown_pipe_table(tmp_path: Path) -> None:
    md = tmp_path / "report.md"
    md.write_text("2024 年上海市科委政府信息公开工作\n年度报告\n"
                  "## 表二：主动公开政府信息情况\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
                  "|---|---|---|---|\n| 规章 | 0 | 0 | 0 |\n| 规范性文件 | 13 | 0 | 55 |\n", encoding="utf-8")
    got = process_file(md).fact_map()
    assert [_value(got, f"t2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [13, 0, 55]


def test_minimal_markdown_t2_text_lines(tmp_path: Path) -> None:
    """The STCSM conversion's table 二 sub-tables flattened into lines (label, then number)."""
    md = tmp_path / "report.md"
    md.write_text("2024 年上海市科委政府信息公开工作\n年度报告\n一、主动公开政府信息情况\n第二十条第（五）项\n"
                  "信息内容本年处理决定数量\n行政许可 97\n第二十条第（六）项\n信息内容本年处理决定数量\n行政处罚 0\n"
                  "行政强制 3\n第二十条第（八）项\n信息内容本年收费金额（单位：万元）\n行政事业性收费 1.5\n"
                  "二、收到和处理政府信息公开申请情况\n行政许可 5\n", encoding="utf-8")
    rec = process_file(md)
    got = rec.fact_map()
    assert [_value(got, f"t2.{r}.{c}") for r, c in (("licensing", "decisions"), ("penalty", "decisions"),
                                                   ("coercion", "decisions"), ("fees", "amount"))] \
        == [97, 0, 3, Decimal("1.5")]
    f = got["t2.licensing.decisions"]
    assert (f.table_index, f.printed_text) == (None, "97")  # provenance: the line, not a table
    assert any(x.rule_id == "t2.from_lines" for x in rec.findings)


def test_minimal_partly_blank_total_column(tmp_path: Path) -> None:
    """总计 printed only in rows 一/二/（七）/四: the result rows' blank totals are derived and
    reported once (a warning), never compared as 0; (七) agrees with them."""
    page = tmp_path / "t3.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body>' + SH_TITLE
                    + _shanghai_part("<p>三、收到和处理政府信息公开申请情况</p>", "</table>") + "</body></html>",
                    encoding="utf-8")
    rec = process_file(page)
    facts = rec.fact_map()
    assert facts["t3.total.total"].value == 805
    assert facts["t3.granted.total"].value_kind == "blank"
    assert [f.rule_id for f in rec.findings if f.rule_id in ("t3.row_total", "t3.results_sum")] == []
    warned = [f for f in rec.findings if f.rule_id == "t3.blank_column"]
    assert len(warned) == 1 and "t3.granted.total" in warned[0].cells and "t3.total.total" not in warned[0].cells
    derived = {d.key: d.value for d in derived_values(rec)}
    assert derived["t3.granted.total"] == sum(facts[f"t3.granted.{c}"].value or 0 for c in
                                              ("natural_person", "commercial", "research", "social_org",
                                               "legal_service", "other_org"))


def _fees_page(tmp_path: Path, printed: str) -> Path:
    """The Pingtan 2023 table 二 row for fees, alone under its title."""
    page = tmp_path / "fees.html"
    page.write_text('<html><head><meta charset="utf-8"><title>平潭综合实验区2023年度政府信息公开工作年度报告</title>'
                    "</head><body><p>二、主动公开政府信息情况</p><table border=\"1\"><tbody>"
                    '<tr><td colspan="4">第二十条第（八）项</td></tr>'
                    '<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>'
                    f'<tr><td>行政事业性收费</td><td colspan="3">{printed}</td></tr>'
                    "</tbody></table></body></html>", encoding="utf-8")
    return page


def test_minimal_money_six_decimals(tmp_path: Path) -> None:
    rec = process_file(_fees_page(tmp_path, "5949.088667"))
    assert rec.fact_map()["t2.fees.amount"].value == Decimal("5949.088667")  # the record keeps them
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [rec])
    assert query(con, "SELECT amount FROM facts WHERE row_key='fees'") == [(Decimal("5949.088667"),)]
    con.close()


def test_minimal_money_value_column(tmp_path: Path) -> None:
    con = connect(tmp_path / "g.duckdb")
    load_records(con, [process_file(_fees_page(tmp_path, "5949.088667"))])
    assert query(con, "SELECT value FROM facts WHERE row_key='fees'") != [(None,)]
    con.close()


def test_minimal_markdown_heading_title(tmp_path: Path) -> None:
    md = tmp_path / "report.md"
    md.write_text("# 沐阳县人民政府 2025 年 政府信息公开工作年度报告\n\n沐阳县人民政府\n(2026年1月23日)\n\n"
                  "## 一、总体情况\n\n2025年，我县坚持以习近平新时代中国特色社会主义思想为指导。\n", encoding="utf-8")
    assert process_file(md).metadata.get("agency") == "沐阳县人民政府"


def test_minimal_preamble_sentence_is_not_the_title(tmp_path: Path) -> None:
    """The real Shuyang page cut before its tables: header, <h1>, preamble and section 一 only."""
    full = (REAL / "shuyang-fgj-2023" / "page.html").read_text(encoding="utf-8")
    head, rest = full.split("<ucapcontent>")
    body, tail = rest.split("</ucapcontent>")
    body = body[:body.rfind("<p", 0, body.index("二、主动公开政府信息情况"))]
    page = tmp_path / "article.html"
    page.write_text(f"{head}<ucapcontent>{body}</ucapcontent>{tail}", encoding="utf-8")
    assert process_file(page).metadata.get("agency") == "沭阳县发展和改革局"

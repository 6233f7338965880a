"""Extraction: one `Document` → one `Record` (metadata, sections, facts, findings).

Reading the file and running the checks are the neighbouring stages, in `pipeline.process`.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

from pipeline import __version__, spec
from pipeline.extract.metadata import extract_metadata, find_title
from pipeline.extract.sections import extract_sections, heading_number
from pipeline.extract.tables import Found, RawCell, find_tables
from pipeline.extract.values import parse_value
from pipeline.model import Document, Paragraph, Table
from pipeline.normalize import squash
from pipeline.record import Fact, Finding, Record
from pipeline.validate.catalogue import finding, value_finding
from pipeline.validate.status import status_and_reason

# Column keys that exist only in one template's t2: evidence for the format version.
_T2_2021 = spec.own_col_keys("2021", "t2")
_T2_2019 = spec.own_col_keys("2019", "t2")


def _format_version(found: Found, year: int | None) -> tuple[str, str]:
    """(format, how it was decided). Table labels first; the year only as a fallback."""
    t2cols = {c.col_key for c in found.cells if c.table_id == "t2"}
    if t2cols & _T2_2021 and not t2cols & _T2_2019:
        return "2021", "t2 labels"
    if t2cols & _T2_2019 and not t2cols & _T2_2021:
        return "2019", "t2 labels"
    if found.t3_other_split:
        return "2021", "t3 其他处理 sub-rows"
    if year is not None:
        return spec.format_for_year(year), "reported year"
    return "2021", "default"


def _fact(rc: RawCell, row_key: str, fmt: str) -> tuple[Fact, Finding | None]:
    item = spec.item_index(fmt).get((rc.table_id, row_key, rc.col_key))
    money = bool(item and item.is_money)
    p = parse_value(rc.cell.text, money=money, column_unit=rc.column_unit)
    bbox = list(rc.cell.bbox) if rc.cell.bbox else None
    fact = Fact(
        table_id=rc.table_id, row_key=row_key, col_key=rc.col_key, value=p.value, value_kind=p.kind,
        printed_text=rc.cell.text, unit=(spec.MONEY_UNIT if money else (item.unit if item else None)),
        page=rc.cell.page, table_index=rc.table_index, row=rc.row, col=rc.cell.col, bbox=bbox,
        ocr_confidence=rc.cell.ocr_confidence,
    )
    finding = None
    if p.kind == "text":
        finding = value_finding("value.unreadable", fact)
    elif p.footnote:
        finding = value_finding("value.footnote", fact, str(p.value), mark=p.footnote)
    elif p.kind == "dash":
        finding = value_finding("value.dash", fact, "0")
    return fact, finding


def build_facts(found: Found, fmt: str) -> tuple[list[Fact], list[Finding]]:
    facts: list[Fact] = []
    findings: list[Finding] = []
    index = spec.item_index(fmt)
    other_single = [c for c in found.cells if c.table_id == "t3" and c.row_key == "other"]
    seen: set[tuple[str, str, str]] = set()
    for rc in found.cells:
        if rc.table_id == "t3" and rc.row_key == "other" and fmt == "2021":
            continue  # handled below: the 2021 template splits this row in three
        key = (rc.table_id, rc.row_key, rc.col_key)
        if key not in index:
            cell = ".".join(key)
            findings.append(finding("template.cell", [cell], cell=cell, format=fmt))
            continue
        if key in seen:
            cell = ".".join(key)
            findings.append(finding("table.duplicate_cell", [cell], cell=cell))
            continue
        seen.add(key)
        fact, note = _fact(rc, rc.row_key, fmt)
        facts.append(fact)
        if note:
            findings.append(note)
    if other_single and any(c.row_key.startswith("other.") for c in found.cells if c.table_id == "t3"):
        # Both a single （六）其他处理 row and its sub-rows: the sub-rows are the table;
        # the single row is a misread fragment (a label cut by a page break).
        findings.append(finding("t3.other_both_forms", [f"t3.other.{c.col_key}" for c in other_single]))
        other_single = []
    if fmt == "2021" and other_single:
        parsed = [_fact(rc, "other", "2019") for rc in other_single]
        if all(f.value == 0 for f, _ in parsed):
            # All zero: each of the three sub-rows is zero too; no guess involved.
            for rc in other_single:
                for sub in ("other.no_correction", "other.no_fee_paid", "other.other"):
                    f, _ = _fact(rc, sub, fmt)
                    f.derived = True
                    facts.append(f)
            findings.append(finding("t3.other_single_row"))
        else:
            for f, note in parsed:
                facts.append(f)
                if note:
                    findings.append(note)
            findings.append(finding("t3.other_split_unknown", [f"t3.other.{c}" for c in spec.col_keys(fmt, "t3")]))
    have = {f.key for f in facts}
    present_tables = {f.table_id for f in facts}
    for tid in ("t2", "t3", "t4"):
        if tid not in found.tables_seen:
            findings.append(finding("table.missing", table=tid))
            continue
        expected = [i for i in spec.items(fmt) if i.table_id == tid]
        missing = [i.key for i in expected if i.key not in have
                   and not (tid == "t3" and i.row_key.startswith("other.") and other_single)]
        if missing and tid in present_tables | found.tables_seen:
            listed = ", ".join(missing[:6]) + ("…" if len(missing) > 6 else "")
            findings.append(finding("table.cells_missing", missing, table=tid, count=len(missing), listed=listed))
    return facts, findings


# Below this OCR confidence (RapidOCR's score x 100) a value is not trusted without a look;
# chosen on the scan matrix of scripts/bench_ocr.py (see pipeline/readers/ocr/).
OCR_REVIEW_CONFIDENCE = 95.0


def _ocr_findings(facts: list[Fact], doc: Document) -> list[Finding]:
    ocr = [f for f in facts if f.ocr_confidence is not None]
    if not ocr:
        return []
    lowest = min(f.ocr_confidence for f in ocr if f.ocr_confidence is not None)
    out = [finding("ocr.used", count=len(ocr), lowest=f"{lowest:.0f}")]
    low = [f for f in ocr if f.ocr_confidence is not None and f.ocr_confidence < OCR_REVIEW_CONFIDENCE]
    if low:
        listed = ", ".join(f"{f.key} ({f.printed_text!r}, page {f.page})" for f in low[:8])
        out.append(finding("ocr.low_confidence", [f.key for f in low], count=len(low),
                           limit=f"{OCR_REVIEW_CONFIDENCE:.0f}", listed=listed))
    return out


def _second_report(doc: Document) -> tuple[int, str] | None:
    """(block index, title) of a second report bound into the same file, if any.

    Another title line after the first report's tables, followed by its own 一、总体情况,
    starts another report (an agency's past years downloaded as one PDF). A title that
    repeats on every page is a running header, not a report. One record is one report:
    only the first is read.
    """
    titles: list[tuple[int, str]] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph) and len(squash(block.text)) <= 60:
            hit = find_title([block.text])
            if hit and len(hit[0]) >= 0.8 * len(squash(block.text)):
                titles.append((i, hit[0]))
    if len(titles) < 2 or len(titles) > 3:
        return None  # none, or a running header on every page
    first = titles[0][0]
    for i, title in titles[1:]:
        if title == titles[0][1] and len(titles) > 2:
            continue
        tables_between = any(isinstance(b, Table) for b in doc.blocks[first:i])
        opens = any(isinstance(b, Paragraph) and heading_number(b.text) == 1 for b in doc.blocks[i:])
        if tables_between and opens:
            return i, title
    return None


def extract_document(doc: Document) -> Record:
    """Metadata, sections, facts and extraction's own findings of a document; no checks
    (those are `pipeline.process`'s next step)."""
    started = time.perf_counter()
    rec = Record(sha256=doc.sha256, source_path=doc.source_path, file_type=doc.file_type, status="ok")
    early: list[Finding] = []
    second = _second_report(doc)
    if second is not None:
        at, title = second
        doc = dataclasses.replace(doc, blocks=doc.blocks[:at])
        early.append(finding("document.several_reports", block=at + 1, title=title))
    meta = extract_metadata(doc)
    sections = extract_sections(doc)
    found = find_tables(doc)
    if not found.cells and doc.metadata.get("html_frames"):
        return _reject(rec, doc, started, "the page shows the report in a frame, not as text: "
                       f"iframe {doc.metadata['html_frames'][:200]}")
    if meta.title is None and not found.cells:
        return _reject(rec, doc, started,
                       "not an annual report: no 政府信息公开工作年度报告 title and no statistics tables")
    fmt, how = _format_version(found, meta.year)
    facts, findings = build_facts(found, fmt)
    findings = early + findings
    findings.extend(found.findings)
    findings.extend(_ocr_findings(facts, doc))
    findings.extend(meta.findings)
    findings.extend(finding("reader.note", note=note) for note in doc.notes)
    rec.metadata = {**meta.as_dict(), "format_version": fmt, "format_basis": how,
                    "pages": doc.pages, "ocr": doc.ocr, **{f"doc_{k}": v for k, v in doc.metadata.items()}}
    rec.sections = sections
    rec.facts = facts
    rec.findings = findings
    rec.provenance = _provenance(doc, started)
    # The status of what extraction alone found; pipeline.process restates it once the
    # rules have run.
    rec.status, rec.reason = status_and_reason(rec.findings)
    return rec


def _reject(rec: Record, doc: Document, started: float, reason: str) -> Record:
    rec.status = "rejected"
    rec.reason = reason
    rec.provenance = _provenance(doc, started)
    return rec


def _provenance(doc: Document, started: float) -> dict[str, object]:
    return {
        "extractor": f"gongkai {__version__}",
        "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 4),
        "file_type": doc.file_type,
        "source_path": doc.source_path,
    }

"""Records as Arrow columns, one builder per database table, for the loader's bulk INSERTs.

Columns rather than a dict per row: a load is millions of facts, and building per-row
dicts (or a DataFrame from them) is what made loading slow. Every number travels as text
and is cast to DECIMAL by DuckDB, so no value goes through a float and no printed digit is
lost (EXACT: 10 decimals in 万元 hold a 元 amount to the 厘 and more).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from pipeline.record import Fact, Finding, Record

S, N, B, F = pa.string(), pa.int64(), pa.bool_(), pa.float64()  # text, integer, bool, float
EXACT = "DECIMAL(38, 10)"  # facts.value and .amount (pipeline/sql/schema.sql)
SCALE = 10


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[tuple[str, pa.DataType], ...]
    casts: tuple[tuple[str, str], ...] = ()  # column → SQL type it is cast to on insert

    @property
    def select(self) -> str:
        cast = dict(self.casts)
        return ", ".join(f"CAST({c} AS {cast[c]})" if c in cast else c for c, _ in self.columns)


REPORTS = TableSpec("reports", (
    ("report_id", S), ("sha256", S), ("source_path", S), ("file_type", S), ("title", S), ("agency", S),
    ("agency_source", S), ("year", N), ("published_on", S), ("period_start", S), ("period_end", S),
    ("format_version", S), ("format_basis", S), ("scope", S), ("status", S), ("reason", S), ("pages", N),
    ("ocr", B), ("extracted_at", S), ("loaded_at", pa.timestamp("us")), ("extractor", S), ("metadata", S),
), casts=(("published_on", "DATE"), ("period_start", "DATE"), ("period_end", "DATE"),
          ("extracted_at", "TIMESTAMP"), ("metadata", "JSON")))
FACTS = TableSpec("facts", (
    ("report_id", S), ("table_id", S), ("row_key", S), ("col_key", S), ("value", S), ("amount", S),
    ("value_kind", S), ("printed_text", S), ("unit", S), ("page", N), ("table_index", N), ("row_index", N),
    ("col_index", N), ("bbox", pa.list_(F)), ("ocr_confidence", F), ("derived", B),
), casts=(("value", EXACT), ("amount", EXACT)))
SECTIONS = TableSpec("sections", (("report_id", S), ("number", N), ("heading", S), ("text", S), ("page", N)))
FINDINGS = TableSpec("findings", (
    ("report_id", S), ("rule_id", S), ("severity", S), ("message", S), ("message_zh", S),
    ("cells", pa.list_(S)), ("expected", S), ("printed", S), ("origin", S), ("seq", N),
))
DERIVED = TableSpec("derived_facts", (
    ("report_id", S), ("table_id", S), ("row_key", S), ("col_key", S), ("value", S), ("amount", S),
    ("rule_id", S),
), casts=(("value", EXACT), ("amount", EXACT)))
TABLES = (REPORTS, FACTS, SECTIONS, FINDINGS, DERIVED)


class TooManyDigits(ValueError):
    """A number with more decimals than the database keeps: refused, never rounded."""


def _number(v: int | Decimal | None) -> str | None:
    """Any number as exact text (counts and money alike): the `value` column."""
    if v is None:
        return None
    if isinstance(v, Decimal):
        exp = v.as_tuple().exponent
        if isinstance(exp, int) and exp < -SCALE and v != v.quantize(Decimal(1).scaleb(-SCALE)):
            raise TooManyDigits(f"{v} has more than {SCALE} decimals")
        return format(v, "f")
    return str(int(v))


def _money(v: int | Decimal | None) -> str | None:
    return _number(v) if isinstance(v, Decimal) else None


def _text(v: Any) -> str | None:
    return None if v in (None, "") else str(v)


class Columns:
    """One table's rows of a batch, column by column."""

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        self.data: dict[str, list[Any]] = {c: [] for c, _ in spec.columns}

    def table(self) -> pa.Table:
        return pa.table({c: pa.array(self.data[c], t) for c, t in self.spec.columns})

    def add(self, **row: Any) -> None:
        for c, v in row.items():
            self.data[c].append(v)

    def add_report(self, r: Record, now: datetime) -> None:
        m = r.metadata
        self.add(report_id=r.sha256, sha256=r.sha256, source_path=r.source_path, file_type=r.file_type,
                 title=m.get("title"), agency=m.get("agency"), agency_source=m.get("agency_source"),
                 year=m.get("year"), published_on=_text(m.get("published_on")),
                 period_start=_text(m.get("period_start")), period_end=_text(m.get("period_end")),
                 format_version=m.get("format_version"), format_basis=m.get("format_basis"),
                 scope=m.get("scope"), status=r.status, reason=r.reason, pages=m.get("pages"), ocr=m.get("ocr"),
                 extracted_at=_text(r.provenance.get("extracted_at")), loaded_at=now,
                 extractor=r.provenance.get("extractor"),
                 metadata=json.dumps(m, ensure_ascii=False, default=str))

    def add_facts(self, r: Record) -> None:
        d = self.data
        n = len(r.facts)
        d["report_id"].extend([r.sha256] * n)
        d["table_id"].extend([f.table_id for f in r.facts])
        d["row_key"].extend([f.row_key for f in r.facts])
        d["col_key"].extend([f.col_key for f in r.facts])
        d["value"].extend([_number(f.value) for f in r.facts])
        d["amount"].extend([_money(f.value) for f in r.facts])
        d["value_kind"].extend([f.value_kind for f in r.facts])
        d["printed_text"].extend([f.printed_text for f in r.facts])
        d["unit"].extend([f.unit for f in r.facts])
        d["page"].extend([f.page for f in r.facts])
        d["table_index"].extend([f.table_index for f in r.facts])
        d["row_index"].extend([f.row for f in r.facts])
        d["col_index"].extend([f.col for f in r.facts])
        d["bbox"].extend([f.bbox for f in r.facts])
        d["ocr_confidence"].extend([f.ocr_confidence for f in r.facts])
        d["derived"].extend([f.derived for f in r.facts])

    def add_sections(self, r: Record) -> None:
        for s in r.sections:
            self.add(report_id=r.sha256, number=s["number"], heading=s.get("heading"), text=s.get("text"),
                     page=s.get("page"))

    def add_findings(self, report_id: str, findings: Iterable[Finding], origin: str) -> None:
        # seq keeps the record's order, so the status reason (its first finding) is the same
        # when the loader restates it as when extraction stated it.
        for i, fd in enumerate(findings):
            self.add(report_id=report_id, rule_id=fd.rule_id, severity=fd.severity, message=fd.message,
                     message_zh=fd.message_zh, cells=list(fd.cells), expected=fd.expected, printed=fd.printed,
                     origin=origin, seq=i)

    def add_derived(self, report_id: str, derived: Iterable[Fact]) -> None:
        for f in derived:
            self.add(report_id=report_id, table_id=f.table_id, row_key=f.row_key, col_key=f.col_key,
                     value=_number(f.value), amount=_money(f.value), rule_id=getattr(f, "rule_id", None))

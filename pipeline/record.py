"""The extracted record: one JSON file per document in extracted/, named by sha256.

This is the boundary between extraction (parallel, many machines) and loading (once).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
SEVERITIES = ("error", "warning", "info")


@dataclass
class Fact:
    table_id: str
    row_key: str
    col_key: str
    value: int | Decimal | None  # int for counts, Decimal (万元) for money, None if unreadable
    value_kind: str  # number, blank, dash, text
    printed_text: str
    unit: str | None = None
    page: int | None = None
    table_index: int | None = None  # which table of the document (0-based)
    row: int | None = None  # row in the printed table (0-based)
    col: int | None = None  # column in the printed table (0-based)
    bbox: list[float] | None = None
    ocr_confidence: float | None = None
    derived: bool = False  # value not printed but derived (e.g. an all-zero 其他处理 split)

    @property
    def key(self) -> str:
        return f"{self.table_id}.{self.row_key}.{self.col_key}"


@dataclass
class Finding:
    rule_id: str
    severity: str  # error, warning, info
    message: str  # English
    message_zh: str = ""
    cells: list[str] = field(default_factory=list)  # fact keys like t3.total.total
    expected: str | None = None
    printed: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"bad severity {self.severity!r}")


@dataclass
class Record:
    sha256: str
    source_path: str
    file_type: str | None
    status: str  # ok, warnings, review, rejected
    reason: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION

    def fact_map(self) -> dict[str, Fact]:
        return {f.key: f for f in self.facts}


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(type(o))


def record_dict(rec: Record) -> dict[str, Any]:
    """asdict(rec) without its deep copy of every fact (a tenth of the time): the dict is
    only serialised, never changed."""
    d = {f.name: getattr(rec, f.name) for f in fields(Record)}
    d["facts"] = [vars(f) for f in rec.facts]
    d["findings"] = [vars(f) for f in rec.findings]
    return d


def to_json(rec: Record) -> str:
    return json.dumps(record_dict(rec), ensure_ascii=False, default=_default, indent=1)


def from_json(text: str) -> Record:
    d = json.loads(text)
    facts = []
    for f in d.pop("facts"):
        if isinstance(f["value"], str):
            f["value"] = Decimal(f["value"])
        facts.append(Fact(**f))
    return Record(facts=facts, findings=stored_findings(d.pop("findings")), **d)


def stored_findings(items: list[dict[str, Any]]) -> list[Finding]:
    """The findings of a record as written (JSON, or a companion's header)."""
    return [Finding(**f) for f in items]


def stored_finding(rule_id: str, severity: str, message: str) -> Finding:
    """A finding read back from the database (as from_json rebuilds one from a record)."""
    return Finding(rule_id, severity, message)


def write_record(rec: Record, out_dir: Path) -> Path:
    """Write atomically: a temp file in the same folder, then rename over the target; then
    its columnar companion (pipeline.companion), which the loader reads instead when it
    can. An older companion goes first, so none is ever left beside a newer JSON.

    No fsync per record: a killed process loses nothing the kernel holds, and a batch
    ends with `flush_to_disk` for a crash of the machine itself. An fsync per record cost
    1–10 ms of waiting each (more with two workers syncing at once), 15–25% of a one-worker
    extract's wall time on this machine's disk. A record cut short by a power loss anyway
    is made again by the next extract and set aside by the loader, never loaded."""
    from pipeline.companion import companion_path, write_companion

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{rec.sha256}.json"
    companion_path(target).unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(to_json(rec))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    write_companion(rec, target)
    return target


def flush_to_disk() -> None:
    """Put every record written so far on the disk (once per batch, not per record)."""
    if hasattr(os, "sync"):
        os.sync()


def read_record(path: Path) -> Record:
    return from_json(path.read_text(encoding="utf-8"))

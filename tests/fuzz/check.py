"""Reading a fuzzed document back: every difference from the drawn truth, one line each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipeline.process import process_file
from pipeline.record import Record
from tests.fuzz.cells import expected_kind, printed
from tests.fuzz.render_docx import write_docx
from tests.fuzz.render_html import write_html
from tests.fuzz.render_pdf import write_pdf
from tests.fuzz.render_text import write_markdown, write_text
from tests.fuzz.truth import Report, keys

RENDERERS: dict[str, tuple[str, Callable[[Report, Path], Path]]] = {
    "docx": (".docx", write_docx),
    "html": (".html", write_html),
    "txt": (".txt", write_text),
    "md": (".md", write_markdown),
    "pdf": (".pdf", write_pdf),
}


@dataclass
class Outcome:
    """What came back: metadata right or not, and the cells read right."""

    record: Record
    problems: list[str] = field(default_factory=list)
    meta_ok: bool = True
    cells_right: int = 0
    cells: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def render(rep: Report, fmt: str, folder: Path) -> Path:
    suffix, write = RENDERERS[fmt]
    return write(rep, folder / f"report{suffix}")


def compare(rep: Report, rec: Record) -> Outcome:
    out = Outcome(rec)
    if rec.status == "rejected":
        out.problems.append(f"rejected: {rec.reason}")
        out.meta_ok = False
        out.cells = len(keys(rep.template))
        return out
    meta = rec.metadata
    for name, want in (("agency", rep.agency), ("year", rep.year), ("format_version", rep.template)):
        if meta.get(name) != want:
            out.problems.append(f"{name}: read {meta.get(name)!r}, drawn {want!r}")
            out.meta_ok = False
    facts = rec.fact_map()
    for key in keys(rep.template):
        out.cells += 1
        want = rep.values[key]
        fact = facts.get(key)
        if fact is None:
            out.problems.append(f"{key}: missing (printed {printed(rep, key)!r})")
            continue
        got = fact.value
        same = got is not None and Decimal(got) == Decimal(want)
        kind = expected_kind(rep, key)
        if not same or fact.value_kind != kind:
            out.problems.append(f"{key}: read {got!r} ({fact.value_kind}) from {fact.printed_text!r}, "
                                f"drawn {want!r} ({kind}) printed {printed(rep, key)!r}")
            continue
        out.cells_right += 1
    return out


def read_back(rep: Report, fmt: str, folder: Path) -> Outcome:
    return compare(rep, process_file(render(rep, fmt, folder)))


def assert_reads_back(rep: Report, fmt: str, folder: Path) -> None:
    out = read_back(rep, fmt, folder)
    assert out.ok, f"{fmt}: {len(out.problems)} differences, first: " + "; ".join(out.problems[:6])

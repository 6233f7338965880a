"""Failure classes found by the fuzzer: which layout feature a difference comes from.

Each class is a predicate over the drawn report and the file type, named after the
xfail(strict=True) regression case in tests/fuzz/test_regressions.py that records it.
The property tests (tests/fuzz/test_layout.py) draw only documents outside every class,
so they stay green while the extractor gets these wrong; the survey (`make fuzz`) draws
everything and counts each class. When the extractor is fixed, drop the class here and
the xfail mark there.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.fuzz.check import Outcome
from tests.fuzz.truth import Report

# "markdown pipe tables" (issue 9 class 8) went when the survey read 300 of 300 drawn .md
# documents exactly (pipeline/readers/markdown_reader.py); "pdf: t3 header repeated and
# clipped" when the 60 PDFs rendered once from the seed-9 survey and kept read 60/60 exactly
# (11942/11942 cells; 58/60 before; pipeline/readers/pdf/repeated_header.py). A new class is a predicate here.
CLASSES: dict[str, Callable[[Report, str], bool]] = {
}


def known_failures(rep: Report, fmt: str) -> list[str]:
    return [name for name, pred in CLASSES.items() if pred(rep, fmt)]


def outside_known(fmt: str) -> Callable[[Report], bool]:
    return lambda rep: not known_failures(rep, fmt)


def classify(rep: Report, fmt: str, out: Outcome) -> list[str]:
    """The classes a failed read falls in; `unclassified` is a new failure to look at."""
    if out.ok:
        return []
    return known_failures(rep, fmt) or ["unclassified"]

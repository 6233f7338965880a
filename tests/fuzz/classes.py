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


def _markdown(rep: Report, fmt: str) -> bool:
    # test_markdown_pipe_tables (issue 9 class 8): .md pipe tables are not read as tables.
    return fmt == "md"


CLASSES: dict[str, Callable[[Report, str], bool]] = {
    "markdown pipe tables": _markdown,
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

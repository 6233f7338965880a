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


def _appendix_t4_split(rep: Report, fmt: str) -> bool:
    # test_appendix_t4_as_two_tables: no 四、 heading above the two t4 tables, t4 not found.
    return rep.layout.placement == "appendix" and rep.layout.t4_style == "split"


def _appendix_t3_short_header(rep: Report, fmt: str) -> bool:
    # test_appendix_t3_two_row_header, test_appendix_t3_flat_header: t3 without the
    # 申请人情况 header row, in an appendix (no 三、 heading right above it), is not found.
    return rep.layout.placement == "appendix" and rep.layout.t3_header in ("two_rows", "flat")


def _txt_group_rows(rep: Report, fmt: str) -> bool:
    # test_txt_t3_group_label_rows: 三、/（三）不予公开 as label-only rows above their leaves.
    return fmt == "txt" and rep.layout.t3_rows == "grouprow"


def _txt_tab_rows(rep: Report, fmt: str) -> bool:
    # test_txt_tab_separated_rows: a table printed one row a line, cells separated by tabs.
    return fmt == "txt" and rep.layout.text_style == "rows"


def _markdown(rep: Report, fmt: str) -> bool:
    # test_markdown_pipe_tables (issue 9 class 8): .md pipe tables are not read as tables.
    return fmt == "md"


CLASSES: dict[str, Callable[[Report, str], bool]] = {
    "appendix: t4 as two tables": _appendix_t4_split,
    "appendix: t3 without 申请人情况 row": _appendix_t3_short_header,
    "txt: t3 group label rows": _txt_group_rows,
    "txt: tab-separated rows": _txt_tab_rows,
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

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

from pipeline.normalize import nfkc
from tests.fuzz.cells import printed
from tests.fuzz.check import Outcome
from tests.fuzz.compose import title_text
from tests.fuzz.tables import T4_COLS, T4_GROUPS
from tests.fuzz.truth import Report


def _title_break_inside_agency(rep: Report, fmt: str) -> bool:
    # test_title_broken_inside_agency_name: only the second line's part of the name is kept.
    cut = rep.layout.title_break
    if cut is None or cut >= len(title_text(rep)):
        return False
    start = title_text(rep).find(rep.agency)
    # 关于 right after the name counts as part of it: cut between 关 and 于, the agency is 于.
    end = start + len(rep.agency) + (2 if rep.layout.title_form == "guanyu" else 0)
    return start < cut < end


def _appendix_t4_split(rep: Report, fmt: str) -> bool:
    # test_appendix_t4_as_two_tables: no 四、 heading above the two t4 tables, t4 not found.
    return rep.layout.placement == "appendix" and rep.layout.t4_style == "split"


def _appendix_t3_short_header(rep: Report, fmt: str) -> bool:
    # test_appendix_t3_two_row_header, test_appendix_t3_flat_header: t3 without the
    # 申请人情况 header row, in an appendix (no 三、 heading right above it), is not found.
    return rep.layout.placement == "appendix" and rep.layout.t3_header in ("two_rows", "flat")


def _t4_transposed_empty_row(rep: Report, fmt: str) -> bool:
    # test_t4_transposed_row_without_digits: a transposed t4 row whose five cells are all
    # zero printed blank or as a dash (no digit in the row) is dropped.
    if rep.layout.t4_style != "transposed":
        return False
    return any(not any(ch.isdigit() for c in T4_COLS for ch in nfkc(printed(rep, f"t4.{g}.{c}")))
               for g in T4_GROUPS)


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
    "title broken inside the agency name": _title_break_inside_agency,
    "appendix: t4 as two tables": _appendix_t4_split,
    "appendix: t3 without 申请人情况 row": _appendix_t3_short_header,
    "t4 transposed: row without digits": _t4_transposed_empty_row,
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

"""The official 2021 Word template (real merged-cell layout, values blank)."""

from __future__ import annotations

from pipeline import spec
from pipeline.process import process_file
from tests.paths import FIXTURES

TEMPLATE = FIXTURES / "official-template-2021.docx"


def test_every_key_found_and_blank_means_zero() -> None:
    rec = process_file(TEMPLATE)
    assert rec.file_type == "docx"
    assert rec.metadata["format_version"] == "2021"
    assert {f.key for f in rec.facts} == {i.key for i in spec.items("2021")}
    assert all(f.value == 0 and f.value_kind == "blank" for f in rec.facts)
    # the template has no title, agency or year: that is said, not guessed
    assert {f.cells[0] for f in rec.findings if f.rule_id == "meta.required"} == {"meta.year", "meta.agency"}
    assert rec.status == "review"
    # merged header cells did not shift any column: t4's last cell is the 15th grid column
    last = rec.fact_map()["t4.litigation_after_reconsideration.total"]
    assert (last.table_index, last.row, last.col) == (2, 3, 14)
    money = rec.fact_map()["t2.fees.amount"]
    assert money.unit == "万元" and str(money.value) == "0"

"""The template's structure as data (structure.csv beside items.csv and labels.csv):
what spec derives from it agrees with the cells of items.csv and with the label map."""

from __future__ import annotations

import pytest

from pipeline import spec
from pipeline.extract import columns
from pipeline.extract.sections import heading_number
from pipeline.normalize import norm_label


@pytest.mark.parametrize(("year", "fmt"), [(2008, "2019"), (2019, "2019"), (2020, "2019"), (2021, "2021"),
                                           (2035, "2021")])
def test_format_for_year(year: int, fmt: str) -> None:
    assert spec.format_for_year(year) == fmt


def test_first_years_are_the_templates_own() -> None:
    assert [spec.first_year(f) for f in spec.FORMATS] == [2019, 2021]


@pytest.mark.parametrize("fmt", spec.FORMATS)
def test_column_tree_leaves_are_the_cells_of_items_csv(fmt: str) -> None:
    assert list(spec.column_paths("t3")) == spec.col_keys(fmt, "t3")
    t4 = [f"{r}.{c}" for r in spec.row_keys(fmt, "t4") for c in spec.col_keys(fmt, "t4")]
    assert list(spec.column_paths("t4")) == t4


def test_column_groups_as_the_header_prints_them() -> None:
    t4 = spec.column_groups("t4")
    assert t4["litigation"] == ("litigation_direct", "litigation_after_reconsideration")
    assert all(len(t4[g]) == 5 for g in spec.row_keys("2021", "t4"))
    assert spec.column_groups("t3") == {"legal_entity": ("commercial", "research", "social_org", "legal_service",
                                                         "other_org")}
    # 法人或其他组织's columns may stand at the top when the band is not printed; 行政复议's may not.
    assert {"natural_person", "legal_entity", "commercial", "total"} <= set(spec.column_roots("t3"))
    assert spec.column_roots("t4") == ("reconsideration", "litigation")
    assert columns.CANONICAL["t4"][:2] == ["reconsideration.upheld", "reconsideration.corrected"]


@pytest.mark.parametrize("table_id", ["t3", "t4"])
def test_every_printed_header_label_is_read_as_its_key(table_id: str) -> None:
    parts = [p for p in spec.structure("col", table_id) + spec.structure("colgroup", table_id)]
    for p in parts:
        assert columns.label_key(p.text, table_id) == p.key, p


def test_own_columns_tell_the_t2_templates_apart() -> None:
    assert spec.own_col_keys("2021", "t2") == {"issued", "repealed", "in_force"}
    assert spec.own_col_keys("2019", "t2") >= {"new_made", "new_published", "total_published"}
    assert not spec.own_col_keys("2021", "t2") & spec.own_col_keys("2019", "t2")


def test_sections_and_their_headings() -> None:
    titles = spec.section_titles()
    assert len(titles) == 6 and set(spec.section_keywords()) == set(range(1, 7))
    assert [heading_number(t) for t in titles] == [1, 2, 3, 4, 5, 6]
    assert {n: t for n, t in spec.section_tables().items() if t} == {2: "t2", 3: "t3", 4: "t4"}
    assert heading_number("一、加强组织领导") is None  # a numbered line about something else


def test_page_words_are_printed_in_the_tables_they_mark() -> None:
    words = spec.page_words()
    assert "申请人情况" in words and "第二十条" in words
    labels = {norm_label(x.row_label + x.col_label) for x in spec.items()}
    patterns = {norm_label(x.pattern) for x in spec.labels()}
    # every word but the headers' own is a label of the template or of the label map
    for w in words:
        if w in ("第二十条", "信息内容", "申请人情况"):
            continue
        assert any(w in t for t in labels | patterns), w



def test_label_rows_match_contained_or_whole() -> None:
    """labels.csv's `match`: a `contains` wording anywhere in the label, an `exact` one
    (其他, which also occurs inside longer labels) only as the whole label after its
    enumeration."""
    from pipeline.extract import labels as lab

    assert {x.match for x in spec.labels()} == {"contains", "exact"}
    assert lab.match(norm_label("3.其他"), "t3", "leaf") == "other.other"
    assert lab.match(norm_label("（三）其他情形"), "t3", "leaf") == "other.other"
    assert lab.match(norm_label("2.其他法律行政法规禁止公开"), "t3", "leaf") == "denied.prohibited_by_law"
    assert lab.match(norm_label("其他组织"), "t3", "col") == "other_org"
    assert lab.match(norm_label("法人或其他组织"), "t3", "col") is None
    assert lab.find_all(norm_label("其他处理3.其他"), "t3", "leaf") == []

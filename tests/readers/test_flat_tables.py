"""A crawler's text dump printing the whole article on one line, table cells joined by
spaces (real: tests/fixtures/real/pingtan-economy-2019/page.txt). The real report's
tables are nearly all 0, so the cases here put distinct numbers in its rows: a shifted
column or a row read under another label shows."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Paragraph, Table
from pipeline.process import process_file
from pipeline.readers.flat_tables import is_flat_report, split_flat_report
from tests.paths import FIXTURES

REAL = FIXTURES / "real" / "pingtan-economy-2019" / "page.txt"
T3_FIRST = "一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0"
T3_TOTAL = "（七）总计 0 0 0 0 0 0 0"
T3_SECRET = "1.属于国家秘密 0 0 0 0 0 0 0"
T4_VALUES = "总计 " + " ".join(["0"] * 15)


def _real_line() -> tuple[list[str], str]:
    lines = REAL.read_text(encoding="utf-8").split("\n")
    return lines[:-1], lines[-1]


def _write(tmp_path: Path, head: list[str], line: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text("\n".join([*head, line]), encoding="utf-8")
    return path


def test_flattened_rows_keep_their_columns(tmp_path: Path) -> None:
    head, line = _real_line()
    for old, new in ((T3_FIRST, "一、本年新收政府信息公开申请数量 1 2 3 4 5 6 21"),
                     (T3_SECRET, "1.属于国家秘密 1 0 0 0 0 2 3"),
                     (T3_TOTAL, "（七）总计 1 0 0 0 0 2 3"),
                     (T4_VALUES, "总计 1 2 3 4 10 0 0 0 5 5 0 0 6 0 6")):
        assert line.count(old) == 1, old
        line = line.replace(old, new)
    facts = process_file(_write(tmp_path, head, line)).fact_map()
    got = {k: facts[k].value for k in ("t3.new_received.natural_person", "t3.new_received.other_org",
                                        "t3.new_received.total", "t3.denied.state_secret.other_org",
                                        "t4.reconsideration.total", "t4.litigation_direct.pending",
                                        "t4.litigation_after_reconsideration.other", "t2.licensing.prior_year_items",
                                        "t2.penalty.prior_year_items", "t2.normative_docs.total_published")}
    assert got == {"t3.new_received.natural_person": 1, "t3.new_received.other_org": 6, "t3.new_received.total": 21,
                   "t3.denied.state_secret.other_org": 2, "t4.reconsideration.total": 10,
                   "t4.litigation_direct.pending": 5, "t4.litigation_after_reconsideration.other": 6,
                   "t2.licensing.prior_year_items": 17, "t2.penalty.prior_year_items": 12,
                   "t2.normative_docs.total_published": 6}


def test_wrapped_group_label_keeps_its_leaf() -> None:
    """（三）不予 公开 1.属于国家秘密: the group's words and the leaf are the row label."""
    _, line = _real_line()
    rows = [b for b in split_flat_report(line, 0) if isinstance(b, Table)][1].texts()
    assert ["（三）不予公开", "1.属于国家秘密", *["0"] * 7] in rows
    assert ["三、本年度办理结果", "（一）予以公开", *["0"] * 7] in rows


def test_headings_become_paragraphs() -> None:
    _, line = _real_line()
    texts = [b.text for b in split_flat_report(line, 0) if isinstance(b, Paragraph)]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in texts


def test_prose_with_numbers_is_not_a_table() -> None:
    prose = ("二、主动公开政府信息情况 全年主动公开 55 条，其中规范性文件 6 条 三、收到和处理政府信息公开申请情况 "
             "全年收到申请 3 件，办结 3 件 四、政府信息公开行政复议、行政诉讼情况 无")
    assert not is_flat_report(prose)

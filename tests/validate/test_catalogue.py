"""The catalogue of rule ids: every id any code emits is registered once, bilingual,
with the cells it may name; `gongkai rules` lists them all."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.process import process_file
from pipeline.record import Fact, Record
from pipeline.validate import RULES, validate_record
from pipeline.validate.catalogue import CATALOGUE, STAGES, finding, value_finding
from tests.paths import ROOT

PACKAGE = ROOT / "pipeline"
# Namespaces of rule ids; a literal like "meta.year" in these is either an id or a cell.
NAMESPACES = ("file", "reader", "document", "table", "template", "value", "ocr", "t2", "t3", "t4", "meta",
              "narrative", "xyear")
_ID_LITERAL = re.compile(r"""["']((?:""" + "|".join(NAMESPACES) + r""")\.[a-z_]+)["']""")
# Calls that take a rule id as their first argument.
_EMITTING_CALL = re.compile(r"""\b(?:finding|value_finding|note|_rule|rule)\(\s*["']([^"']+)["']""")


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))
            if "synth" not in p.parts and p.name != "catalogue.py"]


def _is_cell(key: str) -> bool:
    return any(r.covers(key) for r in CATALOGUE.values())


def test_every_id_in_the_code_is_registered() -> None:
    emitted: set[str] = set()
    for path, text in _sources():
        for m in _EMITTING_CALL.finditer(text):
            assert m.group(1) in CATALOGUE, f"{path.relative_to(ROOT)}: {m.group(1)!r} is not in the catalogue"
            emitted.add(m.group(1))
        for m in _ID_LITERAL.finditer(text):
            lit = m.group(1)
            assert lit in CATALOGUE or _is_cell(lit), f"{path.relative_to(ROOT)}: {lit!r} is neither a rule nor a cell"
    # The scan is not vacuous: it sees ids of every stage.
    assert {"reader.note", "table.missing", "t3.short_row", "t3.balance", "xyear.carry_over"} <= emitted


def test_no_finding_is_built_outside_the_catalogue() -> None:
    # A Finding(...) written inline would carry its own severity and wording again.
    for path, text in _sources():
        if path.name == "record.py":
            continue  # from_json rebuilds stored findings
        assert not re.search(r"\bFinding\(", text), f"{path.relative_to(ROOT)} builds a Finding inline"


def test_every_registered_id_is_used_somewhere() -> None:
    code = "\n".join(text for _, text in _sources())
    unused = [rid for rid in CATALOGUE if f'"{rid}"' not in code]
    assert unused == []


def test_entries_are_bilingual_and_render() -> None:
    assert len({r.id for r in RULES}) == len(RULES) == len(CATALOGUE)
    for r in RULES:
        assert r.stage in STAGES and r.severity in ("error", "warning", "info")
        assert r.description_en and r.description_zh and r.message_en and r.message_zh, r.id
        for en, zh in [(r.message_en, r.message_zh), *r.variants.values()]:
            names = {f for _, f, _, _ in string.Formatter().parse(en + zh) if f}
            fields = {n.split("!")[0]: "X" for n in names}
            assert en.format(**fields) and zh.format(**fields)
            # The Chinese message is written in Chinese, not a copy of the English one.
            assert re.search(r"[\u4e00-\u9fff]", zh.format(**fields)), r.id


def test_finding_takes_severity_and_messages_from_the_catalogue() -> None:
    f = finding("table.missing", table="t4")
    assert (f.rule_id, f.severity, f.message, f.message_zh) == ("table.missing", "error", "table t4 not found",
                                                               "未找到统计表t4")
    with pytest.raises(KeyError):
        finding("table.vanished", table="t4")


def test_value_finding_names_the_cell_and_where_it_was_printed() -> None:
    fact = Fact("t3", "granted", "natural_person", None, "text", "十二", page=3, table_index=1, row=4, col=1)
    f = value_finding("value.unreadable", fact)
    assert f.cells == ["t3.granted.natural_person"] and f.printed == "十二"
    assert "page 3, table 2, row 5, column 2" in f.message
    assert "第3页表2第5行第2列" in f.message_zh and "予以公开" in f.message_zh


def test_unreadable_cell_of_a_record_not_built_by_extraction_is_reported_once() -> None:
    fact = Fact("t3", "granted", "natural_person", None, "text", "??", table_index=0, row=2, col=1)
    rec = Record(sha256="x", source_path="x", file_type="txt", status="ok", facts=[fact])
    hits = [f for f in validate_record(rec) if f.rule_id == "value.unreadable"]
    assert [f.cells for f in hits] == [["t3.granted.natural_person"]]
    rec.findings = hits
    assert [f for f in validate_record(rec) if f.rule_id == "value.unreadable"] == []


# files only: tests/fixtures/real/ holds the real-report corpus, tested (xfails included) by test_real_reports
CORPUS = sorted([*(ROOT / "raw").iterdir(), *(p for p in (ROOT / "tests" / "fixtures").iterdir()
                                            if p.is_file() and not p.name.endswith(".json"))])


def _broken_report(tmp: Path) -> Path:
    """The real text report cut before section 四: extraction reports the missing table."""
    src = (ROOT / "tests" / "fixtures" / "wuhan-qiaokou-archives-2024.txt").read_text(encoding="utf-8")
    lines = src.splitlines()
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith("四、") and "行政复议" in line:
            break  # drop section 四 and everything after: table 四 is missing
        out.append(line)
    text = "\n".join(out)
    path = tmp / "broken.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", [*CORPUS, "broken"], ids=lambda p: getattr(p, "name", p))
def test_every_finding_the_corpus_emits_is_registered(path: Path | str, tmp_path: Path) -> None:
    if path == "broken":
        path = _broken_report(tmp_path)
    rec = process_file(path)
    assert rec.status != "rejected", rec.reason
    for f in rec.findings:
        r = CATALOGUE.get(f.rule_id)
        assert r is not None, f"{f.rule_id} emitted but not registered"
        assert f.severity == r.severity and f.message and f.message_zh, f
        uncovered = [c for c in f.cells if not r.covers(c)]
        assert uncovered == [], f"{f.rule_id} names cells outside its catalogue entry: {uncovered}"
    if path.name == "broken.txt":
        assert "table.missing" in {f.rule_id for f in rec.findings}


def test_rules_verb_lists_every_id() -> None:
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    listed = set(re.findall(r"^│ ([a-z0-9]+\.[a-z_]+) +│", result.output, flags=re.M))
    assert listed == set(CATALOGUE)
    one = CliRunner().invoke(app, ["rules", "--stage", "series"])
    assert set(re.findall(r"^│ ([a-z0-9]+\.[a-z_]+) +│", one.output, flags=re.M)) == {"xyear.carry_over",
                                                                                      "xyear.in_force"}
    assert CliRunner().invoke(app, ["rules", "--stage", "nowhere"]).exit_code == 2

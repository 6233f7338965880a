"""Legacy Word (.doc), RTF: LibreOffice conversion, then the .docx reader."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import docx
import pytest

from pipeline.model import RejectedInput
from pipeline.readers import doc_reader, read_document
from pipeline.readers.doc_reader import antiword_table_rows, convert_to_docx, read_doc
from pipeline.readers.safety import OLE_MAGIC

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

ROWS = [
    ("信息内容", "本年制发件数", "本年废止件数"),
    ("规章", "1", "0"),
    ("第二十条第（五）项", "", ""),
    ("信息内容", "本年处理决定数量", ""),
    ("行政许可", "447228", ""),
    ("行政处罚", "3985758", ""),
    ("第二十条第（八）项", "", ""),
    ("信息内容", "本年收费金额（单位：万元）", ""),
    ("行政事业性收费", "96171.6", ""),
]


def build_docx() -> bytes:
    """A report fragment with a table that has horizontal and vertical merges."""
    d = docx.Document()
    d.add_paragraph("测试单位2024年政府信息公开工作年度报告")
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=len(ROWS) + 1, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(0, 2)).text = "第二十条第（一）项"
    for r, row in enumerate(ROWS, start=1):
        for c, v in enumerate(row):
            if v:
                t.cell(r, c).text = v
        if row[1] and not row[2]:
            t.cell(r, 1).merge(t.cell(r, 2))
        if row[0].startswith("第二十条"):
            t.cell(r, 0).merge(t.cell(r, 2))
    # A paragraph between the tables: Word 97 files join adjacent tables into one.
    d.add_paragraph("第二十条第（六）项说明")
    # A vertical merge: the label of rows 2-3.
    side = d.add_table(rows=3, cols=2)
    side.style = "Table Grid"
    side.cell(0, 0).merge(side.cell(2, 0)).text = "（三）不予公开"
    for r, v in enumerate(["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”"]):
        side.cell(r, 1).text = v
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + fmt.split(":")[0])


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    tmp = tmp_path_factory.mktemp("doc")
    src = tmp / "report.docx"
    src.write_bytes(build_docx())
    return {
        "docx": src.read_bytes(),
        "doc": soffice_convert(src, "doc", tmp).read_bytes(),
        "rtf": soffice_convert(src, "rtf", tmp).read_bytes(),
    }


def table_texts(tables) -> list[list[list[str]]]:
    return [t.texts() for t in tables]


@needs_soffice
def test_conversion_keeps_tables(converted) -> None:
    """The LibreOffice round trip, checked with python-docx alone."""
    assert converted["doc"].startswith(OLE_MAGIC)
    back = docx.Document(io.BytesIO(convert_to_docx("report.doc", converted["doc"])))
    assert len(back.tables) == 2
    first = back.tables[0]
    assert first.cell(0, 0).text == "第二十条第（一）项"
    assert [c.text for c in first.rows[2].cells] == ["规章", "1", "0"]
    assert first.cell(5, 0).text == "行政许可" and first.cell(5, 1).text == "447228"
    assert back.paragraphs[0].text == "测试单位2024年政府信息公开工作年度报告"


@needs_soffice
@pytest.mark.parametrize("kind", ["doc", "rtf"])
def test_read_doc_same_tables_as_docx(converted, kind: str) -> None:
    docx_reader = pytest.importorskip("pipeline.readers.docx_reader")
    original = docx_reader.read_docx("report.docx", converted["docx"], "x")
    data = converted[kind]
    sha = hashlib.sha256(data).hexdigest()
    doc = read_doc(f"/reports/report.{kind}", data, sha)
    assert doc.file_type == "doc"
    assert doc.source_path == f"/reports/report.{kind}" and doc.sha256 == sha
    assert table_texts(doc.tables) == table_texts(original.tables)
    assert [[[c.anchor for c in row] for row in t.rows] for t in doc.tables] == \
        [[[c.anchor for c in row] for row in t.rows] for t in original.tables]
    assert [p.text for p in doc.paragraphs if p.text] == [p.text for p in original.paragraphs if p.text]
    # And through the dispatcher, which picks the reader by content.
    assert read_document(f"report.{kind}", data).file_type == "doc"


@needs_soffice
def test_parallel_conversions_use_private_profiles(converted) -> None:
    results: list[bytes | Exception] = []

    def run() -> None:
        try:
            results.append(convert_to_docx("report.doc", converted["doc"]))
        except Exception as exc:  # collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    assert all(isinstance(r, bytes) and r.startswith(b"PK") for r in results), results


@needs_soffice
def test_timeout_kills_the_process_group(monkeypatch: pytest.MonkeyPatch, converted) -> None:
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def spy(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(doc_reader.subprocess, "Popen", spy)
    with pytest.raises(RejectedInput, match=r"^LibreOffice conversion timed out after 0 s$"):
        convert_to_docx("report.doc", converted["doc"], timeout=0.2)
    (proc,) = started
    assert proc.returncode is not None
    # Nothing of the group is left once init has reaped the killed children.
    deadline = time.monotonic() + 10
    while True:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "soffice processes survived the timeout"
        time.sleep(0.1)


@needs_soffice
def test_unconvertible_ole_rejected() -> None:
    data = OLE_MAGIC + b"\x00" * 2000
    with pytest.raises(RejectedInput, match=r"^LibreOffice could not convert the file"):
        read_doc("broken.doc", data, "x")


def test_encrypted_office_file_rejected() -> None:
    data = OLE_MAGIC + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(RejectedInput, match=r"^encrypted \.docx"):
        read_doc("secret.docx", data, "x")


def test_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    with pytest.raises(RejectedInput, match=r"^LibreOffice not installed$"):
        read_doc("report.doc", OLE_MAGIC + b"\x00" * 100, "x")


@needs_soffice
@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed")
def test_antiword_sees_the_tables(converted) -> None:
    assert antiword_table_rows(converted["doc"]) >= 10
    assert antiword_table_rows(converted["rtf"]) is None  # not a Word 97 file

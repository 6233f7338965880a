"""Broken, disguised and hostile files: a one-line RejectedInput, never a crash or a leak."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import RejectedInput
from pipeline.readers import read_document
from pipeline.readers.docx_reader import read_docx
from pipeline.readers.html_reader import read_html
from pipeline.readers.safety import (
    MAX_ZIP_MEMBERS,
    declared_entry_count,
    is_encrypted_ooxml,
    parse_xml,
)


def _docx_bytes(*paragraphs: str) -> bytes:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _rewrite(data: bytes, member: str, transform) -> bytes:
    """Copy a zip, passing one member's bytes through `transform`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            body = src.read(info)
            zf.writestr(info.filename, transform(body) if info.filename == member else body)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    target = tmp_path / name
    target.write_bytes(data)
    return target


def _reason(path: Path) -> str:
    with pytest.raises(RejectedInput) as info:
        read_document(path)
    reason = str(info.value)
    assert "\n" not in reason
    return reason


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return _docx_bytes("第一段", "第二段")


# -- broken or disguised zips -------------------------------------------------------------


def test_empty_zip() -> None:
    # (read_document would not get here: sniff() sees no local file header in an
    # empty zip and calls it binary.)
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    assert buf.getvalue().startswith(b"PK")
    with pytest.raises(RejectedInput) as info:
        read_docx("empty.docx", buf.getvalue(), "0")
    assert str(info.value) == "not a Word document: zip has no word/document.xml"


def test_empty_document_xml(tmp_path: Path, good_docx: bytes) -> None:
    data = _rewrite(good_docx, "word/document.xml", lambda _: b"")
    reason = _reason(_write(tmp_path, "blank.docx", data))
    assert reason.startswith("corrupt .docx: XMLSyntaxError")


def test_zero_byte_file(tmp_path: Path) -> None:
    assert _reason(_write(tmp_path, "zero.docx", b"")) == "empty file"


def test_truncated_docx(tmp_path: Path, good_docx: bytes) -> None:
    half = good_docx[: len(good_docx) // 2]
    reason = _reason(_write(tmp_path, "half.docx", half))
    assert reason == "corrupt .docx: File is not a zip file"


def test_damaged_member_data(good_docx: bytes) -> None:
    # Flip bytes inside the compressed stream of word/document.xml (CRC or inflate error).
    zf = zipfile.ZipFile(io.BytesIO(good_docx))
    info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    damaged = bytearray(good_docx)
    for i in range(start, start + 40):
        damaged[i] ^= 0x5A
    with pytest.raises(RejectedInput, match=r"^corrupt \.docx: "):
        read_docx("x.docx", bytes(damaged), "0")


def test_zip_of_other_members(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "不是报告")
        zf.writestr("data/table.csv", "a,b\n1,2\n")
    reason = _reason(_write(tmp_path, "report.docx", buf.getvalue()))
    assert reason == "not a Word document: zip has no word/document.xml"


def test_xlsx_is_named(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    reason = _reason(_write(tmp_path, "report.docx", buf.getvalue()))
    assert (
        reason == "not a Word document: zip has no word/document.xml (looks like an Excel workbook)"
    )


def test_encrypted_docx_ole_container() -> None:
    # Minimal stand-in for a password-protected .docx: OLE header plus the
    # directory entry name of the encrypted package stream.
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(504)
        + "EncryptedPackage".encode("utf-16-le")
        + bytes(100)
    )
    assert is_encrypted_ooxml(data)
    with pytest.raises(RejectedInput) as info:
        read_docx("locked.docx", data, "0")
    assert str(info.value) == "encrypted .docx: password-protected Office file (OLE container)"
    plain_ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(RejectedInput, match=r"^not a \.docx: OLE container"):
        read_docx("old.doc", plain_ole, "0")


def test_not_a_zip_at_all() -> None:
    with pytest.raises(RejectedInput, match="^not a Word document: not a zip file$"):
        read_docx("x.docx", b"%PDF-1.7 not a zip", "0")


# -- zip bombs and path tricks ------------------------------------------------------------


def test_zip_bomb_single_huge_member(tmp_path: Path) -> None:
    """300 MB of zeros streamed into one member: ~0.3 MB on disk."""
    target = tmp_path / "bomb.docx"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    assert target.stat().st_size < 2 * 1024 * 1024
    reason = _reason(target)
    assert reason.startswith("zip bomb suspected: member 'word/document.xml' expands ")
    assert reason.endswith(f"to {300 << 20} bytes")


def test_zip_bomb_total_size(tmp_path: Path) -> None:
    """21 members of exactly 10 MB (each under the ratio rule) add up past 200 MB."""
    target = tmp_path / "wide.docx"
    chunk = bytes(10 << 20)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for i in range(21):
            zf.writestr(f"word/media/pad{i}.bin", chunk)
    reason = _reason(target)
    assert reason == f"zip bomb suspected: members expand to more than {200 << 20} bytes"


def test_zip_bomb_member_count(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"m/{i}", b"")
    data = buf.getvalue()
    assert declared_entry_count(data) == MAX_ZIP_MEMBERS + 1
    with pytest.raises(RejectedInput) as info:
        read_docx("many.docx", data, "0")
    assert (
        str(info.value)
        == f"zip bomb suspected: {MAX_ZIP_MEMBERS + 1} members (> {MAX_ZIP_MEMBERS})"
    )


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../etc/cron.d/evil", "member path with '..'"),
        ("/etc/passwd", "absolute member path"),
        ("C:/Windows/evil.dll", "absolute member path"),
        ("/".join(["d"] * 40), "member path nested 40 levels deep"),
    ],
)
def test_unsafe_member_paths(good_docx: bytes, name: str, why: str) -> None:
    buf = io.BytesIO(good_docx)
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr(name, b"x")
    with pytest.raises(RejectedInput) as info:
        read_docx("x.docx", buf.getvalue(), "0")
    assert str(info.value).startswith(f"zip bomb suspected: {why}: ")


# -- XML entity attacks -------------------------------------------------------------------


def _with_doctype(document_xml: bytes, doctype: str, entity_ref: str) -> bytes:
    decl_end = document_xml.index(b"?>") + 2
    xml = document_xml[:decl_end] + doctype.encode() + document_xml[decl_end:]
    return xml.replace(
        b"<w:t>\xe7\xac\xac\xe4\xb8\x80\xe6\xae\xb5</w:t>",
        f"<w:t>第一{entity_ref}段</w:t>".encode(),
    )


def test_xxe_docx_does_not_leak_local_file(tmp_path: Path, good_docx: bytes) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    doctype = (
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY % remote SYSTEM "{secret.as_uri()}"> %remote;]>'
    )
    data = _rewrite(good_docx, "word/document.xml", lambda x: _with_doctype(x, doctype, "&xxe;"))
    assert b"xxe" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    doc = read_document(_write(tmp_path, "xxe.docx", data))
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["第一段", "第二段"]  # the entity reference is dropped, not expanded
    assert "TOP-SECRET" not in repr(doc)


def test_billion_laughs_docx_not_expanded(tmp_path: Path, good_docx: bytes) -> None:
    levels = ['<!ENTITY l0 "ha">'] + [
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE w:document [{''.join(levels)}]>"
    data = _rewrite(good_docx, "word/document.xml", lambda x: _with_doctype(x, doctype, "&l9;"))
    # libxml2 refuses the amplification even though entities are never substituted.
    with pytest.raises(
        RejectedInput, match=r"^corrupt \.docx: XMLSyntaxError: Maximum entity amplification"
    ):
        read_docx("laughs.docx", data, "0")


def test_safe_parser_ignores_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "s.txt"
    secret.write_text("LEAKED", encoding="utf-8")
    xml = f'<!DOCTYPE r [<!ENTITY e SYSTEM "{secret.as_uri()}">]><r>a&e;b</r>'.encode()
    root = parse_xml(xml)
    assert "LEAKED" not in "".join(root.itertext())
    with pytest.raises(RejectedInput, match="^malformed XML: "):
        parse_xml(b"<r>" * 300 + b"</r>" * 300)  # deeper than libxml2's safe limit


def test_deeply_nested_docx_rejected(good_docx: bytes) -> None:
    nest = "<w:tbl><w:tr><w:tc>" * 120 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 120

    def deepen(xml: bytes) -> bytes:
        return xml.replace(b"<w:body>", b"<w:body>" + nest.encode(), 1)

    data = _rewrite(good_docx, "word/document.xml", deepen)
    with pytest.raises(RejectedInput, match=r"^corrupt \.docx: XMLSyntaxError: Excessive depth"):
        read_docx("deep.docx", data, "0")


# -- hostile HTML -------------------------------------------------------------------------


def test_html_external_entity_does_not_leak(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-html", encoding="utf-8")
    html = (
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        "<html><body><p>报告正文&xxe;结束</p></body></html>"
    )
    doc = read_document(_write(tmp_path, "xxe.html", html.encode("utf-8")))
    assert doc.file_type == "html"
    assert [p.text for p in doc.paragraphs] == ["报告正文&xxe;结束"]
    assert "TOP-SECRET" not in repr(doc)


def test_html_dtd_without_content_rejected(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-dtd", encoding="utf-8")
    html = (
        f'<!DOCTYPE html SYSTEM "{secret.as_uri()}" [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        "<html><head><title>t</title></head><body> </body></html>"
    )
    with pytest.raises(RejectedInput) as info:
        read_html("dtd.html", html.encode("utf-8"), "0")
    assert str(info.value) == "HTML page has no report content"


def test_html_entity_reference_stays_literal(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-ref", encoding="utf-8")
    html = (
        f'<!DOCTYPE html SYSTEM "{secret.as_uri()}" [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        "<html><body><p>&x;</p></body></html>"
    )
    doc = read_html("dtd.html", html.encode("utf-8"), "0")
    # HTML has no DTD entities: an unknown reference is literal text, as in a browser.
    assert [p.text for p in doc.paragraphs] == ["&x;"]
    assert "TOP-SECRET" not in repr(doc)


def test_html_script_only_page_rejected(tmp_path: Path) -> None:
    html = b"<html><head><script>document.write('x')</script></head><body>  </body></html>"
    assert _reason(_write(tmp_path, "blank.html", html)) == "HTML page has no report content"


def test_html_huge_spans_are_clamped() -> None:
    html = b"""<html><body><table>
        <tr><td colspan="99999999" rowspan="99999999">A</td></tr><tr><td>B</td></tr>
        </table></body></html>"""
    (table,) = read_html("span.html", html, "0").tables
    assert len(table.rows) == 2
    assert len(table.rows[0]) == 1001  # colspan clamped to 1000, B pushed past it
    assert table.rows[1][0].anchor == (0, 0)
    assert table.rows[1][1000].text == "B"


def test_html_deep_nesting_rejected_not_truncated() -> None:
    # Past 256 levels libxml2 stops parsing and drops the rest of the page.
    deep = b"<div>" * 300 + "深层正文".encode() + b"</div>" * 300
    html = "<html><body><p>前文</p>".encode() + deep + "<p>后文</p></body></html>".encode()
    with pytest.raises(RejectedInput) as info:
        read_html("deep.html", html, "0")
    assert str(info.value).startswith("HTML page exceeds parser limits: Excessive depth")
    shallow = b"<div>" * 200 + "深层正文".encode() + b"</div>" * 200
    doc = read_html("ok.html", b"<html><body>" + shallow + b"</body></html>", "0")
    assert [p.text for p in doc.paragraphs] == ["深层正文"]


# -- fuzz: damaged docx bytes never escape as anything but RejectedInput -----------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mutated_docx_only_rejects(good_docx: bytes, data: st.DataObject) -> None:
    raw = bytearray(good_docx)
    for _ in range(data.draw(st.integers(1, 20))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    try:
        doc = read_docx("fuzz.docx", bytes(raw), "0")
    except RejectedInput as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert doc.file_type == "docx"

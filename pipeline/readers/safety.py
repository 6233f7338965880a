"""Defences for readers that unpack or parse untrusted files.

Reports are downloaded from thousands of government sites; a few files are broken,
some are not what they claim to be, and any of them could be hostile. Everything
here runs *before* a third-party parser sees the bytes, and fails with
`RejectedInput` carrying a one-line reason.

Zip checks rely on the central directory's declared sizes. That is sound for
Python's `zipfile` (which python-docx uses): `ZipExtFile` stops decompressing once a
member's declared `file_size` has been produced and then fails the CRC, so a member
cannot inflate beyond what it declares.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

from lxml import etree
from lxml import html as lxml_html

from pipeline.model import RejectedInput

MAX_ZIP_MEMBERS = 2000
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
# A member must be both large and very compressible to look like a bomb: XML parts of
# real reports compress about 10:1 and embedded images hardly at all.
MAX_ZIP_RATIO = 200
RATIO_MIN_BYTES = 10 * 1024 * 1024
MAX_PATH_DEPTH = 32

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream name (UTF-16LE in the OLE directory) of an Office file encrypted with a
# password: the real .docx zip is inside, encrypted.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"


def is_encrypted_ooxml(data: bytes) -> bool:
    """True for a password-protected .docx/.xlsx (an OLE container, not a zip)."""
    return data.startswith(OLE_MAGIC) and _ENCRYPTED_PACKAGE in data


def declared_entry_count(data: bytes) -> int | None:
    """Member count from the end-of-central-directory record, without `zipfile`.

    `zipfile.ZipFile` builds a ZipInfo for every central-directory entry up front;
    a 200 MB file of minimal entries would cost gigabytes, so the count is read
    first. None when no end record is found (zipfile then reports the damage).
    """
    tail_start = max(0, len(data) - (65535 + 22))
    tail = data[tail_start:]
    i = tail.rfind(_EOCD)
    if i < 0 or len(tail) - i < 22:
        return None
    (count,) = struct.unpack("<H", tail[i + 10 : i + 12])
    if count == 0xFFFF:
        # Zip64: the real count lives in the zip64 end record before the locator.
        j = tail.rfind(_EOCD64, 0, i)
        if j >= 0 and i - j >= 56:
            (count,) = struct.unpack("<Q", tail[j + 32 : j + 40])
    return count


def _unsafe_path(name: str) -> str | None:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return "absolute member path"
    parts = norm.split("/")
    if ".." in parts:
        return "member path with '..'"
    if "\x00" in name:
        return "member path with NUL"
    if len(parts) > MAX_PATH_DEPTH:
        return f"member path nested {len(parts)} levels deep"
    return None


def check_zip_members(infos: list[zipfile.ZipInfo]) -> None:
    """Reject archives whose members look like a zip bomb or a path-traversal trick."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise RejectedInput(f"zip bomb suspected: {len(infos)} members (> {MAX_ZIP_MEMBERS})")
    total = 0
    seen: set[str] = set()
    for info in infos:
        why = _unsafe_path(info.filename)
        if why:
            raise RejectedInput(f"zip bomb suspected: {why}: {info.filename[:80]!r}")
        # Two entries with one name are read differently by different tools.
        if info.filename in seen:
            raise RejectedInput(f"zip bomb suspected: duplicate member {info.filename[:80]!r}")
        seen.add(info.filename)
        size = info.file_size
        total += size
        if size > RATIO_MIN_BYTES and size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            ratio = size // max(info.compress_size, 1)
            raise RejectedInput(
                f"zip bomb suspected: member {info.filename[:80]!r} expands {ratio}:1 to {size} bytes"
            )
        if total > MAX_ZIP_TOTAL_BYTES:
            raise RejectedInput(
                f"zip bomb suspected: members expand to more than {MAX_ZIP_TOTAL_BYTES} bytes"
            )


def open_checked_zip(data: bytes, what: str = ".docx") -> zipfile.ZipFile:
    """Open `data` as a zip after the bomb checks; corrupt archives are rejected."""
    count = declared_entry_count(data)
    if count is not None and count > MAX_ZIP_MEMBERS:
        raise RejectedInput(f"zip bomb suspected: {count} members (> {MAX_ZIP_MEMBERS})")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise RejectedInput(f"corrupt {what}: {exc}") from exc
    try:
        check_zip_members(zf.infolist())
    except RejectedInput:
        zf.close()
        raise
    return zf


def safe_xml_parser(**kwargs: bool) -> etree.XMLParser:
    """An XML parser that never expands entities, reads DTDs or touches the network.

    huge_tree=False keeps libxml2's limits (depth 256, 10 MB text nodes), which no
    real report needs to exceed.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        **kwargs,
    )


def safe_html_parser() -> lxml_html.HTMLParser:
    """An HTML parser fed UTF-8 bytes; libxml2's HTML parser never expands DTD entities.

    (lxml.html.HTMLParser has no resolve_entities/load_dtd options: HTML parsing
    ignores internal DTD subsets, so entity declarations in a page have no effect.)
    """
    return lxml_html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse XML with `safe_xml_parser`; syntax errors become RejectedInput."""
    try:
        return etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise RejectedInput(f"malformed XML: {exc}") from exc

"""The parts of a .docx the reader needs, read straight from the zip with lxml.

python-docx's `Package.open` loads and parses every part of the package (numbering,
settings, the styles twice over, custom XML…) into its own element classes, and walking
those classes costs a Python call per attribute; the reader needs four parts — the main
document, the paragraph style names, the page headers and the core properties — and walks
the body with plain lxml. This module finds those parts as python-docx does (package and
part relationships, content types) and raises `Unusual` for anything it does not handle
the same way (a missing or doubled relationship, an unexpected content type, XML that does
not parse), so that the reader falls back to python-docx and keeps its exact behaviour.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE = _RT + "officeDocument"
RT_STYLES = _RT + "styles"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CT_STYLES = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
_STYLE_TYPES = ("paragraph", "character", "table", "numbering")


class Unusual(Exception):
    """The package is not one the direct path reads exactly like python-docx."""


def body_parser() -> etree.XMLParser:
    """python-docx's own parser settings (blank text removed, entities never resolved),
    without its element classes. A new one per document: lxml parsers are not shared
    between threads (a Dask worker may run several)."""
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False)


@dataclass
class WordParts:
    document: etree._Element  # w:document
    styles: dict[str | None, str]  # paragraph style id -> UI name; None: the default style
    headers: dict[str, Any] = field(default_factory=dict)  # rId -> python-docx CT_Hdr element
    core: Any = None  # python-docx CoreProperties


def read_parts(zf: zipfile.ZipFile, main_types: tuple[str, ...]) -> WordParts:
    pkg = _Package(zf)
    main = pkg.related("", RT_OFFICE)
    if pkg.content_type(main) not in main_types:
        raise Unusual("main part type")
    document = pkg.xml(main, body_parser())
    rels = pkg.rels(main)
    styles_part = pkg.related(main, RT_STYLES)
    if pkg.content_type(styles_part) != CT_STYLES:
        raise Unusual("styles part type")
    styles = _cached_style_names(pkg.read(styles_part))
    core_part = pkg.related("", RT_CORE)
    if pkg.content_type(core_part) != CT_CORE:
        raise Unusual("core part type")
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.parser import parse_xml as docx_parse

    core = CoreProperties(docx_parse(pkg.read(core_part)))
    headers = {}
    for rid in _header_ids(document):
        target = rels.get(rid)
        if target is None or pkg.content_type(target) != CT_HEADER:
            raise Unusual("header part")
        # Headers are small: python-docx's classes, so that their text is its text exactly.
        headers[rid] = docx_parse(pkg.read(target))
    return WordParts(document, styles, headers, core)


_STYLE_CACHE: OrderedDict[bytes, dict[str | None, str]] = OrderedDict()
STYLE_CACHE_SIZE = 64


def _cached_style_names(data: bytes) -> dict[str | None, str]:
    """style_names, remembered by the styles part's sha256: reports made from one template
    share it byte for byte, and it is often the largest part of the file (Word's latent
    styles), several times the size of the text."""
    key = hashlib.sha256(data).digest()
    if key in _STYLE_CACHE:
        _STYLE_CACHE.move_to_end(key)
        return dict(_STYLE_CACHE[key])
    try:
        root = etree.fromstring(data, body_parser())
    except etree.XMLSyntaxError as exc:
        raise Unusual("malformed XML") from exc
    names = style_names(root)
    _STYLE_CACHE[key] = names
    if len(_STYLE_CACHE) > STYLE_CACHE_SIZE:
        _STYLE_CACHE.popitem(last=False)
    return dict(names)


def style_names(root: etree._Element) -> dict[str | None, str]:
    """What python-docx's styles give: paragraph style id -> UI name (BabelFish turns
    "heading 1" into "Heading 1"), and under None the last paragraph style marked default."""
    from docx.styles import BabelFish

    names: dict[str | None, str] = {}
    default: str | None = None
    for st in root.findall(W + "style"):
        kind = st.get(W + "type")
        if kind is not None and kind not in _STYLE_TYPES:
            raise Unusual("style type")
        name_el = st.find(W + "name")
        raw = name_el.get(W + "val") if name_el is not None else None
        name = BabelFish.internal2ui(raw) if raw is not None else None
        sid = st.get(W + "styleId")
        if (kind or "paragraph") == "paragraph" and sid and name:
            names[sid] = name
        flag = st.get(W + "default")
        if flag is not None and flag not in ("1", "0", "true", "false", "on", "off"):
            raise Unusual("style default flag")
        if kind == "paragraph" and flag in ("1", "true", "on"):
            default = name
    if default:
        names[None] = default
    return names


def _header_ids(document: etree._Element) -> list[str]:
    ids = []
    body = document.find(W + "body")
    if body is None:
        raise Unusual("no body")
    sects = [s for p in body.findall(W + "p") for s in p.findall(f"{W}pPr/{W}sectPr")] + body.findall(W + "sectPr")
    for sect in sects:
        for ref in sect.findall(W + "headerReference"):
            rid = ref.get(R_ID)
            if rid is not None:
                ids.append(rid)
    return ids


class _Package:
    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.names = set(zf.namelist())
        self._cache: dict[str, tuple[dict[str, str], list[tuple[str | None, str]]]] = {}
        root = self.xml("[Content_Types].xml", body_parser())
        self.overrides = {el.get("PartName", "").lower(): el.get("ContentType") for el in root.iter(_CT + "Override")}
        self.defaults = {el.get("Extension", "").lower(): el.get("ContentType") for el in root.iter(_CT + "Default")}

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise Unusual(f"missing part {name}")
        return self.zf.read(name)

    def xml(self, name: str, parser: etree.XMLParser) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), parser)
        except etree.XMLSyntaxError as exc:
            raise Unusual("malformed XML") from exc

    def content_type(self, name: str) -> str | None:
        ct = self.overrides.get("/" + name.lower())
        return ct if ct is not None else self.defaults.get(posixpath.splitext(name)[1][1:].lower())

    def rels(self, part: str) -> dict[str, str]:
        """rId -> part name of a part's internal relationships ("" is the package)."""
        return self._relationships(part)[0]

    def related(self, part: str, reltype: str) -> str:
        """The one part `part` relates to by `reltype` (python-docx refuses two, and makes
        a default part for none: both are left to it)."""
        found = [t for rt, t in self._relationships(part)[1] if rt == reltype]
        if len(found) != 1:
            raise Unusual(f"{len(found)} relationships of type {reltype}")
        return found[0]

    def _relationships(self, part: str) -> tuple[dict[str, str], list[tuple[str | None, str]]]:
        if part in self._cache:
            return self._cache[part]
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        by_id: dict[str, str] = {}
        typed: list[tuple[str | None, str]] = []
        if name in self.names:
            for el in self.xml(name, body_parser()).iter(_REL):
                if el.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join("/" + folder, el.get("Target", ""))).lstrip("/")
                by_id[el.get("Id", "")] = target
                typed.append((el.get("Type"), target))
        self._cache[part] = (by_id, typed)
        return by_id, typed

"""Safe places under raw/<host>/ for what a URL served.

A URL's path is split on "/" before percent-decoding, so an encoded `..%2f` never makes a
directory or climbs out of raw/; "." and ".." segments, separators and control characters
in a name become "_", and a name longer than a file system allows (255 bytes; Chinese is
3 bytes a character in UTF-8) is cut, keeping its extension and a hash of the whole.
"""

from __future__ import annotations

import hashlib
import re
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

MAX_NAME_BYTES = 200  # under the 255-byte limit of ext4/xfs, room for a version suffix
UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
SNIFFED_EXT = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html", "txt": ".txt"}
EXT_OF = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc", ".rtf": "doc",
          ".html": "html", ".htm": "html", ".shtml": "html", ".txt": "txt"}


def safe_segment(raw: str) -> str:
    name = UNSAFE.sub("_", unquote(raw, errors="replace")).strip()
    if name in ("", ".", ".."):
        return "_"
    name = name.lstrip(".") or "_"  # no hidden files, no "..." tricks
    return shorten(name)


def shorten(name: str, limit: int = MAX_NAME_BYTES) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 8:
        stem, ext = name, ""
    tag = "~" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    room = limit - len(tag.encode()) - len(ext.encode()) - (1 if ext else 0)
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return cut + tag + ("." + ext if ext else "")


def disposition_name(header: str | None) -> str | None:
    """The file name in a Content-Disposition header (RFC 6266 / 2231 filename* too)."""
    if not header:
        return None
    msg = Message()
    msg["content-disposition"] = header
    name = msg.get_filename()
    if name and "%" in name:
        name = unquote(name)  # many servlets percent-encode a plain filename=
    return name or None


def query_name(url: str) -> str | None:
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() in ("filename", "file", "name", "fn", "realname") and value:
            return value.rsplit("/", 1)[-1]
    return None


def target_path(raw: Path, url: str, served_name: str | None, sniffed: str, is_page: bool) -> Path:
    """Where the body of `url` goes: raw/<host>/<directories of the path>/<name>."""
    parts = urlsplit(url)
    host = safe_segment(parts.hostname or "unknown-host")
    segments = parts.path.split("/")
    dirs = [safe_segment(s) for s in segments[:-1] if s]
    name = served_name or segments[-1] or "index.html"
    if is_page and parts.query:
        # Dynamic pages (JCMS ?uid=…&pageNum=…): one file per distinct query.
        name = f"{name}~{hashlib.sha256(parts.query.encode()).hexdigest()[:10]}"
    name = safe_segment(name.rsplit("/", 1)[-1])
    ext = SNIFFED_EXT.get(sniffed)
    # The type is the bytes' (PDF served as .docx): the real one is added, the served one kept.
    if ext and EXT_OF.get(Path(name).suffix.lower()) != sniffed:
        name = shorten(name + ext)
    return raw.joinpath(host, *dirs, name)


def version_path(path: Path, sha256: str) -> Path:
    """A new version of a file already stored keeps the old one and sits beside it."""
    return path.with_name(shorten(f"{path.stem}~v{sha256[:10]}{path.suffix}"))

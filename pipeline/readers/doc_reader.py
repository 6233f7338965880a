"""Legacy Word (.doc, OLE), RTF and WPS files: converted to .docx by LibreOffice,
then read by the .docx reader, so every Word-family file yields the same model.

LibreOffice runs headless with a private profile directory per call: two soffice
processes sharing a profile block each other (the second one waits on the first's
lock, or hands its job to it and exits without converting). The process gets its
own process group so that a timeout kills soffice.bin and its children, not only
the wrapper script.

LibreOffice occasionally turns a table into tab-separated paragraphs (old WPS
files, tables inside text frames). When antiword is installed it reads .doc tables
independently (it prints rows as "|cell|cell|"); if antiword sees table rows and the
converted document has no tables, a note says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.model import Document, RejectedInput
from pipeline.readers.safety import OLE_MAGIC, is_encrypted_ooxml

CONVERT_TIMEOUT_S = 120
ANTIWORD_TIMEOUT_S = 30
_KNOWN_SUFFIXES = {".doc", ".dot", ".rtf", ".wps", ".wpt"}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _input_suffix(path: str, data: bytes) -> str:
    """LibreOffice detects the format from the content, but the suffix is its first
    hint; keep a known one, else pick one from the magic bytes."""
    suffix = Path(path).suffix.lower()
    if suffix in _KNOWN_SUFFIXES:
        return suffix
    if data.lstrip()[:5] == b"{\\rtf":
        return ".rtf"
    return ".doc"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def convert_to_docx(path: str, data: bytes, timeout: float = CONVERT_TIMEOUT_S) -> bytes:
    """Convert a .doc/.rtf/.wps (given as bytes) to .docx bytes with LibreOffice."""
    soffice = soffice_path()
    if soffice is None:
        raise RejectedInput("LibreOffice not installed")
    with tempfile.TemporaryDirectory(prefix="gongkai-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / ("input" + _input_suffix(path, data))
        src.write_bytes(data)
        outdir = tmpdir / "out"
        outdir.mkdir()
        profile = tmpdir / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(outdir),
            str(src),
        ]
        env = dict(os.environ, HOME=str(tmpdir), SAL_USE_VCLPLUGIN="svp")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise RejectedInput(f"LibreOffice conversion timed out after {timeout:.0f} s") from None
        result = outdir / "input.docx"
        if proc.returncode != 0 or not result.exists() or result.stat().st_size == 0:
            text = (err or out or b"").decode("utf-8", "replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip() and "javaldx" not in ln]
            reason = lines[-1][:160] if lines else f"exit status {proc.returncode}, no output"
            raise RejectedInput(f"LibreOffice could not convert the file (password-protected or damaged?): {reason}")
        return result.read_bytes()


def antiword_table_rows(data: bytes, timeout: float = ANTIWORD_TIMEOUT_S) -> int | None:
    """Rows antiword prints as a table ("|a|b|"), or None when antiword cannot tell
    (not installed, not a Word 97+ file, failed)."""
    exe = shutil.which("antiword")
    if exe is None or not data.startswith(OLE_MAGIC):
        return None
    with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
        fh.write(data)
        fh.flush()
        try:
            proc = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", fh.name], capture_output=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError):
            return None
    if proc.returncode != 0:
        return None
    text = proc.stdout.decode("utf-8", "replace")
    return sum(1 for line in text.splitlines() if line.strip().startswith("|") and line.count("|") >= 3)


def read_doc(path: str, data: bytes, sha256: str) -> Document:
    """Read a legacy Word, RTF or WPS file as its LibreOffice .docx conversion."""
    if is_encrypted_ooxml(data):
        raise RejectedInput("encrypted .docx: password-protected Office file (OLE container)")
    docx = convert_to_docx(path, data)
    from pipeline.readers.docx_reader import read_docx

    doc = read_docx(path, docx, sha256)
    doc.source_path = path
    doc.sha256 = sha256
    doc.file_type = "doc"
    doc.metadata.setdefault("converted_by", "LibreOffice")
    rows = antiword_table_rows(data)
    if rows and not doc.tables:
        doc.notes.append(f"antiword shows {rows} table rows but the LibreOffice conversion has no tables")
    return doc

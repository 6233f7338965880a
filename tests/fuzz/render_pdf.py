"""PDF made by LibreOffice from our own .docx (the way most agencies produce theirs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.fuzz.render_docx import write_docx
from tests.fuzz.truth import Report


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_pdf(rep: Report, path: Path) -> Path:
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="fuzz-lo-") as tmp:
        src = write_docx(rep, Path(tmp) / (path.stem + ".docx"))
        # A private profile: parallel test runs must not share LibreOffice's user directory.
        profile = Path(tmp) / "profile"
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=180,
                       env={**os.environ, "HOME": tmp})
        shutil.move(str(Path(tmp) / (path.stem + ".pdf")), path)
    return path

"""The LibreOffice writer: Word files converted to legacy .doc, or to PDF, as publishers do.

Many agencies publish the .doc or the PDF their office suite saved from the .docx; here
LibreOffice does that conversion. One soffice call converts a whole batch (its start-up
dominates the cost), with a private user profile so that parallel conversions never share
LibreOffice's profile lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.kit.docx_writer import write_docx
from tests.kit.report import SynthReport


def libreoffice() -> str | None:
    """The soffice executable, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], outdir: Path, fmt: str = "pdf", *, exe: str | None = None,
            profile: Path | None = None, timeout: float = 300) -> list[Path]:
    """Convert `files` (Word files) to `fmt` ("pdf", "doc", …) into `outdir`, in one call.

    Returns the converted files; raises when LibreOffice is missing or left one out.
    """
    exe = exe or libreoffice()
    if exe is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    profile = profile or outdir / "lo-profile"
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
         "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
        check=True, capture_output=True, timeout=timeout,
    )
    out = [outdir / Path(f).with_suffix(f".{fmt}").name for f in files]
    for f in out:
        if not f.exists():
            raise RuntimeError(f"LibreOffice did not write {f.name}")
    return out


def write_doc(rep: SynthReport, path: str | Path, **variant: object) -> Path:
    """Write the report as a legacy Word .doc: the .docx writer's file saved by LibreOffice."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        src = write_docx(rep, Path(tmp) / "report.docx", **variant)
        (doc,) = convert([src], Path(tmp), "doc")
        shutil.move(doc, path)
    return path

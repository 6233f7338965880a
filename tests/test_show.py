"""`show --trace KEY --png`: the PDF page with the traced cell outlined."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.paths import FIXTURES

FIX = FIXTURES


def test_trace_png_outlines_the_printed_cell(tmp_path: Path) -> None:
    png = tmp_path / "cell.png"
    r = subprocess.run([sys.executable, "-m", "pipeline", "show", str(FIX / "huaian-city-2024.pdf"),
                        "--trace", "t3.new_received.natural_person", "--png", str(png)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "= 3001" in r.stdout and "page 4" in r.stdout
    box = next(line for line in r.stdout.splitlines() if line.strip().startswith("box:"))
    x0, top, x1, bottom = (float(v) for v in box.split(":")[1].replace("(pt)", "").split(","))
    im = Image.open(png).convert("RGB")
    import pdfplumber

    with pdfplumber.open(FIX / "huaian-city-2024.pdf") as pdf:
        s = im.width / float(pdf.pages[3].width)
    red = [(x, y) for x in range(im.width) for y in range(im.height)
           if (p := im.getpixel((x, y)))[0] > 180 and p[1] < 80 and p[2] < 80]
    assert len(red) > 100
    # every strongly red pixel lies on the traced cell's outline, nowhere else on the page
    pad = 4
    assert all(x0 * s - pad <= x <= x1 * s + pad and top * s - pad <= y <= bottom * s + pad for x, y in red)

def test_png_needs_a_paged_document(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pipeline", "show", str(FIX / "wuhan-qiaokou-archives-2024.txt"),
                        "--trace", "t3.total.total", "--png", str(tmp_path / "x.png")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "needs a PDF" in r.stdout

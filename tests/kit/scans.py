"""Scanned copies of real and generated PDFs, made the way a scanner would.

Pages are rendered with PDFium, then degraded like a scan: turned a little (skew),
sampled at 150/200/300 dpi, speckled and JPEG-compressed, stamped with a red seal over
the table, or turned a quarter or half round; and wrapped back into a PDF that has no
text layer (Pillow embeds each page as one JPEG image, as scanners do). Nothing made
here is committed: the tests and scripts/bench_ocr.py build what they need.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter


@dataclass(frozen=True)
class ScanVariant:
    name: str
    dpi: int = 200
    skew: float = 0.0  # degrees, counter-clockwise
    jpeg: int | None = None  # JPEG quality of the scan (None: lossless)
    noise: float = 0.0  # standard deviation of the grey speckle added (0-255 scale)
    seal: bool = False  # a red seal stamped over the middle of the page
    turn: int = 0  # 0, 90, 180, 270: the page scanned a quarter/half turn off (CCW)
    blur: float = 0.0  # Gaussian blur radius in pixels (a soft scanner)
    faint: bool = False  # ruling lines and text printed light grey


VARIANTS = (
    ScanVariant("clean-300", dpi=300),
    ScanVariant("skew+1.5-200-jpeg", dpi=200, skew=1.5, jpeg=60),
    ScanVariant("skew-2-150-jpeg", dpi=150, skew=-2.0, jpeg=70),
    ScanVariant("skew+2-300-noise", dpi=300, skew=2.0, jpeg=50, noise=12),
    ScanVariant("seal-200", dpi=200, skew=-1.0, jpeg=75, seal=True),
    ScanVariant("turned-90-200", dpi=200, skew=0.7, jpeg=75, turn=90),
    ScanVariant("turned-180-200", dpi=200, jpeg=75, turn=180),
    ScanVariant("faint-blur-200", dpi=200, skew=1.0, jpeg=70, blur=0.8, faint=True),
)


def render(pdf_bytes: bytes, dpi: int, pages: list[int] | None = None) -> list[Image.Image]:
    """The pages (0-based, default all) rendered in colour at `dpi`."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf_bytes)
    try:
        out = []
        for i in pages if pages is not None else range(len(src)):
            page = src[i]
            out.append(page.render(scale=dpi / 72).to_pil().convert("RGB"))
            page.close()
        return out
    finally:
        src.close()


def stamp_seal(img: Image.Image, centre: tuple[int, int], dpi: int) -> Image.Image:
    """A round red official seal (4 cm, a star, a ring of text) printed over the page:
    the red multiplies with the print beneath it, as ink on paper does."""
    r = int(2.0 / 2.54 * dpi)
    seal = Image.new("RGB", img.size, (255, 255, 255))
    d = ImageDraw.Draw(seal)
    red = (215, 40, 45)
    cx, cy = centre
    width = max(int(dpi / 40), 2)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=width)
    star = [(cx + 0.35 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - 0.35 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(star, fill=red)
    for k in range(14):  # the ring of characters, as short strokes
        a = math.pi * (0.15 + 0.7 * k / 13) + math.pi
        x, y = cx + 0.75 * r * math.cos(a), cy + 0.75 * r * math.sin(a)
        d.rectangle([x - width * 2, y - width * 2, x + width * 2, y + width * 2], fill=red)
    d.line([(cx - 0.5 * r, cy + 0.55 * r), (cx + 0.5 * r, cy + 0.55 * r)], fill=red, width=width * 2)
    return ImageChops.multiply(img, seal)


def degrade(img: Image.Image, v: ScanVariant, seed: int = 0) -> Image.Image:
    """One rendered page as the scanner of variant `v` would deliver it."""
    rng = random.Random(seed)
    if v.faint:  # grey print: paper stays white, ink goes to ~55% grey
        img = img.point(lambda p: 255 - int((255 - p) * 0.45))
    if v.seal:
        img = stamp_seal(img, (int(img.width * 0.6), int(img.height * 0.55)), v.dpi)
    if v.skew:
        img = img.rotate(v.skew, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if v.blur:
        img = img.filter(ImageFilter.GaussianBlur(v.blur))
    if v.noise:
        import numpy as np

        arr = np.asarray(img).astype(np.int16)
        arr = arr + np.random.default_rng(rng.randrange(1 << 30)).normal(0, v.noise, arr.shape[:2])[:, :, None]
        img = Image.fromarray(arr.clip(0, 255).astype("uint8"))
    if v.turn:
        img = img.rotate(v.turn, expand=True)
    if v.jpeg is not None:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=v.jpeg)
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return img


def to_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """Page images wrapped into a PDF without any text, one image per page."""
    buf = io.BytesIO()
    first, *rest = images
    first.save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=rest, quality=92)
    return buf.getvalue()


def scan_pdf(pdf_bytes: bytes, v: ScanVariant, pages: list[int] | None = None, seed: int = 0) -> bytes:
    """A scanned copy of `pdf_bytes` (pages 0-based, default all) as variant `v`."""
    images = [degrade(im, v, seed + i) for i, im in enumerate(render(pdf_bytes, v.dpi, pages))]
    return to_pdf(images, v.dpi)

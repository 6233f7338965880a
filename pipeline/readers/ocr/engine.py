"""RapidOCR (PP-OCR detection and recognition models run by onnxruntime), offline.

The `rapidocr` wheel ships its ONNX models in `rapidocr/models/`; RapidOCR downloads a
model only when the configured file is missing, so every model path is given
explicitly and checked here first: a missing file is a one-line rejection, never a
download at run time. The recognition model carries its own character list.

RapidOCR's 0°/180° text-line classifier is not used: on single-digit cells it turns a
"9" upside down into a "6" with full confidence (measured on the Huai'an scan). Page
orientation is decided once per page instead (`orient.py`).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.model import RejectedInput

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"  # named so that nothing is ever fetched; never loaded
# RapidOCR shrinks a page so that its longer side is at most this many pixels before
# detection and crops lines for recognition from that image. 2400 px is ~205 dpi on A4:
# measured on the scan matrix, 2000 (the default) loses small digits of 150-dpi scans
# and 3000 costs 50% more time for no cell gained.
MAX_SIDE = 2400


@dataclass
class Box:
    """One detected text line: its quadrilateral (pixels), text and score (0-1)."""

    quad: np.ndarray  # 4 x 2, clockwise from top-left
    text: str
    score: float

    @property
    def x0(self) -> float:
        return float(self.quad[:, 0].min())

    @property
    def x1(self) -> float:
        return float(self.quad[:, 0].max())

    @property
    def top(self) -> float:
        return float(self.quad[:, 1].min())

    @property
    def bottom(self) -> float:
        return float(self.quad[:, 1].max())


def _models_dir() -> Path:
    try:
        import rapidocr
    except ImportError as e:
        raise RejectedInput(f"scanned PDF needs OCR: rapidocr not installed ({e.name or e})") from None
    return Path(rapidocr.__file__).parent / "models"


def ensure_engine() -> Path:
    """The folder of RapidOCR's models; RejectedInput when OCR is impossible here."""
    folder = _models_dir()
    missing = [m for m in (DET_MODEL, REC_MODEL) if not (folder / m).is_file()]
    if missing:
        raise RejectedInput(f"scanned PDF needs OCR: RapidOCR model missing ({', '.join(missing)} in {folder})")
    return folder


@functools.cache
def engine() -> Any:
    """One RapidOCR instance per process (loading the models takes ~0.3 s)."""
    folder = ensure_engine()
    from rapidocr import RapidOCR

    # One thread: gongkai runs one worker process per core already, and onnxruntime's
    # thread pool spinning on a busy machine made a page 50% slower with two threads.
    threads = int(os.environ.get("GONGKAI_OCR_THREADS", "1"))
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,
        "Global.max_side_len": MAX_SIDE,
        "Det.model_path": str(folder / DET_MODEL),
        "Rec.model_path": str(folder / REC_MODEL),
        "Cls.model_path": str(folder / CLS_MODEL),
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
    })


def _bgr(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))


def read_page(gray: np.ndarray) -> list[Box]:
    """Detect and recognise every text line of a page bitmap (0-255, white paper).

    Detections recognised as nothing are kept (text "", score 0): ink the recogniser
    cannot read must make its cell doubtful, not blank."""
    # Every switch is passed on every call: RapidOCR keeps the last call's switches.
    out = engine()(_bgr(gray), use_det=True, use_cls=False, use_rec=True, text_score=0.0)
    if out.boxes is None:
        return []
    return [Box(np.asarray(q, dtype=np.float64), str(t), float(s))
            for q, t, s in zip(out.boxes, out.txts, out.scores, strict=True)]


def detect(gray: np.ndarray) -> list[np.ndarray]:
    """The text-line quadrilaterals of a page bitmap, without recognition (a third of the
    cost of `read_page`)."""
    out = engine()(_bgr(gray), use_det=True, use_cls=False, use_rec=False, text_score=0.0)
    boxes = getattr(out, "boxes", None)
    return [] if boxes is None else [np.asarray(q, dtype=np.float64) for q in boxes]


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Recognise line images without detection: (text, score 0-1) per crop."""
    out = []
    for crop in crops:
        res = engine()(_bgr(crop), use_det=False, use_cls=False, use_rec=True, text_score=0.0)
        txts = list(res.txts or ())
        scores = list(res.scores or ())
        out.append((str(txts[0]), float(scores[0])) if txts else ("", 0.0))
    return out

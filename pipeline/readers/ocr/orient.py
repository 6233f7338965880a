"""Make a scanned page level and upright before it is read.

Skew: a scan is seldom straight (1-2° is usual). The angle is the one that makes the
page's horizontal ink profile sharpest: rows of text and ruling lines then fall into
narrow bands (the projection-profile method; ruling lines, when there are any, dominate
it, so tables come out square). Quarter turns: a page scanned sideways has its text
lines running down the page, so its column profile is the sharp one; an upside-down
page is told by the recogniser, which reads the page's longest lines with much higher
scores the right way up.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_SKEW = 5.0  # degrees searched either way
MIN_SKEW = 0.1  # degrees: below this the page is left as it is
_WORK_WIDTH = 800  # the profile search runs on a copy this wide: fast, and 0.05° precise enough


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink mask (uint8 0/255) robust to uneven paper and JPEG noise: a pixel is ink when
    it is clearly darker than its neighbourhood and dark in absolute terms."""
    block = max(int(min(gray.shape) / 40) | 1, 15)
    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    dark = (gray < 200).astype(np.uint8) * 255
    return cv2.bitwise_and(local, dark)


def _sharpness(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def _small(ink: np.ndarray) -> np.ndarray:
    k = _WORK_WIDTH / max(ink.shape[1], 1)
    if k >= 1:
        return ink
    return cv2.resize(ink, (_WORK_WIDTH, max(int(ink.shape[0] * k), 1)), interpolation=cv2.INTER_AREA)


def skew_angle(ink: np.ndarray) -> float:
    """Degrees to turn the page (counter-clockwise positive, as cv2) to level its lines."""
    small = _small(ink)
    if int(small.astype(bool).sum()) < 200:
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)
    best = max(coarse, key=lambda a: _sharpness(small, float(a)))
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    angle = round(float(max(fine, key=lambda a: _sharpness(small, float(a)))), 2)
    # Turning resamples the page, which greys out 1-px rules; under MIN_SKEW a rule
    # drifts 3 px across a 200-dpi page, which the grid tolerates, so leave it.
    return angle if abs(angle) >= MIN_SKEW else 0.0


def is_sideways(ink: np.ndarray) -> bool:
    """True when the text lines run vertically (the page was scanned a quarter turn off)."""
    small = _small(ink)
    if int(small.astype(bool).sum()) < 200:
        return False
    # Compare like with like: both profiles over a square-ish sample of the same ink.
    rows = max(_sharpness(small, float(a)) for a in (-2.0, 0.0, 2.0)) / max(small.shape[1], 1) ** 2
    cols_img = np.ascontiguousarray(small.T)
    cols = max(_sharpness(cols_img, float(a)) for a in (-2.0, 0.0, 2.0)) / max(cols_img.shape[1], 1) ** 2
    return cols > 1.5 * rows


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by `angle` degrees about its centre, white where it was not."""
    if abs(angle) < 0.01:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def quarter_turns(gray: np.ndarray, turns: int) -> np.ndarray:
    """Rotate by 90° x `turns` counter-clockwise."""
    return np.ascontiguousarray(np.rot90(gray, turns % 4))

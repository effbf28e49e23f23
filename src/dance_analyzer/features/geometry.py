"""The geometry every body measurement shares: landmark indices per side, "up", and
angles and ratios that stay NaN (never raise, never divide by zero) where nobody was found.
"""

from __future__ import annotations

import numpy as np

from ..pose.landmarks import Landmark as L

SIDES = ("left", "right")

# Landmark index of each body part, per side.
_PARTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
_SIDE = {side: {part: L[f"{side}_{part}".upper()] for part in _PARTS} for side in SIDES}
_OTHER = {"left": "right", "right": "left"}
UP = np.array([0.0, -1.0, 0.0])  # world y points down the upright picture
# How far outside the picture (in picture widths or heights) a landmark may lie and still
# count as seen: joints at the very edge are often placed just past it.
IN_FRAME_MARGIN = 0.02


def in_frame(image: np.ndarray) -> np.ndarray:
    """(..., 33) whether each image landmark lies in the picture (within the margin): one
    outside it was guessed, whatever visibility the model gives it."""
    with np.errstate(invalid="ignore"):
        inside: np.ndarray = np.all(
            (image[..., :2] >= -IN_FRAME_MARGIN) & (image[..., :2] <= 1 + IN_FRAME_MARGIN), axis=-1
        )
    return inside


# ---------------------------------------------------------------- pure geometry


def norm(v: np.ndarray) -> np.ndarray:
    return np.linalg.norm(v, axis=-1)


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle in degrees between vectors along the last axis (NaN for zero vectors)."""
    denom = norm(u) * norm(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / denom
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC at joint ``b`` in degrees: 180 is a straight limb."""
    return angle_between(a - b, c - b)


def safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-6, num / den, np.nan)

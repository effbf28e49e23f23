"""Joint angles over time: the numbers a coach plots, as Sports2D reports them.

The angles come from the world landmarks (body units, origin between the hips), so they
do not change with the camera's distance or the dancer's place in the picture. Two
choices shape the curves and are reported beside them, so that a plot never hides them:

* Short gaps (nobody found for at most ``max_gap_s``) are bridged linearly and marked in
  ``interpolated``; a longer absence stays null, because a straight line across it would
  invent a movement nobody saw.
* A zero-phase Butterworth low-pass (order 4, 6 Hz) removes the landmark model's
  frame-to-frame jitter, which is larger than most joints' real movement at 30 fps, without
  shifting peaks in time (``filtfilt`` runs it forwards and backwards). Human movement,
  dance included, carries little above 6 Hz. When the analysed rate is too low to hold
  the cutoff (Nyquist), or ``filter="none"`` is asked, the raw angles are reported.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..features.geometry import UP, angle_between, joint_angle
from ..pose.landmarks import Landmark as L

AngleFilter = Literal["butterworth", "none"]
ANGLE_FILTERS: tuple[AngleFilter, ...] = ("butterworth", "none")
CUTOFF_HZ = 6.0
ORDER = 4
MAX_GAP_S = 0.5

# Each joint angle, as the three landmarks whose middle one is the joint.
_TRIPLES = {
    "knee": ("HIP", "KNEE", "ANKLE"),
    "hip": ("SHOULDER", "HIP", "KNEE"),
    "elbow": ("SHOULDER", "ELBOW", "WRIST"),
    "shoulder": ("ELBOW", "SHOULDER", "HIP"),
}
JOINTS: tuple[str, ...] = (
    *(f"{side}_{joint}" for joint in _TRIPLES for side in ("left", "right")),
    "torso_tilt",
)


def joint_angles(world: np.ndarray) -> dict[str, np.ndarray]:
    """(T,) degrees per joint in :data:`JOINTS`; NaN where nobody was found.

    180 is a straight limb (and a shoulder with the arm straight up); torso_tilt is 0
    upright and 90 lying down.
    """
    world = world.astype(np.float64)
    out: dict[str, np.ndarray] = {}
    for joint, (a, b, c) in _TRIPLES.items():
        for side in ("left", "right"):
            s = side.upper()
            out[f"{side}_{joint}"] = joint_angle(
                world[:, L[f"{s}_{a}"]], world[:, L[f"{s}_{b}"]], world[:, L[f"{s}_{c}"]]
            )
    mid_hip = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    mid_shoulder = (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER]) / 2
    out["torso_tilt"] = angle_between(mid_shoulder - mid_hip, UP)
    return {name: out[name] for name in JOINTS}


def bridgeable(present: np.ndarray, times: np.ndarray, max_gap_s: float) -> np.ndarray:
    """(T,) True for the frames of a gap short enough to bridge.

    A gap lasts from its first missing frame to the frame where the dancer is found again
    (at a steady rate: missing frames times the frame interval). Gaps at the start or the
    end have only one side to draw from and are never bridged.
    """
    found = np.flatnonzero(present)
    if len(found) < 2:
        return np.zeros(len(present), bool)
    k = np.arange(len(present))
    after = np.searchsorted(found, k)  # the first found frame at or after k
    inside = ~present & (after > 0) & (after < len(found))
    nxt = found[np.minimum(after, len(found) - 1)]
    prev = found[np.maximum(after - 1, 0)]
    gap_s = times[nxt] - times[np.minimum(prev + 1, len(times) - 1)]
    return inside & (gap_s <= max_gap_s + 1e-9)


def bridge(values: np.ndarray, times: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """``values`` with the ``gaps`` frames drawn on straight lines between their neighbours."""
    known = np.isfinite(values)
    if not gaps.any() or known.sum() < 2:
        return values
    out = values.copy()
    out[gaps] = np.interp(times[gaps], times[known], values[known])
    return out


def frame_rate(times: np.ndarray) -> float | None:
    """The analysed frames' rate (the median interval, robust to a dropped frame)."""
    steps = np.diff(times)
    steps = steps[steps > 0]
    return float(1.0 / np.median(steps)) if len(steps) else None


def low_pass(values: np.ndarray, rate: float, cutoff_hz: float = CUTOFF_HZ, order: int = ORDER) -> np.ndarray:
    """Zero-phase Butterworth low-pass of each run of known values; NaN stays NaN.

    Runs are filtered apart because the filter cannot cross a gap; a run too short to
    pad is kept raw rather than bent by edge effects. A run's first and last few frames
    (about 0.1 s) keep part of their noise: nothing after the last frame says which part
    of it was movement.
    """
    from scipy.signal import butter, filtfilt  # late, beside the reading: see dance_analyzer.preload

    b, a = butter(order, cutoff_hz, btype="low", fs=rate)
    out = values.copy()
    known = np.isfinite(values)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], known.astype(np.int8), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start > 3 * max(len(a), len(b)):
            out[start:stop] = filtfilt(b, a, values[start:stop])
    return out


def angles_report(
    times: np.ndarray,
    world: np.ndarray,
    *,
    filter: AngleFilter = "butterworth",
    cutoff_hz: float = CUTOFF_HZ,
    max_gap_s: float = MAX_GAP_S,
) -> dict[str, Any]:
    """The result's ``angles`` section: the series per joint, on the analysed frames' times."""
    present = np.isfinite(world).all(axis=(1, 2)) if world.size else np.zeros(len(times), bool)
    gaps = bridgeable(present, times, max_gap_s)
    rate = frame_rate(times)
    filtered = filter == "butterworth" and rate is not None and cutoff_hz < rate / 2
    series = {}
    for name, values in joint_angles(world).items():
        values = bridge(values, times, gaps)
        if filtered:
            assert rate is not None
            values = low_pass(values, rate, cutoff_hz)
        series[name] = [None if not np.isfinite(v) else round(float(v), 1) for v in values]
    return {
        "unit": "degrees",
        "filter": "butterworth" if filtered else "none",
        "cutoff_hz": cutoff_hz if filtered else None,
        "max_gap_s": max_gap_s,
        "times": [round(float(t), 4) for t in times],
        "joints": series,
        "interpolated": [bool(g) for g in gaps],
    }

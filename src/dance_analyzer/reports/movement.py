"""How the dancer moves: energy over time, range of motion, symmetry, smoothness, tempo.

Jumps, turns and the other moves are named ones (``labels.moves``); this is how much
and how well the body moves overall.

Computed from the landmarks the analysis already has, vectorised over frames.
Distances are in torso lengths of the picture (:func:`features.body_points`), so a
dancer far from the camera moves as much as one close to it; angles come from the world
landmarks (:func:`features.angle_features`). Times are the video's own, so sampled
analyses (``sample_fps``) give the same answers at a coarser grain.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..features import angle_features, body_points
from ..pose.landmarks import Landmark as L
from ..pose.track import LandmarkTrack
from .series import interpolate, smooth

# Joints whose speed makes up the motion energy.
ENERGY_JOINTS = [
    L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_SHOULDER, L.RIGHT_SHOULDER,
    L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE,
]  # fmt: skip
LIMB_ENDS = {
    "left_hand": L.LEFT_WRIST,
    "right_hand": L.RIGHT_WRIST,
    "left_foot": L.LEFT_ANKLE,
    "right_foot": L.RIGHT_ANKLE,
}
# Per limb, the joints whose range is reported, and the angle (features.angle_features)
# each is measured by.
ROM_ANGLES = {
    "left_arm": {"elbow": "left_elbow", "shoulder": "left_shoulder"},
    "right_arm": {"elbow": "right_elbow", "shoulder": "right_shoulder"},
    "left_leg": {"knee": "left_knee", "hip": "left_thigh_to_pelvis"},
    "right_leg": {"knee": "right_knee", "hip": "right_thigh_to_pelvis"},
}
GRID_HZ = 30.0  # signals are resampled to this rate for derivatives and tempo
TEMPO_RANGE_S = (0.25, 2.0)  # 30 to 240 beats per minute
CUT_MARGIN_S = 0.15  # energy this near a cut of an edited video is the cut's, not the dancer's


def on_grid(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values (T, ...) on a uniform GRID_HZ grid over the analysed time; gaps interpolated."""
    if len(times) < 2:
        return times, values
    grid = np.arange(times[0], times[-1] + 1e-9, 1.0 / GRID_HZ)
    return grid, interpolate(times, values, grid, min_points=2)


def energy_signal(grid: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mean speed of the main joints, torso lengths per second, per grid step."""
    if len(grid) < 2:
        return np.zeros(len(grid))
    velocity = np.gradient(smooth(points[:, ENERGY_JOINTS]), 1.0 / GRID_HZ, axis=0)
    return np.nanmean(np.linalg.norm(velocity, axis=-1), axis=1)


def energy_per_second(grid: np.ndarray, energy: np.ndarray) -> list[dict[str, float]]:
    out = []
    for second in range(int(np.floor(grid[0])), int(np.ceil(grid[-1])) if len(grid) else 0):
        inside = (grid >= second) & (grid < second + 1)
        if inside.any() and np.isfinite(energy[inside]).any():
            out.append({"t": float(second), "energy": round(float(np.nanmean(energy[inside])), 3)})
    return out


def range_of_motion(world: np.ndarray) -> dict[str, dict[str, float]]:
    """Per limb, the span of each joint angle (5th to 95th percentile, degrees)."""
    angles = angle_features(world)
    out: dict[str, dict[str, float]] = {}
    for part, joints in ROM_ANGLES.items():
        out[part] = {}
        for joint, name in joints.items():
            values = angles[name][np.isfinite(angles[name])]
            out[part][joint] = (
                round(float(np.percentile(values, 95) - np.percentile(values, 5)), 1) if len(values) else 0.0
            )
    return out


def symmetry(rom: dict[str, dict[str, float]]) -> dict[str, float]:
    """100 when left and right limbs move through the same ranges, lower as they differ."""
    out = {}
    for limb in ("arm", "leg"):
        left, right = rom[f"left_{limb}"], rom[f"right_{limb}"]
        diffs = [abs(left[j] - right[j]) for j in left]
        sizes = [max(left[j], right[j]) for j in left]
        total = sum(sizes)
        out[f"{limb}s"] = round(100.0 * (1 - sum(diffs) / total), 1) if total > 1e-6 else 100.0
    return out


def jerk(grid: np.ndarray, points: np.ndarray) -> dict[str, float]:
    """Median magnitude of the third derivative of each hand and foot (torso lengths / s^3).

    Lower is smoother: a flowing movement changes its acceleration gently.
    """
    out = {}
    for name, joint in LIMB_ENDS.items():
        if len(grid) < 8:
            out[name] = 0.0
            continue
        p = smooth(points[:, joint], 7)
        third = np.gradient(np.gradient(np.gradient(p, 1 / GRID_HZ, axis=0), 1 / GRID_HZ, axis=0), 1 / GRID_HZ, axis=0)
        magnitude = np.linalg.norm(third, axis=-1)
        out[name] = round(float(np.nanmedian(magnitude)), 1) if np.isfinite(magnitude).any() else 0.0
    return out


def movement_tempo(energy: np.ndarray) -> dict[str, float] | None:
    """The dominant period of the motion energy, by autocorrelation, as beats per minute."""
    signal = np.nan_to_num(energy - np.nanmean(energy)) if len(energy) else energy
    lo, hi = (int(TEMPO_RANGE_S[0] * GRID_HZ), int(TEMPO_RANGE_S[1] * GRID_HZ))
    if len(signal) < 2 * hi or not np.any(signal):
        return None
    ac = np.correlate(signal, signal, mode="full")[len(signal) - 1 :]
    ac = ac / ac[0]
    lags = np.arange(lo, hi + 1)
    peaks = [lag for lag in lags if ac[lag] >= ac[lag - 1] and ac[lag] >= ac[lag + 1]]
    if not peaks:
        return None
    best = max(peaks, key=lambda lag: ac[lag])
    # Refine the peak between grid steps (parabola through three points).
    a, b, c = ac[best - 1], ac[best], ac[best + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    period = (best + shift) / GRID_HZ
    return {"bpm": round(60.0 / period, 1), "confidence": round(float(b), 2)}


def accents(grid: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Times of movement accents: local peaks of the motion energy above its median."""
    if len(energy) < 3:
        return np.array([])
    e = np.nan_to_num(smooth(energy, 3))
    peak = (e[1:-1] > e[:-2]) & (e[1:-1] >= e[2:]) & (e[1:-1] > np.median(e))
    return grid[1:-1][peak]


@dataclass(frozen=True)
class Energy:
    """The motion energy on a uniform grid, and the hips' height on it (torso lengths, y up;
    NaN where unknown): what rhythm lines up with the music."""

    grid: np.ndarray
    energy: np.ndarray
    hips: np.ndarray | None = None

    def accents(self) -> np.ndarray:
        return accents(self.grid, self.energy)


def movement_report(track: LandmarkTrack) -> tuple[dict[str, Any], Energy]:
    """The ``movement`` section of a result, and the energy signal rhythm needs."""
    # Frames without a person are NaN throughout: empty means and medians are expected.
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.filterwarnings("ignore", r"(Mean of empty slice|All-NaN slice encountered)", RuntimeWarning)
        return _movement_report(track)


def _movement_report(track: LandmarkTrack) -> tuple[dict[str, Any], Energy]:
    points = body_points(track.image, track.aspect, track.shot_starts)
    grid, uniform = on_grid(track.times, points)
    energy = energy_signal(grid, uniform)
    hips = np.nanmean(uniform[:, [L.LEFT_HIP, L.RIGHT_HIP], 1], axis=1) if len(grid) else np.zeros(0)
    if track.shot_starts is not None and len(grid):
        # The body leaps across the picture at a cut: no movement to count there.
        cuts = track.times[track.shot_starts]
        at_cut = np.any(np.abs(grid[:, None] - cuts[None, :]) <= CUT_MARGIN_S, axis=1)
        energy[at_cut] = hips[at_cut] = np.nan
    rom = range_of_motion(track.world)
    report = {
        "energy_per_second": energy_per_second(grid, energy),
        "mean_energy": round(float(np.nanmean(energy)), 3) if np.isfinite(energy).any() else 0.0,
        "range_of_motion_deg": rom,
        "symmetry": symmetry(rom),
        "jerk": jerk(grid, uniform),
        "tempo": movement_tempo(energy),
    }
    return report, Energy(grid, energy, hips)

"""Following a reference live: how close the dancer is to it right now, on /compare's scale.

The follower dances along with the reference as it plays, so the same moment of the
dance is the same time since the start, less a reaction time: each score compares the
last ``WINDOW_S`` of the dancer with the reference at the lag (0 to ``MAX_LAG_S``) that
fits best. The same angles and the same 0-100 scale as a comparison
(:mod:`.compare`), whose full alignment scores the session when it ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..features import angle_features
from .compare import BODY_PARTS, FEATURE_NAMES, deviation_score

WINDOW_S = 2.0
MAX_LAG_S = 0.8
LAG_STEP_S = 0.1
_PART_COLUMNS = {part: [FEATURE_NAMES.index(name) for name in names] for part, names in BODY_PARTS.items()}


def angle_rows(world: np.ndarray) -> np.ndarray:
    """(T, F) the comparison's angles, in degrees, of each frame's world landmarks."""
    features = angle_features(world)
    return np.stack([features[name] for name in FEATURE_NAMES], axis=1)


def follow_score(
    times: np.ndarray, rows: np.ndarray, reference_times: np.ndarray, reference_rows: np.ndarray
) -> dict[str, Any] | None:
    """The score of the last ``WINDOW_S`` of ``times``/``rows`` against the reference, or
    None while there is nothing to compare (nobody in view, or past the reference's end)."""
    if not len(times):
        return None
    recent = times >= times[-1] - WINDOW_S
    t, live = times[recent], rows[recent]
    best: tuple[float, float, np.ndarray] | None = None
    for lag in np.arange(0.0, MAX_LAG_S + 1e-9, LAG_STEP_S):
        at = t - lag
        inside = (at >= reference_times[0]) & (at <= reference_times[-1])
        if not inside.any():
            continue
        nearest = np.clip(np.searchsorted(reference_times, at[inside]), 0, len(reference_times) - 1)
        deviation = np.abs(live[inside] - reference_rows[nearest])
        if not np.isfinite(deviation).any():
            continue
        mean = float(np.nanmean(deviation))
        if best is None or mean < best[0]:
            best = (mean, float(lag), deviation)
    if best is None:
        return None
    mean, lag, deviation = best
    parts = {
        part: float(np.nanmean(deviation[:, cols])) for part, cols in _PART_COLUMNS.items()
        if np.isfinite(deviation[:, cols]).any()
    }  # fmt: skip
    worst = max(parts, key=lambda p: parts[p])
    return {
        "score": deviation_score(mean),
        "lag_s": round(lag, 2),
        "reference_s": round(float(t[-1] - lag), 3),
        "worst_part": worst,
        "worst_part_deg": round(parts[worst], 1),
    }

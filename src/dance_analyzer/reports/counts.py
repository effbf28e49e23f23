"""How many times each pose was struck: three squats are 3 squats, each with its time.

A repetition is one entry into a pose on the timeline, so the count is read from the
same smoothed primary-pose array the segments are cut from. Flickers shorter than the
minimum hold were merged there already: a dancer wobbling at the bottom of a squat does
one squat, not three, and the reps always agree with the segments shown beside them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..labels.classify import NO_POSE, runs_of
from ..labels.definitions import PoseSet


def pose_counts(smoothed: np.ndarray, times: np.ndarray, end_time: float, poses: PoseSet) -> list[dict[str, Any]]:
    """Per pose entered: ``count`` and each rep's ``start_s``/``end_s``; the most repeated
    pose first, ties in priority order (as in the pose summary: the more specific pose,
    a squat before standing, first)."""
    bounds = np.append(times, end_time)
    reps: dict[int, list[dict[str, float]]] = {}
    for run in runs_of(smoothed):
        if run.label == NO_POSE:
            continue
        reps.setdefault(run.label, []).append(
            {"start_s": round(float(bounds[run.start]), 3), "end_s": round(float(bounds[run.stop]), 3)}
        )
    order = sorted(reps, key=lambda label: (-len(reps[label]), label))  # labels are priority-ordered
    return [{"pose": poses.poses[label].name, "count": len(reps[label]), "reps": reps[label]} for label in order]

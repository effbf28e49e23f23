"""From feature values to pose labels per frame, and from labels to a timeline.

Evaluation is vectorised: each condition is one boolean array over all frames.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..features import FeatureTable
from .definitions import Condition, PoseDefinition, PoseSet
from .examples import load_bank

NO_POSE = -1
Votes = Mapping[str, np.ndarray]  # per pose name, (T,) where the example bank says it holds


@dataclass(frozen=True)
class Run:
    label: int
    start: int  # first frame (position in the analysed sequence)
    stop: int  # one past the last frame


def runs_of(sequence: np.ndarray) -> list[Run]:
    if len(sequence) == 0:
        return []
    edges = np.flatnonzero(np.diff(sequence)) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(sequence)]])
    return [Run(int(sequence[a]), int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _side_holds(table: FeatureTable, side: str, cond: Condition, min_vis: float) -> tuple[np.ndarray, np.ndarray]:
    """(holds, known) for a condition's bounds on one side (or on the whole body)."""
    n = len(table)
    holds = np.ones(n, dtype=bool)
    known = np.ones(n, dtype=bool)
    for bound in cond.bounds:
        column = bound.feature if side == "" else f"{side}_{bound.feature}"
        value = table.values[column]
        seen = table.visibility[column] >= min_vis
        holds &= seen & (value >= bound.low) & (value <= bound.high)  # NaN compares False, silently
        known &= seen
    return holds, known


def evaluate_condition(table: FeatureTable, cond: Condition, min_visibility: float) -> np.ndarray:
    """Where a condition holds; a feature too poorly seen never satisfies it."""
    if cond.side is None:
        return _side_holds(table, "", cond, min_visibility)[0]
    if cond.side in ("left", "right"):
        return _side_holds(table, cond.side, cond, min_visibility)[0]
    left, left_known = _side_holds(table, "left", cond, min_visibility)
    right, right_known = _side_holds(table, "right", cond, min_visibility)
    if cond.side == "both":
        return left & right
    if cond.side == "either":
        return left | right
    if cond.side == "seen":
        # Every side in view holds (and one at least): a side hidden behind the body says
        # nothing, a side in plain view doing something else rules the pose out.
        return (left | right) & (left | ~left_known) & (right | ~right_known)
    # "one": exactly one side holds, which can only be claimed when both sides are seen.
    return left_known & right_known & (left ^ right)


def _all_hold(table: FeatureTable, conditions: tuple[Condition, ...], min_visibility: float) -> np.ndarray:
    holds = np.ones(len(table), dtype=bool)
    for cond in conditions:
        holds &= evaluate_condition(table, cond, min_visibility)
    return holds


def pose_holds(
    table: FeatureTable, pose: PoseDefinition, default_min_visibility: float, votes: Votes | None = None
) -> np.ndarray:
    """Where a pose's own conditions hold (``when``, or any of ``or_when``; and, or or, the
    example bank's vote or closeness to its own examples, where the pose asks for them),
    before ``unless``."""
    min_visibility = default_min_visibility if pose.min_visibility is None else pose.min_visibility
    holds = _all_hold(table, pose.conditions, min_visibility)
    for alternative in pose.alternatives:
        holds |= _all_hold(table, alternative, min_visibility)
    like = None
    if pose.neighbours is not None:
        if votes is not None and pose.name in votes:
            like = votes[pose.name]
        else:
            like = load_bank().vote(table.embedding, pose.name, pose.neighbours)
    if pose.likeness is not None:
        like = pose.likeness.holds(table.embedding)
    if like is None:
        return holds
    return holds | like if pose.combine == "or" else holds & like


def label_frames(table: FeatureTable, poses: PoseSet, votes: Votes | None = None) -> np.ndarray:
    """(T, P) booleans, per frame and without temporal filtering; columns in priority order.

    ``votes``: for poses known by their examples, where the bank says they hold, when it is
    not the shipped bank that should say it (scoring the corpus, :mod:`labels.corpus`)."""
    n = len(table)
    if votes is None:  # the shipped bank's, for every pose that asks, in one pass
        asked = {pose.name: pose.neighbours for pose in poses.poses if pose.neighbours is not None}
        votes = load_bank().votes(table.embedding, asked) if asked else {}
    raw = {pose.name: pose_holds(table, pose, poses.min_visibility, votes) for pose in poses.poses}
    labels = np.zeros((n, len(poses.poses)), dtype=bool)
    for j, pose in enumerate(poses.poses):
        excluded = np.zeros(n, dtype=bool)
        for other in pose.unless:
            excluded |= raw[other]
        labels[:, j] = raw[pose.name] & ~excluded
    return labels


def _durations(runs: list[Run], bounds: np.ndarray) -> list[float]:
    return [float(bounds[r.stop] - bounds[r.start]) for r in runs]


def hold_filter(labels: np.ndarray, times: np.ndarray, end_time: float, min_hold_s: float) -> np.ndarray:
    """Per pose, close gaps and then drop runs shorter than ``min_hold_s``.

    A person passing through a pose for a frame or two on the way to another is not
    striking it, and a one-frame dropout in a held pose is tracking noise. Durations
    are in seconds, so the rule means the same at 5 fps, at 60 fps and when sampling.
    """
    out = labels.copy()
    if min_hold_s <= 0 or len(times) == 0:
        return out
    bounds = np.append(times, end_time)
    for j in range(labels.shape[1]):
        column = out[:, j]
        for fill_value in (True, False):  # close short gaps, then open short runs
            runs = runs_of(column.astype(np.int8))
            for k, (run, duration) in enumerate(zip(runs, _durations(runs, bounds), strict=True)):
                inner = 0 < k < len(runs) - 1 if fill_value else True
                if bool(run.label) != fill_value and inner and duration < min_hold_s - 1e-9:
                    column[run.start : run.stop] = fill_value
    return out


def primary_pose(labels: np.ndarray) -> np.ndarray:
    """Index of the highest-priority pose per frame (columns are priority-ordered)."""
    if labels.shape[1] == 0:
        return np.full(labels.shape[0], NO_POSE)
    first = labels.argmax(axis=1)
    return np.where(labels.any(axis=1), first, NO_POSE)


def smooth_primary(primary: np.ndarray, times: np.ndarray, end_time: float, min_hold_s: float) -> np.ndarray:
    """Absorb runs shorter than ``min_hold_s`` into their longer neighbour.

    A pose flickering for a frame or two is tracking noise, not something the dancer
    did; merging it keeps the timeline readable. Durations are measured in seconds so
    the same rule works at 5 fps and at 60 fps, and on sampled frames.
    """
    seq = primary.copy()
    if min_hold_s <= 0 or len(seq) == 0:
        return seq
    bounds = np.append(times, end_time)
    while True:
        runs = runs_of(seq)
        if len(runs) <= 1:
            return seq
        durations = _durations(runs, bounds)
        shortest = int(np.argmin(durations))
        if durations[shortest] >= min_hold_s - 1e-9:
            return seq
        run = runs[shortest]
        neighbours = [i for i in (shortest - 1, shortest + 1) if 0 <= i < len(runs)]
        best = max(neighbours, key=lambda i: durations[i])
        seq[run.start : run.stop] = runs[best].label

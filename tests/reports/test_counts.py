"""Repetitions of each pose, from smoothed timelines with known answers."""

import numpy as np

from dance_analyzer.labels.classify import NO_POSE, smooth_primary
from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.reports.counts import pose_counts
from dance_analyzer.reports.summary import segments

POSES = load_definitions()
SQUAT, STANDING, ARMS_UP = (POSES.names.index(name) for name in ("squat", "standing", "arms_up"))


def timeline(*runs: tuple[int, int]) -> np.ndarray:
    """A label per frame from (label, frames) runs."""
    return np.concatenate([np.full(n, label) for label, n in runs])


def test_three_squats_are_three_reps_each_with_its_time():
    smoothed = timeline((STANDING, 5), (SQUAT, 10), (STANDING, 15), (SQUAT, 10), (STANDING, 15), (SQUAT, 10))
    times = np.arange(len(smoothed)) / 5.0
    counts = pose_counts(smoothed, times, 13.0, POSES)
    assert counts == [
        {
            "pose": "squat",
            "count": 3,
            "reps": [{"start_s": 1.0, "end_s": 3.0}, {"start_s": 6.0, "end_s": 8.0}, {"start_s": 11.0, "end_s": 13.0}],
        },
        {"pose": "standing", "count": 3, "reps": [{"start_s": 0.0, "end_s": 1.0}, {"start_s": 3.0, "end_s": 6.0},
                                                   {"start_s": 8.0, "end_s": 11.0}]},
    ]  # fmt: skip


def test_a_flicker_inside_a_squat_is_merged_first_and_does_not_count_as_another_rep():
    raw = timeline((STANDING, 10), (SQUAT, 6), (STANDING, 1), (SQUAT, 6), (NO_POSE, 1), (SQUAT, 6), (STANDING, 10))
    times = np.arange(len(raw)) / 10.0
    smoothed = smooth_primary(raw, times, len(raw) / 10.0, 0.2)
    counts = {c["pose"]: c for c in pose_counts(smoothed, times, len(raw) / 10.0, POSES)}
    assert counts["squat"]["count"] == 1 and counts["squat"]["reps"] == [{"start_s": 1.0, "end_s": 3.0}]
    assert counts["standing"]["count"] == 2


def test_reps_are_the_segments_of_the_pose_and_no_pose_is_never_counted():
    smoothed = timeline((NO_POSE, 3), (ARMS_UP, 4), (NO_POSE, 4), (ARMS_UP, 4), (STANDING, 7))
    times = np.cumsum(np.full(len(smoothed), 1 / 30)) - 1 / 30  # inexact times round the same way
    counts = pose_counts(smoothed, times, 0.8, POSES)
    assert [(c["pose"], c["count"]) for c in counts] == [("arms_up", 2), ("standing", 1)]
    cut = segments(smoothed, times, 0.8, POSES)
    assert [r for c in counts for r in c["reps"]] == [
        {"start_s": s["start_s"], "end_s": s["end_s"]} for pose in ("arms_up", "standing") for s in cut
        if s["pose"] == pose
    ]  # fmt: skip


def test_the_most_repeated_pose_comes_first_ties_in_priority_order_and_nothing_counts_nothing():
    smoothed = timeline((STANDING, 3), (ARMS_UP, 3), (STANDING, 3), (SQUAT, 3))
    listed = [(c["pose"], c["count"]) for c in pose_counts(smoothed, np.arange(12) / 10, 1.2, POSES)]
    assert listed == [("standing", 2), ("squat", 1), ("arms_up", 1)]  # squat ranks above arms_up, struck later
    assert pose_counts(np.full(4, NO_POSE), np.arange(4) / 10, 0.4, POSES) == []
    assert pose_counts(np.array([], int), np.array([]), 0.0, POSES) == []

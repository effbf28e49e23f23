"""The summary, timeline and per-frame sections of a result, from labels with known answers."""

import numpy as np

from dance_analyzer.labels.classify import NO_POSE
from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.reports.summary import frame_details, pose_summary, segments

POSES = load_definitions()
SQUAT, STANDING = POSES.names.index("squat"), POSES.names.index("standing")


def test_the_summary_counts_primary_poses_most_frequent_first_and_skips_frames_without_one():
    primary = np.array([STANDING, SQUAT, SQUAT, NO_POSE, SQUAT, STANDING])
    assert pose_summary(primary, POSES) == [
        {"pose": "squat", "frames_detected": 3},
        {"pose": "standing", "frames_detected": 2},
    ]
    assert pose_summary(np.full(4, NO_POSE), POSES) == []


def test_equal_counts_are_listed_in_priority_order():
    tied = pose_summary(np.array([STANDING, SQUAT]), POSES)
    assert [p["pose"] for p in tied] == ["squat", "standing"]  # squat has the higher priority


def test_segments_run_from_a_frame_to_the_next_change_and_the_last_ends_with_the_video():
    times = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    smoothed = np.array([STANDING, STANDING, NO_POSE, SQUAT, SQUAT])
    assert segments(smoothed, times, 2.4444, POSES) == [
        {"pose": "standing", "start_s": 0.0, "end_s": 1.0, "frames": 2},
        {"pose": "squat", "start_s": 1.5, "end_s": 2.444, "frames": 2},
    ]


def test_frames_list_every_pose_that_holds_and_null_landmarks_without_a_person():
    labels = np.zeros((2, len(POSES.poses)), bool)
    labels[0, [SQUAT, STANDING]] = True
    image = np.full((2, 33, 4), 0.123456789, np.float32)
    image[1] = np.nan
    smoothed = np.array([STANDING, NO_POSE])
    frames = frame_details(np.array([0, 3]), np.array([0.0, 0.123456]), labels, smoothed, image, POSES)
    assert frames[0]["poses"] == ["squat", "standing"] and frames[0]["index"] == 0
    assert frames[0]["pose"] == "standing"  # the timeline's, not the first that holds
    assert frames[0]["landmarks"][0] == [0.12346] * 4 and len(frames[0]["landmarks"]) == 33
    assert frames[1] == {"index": 3, "t": 0.1235, "poses": [], "pose": None, "landmarks": None}

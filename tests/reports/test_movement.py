"""Movement quality on synthetic skeletons with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.media.video import VideoInfo
from dance_analyzer.pose.track import LandmarkTrack
from dance_analyzer.reports.movement import movement_report
from tests.support.skeletons import Arm, skeleton

FPS = 30.0


def track(poses: list[tuple[np.ndarray, np.ndarray]], lift: np.ndarray | None = None) -> LandmarkTrack:
    """A track of skeleton frames at 30 fps; ``lift`` raises the whole body in the picture."""
    image = np.stack([p[0] for p in poses]).astype(np.float32)
    world = np.stack([p[1] for p in poses]).astype(np.float32)
    if lift is not None:
        image[:, :, 1] -= lift[:, None]
    n = len(poses)
    info = VideoInfo(width=1000, height=1000, fps=FPS, duration_s=n / FPS, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, n / FPS, np.arange(n), np.arange(n) / FPS, image, world)


def waving(seconds: float, period: float, *, left: bool = True, right: bool = False, jitter: float = 0.0):
    rng = np.random.default_rng(0)
    t = np.arange(0, seconds, 1 / FPS)
    poses = []
    for ti in t:
        angle = 60 + 50 * np.sin(2 * np.pi * ti / period)
        arm = Arm(upper=angle, fore=angle)
        poses.append(skeleton(left_arm=arm if left else Arm(), right_arm=arm if right else Arm()))
    if jitter:
        poses = [(img + rng.normal(0, jitter, img.shape).astype(np.float32) * [1, 1, 0, 0], w) for img, w in poses]
    return poses


def test_movement_tempo_is_the_period_of_the_accents():
    # An arm swinging once a second moves fastest twice a second: 120 accents a minute.
    report, _ = movement_report(track(waving(12, 1.0)))
    assert report["tempo"]["bpm"] == pytest.approx(120, abs=5)
    slower, _ = movement_report(track(waving(12, 1.6)))
    assert slower["tempo"]["bpm"] == pytest.approx(75, abs=5)


def test_range_of_motion_and_symmetry():
    one_arm, _ = movement_report(track(waving(6, 1.0)))
    rom = one_arm["range_of_motion_deg"]
    assert rom["left_arm"]["shoulder"] == pytest.approx(100, abs=12)  # 10 to 110 degrees
    assert rom["right_arm"]["shoulder"] < 5
    assert one_arm["symmetry"]["arms"] < 20 and one_arm["symmetry"]["legs"] == 100.0
    both, _ = movement_report(track(waving(6, 1.0, right=True)))
    assert both["symmetry"]["arms"] > 95


def test_jerky_movement_has_more_jerk_than_smooth_movement():
    smooth, _ = movement_report(track(waving(6, 3.0)))
    jerky, _ = movement_report(track(waving(6, 3.0, jitter=0.01)))
    assert jerky["jerk"]["left_hand"] > 3 * smooth["jerk"]["left_hand"]

"""Synthetic dancers in motion, for the move detectors: a skeleton from ``skeletons``
spun, lifted, kicking or stepping over time, with the truth known exactly.

The picture is an orthographic view of the world landmarks (x right, y down), like
``skeletons.skeleton``; turning the dancer rotates both, as a camera would see it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from dance_analyzer.labels.moves import Motion, motion_of
from dance_analyzer.pose.landmarks import Landmark as L
from tests.support.skeletons import mirrored, skeleton

FPS = 30.0
Frame = tuple[np.ndarray, np.ndarray]


def clip(
    seconds: float, pose_at: Callable[[float], Frame], fps: float = FPS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, image, world) of ``pose_at(t)`` sampled at ``fps``."""
    times = np.arange(0, seconds, 1 / fps)
    frames = [pose_at(float(t)) for t in times]
    return times, np.stack([f[0] for f in frames]), np.stack([f[1] for f in frames])


def motion(
    times: np.ndarray,
    image: np.ndarray,
    world: np.ndarray,
    *,
    mirror: bool = False,
    poses: dict[str, np.ndarray] | None = None,
    shot_starts: np.ndarray | None = None,
) -> Motion:
    if mirror:
        image, world = mirrored(image, world)
    step = float(times[1] - times[0]) if len(times) > 1 else 1 / FPS
    return motion_of(times, float(times[-1]) + step, image, world, 1.0, poses, shot_starts=shot_starts)


def turned(frame: Frame, degrees: float) -> Frame:
    """The dancer rotated about the vertical axis through the hips, as the camera sees it.

    Positive degrees bring the dancer's left shoulder towards the camera: a turn to
    their right, clockwise seen from above.
    """
    image, world = frame
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    world = world @ rot.T
    image = image.copy()
    image[:, :3] = world * 0.4 + np.array([0.5, 0.5, 0.0])
    return image.astype(np.float32), world.astype(np.float32)


def lifted(frame: Frame, height: float) -> Frame:
    """The whole dancer raised in the picture by ``height`` (picture heights)."""
    image, world = frame
    image = image.copy()
    image[:, 1] -= height
    return image, world


def shifted(frame: Frame, landmarks: list[int], dx: float, dy: float = 0.0) -> Frame:
    """Some landmarks moved in the picture (a foot stepping, the hips swaying)."""
    image, world = frame
    image = image.copy()
    image[landmarks, 0] += dx
    image[landmarks, 1] += dy
    return image, world


LEFT_FOOT = [L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
RIGHT_FOOT = [L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
UPPER_BODY = list(range(0, 25))  # head, arms and hips: everything above the knees


def standing(**pose: object) -> Frame:
    return skeleton(**pose)  # type: ignore[arg-type]


def hop(takeoffs: list[float], airtime: float, height: float, seconds: float = 4.0, **pose: object):
    """A dancer lifted off the floor (a parabola ``height`` picture units high) at each take-off."""

    def at(t: float):
        for start in takeoffs:
            if start <= t < start + airtime:
                phase = (t - start) / airtime
                return lifted(standing(**pose), 4 * height * phase * (1 - phase))
        return standing()

    return clip(seconds, at)

"""Angles for comparing dancers and positions in the picture, vectorised over frames.

Comparisons and movement reports read whole-limb angles and the body's place in the
picture rather than the named pose features: they must not change with the dancer's size,
distance or place in the picture, so two dancers filmed differently compare.
"""

from __future__ import annotations

import numpy as np

from ..media.shots import shot_bounds
from ..pose.landmarks import Landmark as L
from .geometry import UP, angle_between, joint_angle

# ---------------------------------------------------------------- angles for comparison


def _side_angles(world: np.ndarray, side: str) -> dict[str, np.ndarray]:
    def p(name: str) -> np.ndarray:
        return world[:, L[f"{side.upper()}_{name}"]]

    other = "RIGHT" if side == "left" else "LEFT"
    return {
        f"{side}_elbow": joint_angle(p("SHOULDER"), p("ELBOW"), p("WRIST")),
        f"{side}_shoulder": joint_angle(p("ELBOW"), p("SHOULDER"), p("HIP")),
        f"{side}_knee": joint_angle(p("HIP"), p("KNEE"), p("ANKLE")),
        # Not hip_angle (shoulder-hip-knee): this one opens as the leg moves out sideways.
        f"{side}_thigh_to_pelvis": joint_angle(world[:, L[f"{other}_HIP"]], p("HIP"), p("KNEE")),
        f"{side}_upper_arm_dir": angle_between(p("ELBOW") - p("SHOULDER"), UP),
        f"{side}_forearm_dir": angle_between(p("WRIST") - p("ELBOW"), UP),
        f"{side}_thigh_dir": angle_between(p("KNEE") - p("HIP"), UP),
        f"{side}_shin_dir": angle_between(p("ANKLE") - p("KNEE"), UP),
    }


def angle_features(world: np.ndarray) -> dict[str, np.ndarray]:
    """(T,) angle series in degrees per named angle; NaN where nobody was found.

    Joint angles and the direction of every limb segment and of the torso against the
    vertical, from the world landmarks: they do not change with the dancer's size,
    distance or place in the picture, so two dancers filmed differently compare.
    """
    world = world.astype(np.float64)
    mid_hip = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    mid_shoulder = (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER]) / 2
    return {
        **_side_angles(world, "left"),
        **_side_angles(world, "right"),
        "torso_dir": angle_between(mid_shoulder - mid_hip, UP),
    }


def mirrored(features: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same measurements seen in a mirror: left and right swap."""
    swap = {"left_": "right_", "right_": "left_"}
    out = {}
    for name, values in features.items():
        prefix = next((p for p in swap if name.startswith(p)), None)
        out[swap[prefix] + name[len(prefix) :] if prefix else name] = values
    return out


# ---------------------------------------------------------------- positions in the picture


def body_points(image: np.ndarray, aspect: float, shot_starts: np.ndarray | None = None) -> np.ndarray:
    """(T, 33, 2) landmark positions in torso lengths of the picture, y up; NaN where nobody was found.

    ``aspect`` is the picture's width over its height, so that x and y share a unit. Torso
    lengths (the median shoulders-to-hips distance) make a dancer far from the camera
    move as much as one close to it. Each shot of an edited video (``shot_starts``,
    :mod:`media.shots`) has its own: a close-up and a wide shot frame the dancer apart.
    """
    xy = image[..., :2].astype(np.float64) * np.array([aspect, -1.0])
    return np.concatenate([_in_torsos(xy[a:b]) for a, b in shot_bounds(shot_starts, len(xy))])


def _in_torsos(xy: np.ndarray) -> np.ndarray:
    shoulders = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hips = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    torso = np.nanmedian(np.linalg.norm(shoulders - hips, axis=-1)) if np.isfinite(shoulders).any() else np.nan
    return xy / torso if torso and np.isfinite(torso) and torso > 1e-6 else xy * np.nan

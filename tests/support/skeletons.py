"""Synthetic BlazePose skeletons with known joint angles, for exact unit tests.

World coordinates follow MediaPipe's: metres, x to the picture's right, y down, z away
from the camera. The subject faces the camera, so their left side is at +x.
Limbs are posed by angles, so a test can say "elbow at 150 degrees" and know the truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dance_analyzer.pose.landmarks import Landmark as L

UPPER_ARM, FOREARM, THIGH, SHIN = 0.28, 0.25, 0.42, 0.40
HALF_SHOULDERS, HALF_HIPS, TORSO = 0.18, 0.10, 0.50

# Mirroring a person swaps which landmarks MediaPipe calls left and right.
MIRROR_ORDER = [0, 4, 5, 6, 1, 2, 3, 8, 7, 10, 9] + [i + 1 if i % 2 else i - 1 for i in range(11, 33)]


def _unit(deg_from_down: float, lateral: float, forward: float = 0.0) -> np.ndarray:
    """Direction at ``deg_from_down`` from straight down, swung out to ``lateral`` (+1/-1) side
    or, with ``forward`` set, towards the camera."""
    a = math.radians(deg_from_down)
    horizontal = np.array([lateral, 0.0, -forward], dtype=float)
    if np.linalg.norm(horizontal) > 0:
        horizontal /= np.linalg.norm(horizontal)
    return np.array([0.0, math.cos(a), 0.0]) + math.sin(a) * horizontal


@dataclass
class Arm:
    upper: float = 10.0  # upper arm elevation from hanging, degrees
    fore: float = 10.0  # forearm elevation from hanging, degrees
    forward: float = 0.0  # 0 = in the frontal plane, 1 = straight towards the camera
    across: bool = False  # forearm swings across the body instead of outwards
    fore_forward: float | None = None  # forearm's own forward swing (default: ``forward``)
    upper_lateral: float = 1.0  # 0 keeps the upper arm out of the side plane


@dataclass
class Leg:
    thigh: float = 0.0  # thigh angle from vertical, forward (knee lift / squat)
    shin: float = 0.0  # shin angle from vertical, backward (positive bends the knee)
    spread: float = 0.0  # sideways swing of the whole leg, degrees


def skeleton(
    left_arm: Arm | None = None,
    right_arm: Arm | None = None,
    left_leg: Leg | None = None,
    right_leg: Leg | None = None,
    torso_lean: float = 0.0,
    visibility: float = 0.99,
) -> tuple[np.ndarray, np.ndarray]:
    """One frame: (image (33, 4), world (33, 3))."""
    world = np.zeros((33, 3))
    lean = math.radians(torso_lean)
    up = np.array([0.0, -math.cos(lean), -math.sin(lean)])  # leans towards the camera
    for side, sign, arm_pose, leg_pose in (
        ("LEFT", 1.0, left_arm or Arm(), left_leg or Leg()),
        ("RIGHT", -1.0, right_arm or Arm(), right_leg or Leg()),
    ):
        hip = np.array([sign * HALF_HIPS, 0.0, 0.0])
        shoulder = np.array([sign * HALF_SHOULDERS, 0.0, 0.0]) + TORSO * up
        lateral = -sign if arm_pose.across else sign
        elbow = shoulder + UPPER_ARM * _unit(arm_pose.upper, sign * arm_pose.upper_lateral, arm_pose.forward)
        fore_forward = arm_pose.forward if arm_pose.fore_forward is None else arm_pose.fore_forward
        wrist = elbow + FOREARM * _unit(arm_pose.fore, lateral, fore_forward)
        knee = hip + THIGH * _unit(leg_pose.thigh, 0.0, 1.0) + _spread(leg_pose.spread, sign, THIGH)
        shin_dir = _unit(leg_pose.thigh - leg_pose.shin, 0.0, 1.0)
        ankle = knee + SHIN * shin_dir + _spread(leg_pose.spread, sign, SHIN)
        for name, point in (
            ("HIP", hip),
            ("SHOULDER", shoulder),
            ("ELBOW", elbow),
            ("WRIST", wrist),
            ("KNEE", knee),
            ("ANKLE", ankle),
        ):
            world[L[f"{side}_{name}"]] = point
        for name, src, offset in (
            ("PINKY", wrist, 0.06),
            ("INDEX", wrist, 0.07),
            ("THUMB", wrist, 0.05),
            ("HEEL", ankle, 0.05),
            ("FOOT_INDEX", ankle, 0.08),
        ):
            world[L[f"{side}_{name}"]] = src + np.array([0.0, offset, 0.0])
    head = (world[L.LEFT_SHOULDER] + world[L.RIGHT_SHOULDER]) / 2 + 0.18 * up
    for i in range(11):
        world[i] = head
    image = np.zeros((33, 4))
    image[:, :3] = world * 0.4 + np.array([0.5, 0.5, 0.0])
    image[:, 3] = visibility
    return image.astype(np.float32), world.astype(np.float32)


def _spread(deg: float, sign: float, length: float) -> np.ndarray:
    return np.array([sign * math.sin(math.radians(deg)) * length, 0.0, 0.0])


def frames(*poses: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Stack single-frame skeletons into (T, 33, 4) and (T, 33, 3) arrays."""
    return np.stack([p[0] for p in poses]), np.stack([p[1] for p in poses])


def mirrored(image: np.ndarray, world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What MediaPipe sees in a mirrored video: x flipped and left/right swapped."""
    image = image[..., MIRROR_ORDER, :].copy()
    world = world[..., MIRROR_ORDER, :].copy()
    image[..., 0] = 1.0 - image[..., 0]
    world[..., 0] = -world[..., 0]
    return image, world


def yawed(image: np.ndarray, world: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The dancer turned about the vertical axis (world landmarks rotate, labels must not)."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    return image.copy(), (world @ rot.T).astype(np.float32)


def rolled(image: np.ndarray, world: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The camera tilted sideways by a few degrees."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    return image.copy(), (world @ rot.T).astype(np.float32)


def pitched(image: np.ndarray, world: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The body tipped over about the picture's horizontal axis (onto its back or front)."""
    a = math.radians(degrees)
    rot = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    return image.copy(), (world @ rot.T).astype(np.float32)


# Named poses a person would recognise.
STANDING = dict()
T_POSE = dict(left_arm=Arm(90, 90), right_arm=Arm(90, 90))
ARMS_UP = dict(left_arm=Arm(170, 170), right_arm=Arm(170, 170))
ONE_ARM_UP = dict(left_arm=Arm(170, 170))
HANDS_ON_HIPS = dict(left_arm=Arm(35, 42, across=True), right_arm=Arm(35, 42, across=True))
_FOLDED = Arm(30, 90, forward=1.0, fore_forward=0.0, upper_lateral=0.0, across=True)
ARMS_CROSSED = dict(left_arm=_FOLDED, right_arm=_FOLDED)
SQUAT = dict(left_leg=Leg(thigh=80, shin=100), right_leg=Leg(thigh=80, shin=100), torso_lean=30)
LUNGE = dict(left_leg=Leg(thigh=60, shin=60), right_leg=Leg(thigh=-42))
ONE_LEG = dict(left_leg=Leg(thigh=90, shin=90))
# Both knees bent: the front thigh forward, the back one behind with its knee over the floor.
FORWARD_LUNGE = dict(left_leg=Leg(thigh=75, shin=75), right_leg=Leg(thigh=-25, shin=65))
# Both knees bent alike and opened out to the sides, over a wide stance.
_TURNED_OUT = Leg(thigh=65, shin=65, spread=35)
PLIE = dict(left_leg=_TURNED_OUT, right_leg=_TURNED_OUT)

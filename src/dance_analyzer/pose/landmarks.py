"""The 33 BlazePose landmarks, by index.

``LEFT_*`` is the subject's left (on the right of the picture when they face the
camera), which is why features are defined per body side, not per image side.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# A landmark seen with less visibility than this is not trusted: pose rules treat its
# features as unknown (unless a pose file says otherwise), learning skips them and the
# overlay does not draw them.
MIN_VISIBILITY = 0.5

LANDMARK_NAMES: tuple[str, ...] = tuple(lm.name.lower() for lm in Landmark)
NUM_LANDMARKS = len(LANDMARK_NAMES)

# Bones drawn for a skeleton (pairs of landmark indices), body only.
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (27, 29),
    (29, 31),
    (27, 31),
    (24, 26),
    (26, 28),
    (28, 30),
    (30, 32),
    (28, 32),
)


@dataclass(frozen=True)
class PoseResult:
    """Landmarks of one person in one picture.

    ``image``: (33, 4) x, y normalised to the picture, z in the same scale as x,
    visibility in [0, 1]. ``world``: (33, 3) metres, origin between the hips.
    """

    image: np.ndarray
    world: np.ndarray

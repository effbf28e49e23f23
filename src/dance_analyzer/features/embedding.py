"""The whole body as one point, for poses recognised by their likeness to labelled examples.

Some poses are easier to show than to describe: a side bend is a curve of the whole trunk
seen from any side, which no handful of angles pins down across cameras and models. Such a
pose is recognised by its nearest labelled bodies (``labels.examples``), and bodies are
compared as MediaPipe's pose-classification guide compares them: world landmarks centred
on the hips, scaled by the torso and turned about the vertical so that the hips face the
camera, so neither where the dancer stands, nor their size, nor the way they face matters.
"""

from __future__ import annotations

import numpy as np

from ..pose.landmarks import Landmark as L

# The head by the nose, the arms, the legs and the feet: the joints a pose is made of
# (the face's and hands' small landmarks only add the model's jitter).
JOINTS = (
    L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST,
    L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE,
    L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX,
)  # fmt: skip
SIZE = 3 * len(JOINTS)
# Where each joint goes in a mirror: left and right swap (the nose stays).
_SWAP = {"LEFT": "RIGHT", "RIGHT": "LEFT"}
MIRROR = tuple(JOINTS.index(L["_".join(_SWAP.get(w, w) for w in j.name.split("_"))]) for j in JOINTS)


def body_embedding(world: np.ndarray) -> np.ndarray:
    """(T, 33, 3) world landmarks as (T, 45) points, NaN rows where no body was found."""
    w = np.asarray(world, np.float64)
    hips = (w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]) / 2
    shoulders = (w[:, L.LEFT_SHOULDER] + w[:, L.RIGHT_SHOULDER]) / 2
    torso = np.linalg.norm(shoulders - hips, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = (w - hips[:, None]) / torso[:, None, None]
    across = centred[:, L.RIGHT_HIP] - centred[:, L.LEFT_HIP]
    angle = np.arctan2(across[:, 2], across[:, 0])
    cos, sin = np.cos(-angle)[:, None], np.sin(-angle)[:, None]
    x, y, z = centred[..., 0], centred[..., 1], centred[..., 2]
    turned = np.stack([x * cos - z * sin, y, x * sin + z * cos], axis=-1)
    points = turned[:, list(JOINTS)].reshape(len(w), SIZE)
    points[~np.isfinite(points).all(axis=1)] = np.nan
    return points


def mirrored_embedding(points: np.ndarray) -> np.ndarray:
    """(T, 45) bodies as a mirror shows them. The hips already face the camera, so the
    mirror only turns x round and swaps the sides: the same as embedding the mirrored
    landmarks."""
    joints = np.array(points, np.float64).reshape(len(points), len(JOINTS), 3)[:, list(MIRROR)]
    joints[..., 0] *= -1
    return joints.reshape(len(points), SIZE)

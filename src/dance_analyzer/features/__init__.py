"""Every body measurement, in one place, vectorised over frames.

Two families read the same geometry: the named pose features (``compute_features``,
what pose rules and learning use, each with a visibility) and the joint and limb
angles that comparisons and movement reports use (``angle_features``).

Every feature is measured on the dancer's body, not in camera pixels: angles in
degrees, distances in body units (torso or leg lengths, shoulder widths). Most use
MediaPipe's world landmarks (metres, hip-centred), whose joint angles do not depend on
how far the dancer is from the camera or where they stand in the picture; the few
that need "up" take it from the world frame's vertical axis, which follows the upright
picture.

Sided features exist once per body side (``left_knee_angle``, ``right_knee_angle``);
pose rules combine the two sides with ``both``/``either``/``one`` so a pose means the
same whichever side the dancer uses, and the same when the video is mirrored.

Each feature also gets a visibility: the lowest visibility among the landmarks it
reads. Rules treat a feature below the pose file's ``min_visibility`` as unknown, so
occluded or out-of-frame limbs never produce confident labels.
"""

from __future__ import annotations

import numpy as np

from ..pose.landmarks import Landmark as L
from .angles import angle_features, body_points, mirrored
from .body import _SIDED, _UNSIDED, FeatureSpec, FeatureTable, _Body, _sided, _unsided, side_difference
from .embedding import body_embedding
from .geometry import (
    _OTHER,
    _SIDE,
    IN_FRAME_MARGIN,
    SIDES,
    UP,
    angle_between,
    in_frame,
    joint_angle,
    norm,
    safe_ratio,
)

__all__ = [
    "FEATURES",
    "IN_FRAME_MARGIN",
    "SIDES",
    "UP",
    "FeatureSpec",
    "FeatureTable",
    "angle_between",
    "angle_features",
    "body_embedding",
    "body_points",
    "compute_features",
    "in_frame",
    "joint_angle",
    "mirrored",
    "norm",
    "safe_ratio",
]


# ---------------------------------------------------------------- sided features


@_sided("degrees")
def elbow_angle(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Angle at the elbow between upper arm and forearm; 180 is a straight arm."""
    value = joint_angle(b.p(s, "shoulder"), b.p(s, "elbow"), b.p(s, "wrist"))
    return value, b.sv(s, "shoulder", "elbow", "wrist")


@_sided("degrees")
def knee_angle(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Angle at the knee between thigh and shin; 180 is a straight leg."""
    value = joint_angle(b.p(s, "hip"), b.p(s, "knee"), b.p(s, "ankle"))
    return value, b.sv(s, "hip", "knee", "ankle")


@_sided("degrees")
def hip_angle(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Angle at the hip between torso side and thigh; 180 is standing straight."""
    value = joint_angle(b.p(s, "shoulder"), b.p(s, "hip"), b.p(s, "knee"))
    return value, b.sv(s, "shoulder", "hip", "knee")


@_sided("degrees")
def arm_elevation(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Shoulder-to-wrist direction against the torso: 0 hanging, 90 level, 180 overhead."""
    value = angle_between(b.p(s, "wrist") - b.p(s, "shoulder"), -b.torso_up)
    return value, b.v(L.LEFT_SHOULDER, L.RIGHT_SHOULDER, _SIDE[s]["wrist"])


@_sided("degrees")
def upper_arm_elevation(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Shoulder-to-elbow direction against the torso: 0 at the side, 90 level."""
    value = angle_between(b.p(s, "elbow") - b.p(s, "shoulder"), -b.torso_up)
    return value, b.v(L.LEFT_SHOULDER, L.RIGHT_SHOULDER, _SIDE[s]["elbow"])


@_sided("torso lengths")
def wrist_height(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Height of the wrist above its shoulder along the torso axis (negative is below)."""
    up = b.torso_up / np.maximum(b.torso_length, 1e-9)[:, None]
    rise = np.sum((b.p(s, "wrist") - b.p(s, "shoulder")) * up, axis=-1)
    return safe_ratio(rise, b.torso_length), b.sv(s, "shoulder", "wrist")


@_sided("torso lengths")
def hand_to_hip(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Distance from the wrist to the hip on the same side."""
    value = safe_ratio(norm(b.p(s, "wrist") - b.p(s, "hip")), b.torso_length)
    return value, b.sv(s, "wrist", "hip")


@_sided("half shoulder widths")
def wrist_across(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """How far the wrist reaches across the body: 0 at the midline, 1 at the other shoulder."""
    toward_other = b.p(_OTHER[s], "shoulder") - b.p(s, "shoulder")
    unit = toward_other / np.maximum(b.shoulder_width, 1e-9)[:, None]
    reach = np.sum((b.p(s, "wrist") - b.mid_shoulder) * unit, axis=-1)
    value = safe_ratio(reach, b.shoulder_width / 2)
    return value, b.v(L.LEFT_SHOULDER, L.RIGHT_SHOULDER, _SIDE[s]["wrist"])


@_sided("leg lengths")
def foot_lift(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Height of this foot's lowest point above the other foot's (negative when it is the lower one)."""
    # The lowest of ankle, heel and toes touches the ground: a raised heel with the toes
    # down (the back foot of a lunge, a calf raise) is still a foot on the ground.
    rise = b.sole(s) - b.sole(_OTHER[s])
    return safe_ratio(rise, b.leg_length), b.v(L.LEFT_ANKLE, L.RIGHT_ANKLE)


@_sided("torso lengths")
def wrist_above_head(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Height of the wrist above the nose, up the picture: above the top of the head from about 0.3."""
    # Up the picture, not along the torso: an arm reaching forward while the body leans
    # forward (a dancer's pose) is not raised overhead, as anyone watching would say.
    rise = safe_ratio(b.height(b.p(s, "wrist")) - b.height(b.world[:, L.NOSE]), b.torso_length)
    # A hand below the bottom of a picture that shows the face is below the head: a body
    # cropped at the waist still shows one arm up.
    below = b.below_picture[:, _SIDE[s]["wrist"]]
    visibility = np.where(below, b.v(L.NOSE), b.v(L.NOSE, _SIDE[s]["wrist"]))
    return np.where(below, np.minimum(rise, 0.0), rise), visibility


# ---------------------------------------------------------------- whole-body features


@_unsided("degrees")
def torso_tilt(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Lean of the hip-to-shoulder line away from vertical; 0 is upright."""
    value = angle_between(b.torso_up, np.broadcast_to(UP, b.torso_up.shape))
    # A picture cut off at the waist shows the shoulders with the hips below its bottom
    # edge: the torso runs down out of the picture, as the model's guessed hips say, so
    # arm poses that ask for an upright torso (arms open, a T) still hold on a half-length
    # portrait. Leg poses stay unknown: they read the legs themselves.
    hips_below = b.below_picture[:, [L.LEFT_HIP, L.RIGHT_HIP]].all(axis=1)
    shoulders = b.v(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    return value, np.where(hips_below, shoulders, np.minimum(shoulders, b.v(L.LEFT_HIP, L.RIGHT_HIP)))


@_unsided("degrees")
def side_on(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """How side-on the shoulders are to the camera: 0 square to it (front or back), 90 in profile."""
    # Rules about the arms read differently in profile, where the far arm is behind the
    # body. Seen side-on the far shoulder is hidden but still placed, so the nearer one's
    # visibility stands for both.
    across = b.p("left", "shoulder") - b.p("right", "shoulder")
    value = np.degrees(np.arcsin(np.clip(safe_ratio(np.abs(across[:, 2]), norm(across)), 0.0, 1.0)))
    return value, np.maximum(b.v(L.LEFT_SHOULDER), b.v(L.RIGHT_SHOULDER))


@_unsided("leg lengths")
def stance_width(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Distance between the ankles."""
    value = safe_ratio(norm(b.p("left", "ankle") - b.p("right", "ankle")), b.leg_length)
    return value, b.v(L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.RIGHT_HIP)


@_unsided("leg lengths")
def hip_height(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Height of the hips above the lower ankle; about 1 standing, lower in a squat."""
    lowest = np.minimum(b.height(b.p("left", "ankle")), b.height(b.p("right", "ankle")))
    value = safe_ratio(b.height(b.mid_hip) - lowest, b.leg_length)
    return value, b.v(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)


@_unsided("degrees")
def standing_knee_angle(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Knee angle of the standing leg, the one whose foot is lower; 180 is straight."""
    # Balancing, the body rests on a long leg; in the air (a jump) or sitting on a stool,
    # the lower leg is bent too, and one foot being higher does not make a balance.
    lower_is_left = b.sole("left") <= b.sole("right")
    left, vis_left = knee_angle(b, "left")
    right, vis_right = knee_angle(b, "right")
    return np.where(lower_is_left, left, right), np.where(lower_is_left, vis_left, vis_right)


@_unsided("degrees")
def knee_difference(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """How differently the knees are bent: near 0 alike (a plié, a squat), large with one leg
    bent and the other long (a lunge)."""
    # Seen from the front the model bends a straight knee by 20-30 degrees; the difference
    # between the legs keeps the shape that each angle alone loses.
    return side_difference(knee_angle, b)


@_unsided("degrees")
def hip_difference(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """How differently the hips are folded: near 0 with the thighs alike (a squat, a plié),
    large with one thigh forward and the other under or behind the body (a lunge)."""
    # Seen from the front or side, a forward lunge bends the back knee too; which thigh is
    # forward and which is back still tells it from a squat.
    return side_difference(hip_angle, b)


@_unsided("half shoulder widths")
def wrists_crossed(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """How far the wrists have changed sides: 0 when both are at the midline, about 1.5 with arms folded."""
    # The sum of both wrists' reach across the body: robust to one hand tucked just short
    # of the midline, and negative for hands apart on their own sides.
    left, vis_left = wrist_across(b, "left")
    right, vis_right = wrist_across(b, "right")
    return left + right, np.minimum(vis_left, vis_right)


@_unsided("shoulder widths")
def wrist_spread(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Distance between the two wrists."""
    value = safe_ratio(norm(b.p("left", "wrist") - b.p("right", "wrist")), b.shoulder_width)
    return value, b.v(L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)


# The dance positions' features register after these, so the listing keeps this order.
from . import positions  # noqa: E402, F401

# ---------------------------------------------------------------- public API

FEATURES: dict[str, FeatureSpec] = {
    **{name: spec for name, (spec, _) in _SIDED.items()},
    **{name: spec for name, (spec, _) in _UNSIDED.items()},
}


def compute_features(image: np.ndarray, world: np.ndarray) -> FeatureTable:
    """All features for T frames of landmarks.

    ``image`` is (T, 33, 4) with visibility in the last column, ``world`` is (T, 33, 3).
    Frames without a person hold NaN and come out as NaN with zero visibility.
    """
    if image.shape[0] != world.shape[0]:
        raise ValueError("image and world landmarks must cover the same frames")
    body = _Body(image, world)
    values: dict[str, np.ndarray] = {}
    visibility: dict[str, np.ndarray] = {}
    for name, (_, sided) in _SIDED.items():
        for side in SIDES:
            values[f"{side}_{name}"], visibility[f"{side}_{name}"] = sided(body, side)
    for name, (_, whole) in _UNSIDED.items():
        values[name], visibility[name] = whole(body)
    for key, vis in visibility.items():
        visibility[key] = np.where(np.isnan(values[key]), 0.0, np.nan_to_num(vis, nan=0.0))
    return FeatureTable(values=values, visibility=visibility, embedding=body_embedding(world))

"""Features for dance positions: how the legs are held (raised, bent, forward or behind,
the foot at the knee, the heel lifted) and where the body is against the floor.

They register into the same feature table as the others (``body``), so pose rules use
them by name like any feature.
"""

from __future__ import annotations

import numpy as np

from ..pose.landmarks import Landmark as L
from .body import _Body, _sided, _unsided, side_difference
from .geometry import _OTHER, _SIDE, UP, angle_between, norm, safe_ratio


@_sided("leg lengths")
def heel_raise(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Height of the heel above the toes of the same foot: about 0 flat, higher on the balls of the foot."""
    # A relevé lifts the heels while the toes stay down; a foot flat on the floor has the
    # heel level with (or a little below) the toes whatever the view.
    rise = b.height(b.p(s, "heel")) - b.height(b.p(s, "foot_index"))
    return safe_ratio(rise, b.leg_length), b.sv(s, "heel", "foot_index")


@_sided("leg lengths")
def foot_to_knee(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Distance from this ankle to the other leg's knee: small in a passé."""
    # The working foot drawn up to the standing knee is what names a passé (retiré), in
    # any view: measured in 3-D, not in the picture.
    value = safe_ratio(norm(b.p(s, "ankle") - b.p(_OTHER[s], "knee")), b.leg_length)
    return value, b.v(_SIDE[s]["ankle"], _SIDE[_OTHER[s]]["knee"])


@_sided("degrees")
def leg_raise(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Hip-to-ankle direction against straight down: 0 hanging, 90 level, in any direction."""
    # Against the floor's vertical, not the torso: in an arabesque penchée or a half moon
    # the torso tips forward or sideways while the leg's height is what a teacher judges.
    value = angle_between(b.p(s, "ankle") - b.p(s, "hip"), np.broadcast_to(-UP, b.mid_hip.shape))
    return value, b.sv(s, "hip", "knee", "ankle")


@_sided("degrees")
def thigh_raise(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Hip-to-knee direction against straight down: how high the thigh is lifted, bent or not."""
    value = angle_between(b.p(s, "knee") - b.p(s, "hip"), np.broadcast_to(-UP, b.mid_hip.shape))
    return value, b.sv(s, "hip", "knee")


@_sided("leg lengths")
def leg_forward(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """How far the ankle is in front of its hip along the way the pelvis faces (negative behind)."""
    # Front, side and back (devant, à la seconde, derrière) are relative to the dancer's
    # hips, not to the camera: an arabesque seen from the front is still a leg behind.
    reach = np.sum((b.p(s, "ankle") - b.p(s, "hip")) * b.facing(), axis=-1)
    return safe_ratio(reach, b.leg_length), b.v(L.LEFT_HIP, L.RIGHT_HIP, L.NOSE, _SIDE[s]["ankle"])


@_unsided("leg lengths")
def stride(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """How far apart the feet are front to back, along the way the pelvis faces: near 0 with
    the feet side by side, large mid-step or in a split stance."""
    return side_difference(leg_forward, b)


@_sided("leg lengths")
def knee_height(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Height of the knee above the body's lowest point: about 0 when it rests on the floor."""
    return safe_ratio(b.height(b.p(s, "knee")) - b.floor(), b.leg_length), b.sv(s, "knee")


@_unsided("hip widths")
def knee_spread(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Distance between the knees: about 1 with parallel legs, 2 or more with the knees opened out."""
    # Knees bent out over turned-out feet (a plié, a goddess) against knees ahead of the
    # hips (a squat): the one thing that tells the two apart whatever the depth.
    hips = norm(b.p("left", "hip") - b.p("right", "hip"))
    value = safe_ratio(norm(b.p("left", "knee") - b.p("right", "knee")), hips)
    return value, b.v(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE)


@_unsided("degrees")
def side_lean(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Lean of the torso over to one side, whatever the forward lean; 0 upright, 90 level with a hip."""
    # The angle between the hips-to-shoulders line and the plane square to the hips' axis:
    # bending forward stays in that plane, bending over to one side (a triangle, a port de
    # bras to the side) leaves it. Measured against the pelvis, not the shoulders, which tilt
    # with the bend; and not as a ratio to the upward part, which a level torso (a plank,
    # lying down) does not have.
    return _lean_across(b, b.p("left", "hip") - b.p("right", "hip"))


@_unsided("degrees")
def side_tilt(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Lean of the torso to one side against the vertical, across the way the dancer faces."""
    # Unlike side_lean, measured across the hips' direction made level: in a triangle the
    # pelvis tips over with the torso, so against the pelvis the torso hardly leans at all.
    across = b.p("left", "hip") - b.p("right", "hip")
    return _lean_across(b, across - np.sum(across * UP, axis=-1)[:, None] * UP)


def _lean_across(b: _Body, across: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The torso's lean along a direction (T, 3), in degrees: 0 square to it, 90 along it."""
    across = across / np.maximum(norm(across), 1e-9)[:, None]
    sideways = np.sum(b.torso_up * across, axis=-1) / np.maximum(b.torso_length, 1e-9)
    value = np.degrees(np.arcsin(np.clip(np.abs(sideways), 0.0, 1.0)))
    return value, b.v(L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)


@_unsided("degrees")
def leg_split(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Angle between the two legs (hip to ankle): about 0 together, 180 in a full split."""
    # From the middle of the hips, so that the hips' own width does not open the angle.
    value = angle_between(b.p("left", "ankle") - b.mid_hip, b.p("right", "ankle") - b.mid_hip)
    return value, b.v(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_ANKLE, L.RIGHT_ANKLE)


@_unsided("leg lengths")
def hip_floor_height(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Height of the hips above the body's lowest point: about 1 standing, near 0 sitting or lying."""
    # hip_height measures from the feet; sitting on the floor with the legs out, lying, or
    # kneeling, the feet are not below the hips, the floor is.
    value = safe_ratio(b.height(b.mid_hip) - b.floor(), b.leg_length)
    return value, b.v(L.LEFT_HIP, L.RIGHT_HIP)


@_unsided("leg lengths")
def shoulder_floor_height(b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """Height of the shoulders above the body's lowest point: near 0 lying down, high on the hands."""
    value = safe_ratio(b.height(b.mid_shoulder) - b.floor(), b.leg_length)
    return value, b.v(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)


@_sided("leg lengths")
def wrist_floor_height(b: _Body, s: str) -> tuple[np.ndarray, np.ndarray]:
    """Height of the wrist above the body's lowest point: near 0 with the hand on the floor."""
    # On all fours the hands carry the body; kneeling bent forward with the hands free
    # (a cable crunch, a kneeling row) they hang or hold above the floor.
    return safe_ratio(b.height(b.p(s, "wrist")) - b.floor(), b.leg_length), b.sv(s, "wrist")

"""Steps: the weight passing from one foot to the other.

Two ways a step shows. Walking: one foot swings — leaves the floor, travels, lands
somewhere else — while the other stays planted, still or at least on the floor (both feet
off the floor at once is a jump, not a step). Stepping in place or side to side with the
feet apart (a step-touch, a weight change): the hips move from over one foot to over the
other. Both are found, and a weight change during a swing is the same step, counted once.
Distances and speeds are in torso lengths of the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...pose.landmarks import Landmark as L
from .events import Move, runs, span_s
from .signals import FOOT, SIDES, Motion, smooth_s


@dataclass(frozen=True)
class StepParams:
    swing_speed: float = 1.0  # a foot moving faster than this is swinging
    min_travel: float = 0.2  # torso lengths between where the foot left and where it landed
    min_swing_s: float = 0.08
    max_swing_s: float = 1.0
    planted_share: float = 0.6  # of the swing, the other foot planted
    on_floor: float = 0.15  # torso lengths above the floor a foot may be and still stand on it
    weight_side: float = 0.25  # hips this close to a foot (share of the feet's spread): weight on it
    min_spread: float = 0.4  # torso lengths between the feet for the weight's side to mean anything
    max_transfer_s: float = 1.0
    smooth_s: float = 0.1
    min_visibility: float = 0.3
    max_off_feet: float = 0.5  # share of a step that may fall inside a jump's flight or floor work


def detect(motion: Motion, params: StepParams) -> list[Move]:
    found = swings(motion, params) + weight_changes(motion, params)
    found.sort(key=lambda m: m.start_s)
    out: list[Move] = []
    for move in found:
        if out and move.start_s < out[-1].end_s:  # the same step seen both ways
            continue
        out.append(move)
    return out


def swings(motion: Motion, params: StepParams) -> list[Move]:
    ankles = {s: motion.points[:, L[f"{s.upper()}_ANKLE"]] for s in SIDES}
    speed = {s: _speed(motion, ankles[s], params.smooth_s) for s in SIDES}
    seen = {s: motion.seen(FOOT[s][:1], params.min_visibility) for s in SIDES}
    ground = motion.ground(2.0)
    down = {s: np.nan_to_num(motion.foot_height(s) - ground, nan=np.inf) <= params.on_floor for s in SIDES}
    last = len(motion.times) - 1
    swinging = {s: runs(seen[s] & (speed[s] > params.swing_speed)) for s in SIDES}
    fast = {s: [(run, span_s(run, motion.times, motion.end_time)) for run in swinging[s]] for s in SIDES}
    # The other foot counts as moving only where it swings for at least min_swing_s: a
    # frame's blip over the speed (a shuffle, the model's jitter) leaves it planted, so a
    # step is not lost or found on a hair's difference in one frame's speed.
    moving = {s: np.zeros(len(motion.times), bool) for s in SIDES}
    for s in SIDES:
        for (start, stop), (start_s, end_s) in fast[s]:
            if end_s - start_s >= params.min_swing_s:
                moving[s][start:stop] = True
    out = []
    for side, other in (("left", "right"), ("right", "left")):
        for (start, stop), (start_s, end_s) in fast[side]:
            if not params.min_swing_s <= end_s - start_s <= params.max_swing_s:
                continue
            before, after = max(start - 1, 0), min(stop, last)
            if not (down[side][before] and down[side][after]):  # a leg swinging in the air is no step
                continue
            travel = ankles[side][after] - ankles[side][before]
            if not np.isfinite(travel).all() or np.hypot(*travel) < params.min_travel:
                continue
            # The other foot bears the weight: still, or down on the floor while it pivots or
            # slides under the dancer (a hip-hop step turns on the standing foot).
            planted = seen[other][start:stop] & (down[other][start:stop] | ~moving[other][start:stop])
            if np.mean(planted) < params.planted_share:
                continue
            out.append(Move("step", start_s, end_s, {"foot": side, "direction": direction(travel)}))
    return out


def weight_changes(motion: Motion, params: StepParams) -> list[Move]:
    """The hips arriving over one foot after having been over the other (or between them)."""
    left, right = motion.points[:, L.LEFT_ANKLE, 0], motion.points[:, L.RIGHT_ANKLE, 0]
    hips = smooth_s(motion.times, motion.hips()[:, 0], params.smooth_s)
    spread = left - right
    seen = motion.seen([L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.RIGHT_HIP], params.min_visibility)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(seen & (np.abs(spread) >= params.min_spread), (hips - right) / spread, np.nan)
    # Which foot bears the weight: over the left, over the right, or in the middle.
    out = []
    last_side: str | None = None
    left_side_at = 0  # the last frame the weight was on last_side
    middle_at = 0  # the last frame the hips were midway between the feet
    for k, value in enumerate(share):
        if not np.isfinite(value):
            continue
        side = "left" if value >= 1 - params.weight_side else "right" if value <= params.weight_side else None
        if side is None:
            if abs(value - 0.5) <= 0.1:
                middle_at = k
            continue
        if side != last_side:
            start = left_side_at if last_side is not None else middle_at
            if 0 < motion.times[k] - motion.times[start] <= params.max_transfer_s:
                out.append(
                    Move(
                        "step",
                        float(motion.times[start]),
                        float(motion.times[k]),
                        {"foot": side, "direction": "in place"},
                    )
                )
            last_side = side
        left_side_at = k
    return out


def on_the_feet(found: list[Move], params: StepParams) -> list[Move]:
    """``found`` (moves of every kind) without the steps that happen mostly while the weight
    is off the feet: in a jump's flight the feet left the floor together (a jump out to a
    wide stance, a jumping jack, a skip), and in floor work the weight is on the hands,
    the back or the knees (a b-boy's legs sweeping round); no weight passed from a planted
    foot to the other, and the jump or the floor work is what a teacher names. A hop low
    enough to leave the other foot within ``on_floor`` of the floor can pass for a planted
    foot, so the moves found decide."""
    off_feet = [(m.start_s, m.end_s) for m in found if m.move in ("jump", "floor_work")]
    if not off_feet:
        return found

    def off(move: Move) -> bool:
        inside = sum(move.shared_s(start, end) for start, end in off_feet)
        # Times are sums of frame intervals: a share of exactly one half must not turn on
        # how the floats round (the same clip cut from a longer video would read otherwise).
        return inside > params.max_off_feet * (move.end_s - move.start_s) + 1e-6

    return [m for m in found if not (m.move == "step" and off(m))]


def _speed(motion: Motion, point: np.ndarray, width_s: float) -> np.ndarray:
    if len(motion.times) < 2:
        return np.zeros(len(motion.times))
    with np.errstate(invalid="ignore"):
        velocity = np.gradient(point, motion.times, axis=0)
    return np.nan_to_num(smooth_s(motion.times, np.hypot(velocity[:, 0], velocity[:, 1]), width_s))


def direction(travel: np.ndarray) -> str:
    """Where a displacement in the picture goes: across it, or towards or away from the camera.

    Things nearer the camera stand lower in the picture, so a foot landing lower has
    come towards it.
    """
    dx, dy = float(travel[0]), float(travel[1])
    if abs(dx) >= abs(dy):
        return "right" if dx > 0 else "left"  # as the picture shows it
    return "towards the camera" if dy < 0 else "away from the camera"


def summary(steps: list[Move], hips: np.ndarray, times: np.ndarray) -> dict[str, object]:
    """Steps per minute over the stepping, and where the stepping took the dancer: the hips'
    travel during the steps themselves, added up. What happens between two steps (a sway, a
    hop, a camera that zooms or pans) is not where the steps went."""
    if not steps:
        return {}
    span = steps[-1].end_s - steps[0].start_s
    out: dict[str, object] = {
        "per_minute": round(60.0 * len(steps) / span, 1) if len(steps) >= 2 and span > 0 else None
    }
    first = np.searchsorted(times, [m.start_s for m in steps])
    last = np.minimum(np.searchsorted(times, [m.end_s for m in steps]), len(times) - 1)
    moved = hips[last] - hips[first]
    known = np.isfinite(moved).all(axis=1)
    travel = moved[known].sum(axis=0)
    if known.any():
        out["travel"] = direction(travel) if np.hypot(*travel) >= 0.3 else "in place"
        out["distance"] = round(float(np.hypot(*travel)), 2)  # torso lengths
    return out

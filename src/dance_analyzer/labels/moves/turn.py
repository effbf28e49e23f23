"""Turns: the torso's facing sweeping round the vertical axis.

The facing is unwrapped over the whole clip (``signals.unwrap_facing``), so a double
pirouette is one sweep of about 720 degrees however the model labels the back view.
A turn is a run of frames turning the same way fast enough, pauses shorter than
``max_pause_s`` bridged (unless it stopped facing the front after whole rotations: one
fouette after another; longer ones, up to ``side_pause_s``, where it holds side-on between
the front and the back), that adds up to at least ``min_rotation_deg`` (or to
``half_turn_deg`` from facing the camera to showing the back); a sweep that turns
straight back to where it began is a twist, not two turns (:func:`_drop_twists`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ...pose.landmarks import Landmark as L
from .events import Move, Run, bridge, extend, runs, span_s
from .signals import SIDES, Motion, smooth_s, wrap_deg

TORSO = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP]


@dataclass(frozen=True)
class TurnParams:
    min_rotation_deg: float = 150.0
    # A shorter sweep from facing the camera to showing the back (or back to front) is
    # still half a turn: the model reads back views partly front-on.
    half_turn_deg: float = 120.0
    front_within_deg: float = 25.0
    back_within_deg: float = 65.0
    min_speed_deg_s: float = 120.0  # a turn's core turns at least this fast
    edge_speed_deg_s: float = 40.0  # its start and end are where it slows below this
    max_pause_s: float = 0.2
    # Longer, up to side_pause_s, where the turn holds side-on (within side_within_deg of
    # the profile) on its way between the front and the back: a catalogue model showing her
    # profile, then her back, turns half a turn, not two quarters.
    side_pause_s: float = 0.8
    side_within_deg: float = 45.0
    # A turn that stops within this of a whole number of rotations, facing the front or
    # the back, and turns on by a whole turn turned twice (fouettes), however short the stop.
    whole_within_deg: float = 45.0
    smooth_s: float = 0.1
    swap_step_deg: float = 120.0  # a bigger change between frames (at 30/s) is a left/right swap, not a turn
    lift: float = 0.25  # torso lengths one foot must be above the other to stand on one leg
    one_leg_share: float = 0.5  # of the turn's frames on one leg, to call it a pirouette
    max_tilt_deg: float = 45.0  # a torso leaning further is rolling or flipping, not turning
    min_visibility: float = 0.3
    # The facing comes from the body's own shape, not its place or size in the picture, and
    # a dancer's turn runs on across a cut of an edited video; a cut to a camera behind
    # reads as a left/right swap (``swap_step_deg``), not as a turn.
    across_cuts: bool = True


def detect(motion: Motion, params: TurnParams) -> list[Move]:
    with np.errstate(invalid="ignore"):
        seen = motion.seen(TORSO, params.min_visibility) & (motion.torso_tilt_deg() <= params.max_tilt_deg)
    # The swap threshold is per frame at 30 frames/s: sampled analyses turn further
    # between frames, up to where a turn and a swap can no longer be told apart.
    max_step = min(params.swap_step_deg * max(1.0, 30.0 / motion.rate), 179.0)
    facing = np.where(seen, motion.facing(max_step), np.nan)
    facing = smooth_s(motion.times, facing, params.smooth_s)
    if np.count_nonzero(np.isfinite(facing)) < 3:
        return []
    with np.errstate(invalid="ignore"):
        speed = np.gradient(facing, motion.times)
    speed = np.nan_to_num(speed)
    out = []
    for sign in (1.0, -1.0):
        fast = runs(sign * speed >= params.min_speed_deg_s)
        slow = sign * speed >= params.edge_speed_deg_s
        # Each fast run grown to where it slows below the edge speed, then those less than
        # ``max_pause_s`` apart joined (a flicker in the turning, or a moment's hesitation),
        # but not across a stop between two turns.
        grown = sorted({extend(core, slow) for core in fast})
        apart = functools.partial(_apart, facing, motion.times, params=params)
        for start, stop in bridge(grown, motion.times, max(params.max_pause_s, params.side_pause_s), apart):
            ends = _ends(facing, start, stop)
            if ends is None:
                continue
            rotation = ends[1] - ends[0]
            if np.sign(rotation) == sign and (
                abs(rotation) >= params.min_rotation_deg
                or (abs(rotation) >= params.half_turn_deg and _front_and_back(ends, params))
            ):
                out.append(_turn(motion, params, (start, stop), rotation))
    out.sort(key=lambda m: m.start_s)
    return _drop_twists(_drop_overlaps(out), 1.5 / motion.rate, params.min_rotation_deg)


def _apart(facing: np.ndarray, times: np.ndarray, before: Run, after: Run, params: TurnParams) -> bool:
    """Whether two runs turning the same way, up to ``side_pause_s`` apart, are two moves:
    within ``max_pause_s`` only across a stop between two turns, beyond it unless the turn
    held side-on on its way between the front and the back."""
    if times[after[0]] - times[before[1] - 1] <= params.max_pause_s:
        return _between_turns(facing, before, after, params)
    return not _held_side_on(facing, before, after, params)


def _held_side_on(facing: np.ndarray, before: Run, after: Run, params: TurnParams) -> bool:
    """Whether the stop faces the side throughout (within ``side_within_deg`` of the
    profile, nearer it than the front or the back) and the two runs together go at least
    ``half_turn_deg`` between the front and the back: a turn to show the profile, then the
    back, is half a turn, though each run alone is only a quarter."""
    stop = facing[before[1] - 1 : after[0] + 1]
    off_front = _off_front(stop[np.isfinite(stop)])
    if not len(off_front) or (np.abs(off_front - 90.0) > params.side_within_deg).any():
        return False
    ends = _ends(facing, before[0], after[1])
    return ends is not None and abs(ends[1] - ends[0]) >= params.half_turn_deg and _front_and_back(ends, params)


def _between_turns(facing: np.ndarray, before: Run, after: Run, params: TurnParams) -> bool:
    """Whether the dancer stopped between two turns rather than hesitated in one: ``before``
    went a whole number of rotations round (within ``whole_within_deg``), the stop faces
    the camera or away from it (within ``front_within_deg``: spotting the front, as a
    fouette does before the next), and ``after`` is a turn on its own."""
    done = abs(_rotation(facing, *before))
    if done < 360.0 - params.whole_within_deg or min(done % 360.0, -done % 360.0) > params.whole_within_deg:
        return False
    if abs(_rotation(facing, *after)) < params.min_rotation_deg:
        return False
    stop = facing[before[1] - 1 : after[0] + 1]
    off_front = _off_front(stop[np.isfinite(stop)])
    return len(off_front) > 0 and bool((np.minimum(off_front, 180.0 - off_front) <= params.front_within_deg).all())


def _rotation(facing: np.ndarray, start: int, stop: int) -> float:
    ends = _ends(facing, start, stop)
    return 0.0 if ends is None else ends[1] - ends[0]


def _ends(facing: np.ndarray, start: int, stop: int) -> tuple[float, float] | None:
    inside = facing[start:stop]
    inside = inside[np.isfinite(inside)]
    return (float(inside[0]), float(inside[-1])) if len(inside) >= 2 else None


def _front_and_back(ends: tuple[float, float], params: TurnParams) -> bool:
    """Whether the sweep goes between facing the camera and showing the back, either way.
    The unwrapped facing keeps the reading the clip began on, which the model's back-view
    errors may have turned by 180 degrees or mirrored; both map the front and the back on
    to each other, so one end of each holds whichever reading it was."""
    off_front = _off_front(np.array(ends))
    return bool(off_front.min() <= params.front_within_deg and off_front.max() >= 180.0 - params.back_within_deg)


def _off_front(facing: np.ndarray) -> np.ndarray:
    """Degrees (0-180) each unwrapped facing is from facing the camera."""
    return np.abs(wrap_deg(facing))


def _turn(motion: Motion, params: TurnParams, run: tuple[int, int], rotation: float) -> Move:
    start, stop = run
    left, right = motion.foot_height("left")[start:stop], motion.foot_height("right")[start:stop]
    lifted = {"left": left - right >= params.lift, "right": right - left >= params.lift}
    on_one = np.mean(lifted["left"] | lifted["right"]) >= params.one_leg_share
    # Facing angles grow as the dancer turns to their own left: counter-clockwise from above.
    direction = "counter-clockwise" if rotation > 0 else "clockwise"
    measures: dict[str, object] = {
        "rotations": round(abs(rotation) / 180.0) / 2.0,
        "degrees": round(abs(rotation)),
        "direction": direction,
        "support": "one_leg" if on_one else "two_legs",
        "kind": "pirouette" if on_one else "two-foot turn",
    }
    if on_one:
        # En dehors turns towards the raised leg's side, en dedans towards the standing leg's.
        working = max(SIDES, key=lambda s: int(np.count_nonzero(lifted[s])))
        towards = "left" if rotation > 0 else "right"
        measures["working_leg"] = working
        measures["en"] = "en dehors" if towards == working else "en dedans"
    start_s, end_s = span_s(run, motion.times, motion.end_time)
    return Move("turn", start_s, end_s, measures)


def _drop_overlaps(moves: list[Move]) -> list[Move]:
    """A wobble at the end of one turn can start a short opposite one: keep the bigger."""
    out: list[Move] = []
    for move in moves:
        if out and move.start_s < out[-1].end_s:
            if move.measures["degrees"] > out[-1].measures["degrees"]:
                out[-1] = move
            continue
        out.append(move)
    return out


def _drop_twists(moves: list[Move], touch_s: float, min_rotation_deg: float) -> list[Move]:
    """A sweep one way that turns straight back (within a frame), ending about where it
    began, is no turn: a twist of the torso there and back, or the model reading a back
    view as the front for a moment. Half a turn, a stop, and half a turn back are two.
    Each sweep of a twist is short of three quarters of a turn: a spin the model reads one
    way and then the other (a chakkar's back view mirrored) goes all the way round."""
    signed = [m.measures["degrees"] * (1 if m.measures["direction"] == "counter-clockwise" else -1) for m in moves]
    twists: set[int] = set()
    for k in range(len(moves) - 1):
        touching = moves[k + 1].start_s - moves[k].end_s < touch_s
        partial = max(abs(signed[k]), abs(signed[k + 1])) < 270.0  # twisting, not whirling round
        back = signed[k] * signed[k + 1] < 0 and abs(signed[k] + signed[k + 1]) < min_rotation_deg
        if touching and partial and back:
            twists |= {k, k + 1}
    return [m for k, m in enumerate(moves) if k not in twists]

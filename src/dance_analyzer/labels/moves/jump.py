"""Jumps: both feet off the floor.

The floor is where the lower foot usually is (``Motion.ground``); the dancer is in the
air while even the lower foot is above it. A clear rise (``min_rise``) finds a jump; the
frames above the floor line (``edge_rise``) say whether it was a flight (short enough,
high enough for its length), and within them the take-off and landing are where the foot
last and first stands still (:func:`still_edges`), so the airtime is counted in whole
frames as a person counts it. A jump may land higher than it took off (on to a box, a
step or a stage): it lands where the feet come to rest up there (:func:`landing_above`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...features import angle_between, joint_angle
from ...pose.landmarks import Landmark as L
from .events import Move, extend, levels_around, runs, span_s
from .signals import FOOT, Motion

GRAVITY = 9.81  # m/s^2
TORSO_M = 0.5  # an adult's shoulders to hips, in metres: the unit of the picture's heights


@dataclass(frozen=True)
class JumpParams:
    min_rise: float = 0.06  # torso lengths the lower foot must clear to be a jump (a rope hop clears 0.07)
    min_hip_rise: float = 0.12  # torso lengths the hips must rise with it: the whole body goes up
    min_hip_fall: float = 0.12  # and fall as far again after the landing
    edge_rise: float = 0.05  # above this the foot has left the floor
    min_airtime_s: float = 0.05
    max_airtime_s: float = 0.9  # longer "flights" are the floor line lost (a pan, feet hidden), not jumps
    # A body in the air for t seconds rises g t^2 / 8: the feet must clear at least this
    # share of that height (a torso taken as half a metre; the share allows for the
    # camera's angle). A long "flight" that barely leaves the floor is a foot sliding, a
    # rise on to the toes or the floor line wobbling, not a jump.
    min_flight_share: float = 0.25
    ground_window_s: float = 2.0
    settle_s: float = 0.25  # the floor level before take-off and after landing is read over this long
    # The floor on either side is the low end of the lower foot's heights there, not their
    # median: in rope hops or a run of jumps the feet touch down only briefly, and the
    # median of those frames is half-way up the next take-off.
    floor_quantile: float = 0.1
    min_visibility: float = 0.1  # side-on the far ankle is hidden behind the near leg, yet placed
    # A foot on the floor is still: a quarter of the way or more down from the top, the first
    # frame that moves up or down by less than this share of the flight's fastest is down.
    still_share: float = 0.35
    # The shape in the air, read at the top of the jump:
    tuck_knee_deg: float = 100.0  # both knees bent tighter than this
    split_deg: float = 100.0  # the thighs this far apart (front and back, or to the sides)
    straight_knee_deg: float = 150.0  # both legs this straight and together


def detect(motion: Motion, params: JumpParams) -> list[Move]:
    feet = motion.seen(FOOT["left"][:1] + FOOT["right"][:1], params.min_visibility)
    lower = np.fmin(motion.foot_height("left"), motion.foot_height("right"))
    seen_lower = np.where(feet, lower, np.nan)
    rise = seen_lower - motion.ground(params.ground_window_s)
    clear = np.nan_to_num(rise, nan=0.0) >= params.min_rise
    hips = motion.hips()[:, 1]
    out = []
    done: set[tuple[int, int]] = set()
    for core in runs(clear):
        # The floor around this jump: where the feet were just before and just after. A
        # dancer walking towards the camera stands lower in the picture afterwards, which
        # is not a jump; a jump rises above both.
        before, after = levels_around(motion.times, lower, core, params.settle_s, params.floor_quantile)
        core, platform = landing_above(motion.times, lower, core, before, params)
        after = after if platform is None else platform
        local = np.fmax(before, after)
        if not np.isfinite(local) or np.nanmax(lower[core[0] : core[1]]) - local < params.min_rise:
            continue
        # The whole body goes up, not only the feet (a leg folded under in a lunge or a
        # roll), and comes down again: up on the toes for a turn, the hips stay up.
        hips_before, hips_after = levels_around(motion.times, hips, core, params.settle_s)
        if platform is not None:  # landed up there, she stands up again: the sinking is its low point
            hips_after = levels_around(motion.times, hips, core, params.settle_s, params.floor_quantile)[1]
        hips_top = float(np.nanmax(hips[core[0] : core[1]]))
        if not (hips_top - hips_before >= params.min_hip_rise and hips_top - hips_after >= params.min_hip_fall):
            continue
        # Above the floor line is read against where the foot rests (the median).
        resting_before, resting_after = levels_around(motion.times, lower, core, params.settle_s)
        if platform is None:
            resting = np.fmax(resting_before, resting_after)
            run = extend(core, np.nan_to_num(lower - resting, nan=0.0) >= params.edge_rise)
        else:  # off the floor below, on to the platform at the core's end
            run = (extend(core, np.nan_to_num(lower - resting_before, nan=0.0) >= params.edge_rise)[0], core[1])
        if run in done:
            continue
        done.add(run)
        # Whether it was a flight at all is judged on the frames above the floor line (a
        # camera tilting up and back, or a dancer rising to the toes and staying, is long
        # for its height); when it took off and landed, on the frames the foot moved.
        up_s, down_s = span_s(run, motion.times, motion.end_time)
        if not params.min_airtime_s <= down_s - up_s <= params.max_airtime_s:
            continue
        cleared = float(np.nanmax(lower[run[0] : run[1]]) - local)
        if cleared < params.min_flight_share * flight_height(down_s - up_s):
            continue
        top = run[0] + int(np.nanargmax(rise[run[0] : run[1]]))  # the top where the feet are seen
        floor = np.fmin(resting_before, resting_after)
        flight = still_edges(seen_lower, run, top, floor, params.still_share)
        start_s, end_s = span_s(flight, motion.times, motion.end_time)
        airtime = end_s - start_s
        out.append(
            Move(
                "jump",
                start_s,
                end_s,
                {
                    "airtime_s": round(airtime, 3),
                    "height": round(float(rise[top]), 2),  # torso lengths
                    "takeoff_s": round(start_s, 3),
                    "landing_s": round(end_s, 3),
                    "shape": _shape(motion.world[top], params),
                },
            )
        )
    return out


def landing_above(
    times: np.ndarray, lower: np.ndarray, core: tuple[int, int], before: float, params: JumpParams
) -> tuple[tuple[int, int], float | None]:
    """Where a rise ends on a higher level: ``core`` cut at the first frame from which the
    lower foot rests at least ``min_rise`` above the floor before it (``before``; within ``2 *
    edge_rise``) for longer than any flight lasts (``max_airtime_s``, or to the video's end
    if that is ``settle_s`` away), and that level; else ``core`` and None.

    Landed on a box, the feet stay up there: the rise above the floor line runs on until
    that line finds the box top, or she steps down. A flight's feet can seem to rest in
    the air (tucked, then let down), but never for that long. Whether the rise began with
    a jump (the hips rose, and sank again on landing) is judged as for any other.
    """
    start, stop = core
    if not np.isfinite(before):
        return core, None
    for k in range(start + 1, stop):
        rest = lower[k : np.searchsorted(times, times[k] + params.max_airtime_s, side="right")]
        if times[k] + params.max_airtime_s > times[-1] and times[-1] - times[k] < params.settle_s:
            break  # the video ends before she could be said to stay (up to its end will do)
        if np.isfinite(rest).all() and np.ptp(rest) <= 2 * params.edge_rise and rest.min() - before >= params.min_rise:
            return (start, k), float(np.median(rest))
    return core, None


def still_edges(lower: np.ndarray, run: tuple[int, int], top: int, floor: float, share: float) -> tuple[int, int]:
    """``run`` cut to the frames the foot is moving: the take-off after the last still
    frame before its ``top``, the landing at the first still frame after it.

    The edges above the resting level say when the foot is off the floor, but the floor
    is not one level: a broad jump lands further from the camera, higher in the picture,
    and the heel settles after the toes touch. Where the foot stops (moving less than
    ``share`` of the flight's fastest frame) it is down, once it is a quarter of the way
    or more from the top towards the ``floor`` (at the top of the flight it slows too).
    Frames where the feet were not seen (NaN in ``lower``) say nothing either way.
    """
    start, stop = run
    low = lower[top] - (lower[top] - floor) / 4
    if not np.isfinite(low):
        return run
    steps = np.abs(np.diff(lower))  # steps[k]: from frame k to k + 1
    fastest = 0.0
    for k in range(top - 1, start, -1):  # back from the top: the take-off
        fastest = np.fmax(fastest, steps[k])
        if lower[k] <= low and steps[k - 1] < share * fastest:  # still from k - 1 to k: k is down
            start = k + 1
            break
    fastest = 0.0
    for k in range(top + 1, stop):  # on from the top: the landing
        fastest = np.fmax(fastest, steps[k - 1])
        if k < len(steps) and lower[k] <= low and steps[k] < share * fastest:  # still from k on
            stop = k
            break
    return start, stop


def flight_height(airtime_s: float) -> float:
    """How high (torso lengths) a free flight of ``airtime_s`` rises: g t^2 / 8."""
    return GRAVITY * airtime_s**2 / 8.0 / TORSO_M


def _shape(world: np.ndarray, params: JumpParams) -> str | None:
    """Tuck, split or straight, where the legs at the top of the jump say so clearly."""
    knees = [
        joint_angle(world[None, L[f"{s}_HIP"]], world[None, L[f"{s}_KNEE"]], world[None, L[f"{s}_ANKLE"]])[0]
        for s in ("LEFT", "RIGHT")
    ]
    thighs = angle_between(
        world[None, L.LEFT_KNEE] - world[None, L.LEFT_HIP], world[None, L.RIGHT_KNEE] - world[None, L.RIGHT_HIP]
    )[0]
    if not np.isfinite([*knees, thighs]).all():
        return None
    if max(knees) <= params.tuck_knee_deg:
        return "tuck"
    if thighs >= params.split_deg:
        return "split"
    if min(knees) >= params.straight_knee_deg and thighs <= 30.0:
        return "straight"
    return None

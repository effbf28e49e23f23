"""Kicks and leg extensions: one leg raised high while the other stands.

The height is the hip-to-ankle line against straight down, in degrees (90: the foot at
hip height), from the world landmarks, so it does not depend on the camera's distance.
The standing leg must be near vertical: that rules out sitting, lying and jumps, where
both legs leave the vertical. The direction (front, side or back) is the raised leg's
reach in the pelvis's own frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...pose.landmarks import Landmark as L
from .events import Move, bridge, extend, levels_around, runs, span_s
from .signals import SIDES, Motion

UP = np.array([0.0, -1.0, 0.0])


@dataclass(frozen=True)
class KickParams:
    min_height_deg: float = 45.0
    edge_height_deg: float = 30.0  # the kick starts and ends where the leg passes this height
    max_standing_deg: float = 30.0  # the other leg stays within this of vertical
    # The raised foot itself goes up (torso lengths of the picture, against where it was
    # just before): a foot left up on a step or a box while the other steps down makes
    # the same angle between the legs, but nothing was raised.
    min_foot_rise: float = 0.25
    settle_s: float = 0.25
    min_duration_s: float = 0.1
    max_pause_s: float = 0.1
    held_s: float = 0.6  # held at height at least this long: an extension rather than a kick
    min_visibility: float = 0.2
    # A kick of one leg next to one of the other leg, closer than this: one kick whose legs
    # the model swapped for a moment (a leg above the head, a pivot), not two.
    max_swap_gap_s: float = 0.25


def detect(motion: Motion, params: KickParams) -> list[Move]:
    heights = {side: motion.leg_height_deg(side) for side in SIDES}
    out = []
    for side, other in (("left", "right"), ("right", "left")):
        leg = [L[f"{side.upper()}_{p}"] for p in ("HIP", "KNEE", "ANKLE")]
        seen = motion.seen(leg, params.min_visibility)
        with np.errstate(invalid="ignore"):
            standing = seen & (heights[other] <= params.max_standing_deg)
            raised = standing & (heights[side] >= params.min_height_deg)
            lifted = standing & (heights[side] >= params.edge_height_deg)
        # A clear rise finds the kick; its edges are where the leg leaves and comes back
        # past a lower height, so a dip under the threshold at the top does not cut it in two.
        grown: list[tuple[int, int]] = []
        for core in bridge(runs(raised), motion.times, params.max_pause_s):
            core_s, core_end_s = span_s(core, motion.times, motion.end_time)
            if core_end_s - core_s < params.min_duration_s:  # held high long enough to be meant
                continue
            run = extend(core, lifted)
            if grown and run[0] <= grown[-1][1]:
                grown[-1] = (grown[-1][0], max(grown[-1][1], run[1]))
            else:
                grown.append(run)
        foot = motion.foot_height(side)
        for run in grown:
            if not _foot_rose(foot, run, motion.times, params):
                continue
            start_s, end_s = span_s(run, motion.times, motion.end_time)
            top = run[0] + int(np.nanargmax(heights[side][run[0] : run[1]]))
            out.append(
                Move(
                    "kick",
                    start_s,
                    end_s,
                    {
                        "side": side,
                        "direction": _direction(motion.world[top], side),
                        "height_deg": round(float(heights[side][top])),
                        "kind": "extension" if _time_at_height(raised, run, motion) >= params.held_s else "kick",
                    },
                )
            )
    return _join_swapped(sorted(out, key=lambda m: m.start_s), params.max_swap_gap_s)


def _join_swapped(kicks: list[Move], max_gap_s: float) -> list[Move]:
    """Kicks of alternate legs that (nearly) touch, joined into one: standing on one leg, a
    dancer cannot kick with the other and then with the standing one within a fraction of
    a second. The side (and direction) is the one read for longest, the height the highest.
    Kicks of the same leg are never joined (a leg swung to the front, then to the back, is two)."""
    groups: list[list[Move]] = []
    for kick in kicks:
        last = groups[-1][-1] if groups else None
        if last and kick.measures["side"] != last.measures["side"] and kick.start_s - last.end_s <= max_gap_s:
            groups[-1].append(kick)
        else:
            groups.append([kick])
    out = []
    for parts in groups:
        longest = max(parts, key=lambda m: m.end_s - m.start_s)
        measures = {
            **longest.measures,
            "height_deg": max(m.measures["height_deg"] for m in parts),
            "kind": "extension" if any(m.measures["kind"] == "extension" for m in parts) else "kick",
        }
        out.append(Move("kick", parts[0].start_s, max(m.end_s for m in parts), measures))
    return out


def _foot_rose(foot: np.ndarray, run: tuple[int, int], times: np.ndarray, params: KickParams) -> bool:
    """Whether the foot rose during the run above where it was just before it (or, at the
    clip's start, just after it)."""
    before, after = levels_around(times, foot, run, params.settle_s)
    rest = before if np.isfinite(before) else after
    inside = foot[run[0] : run[1]]
    if not np.isfinite(rest) or not np.isfinite(inside).any():
        return True  # nothing to compare with: the angle alone decides
    return bool(np.nanmax(inside) - rest >= params.min_foot_rise)


def _time_at_height(raised: np.ndarray, run: tuple[int, int], motion: Motion) -> float:
    """How long the leg stays up at kick height within the kick (not its way up and down)."""
    start, stop = run
    frame_s = np.diff(
        np.append(motion.times[start:stop], motion.times[stop] if stop < len(motion.times) else motion.end_time)
    )
    return float(np.sum(frame_s[raised[start:stop]]))


def _direction(world: np.ndarray, side: str) -> str:
    """Front, side or back: where the raised foot reaches, against the pelvis."""
    across = world[L.LEFT_HIP] - world[L.RIGHT_HIP]
    across[1] = 0.0
    forward = np.cross(across, UP)
    hip = world[L[f"{side.upper()}_HIP"]]
    reach = world[L[f"{side.upper()}_ANKLE"]] - hip
    reach[1] = 0.0
    scale = np.linalg.norm(across) * np.linalg.norm(reach)
    if not np.isfinite(scale) or scale < 1e-9:
        return "front"
    ahead = float(np.dot(reach, forward) / np.linalg.norm(forward) / np.linalg.norm(reach))
    sideways = float(np.dot(reach, across) / np.linalg.norm(across) / np.linalg.norm(reach))
    if abs(sideways) > abs(ahead):
        return "side"
    return "front" if ahead > 0 else "back"

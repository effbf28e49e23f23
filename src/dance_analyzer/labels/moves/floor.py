"""Floor work: the time spent down on the floor, from going down to getting up.

Down is when a floor position holds (kneel, sit, lie: pose definitions, so a user tunes
them in the pose file) or when the head is low above the body's lowest point while
something besides the feet is down there too (hands, elbows, knees or hips), which also
catches what no position names (rolls, spins on the back, hands on the floor). A deep
squat or a landing crouch brings the head as low, but over the feet alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...pose.landmarks import Landmark as L
from .events import Move, bridge, runs, span_s
from .signals import Motion


@dataclass(frozen=True)
class FloorParams:
    positions: tuple[str, ...] = field(default=("lie", "sit", "kneel"))  # lowest first
    max_head_height: float = 1.6  # torso lengths of the head above the lowest point of the body
    min_duration_s: float = 0.5
    max_pause_s: float = 0.3
    max_contact_gap: float = 0.5  # torso lengths above the lowest point a hand, elbow, knee or hip may be


# What besides the feet touches the floor in floor work.
CONTACTS = [
    L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE
]  # fmt: skip


def detect(motion: Motion, params: FloorParams) -> list[Move]:
    floor = motion.lowest_point()
    head = motion.points[:, L.NOSE, 1] - floor
    contact = motion.lowest(CONTACTS) - floor
    held = {name: motion.poses[name] for name in params.positions if name in motion.poses}
    down = (np.nan_to_num(head, nan=np.inf) <= params.max_head_height) & (
        np.nan_to_num(contact, nan=np.inf) <= params.max_contact_gap
    )
    for mask in held.values():
        down |= mask
    out = []
    for run in bridge(runs(down), motion.times, params.max_pause_s):
        start_s, end_s = span_s(run, motion.times, motion.end_time)
        if end_s - start_s < params.min_duration_s:
            continue
        lowest = next((name for name, mask in held.items() if mask[run[0] : run[1]].any()), None)
        out.append(Move("floor_work", start_s, end_s, {"lowest": lowest}))
    return out

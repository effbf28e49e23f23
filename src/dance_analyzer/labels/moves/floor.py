"""Floor work: the time spent down on the floor, from going down to getting up.

Down is when a floor position holds (kneel, sit, lie: pose definitions, so a user tunes
them in the pose file) or when the head is low above the body's lowest point, which
also catches what no position names (rolls, spins on the back, hands on the floor).
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


def detect(motion: Motion, params: FloorParams) -> list[Move]:
    head = motion.points[:, L.NOSE, 1] - motion.lowest_point()
    held = {name: motion.poses[name] for name in params.positions if name in motion.poses}
    down = np.nan_to_num(head, nan=np.inf) <= params.max_head_height
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

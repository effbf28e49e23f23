"""What every move detector returns, and the interval arithmetic they share.

Detectors find moves as runs of frames where some condition holds; a run is
``(start, stop)`` frame positions, ``stop`` exclusive, so that a move's end time is the
time of the first frame after it (the frame where the dancer has landed, stopped...).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Move:
    """A move found by a detector, or marked by a person in the move corpus."""

    move: str
    start_s: float
    end_s: float
    # Its own measures (rotations, airtime_s, side, ...): what was detected, or what the
    # labeller measured (a labelled jump also carries its clip's ``fps``).
    measures: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"move": self.move, "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3), **self.measures}

    def shared_s(self, start_s: float, end_s: float) -> float:
        """Seconds of this move inside ``[start_s, end_s)`` (0 if they do not meet)."""
        return max(0.0, min(self.end_s, end_s) - max(self.start_s, start_s))


Run = tuple[int, int]


def runs(mask: np.ndarray) -> list[Run]:
    """Maximal runs of True, as (start, stop) with stop exclusive."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def bridge(
    found: list[Run], times: np.ndarray, max_gap_s: float, apart: Callable[[Run, Run], bool] | None = None
) -> list[Run]:
    """Join runs separated by less than ``max_gap_s``: one move seen through a flicker;
    unless ``apart`` says the run so far and the next are two moves however close."""
    out: list[Run] = []
    for start, stop in found:
        close = bool(out) and times[start] - times[out[-1][1] - 1] <= max_gap_s
        if close and not (apart is not None and apart(out[-1], (start, stop))):
            out[-1] = (out[-1][0], stop)
        else:
            out.append((start, stop))
    return out


def span_s(run: Run, times: np.ndarray, end_time: float) -> tuple[float, float]:
    """The run's start and end times: it ends where the next frame starts."""
    start, stop = run
    return float(times[start]), float(times[stop]) if stop < len(times) else end_time


def extend(run: Run, mask: np.ndarray) -> Run:
    """Grow a run outwards while ``mask`` holds: a strict test finds a move, a looser one finds its edges."""
    start, stop = run
    while start > 0 and mask[start - 1]:
        start -= 1
    while stop < len(mask) and mask[stop]:
        stop += 1
    return start, stop


def levels_around(
    times: np.ndarray, values: np.ndarray, run: Run, settle_s: float, quantile: float = 0.5
) -> tuple[float, float]:
    """The median (or another ``quantile``) of ``values`` over ``settle_s`` before the run and
    over ``settle_s`` after it (NaN where nothing is known): where a foot or the hips rest on
    either side of a move."""
    start, stop = run
    ahead = (times < times[start]) & (times >= times[start] - settle_s)
    behind = (times > times[stop - 1]) & (times <= times[stop - 1] + settle_s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nothing known there
        return float(np.nanquantile(values[ahead], quantile)) if ahead.any() else np.nan, (
            float(np.nanquantile(values[behind], quantile)) if behind.any() else np.nan
        )

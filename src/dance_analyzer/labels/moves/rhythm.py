"""Sways and bounces: the hips swinging side to side, or up and down, in a steady rhythm.

Read from the hips' position with its slow drift removed (a dancer travelling across
the floor is not swaying): a run of alternating highs and lows, each beyond the
amplitude threshold and each half-cycle inside the period range, of at least
``min_cycles`` full cycles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .events import Move
from .signals import Motion, smooth_s


@dataclass(frozen=True)
class RhythmParams:
    min_amplitude: float = 0.06  # torso lengths from the middle to either side
    min_period_s: float = 0.3
    max_period_s: float = 2.0
    min_cycles: float = 2.0
    drift_s: float = 2.0  # slower changes than this are travelling, not swaying
    smooth_s: float = 0.1


def besides_jumps(found: list[Move], name: str, params: RhythmParams) -> list[Move]:
    """``found`` (moves of every kind) without the sways or bounces (``name``) that are
    jumps: a run of hops rises and sinks (side-to-side hops swing) in a steady rhythm too,
    and what a teacher names is the jumps. One needs ``min_cycles`` of its own besides
    the jumps found in it, so a dancer bouncing with a jump or two in the rhythm still
    bounces."""
    jumps = [m for m in found if m.move == "jump"]

    def jumping(move: Move) -> bool:
        inside = sum(1 for j in jumps if move.shared_s(j.start_s, j.end_s) > 0)
        return float(move.measures["cycles"]) - inside < params.min_cycles

    return [m for m in found if not (m.move == name and jumps and jumping(m))]


def detect_sway(motion: Motion, params: RhythmParams) -> list[Move]:
    return _oscillations("sway", motion.hips()[:, 0], motion, params)


def detect_bounce(motion: Motion, params: RhythmParams) -> list[Move]:
    return _oscillations("bounce", motion.hips()[:, 1], motion, params)


def _oscillations(name: str, signal: np.ndarray, motion: Motion, params: RhythmParams) -> list[Move]:
    times = motion.times
    known = np.isfinite(signal)
    if known.sum() < 5:
        return []
    filled = np.interp(times, times[known], signal[known])
    wave = smooth_s(times, filled, params.smooth_s) - smooth_s(times, filled, params.drift_s)
    from scipy.signal import find_peaks  # late, beside the reading: see dance_analyzer.preload

    prominence = 2 * params.min_amplitude
    highs, _ = find_peaks(wave, prominence=prominence)
    lows, _ = find_peaks(-wave, prominence=prominence)
    kind_of = {**{int(k): 1 for k in highs}, **{int(k): -1 for k in lows}}
    out = []
    chain: list[int] = []
    for k in sorted(kind_of):
        if chain:
            half = times[k] - times[chain[-1]]
            alternates = kind_of[k] != kind_of[chain[-1]]
            if not (alternates and params.min_period_s / 2 <= half <= params.max_period_s / 2):
                out.extend(_moves(name, chain, wave, times, params))
                chain = []
        chain.append(k)
    out.extend(_moves(name, chain, wave, times, params))
    return out


def _moves(name: str, chain: list[int], wave: np.ndarray, times: np.ndarray, params: RhythmParams) -> list[Move]:
    cycles = (len(chain) - 1) / 2
    if cycles < params.min_cycles:
        return []
    halves = np.diff(times[chain])
    swings = np.abs(np.diff(wave[chain]))
    return [
        Move(
            name,
            float(times[chain[0]]),
            float(times[chain[-1]]),
            {
                "cycles": round(cycles, 1),
                "period_s": round(float(2 * np.median(halves)), 2),
                "amplitude": round(float(np.median(swings) / 2), 2),  # torso lengths
            },
        )
    ]

"""Rhythm: how the movement lines up with the music's beats, and the counts it falls on.

The beats come from the soundtrack (:mod:`dance_analyzer.media.audio`). Movement accents
are the peaks of the motion energy (:mod:`.movement`); an accent is on the beat when it
falls within ON_BEAT_FRACTION of a beat period of the nearest beat.

Those accents are hard to read: dancers filmed to their own music score only a little above
what movement that ignores the music scores by chance (``bench/beat_timing.py``), so a share
says little about one dance. The bounce says more: the moment the hips are lowest, which a
dancer puts down on the beat. ``bounce_timing`` reads the beat's phase at each such moment and
asks whether the phases gather (Rayleigh's test of circular uniformity), and where: a dancer in
time brings the hips down at the same point of every beat. Not every dance bounces (an adagio,
a tai chi form), so no steady bounce is not proof of dancing out of time.

Dancers count music in eights ("5, 6, 7, 8") with "and" half-way between two counts, and
a teacher says where a move goes in those words: "the jump on 5", "step on 7 and". The
beat tracker finds beats but not where a phrase starts, so counting starts at the first
beat heard: the counts are right relative to one another, and count 1 is the music's own
1 only when the music starts on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..media.audio import Soundtrack
from .movement import Energy
from .series import smooth

ON_BEAT_FRACTION = 0.15
COUNTS_PER_EIGHT = 8
# The bounce: the hips' height smoothed over this many grid steps (0.1 s at 30 Hz), its
# lows counted where they dip at least this far (torso lengths) below the heights around
# them, so a dancer standing still does not bounce on the landmarks' jitter.
BOUNCE_SMOOTH = 3
BOUNCE_DIP = 0.02
MIN_BOUNCES = 4
IN_TIME_P = 0.05  # against another song's beats, 1 in 20 pairs would pass by chance
# Where a bounce in time comes down, in a dancer's words: "on the beat" within this share
# of a beat of it, "on the and" within this share of half-way between two beats.
ON_THE_BEAT = 0.15
ON_THE_AND = 0.15


def alignment(accent_times: np.ndarray, beats: np.ndarray) -> dict[str, float] | None:
    """On-beat share of the accents (0-100) and their mean offset from the nearest beat."""
    if len(accent_times) == 0 or len(beats) < 2:
        return None
    period = float(np.median(np.diff(beats)))
    nearest = beats[np.clip(np.searchsorted(beats, accent_times), 1, len(beats) - 1)]
    previous = beats[np.clip(np.searchsorted(beats, accent_times) - 1, 0, len(beats) - 1)]
    offsets = np.where(np.abs(accent_times - previous) < np.abs(accent_times - nearest), accent_times - previous,
                       accent_times - nearest)  # fmt: skip
    on_beat = np.abs(offsets) <= ON_BEAT_FRACTION * period
    return {
        "on_beat_score": round(100.0 * float(on_beat.mean()), 1),
        "mean_offset_ms": round(1000.0 * float(offsets[on_beat].mean()) if on_beat.any() else float("nan"), 1),
        "accents": int(len(accent_times)),
    }


def rayleigh(phases: np.ndarray) -> tuple[complex, float]:
    """(mean resultant vector, p) of phases in cycles: the vector's length (0-1) says how
    closely they gather, its angle where; p is the chance that phases spread evenly round
    the cycle would gather as much (Zar's approximation of Rayleigh's test)."""
    n = len(phases)
    vector = complex(np.exp(2j * np.pi * phases).mean())
    z = n * abs(vector) ** 2
    p = np.exp(-z) * (1 + (2 * z - z**2) / (4 * n) - (24 * z - 132 * z**2 + 76 * z**3 - 9 * z**4) / (288 * n**2))
    return vector, float(np.clip(p, 0.0, 1.0))


def bounce_timing(grid: np.ndarray, hips: np.ndarray, beats: np.ndarray) -> dict[str, Any] | None:
    """Whether the dancer's bounce keeps time with the beats: ``in_time`` when the hips' lows
    gather at one point of the beat beyond chance, ``after_beat_ms`` that point (negative:
    before the beat), ``steadiness`` 0-100 how closely they gather. None with fewer than
    MIN_BOUNCES lows while the music plays."""
    from scipy.signal import find_peaks  # late, beside the reading: see dance_analyzer.preload

    known = np.isfinite(hips)
    if len(beats) < 2 or known.sum() < 2:
        return None
    height = smooth(np.interp(grid, grid[known], hips[known]), BOUNCE_SMOOTH)
    lows, _ = find_peaks(-height, prominence=BOUNCE_DIP)
    times = grid[lows[known[lows]]]
    times = times[(times >= beats[0]) & (times < beats[-1])]
    if len(times) < MIN_BOUNCES:
        return None
    phases = beat_positions(times, beats) % 1.0
    vector, p = rayleigh(phases)
    length, mean = abs(vector), float(np.angle(vector) / (2 * np.pi))  # mean: -0.5 to 0.5 of a beat
    after_ms = round(1000.0 * mean * float(np.median(np.diff(beats))))
    in_time = bool(p < IN_TIME_P)
    return {
        "in_time": in_time,
        "after_beat_ms": after_ms,
        "where": bounce_words(mean, after_ms) if in_time else None,
        "steadiness": round(100.0 * length),
        "bounces": int(len(times)),
    }


def bounce_words(after_beats: float, after_ms: int) -> str:
    """Where a bounce comes down, as a dancer says it: "on the beat", "between the beats (on
    the and)", or how far off the beat ("70 ms after the beat"); ``after_beats`` -0.5 to 0.5."""
    if abs(after_beats) <= ON_THE_BEAT:
        return "on the beat"
    if abs(after_beats) >= 0.5 - ON_THE_AND:
        return "between the beats (on the and)"
    return f"{abs(after_ms)} ms {'after' if after_beats > 0 else 'before'} the beat"


def rhythm_report(soundtrack: Soundtrack, energy: Energy, movement_tempo: dict[str, Any] | None) -> dict[str, Any]:
    """The ``rhythm`` section: the music's tempo and beats (none where no beat is clearly
    heard: ``beat_clarity``), and the main dancer's accents and bounce against them."""
    report: dict[str, Any] = {
        "audio": soundtrack.has_audio,
        "movement_tempo_bpm": (movement_tempo or {}).get("bpm"),
    }
    if soundtrack.clarity is not None:
        report["beat_clarity"] = soundtrack.clarity
    if soundtrack.tempo_bpm is None:
        return report
    beats = soundtrack.beats
    report.update({"audio_tempo_bpm": round(soundtrack.tempo_bpm, 1), "beats": [round(float(b), 3) for b in beats]})
    return {**report, **timing(energy, beats)}


def timing(energy: Energy, beats: np.ndarray) -> dict[str, Any]:
    """One dancer against the beats: the accents' on-beat share and the bounce, where there is
    enough of either to read (the music itself is the same for everyone in the video)."""
    report: dict[str, Any] = {}
    matched = alignment(energy.accents(), beats)
    if matched is not None:
        report.update(matched)
    bounce = None if energy.hips is None else bounce_timing(energy.grid, energy.hips, beats)
    if bounce is not None:
        report["bounce"] = bounce
    return report


def beat_positions(times: np.ndarray, beats: np.ndarray) -> np.ndarray:
    """Where each time falls among the beats, in beats from the first (2.5: half-way between
    the third and the fourth), continued at the median beat past either end. Needs two beats."""
    beats = np.asarray(beats, float)
    period = float(np.median(np.diff(beats)))
    position = np.interp(times, beats, np.arange(len(beats), dtype=float))
    position = np.where(times < beats[0], (times - beats[0]) / period, position)
    return np.where(times > beats[-1], len(beats) - 1 + (times - beats[-1]) / period, position)


def dance_counts(times: np.ndarray, beats: np.ndarray) -> list[tuple[int, str] | None]:
    """(eight, count) for each time, as dancers count from the first beat: count "1"-"8",
    or "5&" half-way between 5 and 6, whichever the time is nearest. None for a time nearer
    the "and" before the first beat, or later than the "and" after the last (no music to
    count there), and for every time when there are fewer than two beats."""
    if len(beats) < 2:
        return [None] * len(times)
    halves = np.round(2 * beat_positions(times, beats)).astype(int)
    counts: list[tuple[int, str] | None] = []
    for half in halves.tolist():
        if not 0 <= half <= 2 * len(beats) - 1:
            counts.append(None)
            continue
        beat = half // 2
        counts.append((beat // COUNTS_PER_EIGHT + 1, f"{beat % COUNTS_PER_EIGHT + 1}" + ("&" if half % 2 else "")))
    return counts


def on_counts(moves: list[dict[str, Any]], beats: np.ndarray) -> list[dict[str, Any]]:
    """The moves, each with the count it starts on (``eight``, ``on_count``) where there is
    music to count: what a teacher would say of it ("the jump on 5 of the second eight")."""
    counts = dance_counts(np.array([m["start_s"] for m in moves], float), beats)
    return [
        move if at is None else {**move, "eight": at[0], "on_count": at[1]}
        for move, at in zip(moves, counts, strict=True)
    ]


def held_for_counts(segments: list[dict[str, Any]], beats: np.ndarray) -> list[dict[str, Any]]:
    """The timeline's segments, each with the count it starts on (``eight``, ``on_count``)
    where there is music to count, and how many counts it lasts (``counts``, to the half)
    where the music lasts as long: a teacher says "hold the arabesque for 4", not 2.1 s."""
    counted = on_counts(segments, beats)
    if len(beats) < 2 or not segments:
        return counted
    starts, ends = (beat_positions(np.array([s[key] for s in segments], float), beats) for key in ("start_s", "end_s"))
    # The music lasts until a beat after its last one (in beats: len(beats)); no counting past it.
    return [
        {**segment, "counts": float(np.round(2 * (end - start)) / 2)}
        if "on_count" in segment and end <= len(beats) + 1e-6
        else segment
        for segment, start, end in zip(counted, starts, ends, strict=True)
    ]


def count_now(t: float, beats: np.ndarray) -> str | None:
    """The count being danced at ``t`` ("1"-"8"): the latest beat's, from the first beat
    until a beat after the last; None before or after the music, or with under two beats."""
    if len(beats) < 2 or t < beats[0] - 1e-3 or t >= beats[-1] + float(np.median(np.diff(beats))):
        return None
    beat = int(np.searchsorted(beats, t + 1e-3, side="right")) - 1  # a frame shown on the beat counts it
    return str(beat % COUNTS_PER_EIGHT + 1)

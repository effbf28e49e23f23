"""The reference's moves against the attempt's: which were made, which missed, and how.

A teacher watching an attempt beside the choreography names moves: "you missed the second
pirouette", "a single where it is a double", "the jump came late". The comparison's joint
angles cannot say that, so the moves found in each video are paired here: each of the
reference's turns, jumps, kicks and floor work with the attempt's nearest move of the same
kind around the moment the alignment expects it.

Where it is expected comes from a straight line fitted to the alignment (``sync_map``) over
the seconds around the move: the attempt's offset and tempo there (an attempt may slow down
part-way), not the warped path itself, which bends to put like poses together and so would
hide a move made late. Steps, sways and bounces are left out:
they come by the dozen and a miscount of one says nothing to a dancer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

COMPARED = ("turn", "jump", "kick", "floor_work")
WITHIN_S = 1.0  # how far from where it is expected (in attempt seconds) a move still counts as made
ON_TIME_S = 0.15  # earlier or later than this is early or late: about four frames at 25-30 frames/s
# What is compared of each kind beside its timing, as reference_<field> and attempt_<field>.
MEASURES = {"turn": "rotations", "jump": "airtime_s", "kick": "height_deg"}
# The line a move is expected on is fitted to the alignment within this many reference seconds
# of it (wide enough that a move made late moves the line little), where it has MIN_LOCAL_PAIRS.
LOCAL_S = 5.0
MIN_LOCAL_PAIRS = 6


def compare_moves(
    reference: list[dict[str, Any]], attempt: list[dict[str, Any]], sync_map: list[list[float]], *, mirror: bool = False
) -> dict[str, Any]:
    """``made`` (each reference move with the attempt's, how late and their measures),
    ``missed``, ``extra`` (the attempt's moves that match none), and a ``summary`` sentence.
    With ``mirror`` (the attempt followed the reference like a mirror) a turn the other way
    is the same turn."""
    reference = [m for m in reference if m["move"] in COMPARED]
    attempt = [m for m in attempt if m["move"] in COMPARED]
    to_attempt = _attempt_time(sync_map)
    made: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    taken: set[int] = set()
    for move in reference:
        expected = to_attempt(move["start_s"])
        candidates = [
            (abs(other["start_s"] - expected), k)
            for k, other in enumerate(attempt)
            if k not in taken and other["move"] == move["move"] and abs(other["start_s"] - expected) <= WITHIN_S
        ]
        if not candidates:
            missed.append(
                {
                    "move": move["move"],
                    "reference_s": move["start_s"],
                    "expected_attempt_s": round(expected, 2),
                    "text": "missed",
                }
            )
            continue
        k = min(candidates)[1]
        taken.add(k)
        made.append(_pair(move, attempt[k], expected, mirror))
    extra = [{"move": m["move"], "attempt_s": m["start_s"]} for k, m in enumerate(attempt) if k not in taken]
    return {"made": made, "missed": missed, "extra": extra, "summary": _summary(reference, made, missed, extra)}


def _attempt_time(sync_map: list[list[float]]) -> Callable[[float], float]:
    """Reference seconds to attempt seconds, along the line through the alignment around that
    moment (or, with too few pairs there, through all of it); where the alignment gives no
    line (a still dancer matches every moment alike, or the pair danced at under half or over
    twice the other's speed), shifted as their starts were paired."""
    if not sync_map:
        return lambda t: float(t)
    attempt_s, reference_s = np.asarray(sync_map, float).T
    whole = _line(reference_s, attempt_s)
    shift = float(attempt_s[0] - reference_s[0])

    def to_attempt(t: float) -> float:
        near = np.abs(reference_s - t) <= LOCAL_S
        line = _line(reference_s[near], attempt_s[near]) if near.sum() >= MIN_LOCAL_PAIRS else None
        slope, intercept = line or whole or (1.0, shift)
        return float(slope * t + intercept)

    return to_attempt


def _line(reference_s: np.ndarray, attempt_s: np.ndarray) -> tuple[float, float] | None:
    """(slope, intercept) of attempt seconds against reference seconds, if a dancer's tempo."""
    if np.ptp(reference_s) <= 0:
        return None
    slope, intercept = np.polyfit(reference_s, attempt_s, 1)
    return (float(slope), float(intercept)) if 0.5 <= slope <= 2.0 else None


def _pair(reference: dict[str, Any], attempt: dict[str, Any], expected: float, mirror: bool) -> dict[str, Any]:
    late = round(attempt["start_s"] - expected, 2)
    pair: dict[str, Any] = {
        "move": reference["move"],
        "reference_s": reference["start_s"],
        "attempt_s": attempt["start_s"],
        "late_s": late,  # negative: early
        "timing": "on time" if abs(late) <= ON_TIME_S else ("late" if late > 0 else "early"),
    }
    field = MEASURES.get(reference["move"])
    if field is not None and field in reference and field in attempt:
        pair[f"reference_{field}"], pair[f"attempt_{field}"] = reference[field], attempt[field]
    if reference["move"] == "turn":
        pair["same_direction"] = (reference.get("direction") == attempt.get("direction")) != mirror
    return {**pair, "text": _made_text(pair)}


def _made_text(pair: dict[str, Any]) -> str:
    """A made move in a line ("made, 0.20 s late, 1 of 2 turns"), as the page and the CLI list it."""
    timing = "on time" if pair["timing"] == "on time" else f"{abs(pair['late_s']):.2f} s {pair['timing']}"
    if "reference_rotations" in pair:
        timing += f", {pair['attempt_rotations']:g} of {pair['reference_rotations']:g} turns"
    return f"made, {timing}"


def _summary(
    reference: list[dict[str, Any]],
    made: list[dict[str, Any]],
    missed: list[dict[str, Any]],
    extra: list[dict[str, Any]],
) -> str:
    """The comparison in a teacher's words: "3 of the reference's 4 moves made: the turn at 5.2 s
    missed; the turn at 3.1 s: 1 turn where it is 2; the jump at 2.0 s 0.30 s late"."""
    if not reference:
        extras = ", ".join(f"a {m['move'].replace('_', ' ')} at {m['attempt_s']:.1f} s" for m in extra)
        return "The reference has no turn, jump, kick or floor work" + (
            f"; the attempt has {extras}." if extras else "."
        )
    notes = [f"the {m['move'].replace('_', ' ')} at {m['reference_s']:.1f} s missed" for m in missed]
    for pair in made:
        what = f"the {pair['move'].replace('_', ' ')} at {pair['reference_s']:.1f} s"
        if pair["timing"] != "on time":
            notes.append(f"{what} {abs(pair['late_s']):.2f} s {pair['timing']}")
        if "reference_rotations" in pair and pair["reference_rotations"] != pair["attempt_rotations"]:
            turns = pair["attempt_rotations"]
            notes.append(
                f"{what}: {turns:g} turn{'' if turns == 1 else 's'} where it is {pair['reference_rotations']:g}"
            )
        if pair.get("same_direction") is False:
            notes.append(f"{what} turned the other way")
    notes += [f"an extra {m['move'].replace('_', ' ')} at {m['attempt_s']:.1f} s" for m in extra]
    head = f"{len(made)} of the reference's {len(reference)} moves made"
    return f"{head}: {'; '.join(notes)}." if notes else f"{head}, each on time."

"""Moves: what the dancer does over time (turns, jumps, kicks, steps, sways, floor work).

Poses are read frame by frame; moves are read from the landmark time series
(``signals.Motion``), one detector module per kind, with every threshold in the
declarative ``moves.yaml`` (``definitions``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from . import rhythm, step
from .definitions import KINDS, MoveDefinition, MoveSet, load_moves, parse_moves
from .events import Move
from .signals import Motion, motion_of

__all__ = [
    "KINDS",
    "Motion",
    "Move",
    "MoveDefinition",
    "MoveSet",
    "detect_moves",
    "load_moves",
    "motion_of",
    "move_summary",
    "parse_moves",
]


def detect_moves(motion: Motion, moves: MoveSet) -> list[Move]:
    """Every move of every enabled kind, in order of start. What the jumps and floor work
    found explain is theirs: a step taken in a jump's flight or down on the floor
    (:func:`step.on_the_feet`), the rising and sinking or swinging of a run of hops
    (:func:`rhythm.besides_jumps`)."""
    found = [m for definition in moves.moves if definition.enabled for m in definition.detect(motion)]
    for definition in moves.moves:
        if not definition.enabled:
            continue
        if definition.name == "step":
            found = step.on_the_feet(found, definition.params)
        elif definition.name in ("sway", "bounce"):
            found = rhythm.besides_jumps(found, definition.name, definition.params)
    order = {name: k for k, name in enumerate(KINDS)}
    return sorted(found, key=lambda m: (m.start_s, order[m.move]))


def move_summary(found: list[Move], motion: Motion) -> list[dict[str, Any]]:
    """Per kind of move: how many, and what a teacher would say of them together."""
    out = []
    for name in KINDS:
        of_kind = [m for m in found if m.move == name]
        if not of_kind:
            continue
        entry: dict[str, Any] = {"move": name, "count": len(of_kind)}
        entry.update(_measures(name, of_kind, motion))
        entry["text"] = _text(name, of_kind, entry)
        out.append(entry)
    return out


ROTATIONS = {0.5: "half", 1.0: "single", 1.5: "one-and-a-half", 2.0: "double", 3.0: "triple", 4.0: "quadruple"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _text(name: str, of_kind: list[Move], entry: dict[str, Any]) -> str:
    """What a teacher would say: "1 double pirouette clockwise", "8 steps, 96 per minute"."""
    n = len(of_kind)
    if name == "turn":
        groups = Counter(
            (m.measures["rotations"], m.measures["kind"], m.measures["direction"]) for m in of_kind
        ).most_common()
        return ", ".join(
            f"{count} {ROTATIONS.get(rot, f'{rot:g}-rotation')} {kind}{'' if count == 1 else 's'} {direction}"
            for (rot, kind, direction), count in groups
        )
    if name == "jump":
        return f"{_plural(n, 'jump')} (airtime {entry['mean_airtime_s']:.2f} s{' on average' if n > 1 else ''})"
    if name == "kick":
        return f"{_plural(n, 'kick')} (highest {entry['max_height_deg']} degrees)"
    if name == "step":
        rate = f", {round(entry['per_minute'])} per minute" if entry.get("per_minute") else ""  # as counted aloud
        travel = entry.get("travel")
        where = f", travelling {travel}" if travel and travel != "in place" else ""
        return f"{_plural(n, 'step')}{rate}{where}"
    if name == "floor_work":
        return f"floor work for {entry['total_s']:g} s"
    return f"{_plural(n, name)} ({entry['total_s']:g} s)"


def _measures(name: str, of_kind: list[Move], motion: Motion) -> dict[str, Any]:
    if name == "turn":
        return {"rotations": sum(m.measures["rotations"] for m in of_kind)}
    if name == "jump":
        return {
            "mean_airtime_s": round(float(np.mean([m.measures["airtime_s"] for m in of_kind])), 3),
            "max_height": max(m.measures["height"] for m in of_kind),
        }
    if name == "kick":
        return {"max_height_deg": max(m.measures["height_deg"] for m in of_kind)}
    if name == "step":
        return step.summary(of_kind, motion.hips(), motion.times)
    if name == "floor_work":
        return {"total_s": round(sum(m.end_s - m.start_s for m in of_kind), 2)}
    return {"total_s": round(sum(m.end_s - m.start_s for m in of_kind), 2)}

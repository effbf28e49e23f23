"""A comparison as a person reads it in a terminal: the score, each body part, the moves
made and missed, and the worst moments, in the words the page uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..reports.captions import move_name


def compare_table(result: Mapping[str, Any]) -> str:
    reference, attempt = result.get("reference") or {}, result.get("attempt") or {}
    lines = [f"{attempt.get('filename', 'attempt')} against {reference.get('filename', 'reference')}"]
    lines += [f"Warning: {w.get('message', w.get('code'))}" for w in result.get("warnings") or []]
    if result.get("mirror"):
        score = f"Similarity {result['similarity']:.0f}/100, mirrored"
    else:
        score = f"Similarity {result['similarity']:.0f}/100 (mirrored: {result['mirrored_similarity']:.0f})"
    closest = result.get("closest_moment")
    if closest:  # a photo on a side: the moment that comes closest to its pose
        where = "the attempt" if reference.get("photo") else "the reference"
        at = closest["attempt_s"] if reference.get("photo") else closest["reference_s"]
        timing = f"closest {at:.1f} s into {where}" if not (reference.get("photo") and attempt.get("photo")) else ""
    else:
        timing = f"offset {result['offset_s']:.1f} s · tempo x{result['tempo_ratio']:.2f}"
    lines += ["", " · ".join(part for part in (score, timing) if part), "", "Body parts"]
    lines += [
        f"  {move_name(part):12} {values['score']:5.0f}  ({values['deviation_deg']:.1f} deg off)"
        for part, values in (result.get("body_parts") or {}).items()
    ]
    moves = result.get("moves")
    if moves:
        lines += ["", f"Moves: {moves['summary']}"]
        paired = [(m["reference_s"], m["move"], m["text"]) for m in moves["made"] + moves["missed"]]
        lines += [f"  {at:6.2f} s  {move_name(move):10} {how}" for at, move, how in sorted(paired)]
    worst = result.get("worst_moments") or []
    if worst:
        lines += ["", "Worst moments (attempt seconds)"]
        lines += [
            f"  {m['attempt_start_s']:6.1f} – {m['attempt_end_s']:4.1f} s  {move_name(m['body_part'])} "
            f"off by {m['deviation_deg']:.0f} deg"
            for m in worst
        ]
    return "\n".join(lines)

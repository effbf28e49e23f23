"""The result as a person reads it in a terminal: the numbers, the poses, the moves.

Only presentation: every figure is the result's own (the JSON is the same data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..reports.captions import move_caption, move_name, summary_line


def _seconds(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else "?"


def _span(item: Mapping[str, Any]) -> str:
    return f"{_seconds(item.get('start_s')):>6} – {_seconds(item.get('end_s')):>6} s"


def move_details(move: Mapping[str, Any]) -> str:
    """What the caption leaves out, in words: "pirouette, en dehors, working leg right"."""
    name = move.get("move")
    parts: list[Any] = []
    if name == "turn":
        parts = [move.get("kind"), move.get("en")]
        if move.get("working_leg"):
            parts.append(f"working leg {move['working_leg']}")
    elif name == "jump":
        if isinstance(move.get("height"), int | float):
            parts.append(f"height {move['height']:g} torso lengths")
    elif name == "kick":
        parts = [f"{move['side']} leg" if move.get("side") else None]
        if move.get("kind") == "extension":
            parts.append("held: an extension")
    elif name == "step":
        parts = [f"{move['foot']} foot" if move.get("foot") else None]
    elif name in ("sway", "bounce") and isinstance(move.get("period_s"), int | float):
        parts.append(f"every {move['period_s']:g} s")
    return ", ".join(str(p) for p in parts if p)


def result_table(result: Mapping[str, Any]) -> str:
    """The whole result as text: facts, time per pose, the timeline, the moves."""
    lines: list[str] = []
    fps = result.get("fps")
    facts = [
        f"{_seconds(result.get('duration_s'))} s",
        f"{result.get('total_frames')} frames ({result.get('processed_frames')} analysed)",
        f"{fps:.1f} fps" if isinstance(fps, int | float) else None,
        f"{result.get('width')}x{result.get('height')}",
        f"model {result['model']}" if result.get("model") else None,
    ]
    lines.append(f"{result.get('filename', '')}  " + " · ".join(f for f in facts if f))
    lines.append(f"Dancer found in {result.get('frames_with_person')} frames")
    for warning in result.get("warnings") or []:
        lines.append(f"Warning: {warning.get('message', warning.get('code'))}")

    segments = result.get("segments") or []
    seconds: dict[str, float] = {}
    for seg in segments:
        seconds[seg["pose"]] = seconds.get(seg["pose"], 0.0) + seg["end_s"] - seg["start_s"]
    lines += ["", "Time per pose"]
    if seconds:
        for pose, s in sorted(seconds.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {move_name(pose):16} {s:6.2f} s")
    else:
        lines.append("  no pose held long enough to count")

    counts = [c for c in result.get("pose_counts") or [] if c.get("count")]
    if counts:
        lines += ["", "Counts"]
        for c in counts:
            reps = ", ".join(f"{_seconds(r.get('start_s'))}–{_seconds(r.get('end_s'))} s" for r in c.get("reps", []))
            lines.append(f"  {c['count']:>3} × {move_name(c['pose']):14} {reps}")

    lines += ["", "Poses over time"]
    lines += [f"  {_span(seg)}  {move_name(seg['pose'])}" for seg in segments] or ["  none"]

    moves = result.get("moves") or []
    summary = result.get("move_summary") or []
    lines += ["", f"Moves: {summary_line(summary)}" if summary else "Moves: none found"]
    if moves:
        lines += ["", "Moves over time"]
        for move in moves:
            details = move_details(move)
            lines.append(f"  {_span(move)}  {move_caption(move)}" + (f" ({details})" if details else ""))
    return "\n".join(lines)

"""The result as a person reads it in a terminal: the numbers, the poses, the moves.

Only presentation: every figure is the result's own (the JSON is the same data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..reports.captions import bounce_caption, move_caption, move_name, music_caption, summary_line


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
    if move.get("eight"):
        parts.append(f"eight {move['eight']}")
    return ", ".join(str(p) for p in parts if p)


def _held_for(segment: Mapping[str, Any]) -> str:
    """Where the music was counted, ' on 1 for 4 counts (eight 2)'; else nothing."""
    if not segment.get("on_count"):
        return ""
    counts = segment.get("counts")
    held = f" for {counts:g} count{'' if counts == 1 else 's'}" if isinstance(counts, int | float) else ""
    return f" on {segment['on_count']}{held} (eight {segment['eight']})"


def _time_per_pose(segments: list[Mapping[str, Any]]) -> list[tuple[str, float]]:
    seconds: dict[str, float] = {}
    for seg in segments:
        seconds[seg["pose"]] = seconds.get(seg["pose"], 0.0) + seg["end_s"] - seg["start_s"]
    return sorted(seconds.items(), key=lambda kv: -kv[1])


def _score(value: Any) -> str:
    return f"{value:.0f}/100" if isinstance(value, int | float) else "not enough shared movement to tell"


def people_lines(result: Mapping[str, Any]) -> list[str]:
    """With every dancer followed: each one in a few lines, then how in sync the group is.

    The section above is the main dancer's alone, so without this a group video would
    read as if one person had danced it.
    """
    people = result.get("people") or []
    if len(people) < 2:
        return []
    lines = _people_heading(result, people)
    for person in people:
        lines.append(
            f"  {_who(result, person)}: {_seconds(person.get('first_s'))}–{_seconds(person.get('last_s'))} s, "
            f"found in {person.get('frames_present')} frames"
        )
        held = _time_per_pose(person.get("segments") or [])
        poses = ", ".join(f"{move_name(pose)} {s:.1f} s" for pose, s in held[:4])
        lines.append(f"    poses: {poses or 'none held long enough to count'}")
        summary = person.get("move_summary") or []
        lines.append(f"    moves: {summary_line(summary) if summary else 'none found'}")
        bounce = bounce_caption((person.get("rhythm") or {}).get("bounce"))
        if bounce:
            lines.append(f"    music: {bounce}")
    sync = result.get("sync") or {}
    group = sync.get("group") or {}
    if group:
        lines += ["", f"How in sync: {_score(group.get('score'))}"]
        for dancer in sync.get("dancers") or []:
            lag = dancer.get("lag_s")
            timing = ""
            if isinstance(lag, int | float) and abs(lag) >= 0.05:
                timing = f", {abs(lag):.2f} s {'behind' if lag > 0 else 'ahead of'} the others"
            mirrored = ", mirroring the others" if dancer.get("mirrored") else ""
            lines.append(f"  Person {dancer.get('id')}: {_score(dancer.get('score'))}{timing}{mirrored}")
        for window in sync.get("least_in_sync") or []:
            lines.append(
                f"  least in sync {_span(window)}: persons {' and '.join(str(d) for d in window.get('pair') or [])}"
                + (f", {window['body_part']}" if window.get("body_part") else "")
            )
    return lines


def result_table(result: Mapping[str, Any]) -> str:
    """The whole result as text: facts, time per pose, the timeline, the moves (and, with
    every dancer followed, each person and the group's sync)."""
    if result.get("photo"):
        return photo_table(result)
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
    music = music_caption(result.get("rhythm") or {})
    if music:
        lines.append(music)
    for warning in result.get("warnings") or []:
        lines.append(f"Warning: {warning.get('message', warning.get('code'))}")

    segments = result.get("segments") or []
    held = _time_per_pose(segments)
    lines += ["", "Time per pose"]
    if held:
        for pose, s in held:
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
    lines += [f"  {_span(seg)}  {move_name(seg['pose'])}{_held_for(seg)}" for seg in segments] or ["  none"]

    moves = result.get("moves") or []
    summary = result.get("move_summary") or []
    lines += ["", f"Moves: {summary_line(summary)}" if summary else "Moves: none found"]
    if moves:
        lines += ["", "Moves over time"]
        for move in moves:
            details = move_details(move)
            lines.append(f"  {_span(move)}  {move_caption(move)}" + (f" ({details})" if details else ""))
    lines += people_lines(result)
    return "\n".join(lines)


def photo_table(result: Mapping[str, Any]) -> str:
    """A photo: which poses hold in it (a timeline of one moment says nothing more), and
    with everyone described, each person's and how alike the group's shapes are."""
    facts = ["photo", f"{result.get('width')}x{result.get('height')}", f"model {result.get('model')}"]
    lines = [f"{result.get('filename', '')}  " + " · ".join(facts)]
    people = result.get("people") or []
    found = f"{len(people)} people found" if len(people) >= 2 else "Person found"
    lines.append(found if result.get("frames_with_person") else "Nobody found")
    lines += [f"Warning: {w.get('message', w.get('code'))}" for w in result.get("warnings") or []]
    lines += ["", f"Poses: {_pose_list(result)}"]
    if len(people) < 2:
        return "\n".join(lines)
    lines += _people_heading(result, people)
    lines += [f"  {_who(result, person)}: {_pose_list(person)}" for person in people]
    group = (result.get("sync") or {}).get("group") or {}
    if group:
        lines += ["", f"How alike their poses are: {_score(group.get('score'))}"]
        for window in result["sync"].get("least_in_sync") or []:
            pair = " and ".join(str(d) for d in window.get("pair") or [])
            joint = move_name(window.get("joint", ""))
            lines.append(f"  furthest apart: persons {pair}, {window.get('body_part')} ({joint})")
    return "\n".join(lines)


def _people_heading(result: Mapping[str, Any], people: list[Mapping[str, Any]]) -> list[str]:
    return ["", f"People ({len(people)}; the one above is person {result.get('main_person')})"]


def _who(result: Mapping[str, Any], person: Mapping[str, Any]) -> str:
    main = " (main)" if person.get("id") == result.get("main_person") else ""
    return f"Person {person.get('id')}{main}"


def _pose_list(described: Mapping[str, Any]) -> str:
    return ", ".join(move_name(pose) for pose in described.get("poses") or []) or "none of the known poses holds"

"""Short words for a result's moves, shared by the shells that show them (overlay, CLI).

Presentation only: every number comes from the result as the pipeline wrote it. The
captions are plain ASCII because the overlay draws them with OpenCV's Hershey fonts,
which have no degree sign. The page (``web/timeline.js``) says the same in JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def move_name(move: str) -> str:
    return move.replace("_", " ")


def _number(value: Any, fmt: str = "g") -> str | None:
    return format(value, fmt) if isinstance(value, int | float) and not isinstance(value, bool) else None


def move_caption(move: Mapping[str, Any]) -> str:
    """The move's name and its key measure: "turn 2x clockwise", "jump 0.40 s", "kick front 95 deg";
    "... on 5" where it was counted to music."""
    name = str(move.get("move", "move"))
    words: list[Any] = [move_name(name)]
    if name == "turn":
        rotations = _number(move.get("rotations"))
        words += [f"{rotations}x" if rotations else None, move.get("direction")]
    elif name == "jump":
        airtime = _number(move.get("airtime_s"), ".2f")
        words += [f"{airtime} s" if airtime else None, move.get("shape")]
    elif name == "kick":
        height = _number(move.get("height_deg"), ".0f")
        words += [move.get("direction"), f"{height} deg" if height else None]
    elif name == "step":
        words.append(move.get("direction"))
    elif name in ("sway", "bounce"):
        cycles = _number(move.get("cycles"))
        words.append(f"{cycles} cycles" if cycles else None)
    elif name == "floor_work":
        lowest = move.get("lowest")
        words.append(f"({lowest})" if lowest else None)
    if move.get("on_count"):  # with the music's beats: the count it starts on
        words.append(f"on {move['on_count']}")
    return " ".join(str(w) for w in words if w)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_text(entry: Mapping[str, Any]) -> str:
    """A move summary entry in words: its own ``text`` when the result has one, else
    the count and kind ("2 jumps", "1 floor work")."""
    text = entry.get("text")
    if isinstance(text, str) and text:
        return text
    count = entry.get("count")
    name = move_name(str(entry.get("move", "move")))
    if not isinstance(count, int):
        return name
    return f"{count} {name}" if name == "floor work" else _plural(count, name)


def summary_line(summary: list[Mapping[str, Any]]) -> str:
    """The whole summary on one line: "2 jumps · 1 double pirouette clockwise · 8 steps"."""
    return " · ".join(summary_text(entry) for entry in summary)


def music_caption(rhythm: Mapping[str, Any]) -> str | None:
    """The music in a line: its tempo, where counting starts, and whether the bounce keeps time
    (where it comes down: ``rhythm.bounce_words``); that no beat is heard in a soundtrack
    without one (speech, room noise, silence); None without sound."""
    bpm = _number(rhythm.get("audio_tempo_bpm"), ".0f")
    if bpm is None:
        heard = rhythm.get("audio") and rhythm.get("beat_clarity") is not None
        return "Music: no steady beat heard, nothing to count to" if heard else None
    beats = rhythm.get("beats") or []
    words = [f"{bpm} bpm"] + ([f"counted from {beats[0]:.2f} s"] if len(beats) >= 2 else [])
    bounce = bounce_caption(rhythm.get("bounce"))
    return "Music: " + ", ".join(words + ([bounce] if bounce else []))


def bounce_caption(bounce: Mapping[str, Any] | None) -> str | None:
    """Whether a dancer's bounce keeps time, and how steadily; None with too few bounces to tell."""
    if not bounce:
        return None
    where = bounce.get("where")
    timing = f"bounce in time: down {where}" if bounce.get("in_time") and where else "no steady bounce to the beat"
    return f"{timing}, steady {bounce['steadiness']}/100"

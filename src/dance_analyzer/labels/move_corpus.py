"""The labelled move corpus: clips whose moves a person marked by looking at the frames.

``corpus/moves/labels.jsonl`` holds one clip a line (its moves with start and end times and
their measures, the moves the labeller could not decide, and the kinds labelled exhaustively);
``corpus/moves/landmarks/<safe id>.<model>.npz`` holds each model's landmark track of the clip,
computed by ``bench/move_landmarks.py`` with the product's own reader. Detectors are scored on
these tracks without media or a model run, like the pose rules on ``corpus/``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..pose.track import LandmarkTrack, load_track
from .corpus import is_held_out
from .moves import KINDS, Move


@dataclass(frozen=True)
class MoveClip:
    id: str
    source: str
    media: str
    fps: float
    frames: int
    person: str
    moves: tuple[Move, ...]
    # Moves the labeller saw but could not decide: a detection matching one counts neither way.
    unsure: tuple[Move, ...]
    # The kinds labelled exhaustively here; detections of any other kind say nothing.
    complete: frozenset[str]
    notes: str = ""

    @property
    def held_out(self) -> bool:
        """Thresholds are tuned on the other half; the split follows the pose corpus's, by source."""
        return is_held_out(self.source)


@dataclass(frozen=True)
class MoveCorpus:
    root: Path
    clips: tuple[MoveClip, ...]

    @property
    def sources(self) -> list[str]:
        return sorted({c.source for c in self.clips})

    def clip(self, clip_id: str) -> MoveClip:
        for c in self.clips:
            if c.id == clip_id:
                return c
        raise KeyError(clip_id)

    def landmarks_path(self, clip_id: str, model: str) -> Path:
        return self.root / "landmarks" / f"{safe_id(clip_id)}.{model}.npz"

    def track(self, clip_id: str, model: str) -> LandmarkTrack:
        """The track as the product's reader returned it, rebuilt from the stored file (float32)."""
        return load_track(self.landmarks_path(clip_id, model), model)


def safe_id(clip_id: str) -> str:
    """A clip id (``<source>/<path in its repository>``) as one file name."""
    return clip_id.replace("/", "__").replace(" ", "_")


def load_move_corpus(root: Path) -> MoveCorpus:
    """Read and check the labels: a wrong kind or an empty interval fails here, not in a score."""
    clips: list[MoveClip] = []
    with open(root / "labels.jsonl", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            where = f"{root / 'labels.jsonl'}:{number} ({row.get('id')})"
            fps = float(row["fps"])
            complete = frozenset(row.get("complete", ()))
            unknown = complete - set(KINDS)
            if unknown:
                raise ValueError(f"{where}: unknown kinds in complete: {sorted(unknown)}")
            clips.append(
                MoveClip(
                    id=row["id"],
                    source=row["source"],
                    media=row.get("media", row["id"]),
                    fps=fps,
                    frames=int(row["frames"]),
                    person=row.get("person", ""),
                    moves=tuple(_move(m, fps, where) for m in row.get("moves", ())),
                    unsure=tuple(_move(m, fps, where) for m in row.get("unsure", ())),
                    complete=complete,
                    notes=row.get("notes", ""),
                )
            )
    return MoveCorpus(root, tuple(clips))


def _move(row: Mapping[str, Any], fps: float, where: str) -> Move:
    move = row["move"]
    if move not in KINDS:
        raise ValueError(f"{where}: unknown move {move!r}")
    start, end = float(row["start_s"]), float(row["end_s"])
    if not start < end:
        raise ValueError(f"{where}: {move} ends ({end}) before it starts ({start})")
    measures = {k: v for k, v in row.items() if k not in ("move", "start_s", "end_s")}
    if move == "jump":
        measures["fps"] = fps
    return Move(move, start, end, MappingProxyType(measures))

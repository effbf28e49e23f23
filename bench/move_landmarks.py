"""Compute the move corpus's landmarks: every labelled clip, with each of the three models.

The labels (corpus/moves/labels.jsonl) say where each clip's media is; the media stay outside
the repository (their licences do not allow shipping them). Each clip goes through the
product's own reader (workers.inline.InlineReader, as `analyze --workers 1` reads a video: one
person, every frame, the model's tracking and smoothing on), and the track is written to
corpus/moves/landmarks/<safe id>.<model>.npz, small enough to commit, so that the move
detectors are scored (bench/move_accuracy.py) and tested without media or models.

Each file holds indices, times, image (T, 33, 4), world (T, 33, 3) as float32, and the clip's
total_frames, duration_s, width, height, fps. A file that would pass MAX_BYTES is stored in
float16 instead (and says so in `precision`); none does at the corpus's clip lengths.

Each file also says where the clip's shots start, if it is edited (`shot_starts`,
media/shots.py: read from the pixels as the reader reads them). `--shots` adds just that to the
files there are, from the media, without running the model (the landmarks stay as they were).

Usage:  .venv/bin/python bench/move_landmarks.py [--models lite full heavy] [--media DIR] [--only ID ...]
                                                 [--missing] [--shots]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

from dance_analyzer.labels.move_corpus import safe_id

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "moves"
MEDIA = Path("/work/move-media")  # where corpus/moves/SOURCES.md's files were fetched to
MODELS = ("lite", "full", "heavy")
MAX_BYTES = 1_500_000  # the repository refuses files over 2 MB; keep a margin


def landmarks_path(clip_id: str, model: str, folder: Path = CORPUS / "landmarks") -> Path:
    return folder / f"{safe_id(clip_id)}.{model}.npz"


def load_labels(path: Path = CORPUS / "labels.jsonl") -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def encode(track, precision: str) -> bytes:  # noqa: ANN001 - a pose.track.LandmarkTrack
    from dance_analyzer.pose.track import encode_track

    return encode_track(track, np.float32 if precision == "float32" else np.float16)


def add_shots(target: Path, media: Path) -> int:
    """Store the clip's shot starts beside its landmarks; returns how many there are."""
    from dance_analyzer.media.shots import ShotRows
    from dance_analyzer.media.video import Limits, iter_frames
    from dance_analyzer.pose.track import load_track

    with np.load(target) as data:
        precision = str(data["precision"]) if "precision" in data else "float32"
    track = load_track(target)
    shots = ShotRows()
    rows = set(track.indices.tolist())
    for frame in iter_frames(media, limits=Limits(), lazy=True):
        shots.decoded(frame.change)
        if frame.index in rows:
            shots.row(frame.blank)
    starts = shots.starts()
    if len(starts) != len(track.times):
        sys.exit(f"{target}: {len(starts)} frames read, {len(track.times)} rows stored")
    track = dataclasses.replace(track, shot_starts=starts)
    target.write_bytes(encode(track, precision))
    return int(starts.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--media", type=Path, default=MEDIA)
    parser.add_argument("--only", nargs="+", help="clip ids to (re)compute")
    parser.add_argument("--missing", action="store_true", help="only the clip/model pairs without a file")
    parser.add_argument("--labels", type=Path, default=CORPUS / "labels.jsonl")
    parser.add_argument("--shots", action="store_true", help="only add where shots start to the files there are")
    args = parser.parse_args()

    from dance_analyzer.media.video import Limits
    from dance_analyzer.workers.inline import InlineReader

    clips = load_labels(args.labels)
    if args.only:
        unknown = set(args.only) - {c["id"] for c in clips}
        if unknown:
            sys.exit(f"not in {args.labels}: {sorted(unknown)}")
        clips = [c for c in clips if c["id"] in args.only]
    reader = InlineReader(limits=Limits())  # corpus clips are trusted: no upload limits
    out = CORPUS / "landmarks"
    out.mkdir(parents=True, exist_ok=True)
    for model in args.models:
        for clip in clips:
            target = landmarks_path(clip["id"], model, out)
            if args.missing and target.exists():
                continue
            media = args.media / clip["media"]
            if args.shots:
                print(f"{model:5} {clip['id']}: {add_shots(target, media)} shot starts", flush=True)
                continue
            started = time.monotonic()
            track = reader.landmarks(media, model=model)
            data = encode(track, "float32")
            if len(data) > MAX_BYTES:
                data = encode(track, "float16")
                print(f"  {clip['id']} {model}: stored as float16 (float32 would pass {MAX_BYTES} bytes)")
            if len(data) > MAX_BYTES:
                sys.exit(f"{clip['id']} {model}: {len(data)} bytes even in float16; shorten the clip")
            target.write_bytes(data)
            print(
                f"{model:5} {clip['id']}: {len(track.times)} frames, {track.frames_with_person} with a person, "
                f"{len(data) / 1e3:.0f} kB, {time.monotonic() - started:.0f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()

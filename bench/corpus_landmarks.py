"""Compute the corpus's landmarks: every labelled example, with each of the three models.

The labels (corpus/labels.jsonl) say where each example's media is; the media stay outside
the repository (their licences do not allow shipping them). This runs each model over each
example the way the product does and writes corpus/landmarks/<model>.json, small enough to
commit, so that bench/accuracy.py and the tests score the pose rules without media or models.

- A photo: decoded and shrunk as the product decodes a still (media.still.read_picture), then
  one fresh detection (the model's state reset), as /poses/learn finds an example's landmarks.
  An example whose id ends in "~mirror" is the same photo flipped left to right.
- A video frame (``time_s``): the whole video analysed in video mode, as /analyze does (the
  tracker and its smoothing depend on the frames before), and the frame shown at ``time_s``.

Usage:  .venv/bin/python bench/corpus_landmarks.py [--models lite full heavy] [--only SOURCE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
MIRROR = "~mirror"
MAX_PIXELS = 8192 * 8192  # corpus photos are trusted; the product's upload limit does not apply
MEDIA = Path("/work/corpus-media")  # where corpus/SOURCES.md's files were fetched to (--media to change)


# Examples per landmarks file: each file stays well under 2 MB (the repository's limit per file).
SHARD_SIZE = 700


def shard_paths(model: str) -> list[Path]:
    """The files holding a model's landmarks: <model>.json, then <model>-2.json, <model>-3.json..."""
    folder = CORPUS / "landmarks"
    return sorted(folder.glob(f"{model}.json")) + sorted(
        folder.glob(f"{model}-*.json"), key=lambda p: int(p.stem.split("-")[1])
    )


def write_shards(model: str, landmarks: dict[str, dict | None]) -> None:
    for old in shard_paths(model):
        old.unlink()
    ids = sorted(landmarks)
    for k in range(0, max(len(ids), 1), SHARD_SIZE):
        name = f"{model}.json" if k == 0 else f"{model}-{k // SHARD_SIZE + 1}.json"
        part = {i: landmarks[i] for i in ids[k : k + SHARD_SIZE]}
        (CORPUS / "landmarks" / name).write_text(json.dumps(part, separators=(",", ":")) + "\n")


def load_labels() -> list[dict]:
    with open(CORPUS / "labels.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rounded(result) -> dict | None:  # type: ignore[no-untyped-def]
    if result is None:
        return None
    # x, y to 1/10000 of the picture; depth, visibility and world metres to 1/1000.
    image = np.asarray(result.image, np.float64)
    image = np.concatenate([np.round(image[:, :2], 4), np.round(image[:, 2:], 3)], axis=1)
    world = np.round(np.asarray(result.world, np.float64), 3)
    return {"image": image.tolist(), "world": world.tolist()}


def photo_landmarks(examples: list[dict], model: str, media: Path) -> dict[str, dict | None]:
    from dance_analyzer.media.still import read_picture
    from dance_analyzer.pose.estimator import PoseEstimator
    from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE, one_picture

    out: dict[str, dict | None] = {}
    with PoseEstimator(model) as estimator:
        for example in examples:
            picture = read_picture(media / example["media"], INFERENCE_MAX_SIDE, MAX_PIXELS)
            if example["id"].endswith(MIRROR):
                picture = np.ascontiguousarray(picture[:, ::-1])
            out[example["id"]] = rounded(one_picture(picture, estimator))
    return out


def frame_landmarks(examples: list[dict], model: str, media: Path) -> dict[str, dict | None]:
    from dance_analyzer.pose.estimator import PoseEstimator
    from dance_analyzer.pose.extract import extract_landmarks
    from dance_analyzer.pose.landmarks import PoseResult

    by_video: dict[str, list[dict]] = defaultdict(list)
    for example in examples:
        by_video[str(media / example["media"])].append(example)
    out: dict[str, dict | None] = {}
    with PoseEstimator(model) as estimator:
        for video, wanted in by_video.items():
            track = extract_landmarks(Path(video), estimator)
            for example in wanted:
                k = int(np.argmin(np.abs(track.times - example["time_s"])))
                if abs(track.times[k] - example["time_s"]) > 0.02:
                    sys.exit(f"{example['id']}: no frame at {example['time_s']} s (nearest {track.times[k]:.3f} s)")
                found = not np.isnan(track.image[k, 0, 0])
                out[example["id"]] = rounded(PoseResult(track.image[k], track.world[k]) if found else None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["lite", "full", "heavy"])
    parser.add_argument("--only", nargs="+", default=None, help="recompute these sources, keep the rest")
    parser.add_argument("--missing", action="store_true", help="compute only examples not in the files yet")
    parser.add_argument("--media", type=Path, default=MEDIA, help="where the examples' media are")
    args = parser.parse_args()
    examples = load_labels()
    if args.only:
        examples = [e for e in examples if e["source"] in args.only]
    (CORPUS / "landmarks").mkdir(exist_ok=True)
    for model in args.models:
        started = time.perf_counter()
        shards = shard_paths(model)
        keep = (args.only or args.missing) and shards
        landmarks = {k: v for path in shards for k, v in json.loads(path.read_text()).items()} if keep else {}
        todo = [e for e in examples if not (args.missing and e["id"] in landmarks)]
        landmarks.update(photo_landmarks([e for e in todo if e["kind"] == "photo"], model, args.media))
        landmarks.update(frame_landmarks([e for e in todo if e["kind"] == "frame"], model, args.media))
        ids = {e["id"] for e in load_labels()}
        landmarks = {k: landmarks[k] for k in sorted(landmarks) if k in ids}
        write_shards(model, landmarks)
        found = sum(v is not None for v in landmarks.values())
        print(f"{model}: {found}/{len(landmarks)} examples with a person, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

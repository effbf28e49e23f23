"""What finding every person costs: the detector and each landmark model run directly,
against MediaPipe's legacy solution on the same pictures, in one run.

Per clip, the frames are decoded first (sized as the pipeline gives them to the model),
then each is timed, the rows taking turns frame by frame so that this VM's drifting speed
hits every row alike:
  detector        pose_detection.tflite: letterbox, model, decoding, suppression (all people)
  lite/full/heavy one landmark-model run per person found: crop, model, decoding
  legacy static   MediaPipe's graph in static-image mode: its detector and one landmark run
  legacy video    MediaPipe's graph in video mode (what the pipeline runs today): it tracks
                  the person and runs its detector only when it loses them
All one thread. Medians in ms; "per frame, N people" is the detector plus N landmark runs,
what a frame costs where the detector runs on every frame.

Usage:  .venv/bin/python bench/people.py [--clips a.mp4 ...] [--frames 40]
Needs:  ../shared/media (the clips are its paths).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from dance_analyzer.media.video import iter_frames
from dance_analyzer.pose.crop import rois_from_points
from dance_analyzer.pose.detect import Keypoint, PoseDetector
from dance_analyzer.pose.estimator import PoseEstimator
from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE
from dance_analyzer.pose.landmark_model import LandmarkModel
from dance_analyzer.pose.models import MODELS

T = TypeVar("T")
MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
CLIPS = [
    "ballet_spin_1.mp4",
    "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4",
    "multi_person/openpose_street_hug_two_people.avi",
]


def pictures(path: Path, count: int) -> list[np.ndarray]:
    images = [frame.image for frame in iter_frames(path, max_side=INFERENCE_MAX_SIDE) if frame.image is not None]
    step = max(1, len(images) // count)
    return images[::step][:count]


def timed(call: Callable[..., T], *args: Any) -> tuple[float, T]:
    start = time.perf_counter()
    out = call(*args)
    return (time.perf_counter() - start) * 1000, out


def bench_clip(path: Path, count: int) -> None:
    images = pictures(path, count)
    detector = PoseDetector()
    landmarks = {model: LandmarkModel(model) for model in MODELS}
    static = {model: PoseEstimator(model, static_image_mode=True) for model in MODELS}
    video = {model: PoseEstimator(model) for model in MODELS}
    for image in images[:2]:  # first runs set the interpreters up
        found = detector(image)
        rois = rois_from_points(found.keypoints[:1, 0], found.keypoints[:1, 1], image.shape[1], image.shape[0])
        for model in MODELS:
            landmarks[model](image, rois)
            static[model](image)
    times: dict[str, list[float]] = {}
    people: list[int] = []
    for image in images:
        height, width = image.shape[:2]
        ms, found = timed(detector, image)
        times.setdefault("detector", []).append(ms)
        people.append(len(found))
        keypoints = found.keypoints
        rois = rois_from_points(
            keypoints[:, Keypoint.HIP_CENTRE], keypoints[:, Keypoint.FULL_BODY_CIRCLE], width, height
        )
        for model in MODELS:
            for person in range(len(rois)):
                ms, _ = timed(landmarks[model], image, rois[person])
                times.setdefault(f"{model} (per person)", []).append(ms)
            ms, _ = timed(static[model], image)
            times.setdefault(f"legacy static {model}", []).append(ms)
            ms, _ = timed(video[model], image)
            times.setdefault(f"legacy video {model}", []).append(ms)
    for estimator in [*static.values(), *video.values()]:
        estimator.close()

    height, width = images[0].shape[:2]
    print(
        f"\n{path.name}: {len(images)} frames of {width}x{height}, people found per frame: "
        f"{dict(sorted((n, people.count(n)) for n in set(people)))}"
    )
    median = {row: statistics.median(values) for row, values in times.items()}
    for row, value in median.items():
        print(f"  {row:26s} {value:7.1f} ms")
    detector_ms = median["detector"]
    for model in MODELS:
        one = median.get(f"{model} (per person)")
        if one is None:
            continue
        frames = ", ".join(f"{n} people {detector_ms + n * one:.1f}" for n in (1, 2, 4))
        print(
            f"  per frame with {model}: {frames} ms  (legacy static {median[f'legacy static {model}']:.1f}, "
            f"legacy video {median[f'legacy video {model}']:.1f})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", nargs="+", default=CLIPS, help="paths under ../shared/media, or files")
    parser.add_argument("--frames", type=int, default=40, help="frames per clip, spread over it")
    args = parser.parse_args(argv)
    for clip in args.clips:
        path = Path(clip) if Path(clip).is_file() else MEDIA / clip
        if not path.is_file():
            sys.exit(f"not found: {path}")
        bench_clip(path, args.frames)


if __name__ == "__main__":
    main()

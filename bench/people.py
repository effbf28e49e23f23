"""What finding every person costs: the detector and each landmark model run directly,
against MediaPipe's legacy solution on the same pictures, in one run.

Per clip, the frames are decoded first (sized as the pipeline gives them to the model),
then each is timed, the rows taking turns frame by frame so that this VM's drifting speed
hits every row alike:
  detector        pose_detection.tflite: letterbox, model, decoding, suppression (all people)
  lite/full/heavy one landmark-model run per person found: crop, model, decoding
  legacy static   MediaPipe's graph in static-image mode: its detector and one landmark run
  legacy video    MediaPipe's graph in video mode (what the pipeline ran before it followed people
                  by default): it tracks the person and runs its detector only when it loses them
All one thread. Medians in ms; "per frame, N people" is the detector plus N landmark runs,
what a frame costs where the detector runs on every frame.

Then people tracking (pose.people.PeopleTracker: the detector every 10 frames or when
someone is lost, one landmark run per person per frame) against the legacy single-person
loop (MediaPipe's graph in video mode, the pipeline's reader before it followed people) on the same
consecutive frames of a clip with 1, 2 and about 4 people, the two taking turns frame by
frame: frames/s of each, people followed per frame, detector and landmark runs.

Last, whole people=all readings through the worker pool: one worker (the clip followed in
one pass) against two (spans followed side by side and joined, pose.crowd), alternating,
with the wall time, frames/s and the speed-up, and the people each found.

Usage:  .venv/bin/python bench/people.py [--clips a.mp4 ...] [--frames 40] [--track-frames 120]
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
from dance_analyzer.pose.people import PeopleTracker

T = TypeVar("T")
# Clips with 1, 2 and about 4 people followed per frame.
TRACK_CLIPS = [
    "ballet_spin_1.mp4",
    "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4",
    "multi_person/davis_lindy_hop_couples_dancing.mp4",
]
# Long enough to be split in two: a solo, a duet with a flip, a street scene with five.
POOL_CLIPS = [
    "taichi_solo_1.mp4",
    "multi_person/sports2d_demo_jumpingjacks_flip_walker.mp4",
    "multi_person/openpose_street_hug_two_people.avi",
]
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


def bench_tracking(path: Path, count: int, model: str = "full") -> None:
    """People tracking and the legacy loop over the same consecutive frames, alternating."""
    images = [frame.image for frame in iter_frames(path, max_side=INFERENCE_MAX_SIDE) if frame.image is not None]
    images = images[:count]
    tracker = PeopleTracker(LandmarkModel(model))
    legacy = PoseEstimator(model)
    tracker.step(images[0], 0.0)  # first runs set the interpreters up
    legacy(images[0])
    tracker.reset()
    legacy.reset()
    tracker.detector_runs = tracker.landmark_runs = 0
    tracking_s = legacy_s = 0.0
    followed = []
    for index, image in enumerate(images):
        ms, _ = timed(tracker.step, image, index / 30)
        tracking_s += ms / 1000
        followed.append(sum(track.active for track in tracker.tracks))
        ms, _ = timed(legacy, image)
        legacy_s += ms / 1000
    legacy.close()
    n = len(images)
    print(
        f"  {path.name[:40]:40s} {np.mean(followed):4.1f} people  tracking {n / tracking_s:5.1f} frames/s  "
        f"legacy {n / legacy_s:5.1f} frames/s  ({tracker.detector_runs} detector, "
        f"{tracker.landmark_runs} landmark runs in {n} frames)"
    )


def bench_pools(paths: list[Path], repeat: int) -> None:
    """people=all as the server reads it, with one worker and with two, taking turns."""
    from dance_analyzer.workers.pool import AnalysisPool

    pools = {size: AnalysisPool(size) for size in (1, 2)}
    try:
        for path in paths:
            pools[1].people(path)  # each worker loads its tracker once, before timing
            pools[2].people(path)
            seconds: dict[int, list[float]] = {1: [], 2: []}
            cast = {}
            for _ in range(repeat):
                for size, pool in pools.items():
                    start = time.perf_counter()
                    crowd = pool.people(path)
                    seconds[size].append(time.perf_counter() - start)
                    cast[size] = [p.frames_present for p in crowd.persons]
            best = {size: min(s) for size, s in seconds.items()}
            frames = len(crowd.times)
            print(
                f"  {path.name[:40]:40s} {frames:4d} frames  1 worker {best[1]:5.2f} s ({frames / best[1]:5.1f}/s)  "
                f"2 workers {best[2]:5.2f} s ({frames / best[2]:5.1f}/s)  x{best[1] / best[2]:.2f}  "
                f"frames present per person: {cast[1]} / {cast[2]}"
            )
    finally:
        for pool in pools.values():
            pool.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", nargs="+", default=CLIPS, help="paths under ../shared/media, or files")
    parser.add_argument("--frames", type=int, default=40, help="frames per clip, spread over it")
    parser.add_argument("--track-clips", nargs="+", default=TRACK_CLIPS, help="clips for the tracking rows")
    parser.add_argument("--track-frames", type=int, default=120, help="consecutive frames for the tracking rows")
    parser.add_argument("--pool-clips", nargs="+", default=POOL_CLIPS, help="clips for the pool rows")
    parser.add_argument("--repeat", type=int, default=2, help="readings per clip and pool size")
    args = parser.parse_args(argv)
    for clip in args.clips:
        bench_clip(found(clip), args.frames)
    print("\npeople tracking against the legacy single-person loop (full model, same frames):")
    for clip in args.track_clips:
        bench_tracking(found(clip), args.track_frames)
    print("\npeople=all through the worker pool, one worker against two (spans joined):")
    bench_pools([found(clip) for clip in args.pool_clips], args.repeat)


def found(clip: str) -> Path:
    path = Path(clip) if Path(clip).is_file() else MEDIA / clip
    if not path.is_file():
        sys.exit(f"not found: {path}")
    return path


if __name__ == "__main__":
    main()

"""The one analysis pipeline: decode -> landmarks -> features -> labels -> result.

This is the only module that knows the order of the steps. The HTTP API, the CLI and
job workers call :func:`analyze` and translate its result or its typed errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .classify import hold_filter, label_frames, primary_pose, smooth_primary
from .config import Settings
from .definitions import PoseSet, load_definitions
from .features import compute_features
from .pose.estimator import PoseEstimator
from .pose.landmarks import NUM_LANDMARKS
from .summary import frame_details, pose_summary, segments
from .video import Limits, VideoInfo, iter_frames, probe

ProgressFn = Callable[[int, int | None], None]

# MediaPipe's networks look at 256x256 crops; larger pictures only cost decode and
# conversion time. Landmarks are normalised, so they stay in the original frame's space.
INFERENCE_MAX_SIDE = 640


@dataclass(frozen=True)
class AnalysisOptions:
    sample_fps: float | None = None
    include_frames: bool = False
    min_segment_s: float = 0.2


@dataclass
class LandmarkTrack:
    """Landmarks of the analysed frames; NaN rows where no person was found."""

    info: VideoInfo
    total_frames: int
    duration_s: float
    indices: np.ndarray  # (T,) frame numbers in the video
    times: np.ndarray  # (T,) seconds
    image: np.ndarray  # (T, 33, 4)
    world: np.ndarray  # (T, 33, 3)


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_duration_s=settings.max_duration_s,
        max_frames=settings.max_frames,
        max_pixels=settings.max_pixels,
    )


def extract_landmarks(
    path: Path,
    estimator: PoseEstimator,
    *,
    sample_fps: float | None = None,
    limits: Limits = Limits(),
    on_progress: ProgressFn | None = None,
) -> LandmarkTrack:
    info = probe(path, limits)
    expected = info.frame_count or (round(info.duration_s * info.fps) if info.duration_s and info.fps else None)
    estimator.reset()
    indices: list[int] = []
    times: list[float] = []
    image_rows: list[np.ndarray] = []
    world_rows: list[np.ndarray] = []
    missing_image = np.full((NUM_LANDMARKS, 4), np.nan, dtype=np.float32)
    missing_world = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    decoded = 0
    last_t = prev_t = 0.0
    for frame in iter_frames(path, sample_fps=sample_fps, max_side=INFERENCE_MAX_SIDE, limits=limits):
        decoded += 1
        prev_t, last_t = last_t, frame.t
        if frame.image is None:
            continue
        result = estimator(frame.image)
        indices.append(frame.index)
        times.append(frame.t)
        image_rows.append(missing_image if result is None else result.image)
        world_rows.append(missing_world if result is None else result.world)
        if on_progress is not None:
            on_progress(decoded, expected)
    step = (last_t - prev_t) if decoded > 1 else (1.0 / info.fps if info.fps else 0.0)
    return LandmarkTrack(
        info=info,
        total_frames=decoded,
        duration_s=last_t + step,
        indices=np.asarray(indices, dtype=np.int64),
        times=np.asarray(times, dtype=np.float64),
        image=np.stack(image_rows),
        world=np.stack(world_rows),
    )


def classify_track(track: LandmarkTrack, poses: PoseSet, options: AnalysisOptions) -> dict[str, Any]:
    table = compute_features(track.image, track.world)
    labels = hold_filter(label_frames(table, poses), track.times, track.duration_s, options.min_segment_s)
    primary = primary_pose(labels)
    smoothed = smooth_primary(primary, track.times, track.duration_s, options.min_segment_s)
    duration = round(track.duration_s, 3)
    result: dict[str, Any] = {
        "duration_s": duration,
        "pose_summary": pose_summary(primary, poses),
        "processed_frames": int(len(track.indices)),
        "total_frames": track.total_frames,
        "fps": round(track.total_frames / track.duration_s, 3) if track.duration_s > 0 else None,
        "width": track.info.width,
        "height": track.info.height,
        "frames_with_person": int(np.count_nonzero(~np.isnan(track.image[:, 0, 0]))),
        "segments": segments(smoothed, track.times, track.duration_s, poses),
    }
    if options.include_frames:
        result["frames"] = frame_details(track.indices, track.times, labels, track.image, poses)
    return result


def analyze(
    path: Path,
    options: AnalysisOptions = AnalysisOptions(),
    *,
    estimator: PoseEstimator,
    poses: PoseSet | None = None,
    limits: Limits = Limits(),
    on_progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Analyse one video file and return the result JSON (without the filename)."""
    track = extract_landmarks(path, estimator, sample_fps=options.sample_fps, limits=limits, on_progress=on_progress)
    return classify_track(track, poses or load_definitions(), options)

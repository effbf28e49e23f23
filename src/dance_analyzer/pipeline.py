"""The one analysis pipeline: decode -> landmarks -> features -> labels -> result.

This is the only module that knows the order of the steps. The HTTP API, the CLI and
job workers call :func:`analyze` and translate its result or its typed errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .classify import hold_filter, label_frames, primary_pose, smooth_primary
from .definitions import PoseSet, load_definitions
from .features import compute_features
from .movement import movement_report
from .pose.landmarks import NUM_LANDMARKS
from .summary import frame_details, pose_summary, segments
from .video import Limits, VideoInfo, index_packets, iter_frames, probe

if TYPE_CHECKING:  # MediaPipe (seconds to import) and pydantic stay out of processes that don't need them
    from .config import Settings
    from .pose.estimator import PoseEstimator

ProgressFn = Callable[[int, int | None], None]

# MediaPipe's networks look at 256x256 crops; larger pictures only cost decode and
# conversion time. Landmarks are normalised, so they stay in the original frame's space.
INFERENCE_MAX_SIDE = 640

# Chunking for parallel workers (see plan_spans and extract_landmarks).
MIN_SPAN_S = 1.0
# MediaPipe's tracker carries state from frame to frame (the crop it looks at next,
# the smoothing filters), so a span started cold drifts from a single pass for seconds
# and flips labels that sit near a threshold. The filters step once per analysed frame
# (MediaPipe's solution API stamps frames 1/30 s apart whatever the video's rate), so
# the warm-up is counted in analysed frames. Cutting 4 clips at 30/50/70% and comparing
# the 3 s after each cut with a single pass (mean label agreement, worst cut, mean
# landmark error): cold 98.0%, 83%, 1.2e-3; 6 frames 98.9%, 92%, 1.0e-3; 12 frames
# 99.8%, 98.4%, 0.7e-3; 24 frames 99.1%, 89%, 0.5e-3. Every 2nd-6th frame of a longer
# stretch did no better than 6 dense frames. Each warm-up frame is analysed twice.
WARMUP_FRAMES = 12
# Decoding a frame without analysing it costs about this fraction of decoding and
# analysing it, per megapixel of frame: ~4 ms of H.264 decoding per megapixel against
# ~45 ms of inference per frame on one core (bench/bench.py prints both).
DECODE_COST_PER_MPX = 0.09


@dataclass(frozen=True)
class AnalysisOptions:
    sample_fps: float | None = None
    include_frames: bool = False
    min_segment_s: float = 0.2
    rhythm: bool = False  # also decode the audio and line the movement up with its beats


@dataclass(frozen=True)
class Span:
    """A time range ``[start_s, end_s)`` of a video; ``end_s=None`` runs to the end."""

    start_s: float = 0.0
    end_s: float | None = None


@dataclass
class LandmarkTrack:
    """Landmarks of the analysed frames of one span; NaN rows where no person was found."""

    info: VideoInfo
    total_frames: int  # frames decoded in the span, analysed or not
    duration_s: float  # where the span's last frame stops being shown
    indices: np.ndarray  # (T,) frame numbers, counted from the span's first frame
    times: np.ndarray  # (T,) seconds from the start of the video
    image: np.ndarray  # (T, 33, 4)
    world: np.ndarray  # (T, 33, 3)


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_duration_s=settings.max_duration_s,
        max_frames=settings.max_frames,
        max_pixels=settings.max_pixels,
    )


@dataclass(frozen=True)
class SpanPlan:
    info: VideoInfo
    spans: list[Span]
    expected_frames: int


def plan_analysis(path: Path, parts: int, sample_fps: float | None = None, limits: Limits = Limits()) -> SpanPlan:
    """Check a video against the limits and split it for ``parts`` parallel workers."""
    info = probe(path, limits)
    index = index_packets(path, limits)
    share = min(1.0, sample_fps / info.fps) if sample_fps and info.fps else 1.0
    spans = plan_spans(
        info.duration_s or 0.0,
        parts,
        keyframes=index.keyframes,
        analysed_share=share,
        warmup_s=warmup_seconds(info.fps, sample_fps),
        decode_cost=min(0.5, DECODE_COST_PER_MPX * info.width * info.height / 1e6),
    )
    return SpanPlan(info=info, spans=spans, expected_frames=index.packets)


def plan_spans(
    duration_s: float,
    parts: int,
    *,
    keyframes: np.ndarray | None = None,
    analysed_share: float = 1.0,
    decode_cost: float = 0.1,
    warmup_s: float = 0.5,
) -> list[Span]:
    """Split ``[0, duration_s)`` into up to ``parts`` spans that cost the same to analyse.

    Equal lengths are not equal work: a span that starts between keyframes first
    decodes its way from the keyframe before it (for a phone clip with one keyframe
    every 10 s that can be seconds of decoding), and every span after the first
    re-runs ``warmup_s`` of frames. Cuts are placed so that, under a simple cost model
    (an analysed frame costs 1, a frame only decoded ``decode_cost``), every worker
    finishes at once. Videos under MIN_SPAN_S per part are split into fewer parts.
    """
    parts = max(1, min(parts, int(duration_s // MIN_SPAN_S)))
    if parts == 1:
        return [Span()]
    keys = np.sort(np.asarray(keyframes if keyframes is not None and len(keyframes) else [0.0], dtype=np.float64))

    def cost(a: float, b: float) -> float:  # in seconds of video analysed at full rate
        if a <= 0:
            return (b - a) * (analysed_share + decode_cost)
        warm = max(0.0, a - warmup_s)
        key = keys[max(0, np.searchsorted(keys, warm, side="right") - 1)]
        return (b - warm) * (analysed_share + decode_cost) + (warm - min(key, warm)) * decode_cost

    def cuts_for(budget: float) -> tuple[list[float], float]:
        """Greedy cuts giving each span ``budget``; returns them and the last span's cost."""
        cuts: list[float] = []
        a = 0.0
        for _ in range(parts - 1):
            if cost(a, duration_s) <= budget:
                break
            lo, hi = a, duration_s
            for _ in range(40):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if cost(a, mid) < budget else (lo, mid)
            cuts.append(hi)
            a = hi
        return cuts, cost(a, duration_s)

    lo, hi = 0.0, cost(0.0, duration_s)
    for _ in range(40):
        budget = (lo + hi) / 2
        lo, hi = (budget, hi) if cuts_for(budget)[1] > budget else (lo, budget)
    cuts, _ = cuts_for(hi)
    bounds = [0.0, *cuts]
    return [Span(a, b) for a, b in zip(bounds, [*cuts, None], strict=True)]


def warmup_seconds(fps: float | None, sample_fps: float | None) -> float:
    """How far before its start a span begins, to analyse WARMUP_FRAMES frames first."""
    rates = [rate for rate in (fps, sample_fps) if rate]
    return WARMUP_FRAMES / min(rates) if rates else 1.0


def extract_landmarks(
    path: Path,
    estimator: PoseEstimator,
    *,
    span: Span = Span(),
    sample_fps: float | None = None,
    limits: Limits = Limits(),
    on_progress: ProgressFn | None = None,
    info: VideoInfo | None = None,
    interrupt: Callable[[], None] | None = None,
    decoder_threads: int = 0,
) -> LandmarkTrack:
    """Run the model over one span of the video (``info``: the probe, if a planner made it).

    ``interrupt`` is called before every frame and stops the extraction by raising, so
    a withdrawn analysis stops within a frame, warm-up and seeking included.
    ``decoder_threads``: see :func:`video.iter_frames` (1 when other spans run beside).

    A span after the first starts the model WARMUP_FRAMES analysed frames early and drops
    their results:
    in video mode MediaPipe tracks the person from frame to frame and smooths the
    landmarks, so a warmed-up tracker gives the landmarks a single pass would have.
    """
    info = info or probe(path, limits)
    expected = info.frame_count or (round(info.duration_s * info.fps) if info.duration_s and info.fps else None)
    estimator.reset()
    warm_start = max(0.0, span.start_s - warmup_seconds(info.fps, sample_fps))
    indices: list[int] = []
    times: list[float] = []
    image_rows: list[np.ndarray] = []
    world_rows: list[np.ndarray] = []
    missing_image = np.full((NUM_LANDMARKS, 4), np.nan, dtype=np.float32)
    missing_world = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    decoded = 0
    last_t = prev_t = span.start_s
    frames = iter_frames(
        path,
        start_s=warm_start,
        end_s=span.end_s,
        sample_fps=sample_fps,
        max_side=INFERENCE_MAX_SIDE,
        limits=limits,
        decoder_threads=decoder_threads,
    )
    for frame in frames:
        if interrupt is not None:
            interrupt()
        warming_up = frame.t < span.start_s - 1e-6
        if not warming_up:
            decoded += 1
            prev_t, last_t = last_t, frame.t
        if frame.image is None:
            continue
        result = estimator(frame.image)
        if warming_up:
            continue
        indices.append(decoded - 1)
        times.append(frame.t)
        image_rows.append(missing_image if result is None else result.image)
        world_rows.append(missing_world if result is None else result.world)
        if on_progress is not None:
            on_progress(decoded, expected)
    step = (last_t - prev_t) if decoded > 1 else (1.0 / info.fps if info.fps else 0.0)
    return LandmarkTrack(
        info=info,
        total_frames=decoded,
        duration_s=last_t + step if decoded else 0.0,
        indices=np.asarray(indices, dtype=np.int64),
        times=np.asarray(times, dtype=np.float64),
        image=np.stack(image_rows) if image_rows else np.empty((0, NUM_LANDMARKS, 4), np.float32),
        world=np.stack(world_rows) if world_rows else np.empty((0, NUM_LANDMARKS, 3), np.float32),
    )


def join_tracks(tracks: list[LandmarkTrack]) -> LandmarkTrack:
    """Stitch consecutive spans' tracks into the track of the whole video."""
    offsets = np.cumsum([0] + [t.total_frames for t in tracks[:-1]])
    return LandmarkTrack(
        info=tracks[0].info,
        total_frames=sum(t.total_frames for t in tracks),
        duration_s=max(t.duration_s for t in tracks),
        indices=np.concatenate([t.indices + off for t, off in zip(tracks, offsets, strict=True)]),
        times=np.concatenate([t.times for t in tracks]),
        image=np.concatenate([t.image for t in tracks]),
        world=np.concatenate([t.world for t in tracks]),
    )


def analyze_tracks(tracks: list[LandmarkTrack], poses: PoseSet, options: AnalysisOptions) -> dict[str, Any]:
    """Finish an analysis whose spans were extracted separately (e.g. by parallel workers)."""
    return classify_track(join_tracks(tracks), poses, options)


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
    result["movement"], _ = movement_report(track)
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
    result = classify_track(track, poses or load_definitions(), options)
    if options.rhythm:
        result["rhythm"] = rhythm_of(path, track)
    return result


def rhythm_of(path: Path, track: LandmarkTrack) -> dict[str, Any]:
    """The ``rhythm`` section: beats from the audio, movement accents against them."""
    from .rhythm import rhythm_report

    movement, (grid, energy) = movement_report(track)
    return rhythm_report(path, grid, energy, movement["tempo"])

"""Video probing and streaming decode.

Frames are decoded one at a time and never collected, so memory does not grow with
the length of a video. Timestamps come from the stream and frames are counted as they
are decoded, because container frame counts and nominal frame rates are wrong on
variable-frame-rate files. Rotation metadata (portrait phone videos) is applied so
that everything downstream sees the upright picture a person sees.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from ..errors import AnalysisError, CorruptVideo, NoFrameAt, TooLarge, TooLong
from .containers import decoder_guard, open_video
from .shots import ShotWatch

if TYPE_CHECKING:
    from ..config import Settings

# Before a span's start, frames no other frame refers to are not decoded until this
# long before it; from then on everything is, so sampling and warm-up see every frame.
SKIP_NONREF_UNTIL_S = 0.5

# A frame's picture is looked for this far back from the time asked for (further back, the
# first frame after that time is taken): a player's clock shows the frame that began last.
PAUSED_LOOK_BACK_S = 1.0

# Seek targets are int64 ticks: a start after any timestamp (1e300 s, infinity) seeks to
# the end instead of overflowing.
_LAST_TICK = 2**62


@dataclass(frozen=True)
class Limits:
    """What decoding an untrusted file may cost; checked before and while decoding."""

    max_duration_s: float = math.inf
    max_frames: int = 2**62
    max_pixels: int = 2**62

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_duration_s=settings.max_duration_s, max_frames=settings.max_frames, max_pixels=settings.max_pixels
        )


@dataclass(frozen=True)
class VideoInfo:
    """What the container declares, with width/height already upright."""

    width: int
    height: int
    fps: float | None
    duration_s: float | None
    frame_count: int | None
    rotation: int
    codec: str


@dataclass(frozen=True)
class Frame:
    """One decoded frame; ``image`` is None when sampling skipped it. Read ``lazily``,
    a sampled frame's picture is converted only when ``convert`` is called (most frames
    of an adaptive analysis are never looked at)."""

    index: int
    t: float
    image: np.ndarray | None
    convert: Callable[[], np.ndarray] | None = None
    # How the picture changed from the frame decoded before it, and whether it is blank
    # (:mod:`media.shots`): where an edited video cuts.
    change: float = 0.0
    blank: bool = False


def _video_stream(container: av.container.InputContainer, limits: Limits) -> av.VideoStream:
    """The first video stream, once its declared frame size has passed the limit, with the
    decoder's own guard set (the decoder opens on the first packet, with these options)."""
    stream = container.streams.video[0]
    context: av.VideoCodecContext | None = stream.codec_context
    if context is None:  # FFmpeg could not tell the codec (e.g. a damaged sample description)
        raise CorruptVideo("The video stream is damaged: its codec cannot be identified")
    _check_size(int(context.width or 0), int(context.height or 0), limits)
    context.options = {**context.options, **decoder_guard(limits.max_pixels)}
    return stream


def _check_size(width: int, height: int, limits: Limits) -> None:
    error = _size_error(width, height, limits)
    if error is not None:
        raise error


def _size_error(width: int, height: int, limits: Limits) -> TooLarge | None:
    if width * height <= limits.max_pixels:
        return None
    return TooLarge(f"Frame size {width}x{height} is over the limit of {limits.max_pixels} pixels per frame")


def _decoding_failed(stream: av.VideoStream, limits: Limits, damaged: str) -> AnalysisError:
    """A decoder refusing a frame over its guard reports invalid data, as a damaged stream
    does; the frame size it was last given tells the two apart."""
    context = stream.codec_context
    return _size_error(int(context.width or 0), int(context.height or 0), limits) or CorruptVideo(damaged)


def _display_rotation(degrees: float | int | None) -> int:
    """Counter-clockwise rotation to apply for display, snapped to quarter turns."""
    if not degrees:
        return 0
    return int(round(float(degrees) / 90.0)) % 4 * 90


def _upright(image: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 0:
        return image
    return np.ascontiguousarray(np.rot90(image, k=rotation // 90))


def _scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    if not max_side or max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    # Even sizes keep swscale on its fast paths; the aspect error is under one pixel.
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def probe(path: Path, limits: Limits = Limits()) -> VideoInfo:
    """Read the declared properties and decode the first frame, enforcing limits.

    Decoding one frame here means a file that cannot produce a picture is rejected
    before any worker spends time on it.
    """
    container = open_video(path, limits.max_pixels)
    try:
        stream = _video_stream(container, limits)
        fps = float(stream.average_rate) if stream.average_rate else None
        duration = _declared_duration(container, stream)
        if duration is not None and duration > limits.max_duration_s:
            raise TooLong(f"Video is {duration:.1f} s long; the limit is {limits.max_duration_s:g} s")
        frame_count = int(stream.frames) if stream.frames else None
        if frame_count is not None and frame_count > limits.max_frames:
            raise TooLong(f"Video has {frame_count} frames; the limit is {limits.max_frames} frames")
        try:
            first = next(container.decode(stream), None)
        except av.FFmpegError as exc:
            raise _decoding_failed(stream, limits, "The video stream could not be decoded") from exc
        if first is None:
            raise CorruptVideo("The video contains no decodable frames")
        _check_size(first.width, first.height, limits)
        rotation = _display_rotation(first.rotation)
        width, height = (first.width, first.height)
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(
            width=width,
            height=height,
            fps=fps,
            duration_s=duration,
            frame_count=frame_count,
            rotation=rotation,
            codec=stream.codec_context.name,
        )
    finally:
        container.close()


def _declared_duration(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


@dataclass(frozen=True)
class PacketIndex:
    """What the packets say without decoding: frame count and keyframe times (seconds)."""

    packets: int
    keyframes: np.ndarray


def index_packets(path: Path, limits: Limits = Limits()) -> PacketIndex:
    """Read every video packet header (no decoding) to count frames and find keyframes.

    It costs about one read of the file. The count rejects an over-long video before
    any frame is decoded, and chunk planners use the keyframes to weigh what a chunk
    starting between two of them must decode before its first frame.
    """
    container = open_video(path, limits.max_pixels)
    try:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        time_base = float(stream.time_base) if stream.time_base else 0.0
        keyframes: list[float] = []
        packets = 0
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            packets += 1
            if packets > limits.max_frames:
                raise TooLong(f"Video has more than {limits.max_frames} frames (the limit)")
            if packet.is_keyframe and packet.pts is not None:
                keyframes.append(max(0.0, (packet.pts - start) * time_base))
        return PacketIndex(packets=packets, keyframes=np.unique(np.asarray(keyframes, dtype=np.float64)))
    except av.FFmpegError as exc:
        raise CorruptVideo("The video file is damaged: its packets cannot be read") from exc
    finally:
        container.close()


def iter_frames(
    path: Path,
    *,
    start_s: float = 0.0,
    end_s: float | None = None,
    sample_fps: float | None = None,
    max_side: int | None = None,
    limits: Limits = Limits(),
    decoder_threads: int = 0,
    lazy: bool = False,
) -> Generator[Frame, None, None]:
    """Yield the frames shown in ``[start_s, end_s)`` in order; only sampled ones carry an
    RGB image (or, ``lazy``, the means to convert it).

    A later start seeks to the keyframe before it and decodes forward, so a video can
    be split into time chunks that separate processes read independently. ``index``
    counts yielded frames from 0. Unsampled frames are still decoded (the codec needs
    them) and yielded without pixels so callers can count frames and read timestamps.
    Sampling buckets are absolute (``floor(t * sample_fps)``), so chunks sample exactly
    the frames a single pass would. Sampled frames are shrunk in YUV first, then
    colour-converted (the cheapest order), then turned upright.

    ``decoder_threads=0`` lets FFmpeg decode on every core, which a lone analysis
    uses to overlap decoding with inference. Where every core already runs a worker,
    pass 1: the hand-offs between decoder threads only add work (on a 1080x1920 clip,
    10.3 ms of CPU a frame threaded against 8.5 ms single-threaded).
    """
    container = open_video(path, limits.max_pixels)
    try:
        stream = _video_stream(container, limits)
        stream.thread_type = "AUTO"
        stream.thread_count = decoder_threads
        origin = stream.start_time or 0
        time_base = float(stream.time_base) if stream.time_base else None
        nominal_fps = float(stream.average_rate) if stream.average_rate else None
        # Seek a little early so the frame before start_s is decoded too: whether a
        # frame is sampled depends on its predecessor's sampling bucket.
        frames = _decode_from(container, stream, start_s - 2.0 / (nominal_fps or 10.0))
        last_bucket = -1
        index = 0
        shots = ShotWatch()
        before: av.VideoFrame | None = None  # the last frame before start_s, which the first changed from
        try:
            for decoded, frame in enumerate(frames):
                _check_size(frame.width, frame.height, limits)  # the stream may change size: each frame
                t = _frame_time(frame, origin, time_base, decoded, nominal_fps)
                bucket = math.floor(t * sample_fps + 1e-6) if sample_fps else decoded
                if t < start_s - 1e-6:
                    last_bucket = bucket
                    before = frame
                    continue
                if end_s is not None and t >= end_s - 1e-6:
                    break
                if before is not None:
                    shots.see(before)
                    before = None
                change, blank = shots.see(frame)
                if index >= limits.max_frames:
                    raise TooLong(f"Video has more than {limits.max_frames} frames (the limit)")
                if t > limits.max_duration_s:
                    raise TooLong(f"Video runs past {limits.max_duration_s:g} s (the limit)")
                image = convert = None
                if bucket > last_bucket:
                    last_bucket = bucket
                    if lazy:
                        convert = functools.partial(_rgb, frame, max_side)
                    else:
                        image = _rgb(frame, max_side)
                yield Frame(index=index, t=t, image=image, convert=convert, change=change, blank=blank)
                index += 1
        except av.FFmpegError as exc:
            raise _decoding_failed(
                stream, limits, f"The video is damaged: decoding failed after {index} frames"
            ) from exc
        if index == 0 and start_s <= 0:
            raise CorruptVideo("The video contains no decodable frames")
    finally:
        container.close()


def frame_shown_at(path: Path, time_s: float, *, max_side: int | None = None, limits: Limits = Limits()) -> np.ndarray:
    """The RGB picture a player paused at ``time_s`` shows: the last frame that began at
    or before it (the first frame for a time before any), so a time read off a player's
    clock finds its frame at any frame rate. Past the end is :class:`NoFrameAt`.

    One decoder thread: each thread of a frame-threaded decoder sets up its own tables
    for whatever size a hostile stream declares before the frame is refused."""
    start_s = max(0.0, time_s - PAUSED_LOOK_BACK_S)
    frames = iter_frames(path, start_s=start_s, max_side=max_side, limits=limits, decoder_threads=1, lazy=True)
    try:
        shown: Frame | None = None
        shown_for = 0.0  # how long the frame before the last one decoded was shown
        for frame in frames:
            if shown is not None and frame.t > time_s + 1e-6:
                break
            shown_for = frame.t - shown.t if shown is not None else shown_for
            shown = frame
        else:  # the video ended: the last frame is shown about as long as the one before it
            if shown is not None and shown_for > 0 and time_s >= shown.t + shown_for - 1e-6:
                raise NoFrameAt(f"There is no frame at {time_s:g} s: the video ends at {shown.t + shown_for:.2f} s")
        if shown is None or shown.convert is None:  # no frame from start_s on
            raise NoFrameAt(f"There is no frame at {time_s:g} s: the video ends before it")
        return shown.convert()
    finally:
        frames.close()


def _decode_from(
    container: av.container.InputContainer, stream: av.VideoStream, start_s: float
) -> Iterator[av.VideoFrame]:
    """Decoded frames from the keyframe at or before ``start_s`` (from the first frame if 0).

    Until shortly before ``start_s`` the frames only serve as references for later
    ones, so the decoder skips those no other frame refers to (B-frames): on a phone
    clip with one keyframe every 10 s that saves about 40% of the decoding before a cut.
    If the container cannot seek, or lands after the requested time, decoding starts
    again from the beginning: slower, never wrong.
    """
    if start_s <= 0 or not stream.time_base:
        yield from container.decode(stream)
        return
    ticks_per_s = 1 / float(stream.time_base)
    target = int(min((stream.start_time or 0) + start_s * ticks_per_s, _LAST_TICK))
    decode_all_from = target - int(SKIP_NONREF_UNTIL_S * ticks_per_s)
    context = stream.codec_context
    try:
        container.seek(target, stream=stream, backward=True, any_frame=False)
        context.skip_frame = "NONREF"
        frames = _decode_packets(container, stream, decode_all_from)
        first = next(frames, None)
    except av.FFmpegError:
        first, frames = None, iter(())
    if first is not None and first.pts is not None and first.pts <= target:
        yield first
        yield from frames
        return
    context.skip_frame = "DEFAULT"
    container.seek(0, stream=stream, backward=True, any_frame=False)
    yield from container.decode(stream)


def _decode_packets(
    container: av.container.InputContainer, stream: av.VideoStream, decode_all_from: int
) -> Iterator[av.VideoFrame]:
    """Decode, switching from skipping non-reference frames to decoding every frame
    at the first packet shown at or after ``decode_all_from`` (packets come in decode
    order, so every later-shown frame is decoded in full)."""
    context = stream.codec_context
    for packet in container.demux(stream):
        if context.skip_frame != "DEFAULT" and packet.pts is not None and packet.pts >= decode_all_from:
            context.skip_frame = "DEFAULT"
        yield from context.decode(packet)


def _rgb(frame: av.VideoFrame, max_side: int | None) -> np.ndarray:
    """Shrink in YUV (a quarter of the bytes of RGB), then convert, then turn upright.

    swscale runs single-threaded (``threads=1``): PyAV's default spreads each small
    conversion over every core, and the hand-offs (about 20 thread wake-ups a frame)
    left cores idle and made two workers side by side 25% slower than two plain loops.
    Parallelism comes from running one worker per core instead.
    """
    rotation = _display_rotation(frame.rotation)
    width, height = _scaled_size(frame.width, frame.height, max_side)
    if (width, height) != (frame.width, frame.height):
        frame = frame.reformat(width=width, height=height, format="yuv420p", interpolation="AREA", threads=1)
    return _upright(frame.to_ndarray(format="rgb24", threads=1), rotation)


def _frame_time(frame: av.VideoFrame, start: int, time_base: float | None, index: int, fps: float | None) -> float:
    if frame.pts is not None and time_base is not None:
        return max(0.0, (frame.pts - start) * time_base)
    return index / fps if fps else float(index)

"""The annotated video: skeleton, pose name and moves drawn on every frame of the original.

Rendered from an analysis result that carries per-frame landmarks (``frames``), not
by running the model again. Frames stream from the decoder through the drawing into
the encoder one at a time, so memory does not grow with the video's length. The
output is H.264 in MP4 with the index up front (``faststart``), which every browser
plays and can seek while it downloads.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from .media.video import Limits, iter_frames, probe
from .pose.landmarks import MIN_VISIBILITY, SKELETON
from .reports.captions import move_caption

BONE_RGB = (0, 230, 118)
JOINT_RGB = (255, 255, 255)
LABEL_BG_RGB = (20, 20, 20)
LABEL_RGB = (255, 214, 0)
MOVE_RGB = (64, 224, 255)


# Times in a result are rounded (boundaries to 1 ms, frame times to 0.1 ms), so a
# boundary can read up to 0.5 ms after the exact time of the frame it starts at. Each
# boundary is matched to the analysed frame it was taken from: the first one at or
# after it, less this tolerance (safe while analysed frames are over 2 ms apart).
ROUNDING_S = 0.001


class _Timeline:
    """Which landmarks, pose name and moves belong to a frame.

    Everything is laid onto the analysed frames (``frames``) once, by their index in
    the video; a decoded frame shows what its latest analysed frame shows, so the
    skeleton, the pose and the moves change on the same frame, and never by comparing
    a decoder's exact time with a rounded one.
    """

    def __init__(self, result: dict[str, Any]) -> None:
        frames = result.get("frames")
        if frames is None:
            raise ValueError("rendering needs per-frame landmarks: analyse with include_frames")
        self.indices = [f["index"] for f in frames]
        self.landmarks = [None if f["landmarks"] is None else np.asarray(f["landmarks"], np.float32) for f in frames]
        self.times = np.array([f["t"] for f in frames], np.float64)
        self.poses: list[str | None] = [None] * len(frames)
        for segment in result.get("segments", []):
            start, stop = self.span(segment["start_s"], segment["end_s"])
            self.poses[start:stop] = [str(segment["pose"])] * (stop - start)
        self.moves: list[list[str]] = [[] for _ in frames]
        for move in result.get("moves") or []:
            start, stop = self.span(move["start_s"], move["end_s"])
            caption = move_caption(move)
            for k in range(start, max(stop, start + 1) if start < len(frames) else start):
                self.moves[k].append(caption)  # a move shorter than a frame still shows once

    def span(self, start_s: float, end_s: float) -> tuple[int, int]:
        """Analysed frames ``[start, stop)`` from ``start_s`` up to (not including) ``end_s``."""
        start, stop = np.searchsorted(self.times, [start_s - ROUNDING_S, end_s - ROUNDING_S])
        return int(start), int(stop)

    def _at(self, index: int) -> int:
        """The latest analysed frame at or before ``index`` (sampling analyses only some)."""
        return bisect_right(self.indices, index) - 1

    def landmarks_at(self, index: int) -> np.ndarray | None:
        k = self._at(index)
        return self.landmarks[k] if k >= 0 else None

    def pose_at(self, index: int) -> str | None:
        k = self._at(index)
        return self.poses[k] if k >= 0 else None

    def moves_at(self, index: int) -> list[str]:
        k = self._at(index)
        return self.moves[k] if k >= 0 else []


def draw_overlay(
    image: np.ndarray, landmarks: np.ndarray | None, label: str | None, moves: Sequence[str] = ()
) -> np.ndarray:
    """Draw bones, joints, the pose name and the moves happening on an RGB frame, in place.

    The pose name sits in the top-left corner; each move's caption is a line under it
    (in another colour), so a turn or a jump reads beside the pose it happens in.
    """
    height, width = image.shape[:2]
    scale = max(min(width, height) / 720, 0.35)
    if landmarks is not None:
        points = np.column_stack([landmarks[:, 0] * width, landmarks[:, 1] * height]).round().astype(np.int32)
        visible = landmarks[:, 3] >= MIN_VISIBILITY
        thickness = max(2, round(4 * scale))
        for a, b in SKELETON:
            if visible[a] and visible[b]:
                cv2.line(image, tuple(points[a]), tuple(points[b]), BONE_RGB, thickness, cv2.LINE_AA)
        for i in {i for pair in SKELETON for i in pair}:
            if visible[i]:
                cv2.circle(image, tuple(points[i]), thickness + 2, JOINT_RGB, -1, cv2.LINE_AA)
    lines = [(label.replace("_", " "), LABEL_RGB)] if label else []
    lines += [(caption, MOVE_RGB) for caption in moves]
    pad = round(10 * scale)
    top = pad
    for text, colour in lines:
        font_scale, weight = 1.2 * scale, max(1, round(2 * scale))
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, weight)
        cv2.rectangle(image, (pad, top), (pad * 3 + tw, top + pad * 2 + th + base), LABEL_BG_RGB, -1)
        cv2.putText(
            image, text, (pad * 2, top + pad + th), cv2.FONT_HERSHEY_SIMPLEX, font_scale, colour, weight, cv2.LINE_AA
        )
        top += pad * 2 + th + base + max(1, pad // 3)
    return image


def render_overlay(
    video: Path,
    result: dict[str, Any],
    out: Path,
    *,
    limits: Limits = Limits(),
    on_progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Write the annotated copy of ``video`` to ``out``; returns the number of frames written.

    Same frames, same (upright) size and same frame rate as the input. H.264 with 4:2:0
    chroma needs even dimensions: an odd width or height gets one black pixel added.
    Written to a temporary name first, so ``out`` is either complete or absent.
    """
    timeline = _Timeline(result)
    info = probe(video, limits)
    width, height = info.width + info.width % 2, info.height + info.height % 2
    rate = Fraction(result.get("fps") or info.fps or 25).limit_denominator(1001)
    partial = out.with_name(out.name + ".partial")
    written = 0
    try:
        with av.open(str(partial), "w", format="mp4", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"crf": "23", "preset": "veryfast"}
            for frame in iter_frames(video, limits=limits):
                image = frame.image
                if image is None:
                    continue
                if image.shape[1] != width or image.shape[0] != height:
                    image = cv2.copyMakeBorder(
                        image, 0, height - image.shape[0], 0, width - image.shape[1], cv2.BORDER_CONSTANT
                    )
                image = np.array(image, order="C", copy=True)  # writable, whatever the decoder gave
                draw_overlay(
                    image,
                    timeline.landmarks_at(frame.index),
                    timeline.pose_at(frame.index),
                    timeline.moves_at(frame.index),
                )
                encoded = av.VideoFrame.from_ndarray(image, format="rgb24")
                encoded.pts = written
                encoded.time_base = 1 / rate
                container.mux(stream.encode(encoded))
                written += 1
                if on_progress is not None:
                    on_progress(written, result.get("total_frames"))
            container.mux(stream.encode())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return written

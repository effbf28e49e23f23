"""The annotated video: skeleton and pose name drawn on every frame of the original.

Rendered from an analysis result that carries per-frame landmarks (``frames``), not
by running the model again. Frames stream from the decoder through the drawing into
the encoder one at a time, so memory does not grow with the video's length. The
output is H.264 in MP4 with the index up front (``faststart``), which every browser
plays and can seek while it downloads.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from .media.video import Limits, iter_frames, probe
from .pose.landmarks import MIN_VISIBILITY, SKELETON

BONE_RGB = (0, 230, 118)
JOINT_RGB = (255, 255, 255)
LABEL_BG_RGB = (20, 20, 20)
LABEL_RGB = (255, 214, 0)


class _Timeline:
    """Which landmarks and which pose name belong to a frame, by index and time."""

    def __init__(self, result: dict[str, Any]) -> None:
        frames = result.get("frames")
        if frames is None:
            raise ValueError("rendering needs per-frame landmarks: analyse with include_frames")
        self.indices = [f["index"] for f in frames]
        self.landmarks = [None if f["landmarks"] is None else np.asarray(f["landmarks"], np.float32) for f in frames]
        segments = result.get("segments", [])
        self.starts = [s["start_s"] for s in segments]
        self.segments = segments

    def landmarks_at(self, index: int) -> np.ndarray | None:
        """The latest analysed frame at or before ``index`` (sampling analyses only some)."""
        k = bisect_right(self.indices, index) - 1
        return self.landmarks[k] if k >= 0 else None

    def pose_at(self, t: float) -> str | None:
        k = bisect_right(self.starts, t + 1e-6) - 1
        if k >= 0 and t < self.segments[k]["end_s"] - 1e-6:
            return str(self.segments[k]["pose"])
        return None


def draw_overlay(image: np.ndarray, landmarks: np.ndarray | None, label: str | None) -> np.ndarray:
    """Draw bones, joints and the pose name on an RGB frame, in place."""
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
    if label:
        text = label.replace("_", " ")
        font_scale, weight = 1.2 * scale, max(1, round(2 * scale))
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, weight)
        pad = round(10 * scale)
        cv2.rectangle(image, (pad, pad), (pad * 3 + tw, pad * 3 + th + base), LABEL_BG_RGB, -1)
        cv2.putText(
            image, text, (pad * 2, pad * 2 + th), cv2.FONT_HERSHEY_SIMPLEX, font_scale, LABEL_RGB, weight, cv2.LINE_AA
        )
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
                draw_overlay(image, timeline.landmarks_at(frame.index), timeline.pose_at(frame.t))
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

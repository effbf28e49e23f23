"""The annotated video: skeleton, pose name and moves drawn (:mod:`render.drawing`) on
every frame of the original (and of a photo, the annotated picture).

Rendered from an analysis result that carries per-frame landmarks (``frames``), not
by running the model again. A result of ``people=all`` (frames that list ``people``)
gets every person's skeleton in that person's own colour with their id, their pose
("#2 arms up") and their moves above the head; the pose and moves in the corner are the
main dancer's, as for one person (their tag leaves the moves to the corner).

Frames stream from the decoder through the drawing into the encoder one at a time, so
memory does not grow with the video's length. The output is H.264 in MP4 with the
index up front (``faststart``), which every browser plays and can seek while it
downloads.
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

from ..media.sound_copy import SoundtrackCopy
from ..media.still import PICTURE_OUTPUTS, read_picture
from ..media.video import Limits, iter_frames, probe
from ..reports.captions import move_caption
from ..reports.rhythm import count_now
from .drawing import Person, draw_overlay

# The copy's clock: a whole number of ticks per frame at every common frame rate (24, 25,
# 30, 30000/1001, 50, 60), as MPEG's 90 kHz.
TICKS = 90000


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
        # Everyone, when the result follows several people (frames of people=all list them).
        self.people: list[list[Person]] | None = None
        if any(f.get("people") is not None for f in frames):
            moves = {int(p["id"]): self._captions(p.get("moves") or []) for p in result.get("people") or []}
            self.people = [
                [
                    Person(
                        int(p["id"]),
                        np.asarray(p["landmarks"], np.float32),
                        p.get("pose"),
                        tuple(moves[int(p["id"])][k]) if int(p["id"]) in moves else (),
                    )
                    for p in f.get("people") or []
                ]
                for k, f in enumerate(frames)
            ]
        self.main_person: int | None = result.get("main_person")
        self.poses: list[str | None] = [None] * len(frames)
        if all("pose" in f for f in frames):  # the timeline's own pose of each frame
            self.poses = [f["pose"] for f in frames]
        else:  # a result stored before frames carried it
            for segment in result.get("segments", []):
                start, stop = self.span(segment["start_s"], segment["end_s"])
                self.poses[start:stop] = [str(segment["pose"])] * (stop - start)
        self.beats = np.asarray((result.get("rhythm") or {}).get("beats") or [], np.float64)
        self.moves = self._captions(result.get("moves") or [])

    def _captions(self, moves: list[dict[str, Any]]) -> list[list[str]]:
        """Each analysed frame's captions of the ``moves`` happening in it."""
        captions: list[list[str]] = [[] for _ in self.times]
        for move in moves:
            start, stop = self.span(move["start_s"], move["end_s"])
            caption = move_caption(move)
            for k in range(start, max(stop, start + 1) if start < len(captions) else start):
                captions[k].append(caption)  # a move shorter than a frame still shows once
        return captions

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

    def people_at(self, index: int) -> list[Person] | None:
        """Everyone in the frame, or None for a single-person result (draw ``landmarks_at``)."""
        if self.people is None:
            return None
        k = self._at(index)
        return self.people[k] if k >= 0 else []

    def pose_at(self, index: int) -> str | None:
        k = self._at(index)
        return self.poses[k] if k >= 0 else None

    def moves_at(self, index: int) -> list[str]:
        k = self._at(index)
        return self.moves[k] if k >= 0 else []


def render_overlay(
    video: Path,
    result: dict[str, Any],
    out: Path,
    *,
    limits: Limits = Limits(),
    on_progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Write the annotated copy of ``video`` to ``out``; returns the number of frames written.

    Same frames at the same times, same (upright) size and frame rate as the input, and
    its sound (:mod:`media.sound_copy`). H.264 with 4:2:0 chroma needs even dimensions: an odd width or
    height gets one black pixel added.
    Written to a temporary name first, so ``out`` is either complete or absent.
    """
    timeline = _Timeline(result)
    info = probe(video, limits)
    width, height = info.width + info.width % 2, info.height + info.height % 2
    rate = Fraction(result.get("fps") or info.fps or 25).limit_denominator(1001)
    partial = out.with_name(out.name + ".partial")
    written = 0
    sound: SoundtrackCopy | None = None
    try:
        with av.open(str(partial), "w", format="mp4", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            # Tagged with the matrix its YUV is made with (BT.601, below): untagged, players
            # take HD video for BT.709 and shift its greens and reds.
            stream.options = {"crf": "23", "preset": "veryfast", "x264-params": "colormatrix=smpte170m"}
            # Two frames encoded side by side: the worker that renders is alone by then (the
            # analysis has finished), and x264's default threading left the other core idle.
            # More threads barely help and hold more frames in memory.
            stream.codec_context.thread_type, stream.codec_context.thread_count = "FRAME", 2
            stream.codec_context.time_base = Fraction(1, TICKS)
            sound = SoundtrackCopy(video, container)
            shown = -1  # when the frame written last is shown, in ticks
            frame_s = float(1 / rate)  # how long a frame is shown: the sound runs to the end of it
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
                    people=timeline.people_at(frame.index),
                    main_person=timeline.main_person,
                    count=count_now(frame.t, timeline.beats),
                )
                # To YUV 4:2:0 here (BT.601, limited range, as FFmpeg's own conversion): FFmpeg's
                # took more time than the H.264 encoding itself.
                yuv = np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2YUV_I420), dtype=np.uint8)
                encoded = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                # Each frame when the source shows it: a phone's variable frame rate would
                # otherwise drift from the sound (and a frame never shares a tick).
                shown = max(round(frame.t * TICKS), shown + 1)
                encoded.pts, encoded.time_base = shown, Fraction(1, TICKS)
                container.mux(stream.encode(encoded))
                written += 1
                sound.until(shown / TICKS + frame_s)
                if on_progress is not None:
                    on_progress(written, result.get("total_frames"))
            container.mux(stream.encode())
            sound.finish(max(shown, 0) / TICKS + frame_s)
        partial.replace(out)
    finally:
        if sound is not None:
            sound.close()  # the source, if drawing stopped half-way (cancelled, damaged)
        partial.unlink(missing_ok=True)
    return written


# The longest side each picture format can hold: a longer photo (a panorama, a strip) has its
# annotated copy shrunk to fit, rather than none.
PICTURE_MAX_SIDE = {".jpg": 65500, ".webp": 16383}


def render_annotated(
    path: Path,
    result: dict[str, Any],
    out: Path,
    *,
    limits: Limits = Limits(),
    on_progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """The annotated copy of what was analysed: a photo's picture, or a video's video."""
    if result.get("photo"):
        return render_picture(path, result, out, limits=limits)
    return render_overlay(path, result, out, limits=limits, on_progress=on_progress)


def render_picture(path: Path, result: dict[str, Any], out: Path, *, limits: Limits = Limits()) -> int:
    """Write the annotated copy of the photo in ``path`` to ``out``; returns 1 (one frame).

    Drawn on the photo at its own size, upright (the landmarks are fractions of the
    picture, whatever size it was analysed at; shrunk only past what its format can
    hold), and encoded as ``out``'s suffix says (JPEG, PNG or WebP). Written to a
    temporary name first, as a video is.
    """
    encoding = PICTURE_OUTPUTS.get(out.suffix.lower())
    if encoding is None:
        raise ValueError(f"an annotated photo is written as {', '.join(PICTURE_OUTPUTS)}, not {out.name}")
    timeline = _Timeline(result)
    image = read_picture(path, max_side=PICTURE_MAX_SIDE.get(encoding, 2**31), max_pixels=limits.max_pixels)
    held = result.get("poses") or []  # every pose the photo's (main) person holds, not only the first
    draw_overlay(
        image,
        timeline.landmarks_at(0),
        ", ".join(held) or None,
        people=timeline.people_at(0),
        main_person=timeline.main_person,
    )
    ok, data = cv2.imencode(encoding, np.ascontiguousarray(image[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise OSError(f"the picture could not be encoded as {encoding}")
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(data.tobytes())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return 1

"""Shared fixtures: real media from ../shared, and videos generated on the fly."""

from __future__ import annotations

import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for the skeletons and processes helpers

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MEDIA = SHARED / "media"
PEER_TESTS = SHARED / "peer-tests"


def media(name: str) -> Path:
    path = MEDIA / name
    if not path.exists():
        pytest.skip(f"shared media not found: {path} (clone the repo beside ../shared to run this)")
    return path


def peer_test(name: str) -> Path:
    path = PEER_TESTS / name
    if not path.exists():
        pytest.skip(f"peer-test data not found: {path}")
    return path


VideoFactory = Callable[..., Path]


@pytest.fixture
def make_video(tmp_path: Path) -> VideoFactory:
    """Write a small H.264 MP4 whose frames are known: frame i is filled with grey level 10*i.

    ``rotation`` stores display-rotation metadata (counter-clockwise degrees, as phones do),
    ``pts`` overrides timestamps (in 1/1000 s) for variable-frame-rate files.
    ``gop`` sets the keyframe interval and ``b_frames`` the B-frames between references,
    for tests that seek into the middle of a group of pictures.
    """

    def make(
        name: str = "clip.mp4",
        *,
        frames: int = 10,
        width: int = 64,
        height: int = 48,
        fps: int = 10,
        rotation: int = 0,
        pts: list[int] | None = None,
        painter: Callable[[int], np.ndarray] | None = None,
        gop: int | None = None,
        b_frames: int = 0,
    ) -> Path:
        path = tmp_path / name
        with av.open(str(path), "w") as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"bf": str(b_frames), **({"g": str(gop), "sc_threshold": "0"} if gop else {})}
            if pts is not None:
                stream.codec_context.time_base = Fraction(1, 1000)
            if rotation:
                stream.set_display_rotation(rotation)
            for i in range(frames):
                image = painter(i) if painter else np.full((height, width, 3), (10 * i) % 256, np.uint8)
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                if pts is not None:
                    frame.pts = pts[i]
                    frame.time_base = Fraction(1, 1000)
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path

    return make

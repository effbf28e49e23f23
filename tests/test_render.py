"""The annotated video: same frames, size and rate as the input, and the skeleton really drawn."""

from __future__ import annotations

import av
import numpy as np
import pytest

from dance_analyzer.media.video import iter_frames
from dance_analyzer.pipeline import AnalysisOptions, analyze
from dance_analyzer.render import draw_overlay, render_overlay
from dance_analyzer.workers.inline import InlineReader
from tests.support.media import media


def decoded(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, stream.average_rate


def synthetic_result(frames: int, fps: float, *, landmarks_every: int = 1) -> dict:
    """A result whose landmarks are known: a T shape across the middle of the picture."""
    points = np.full((33, 4), 0.5, np.float32)
    points[:, 3] = 1.0
    points[11], points[12] = (0.35, 0.4, 0, 1), (0.65, 0.4, 0, 1)  # shoulders
    points[13], points[14] = (0.2, 0.4, 0, 1), (0.8, 0.4, 0, 1)  # elbows
    points[15], points[16] = (0.05, 0.4, 0, 1), (0.95, 0.4, 0, 1)  # wrists
    return {
        "fps": fps,
        "total_frames": frames,
        "segments": [{"pose": "t_pose", "start_s": 0.0, "end_s": frames / fps, "frames": frames}],
        "frames": [
            {"index": i, "t": i / fps, "poses": ["t_pose"], "landmarks": points.tolist()}
            for i in range(0, frames, landmarks_every)
        ],
    }


def test_the_skeleton_and_label_are_drawn_where_the_landmarks_are():
    image = np.zeros((200, 300, 3), np.uint8)
    points = np.array(synthetic_result(1, 1)["frames"][0]["landmarks"], np.float32)
    draw_overlay(image, points, "t_pose")
    assert image[80, 120].any()  # on the left forearm: wrist (15,80) to elbow (60,80)
    assert not image[190, 150].any()  # far from every bone and the label
    assert image[5:30, 5:60].any()  # the label box, top left
    hidden = points.copy()
    hidden[:, 3] = 0.1  # nothing visible enough: no bones, no joints
    blank = np.zeros_like(image)
    draw_overlay(blank, hidden, None)
    assert not blank.any()


@pytest.mark.parametrize("rotation", [0, 90])
def test_output_matches_the_input_frames_size_and_rate_with_rotation_applied(make_video, tmp_path, rotation):
    clip = make_video(frames=24, width=96, height=64, fps=12, rotation=rotation)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(24, 12.0, landmarks_every=5), out) == 24
    frames, rate = decoded(out)
    upright = (64, 96) if rotation == 0 else (96, 64)
    assert len(frames) == 24 and frames[0].shape[:2] == upright and rate == 12
    originals = [f.image for f in iter_frames(clip)]
    # Sampled landmarks (every 5th frame) still draw on the frames in between.
    for k in (0, 3, 23):
        assert np.abs(frames[k].astype(int) - originals[k].astype(int)).max() > 100
    assert not out.with_name(out.name + ".partial").exists()


def test_odd_sizes_are_padded_to_what_h264_needs(tmp_path):
    odd = tmp_path / "odd.mp4"  # H.264 in 4:2:0 cannot be odd-sized; MPEG-4 part 2 can
    with av.open(str(odd), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 63, 47, "yuv420p"
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.full((47, 63, 3), 40 * i, np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    out = tmp_path / "out.mp4"
    assert render_overlay(odd, synthetic_result(3, 10.0), out) == 3
    frames, _ = decoded(out)
    assert frames[0].shape[:2] == (48, 64)


@pytest.mark.slow
def test_a_real_clip_gets_its_skeleton_drawn_around_the_real_landmarks(tmp_path):
    clip = media("squat_band_1.mp4")
    with InlineReader() as reader:
        result = analyze(clip, AnalysisOptions(include_frames=True), reader=reader)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, result, out) == result["total_frames"] == 65
    frames, rate = decoded(out)
    originals = [f.image for f in iter_frames(clip)]
    assert len(frames) == 65 and frames[0].shape == originals[0].shape and rate == 5
    k = 30
    hip = np.array(result["frames"][k]["landmarks"][23][:2]) * (720, 1280)
    x, y = hip.round().astype(int)
    around = np.s_[y - 6 : y + 7, x - 6 : x + 7]
    assert np.abs(frames[k][around].astype(int) - originals[k][around].astype(int)).max() > 80
    corner = np.s_[1200:1270, 620:710]  # floor, far from the dancer and the label
    assert np.abs(frames[k][corner].astype(int) - originals[k][corner].astype(int)).mean() < 6

import shutil
import subprocess

import numpy as np
import pytest

from dance_analyzer.errors import CorruptVideo, EmptyFile, NotAVideo, TooLarge, TooLong
from dance_analyzer.video import Limits, iter_frames, probe


def marked(height, width):
    """A picture with a white block in its top-left corner, to see which way is up."""

    def paint(_i):
        image = np.zeros((height, width, 3), np.uint8)
        image[: height // 4, : width // 4] = 255
        return image

    return paint


def test_probe_and_decode_count_frames_and_read_timestamps(make_video):
    path = make_video(frames=12, fps=4, width=80, height=60)
    info = probe(path)
    assert (info.width, info.height, info.rotation) == (80, 60, 0)
    assert info.fps == pytest.approx(4)
    frames = list(iter_frames(path))
    assert [f.index for f in frames] == list(range(12))
    np.testing.assert_allclose([f.t for f in frames], np.arange(12) / 4, atol=1e-6)
    assert frames[3].image.shape == (60, 80, 3)
    assert abs(int(frames[3].image.mean()) - 30) <= 3  # frame i is grey 10*i


def test_variable_frame_rate_timestamps_come_from_the_stream(make_video):
    pts = [0, 100, 150, 400, 1000]  # ms, irregular
    path = make_video(frames=5, pts=pts)
    np.testing.assert_allclose([f.t for f in iter_frames(path)], np.array(pts) / 1000, atol=1e-3)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_metadata_is_applied_like_ffmpeg_does(make_video, rotation):
    path = make_video(frames=2, width=64, height=32, rotation=rotation, painter=marked(32, 64))
    info = probe(path)
    ours = next(iter_frames(path)).image
    assert (info.width, info.height) == (ours.shape[1], ours.shape[0])
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg CLI not installed: cannot compare with its autorotation")
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    reference = np.frombuffer(raw, np.uint8).reshape(ours.shape)
    assert np.abs(reference.astype(int) - ours.astype(int)).mean() < 8


def test_sampling_keeps_one_frame_per_interval_but_counts_all(make_video):
    path = make_video(frames=30, fps=30)
    frames = list(iter_frames(path, sample_fps=10))
    assert len(frames) == 30
    kept = [f.index for f in frames if f.image is not None]
    assert kept == list(range(0, 30, 3))


def test_downscaling_keeps_the_aspect_ratio(make_video):
    frame = next(iter_frames(make_video(frames=1, width=640, height=360), max_side=320))
    assert frame.image.shape == (180, 320, 3)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile):
        probe(path)


@pytest.mark.parametrize("content", [b"hello, I am text\n" * 20, bytes(range(256)) * 8])
def test_not_a_video(tmp_path, content):
    path = tmp_path / "x.mp4"
    path.write_bytes(content)
    with pytest.raises(NotAVideo):
        probe(path)


def test_truncated_mp4_is_reported_as_damaged(make_video, tmp_path):
    whole = make_video(frames=20).read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(CorruptVideo):
        probe(path)


def test_limits_are_checked_before_decoding(make_video):
    path = make_video(frames=20, fps=10, width=64, height=48)
    with pytest.raises(TooLarge, match="pixels"):
        probe(path, Limits(max_pixels=64 * 48 - 1))
    with pytest.raises(TooLong, match="limit is 1 s"):
        probe(path, Limits(max_duration_s=1))
    with pytest.raises(TooLong, match="frames"):
        list(iter_frames(path, limits=Limits(max_frames=5)))

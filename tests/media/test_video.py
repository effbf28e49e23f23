import math
import re
import shutil
import struct
import subprocess

import numpy as np
import pytest

from dance_analyzer.errors import CorruptVideo, EmptyFile, NoFrameAt, NotAVideo, TooLarge, TooLong
from dance_analyzer.media.video import Limits, frame_shown_at, index_packets, iter_frames, probe
from tests.support.media import media
from tests.support.mutations import atoms


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


def test_packet_index_counts_frames_and_finds_the_keyframes(make_video):
    path = make_video(frames=30, fps=10, gop=10, b_frames=2)
    index = index_packets(path)
    assert index.packets == 30
    np.testing.assert_allclose(index.keyframes, [0.0, 1.0, 2.0], atol=1e-6)
    with pytest.raises(TooLong, match="more than 29 frames"):
        index_packets(path, Limits(max_frames=29))


@pytest.mark.parametrize("sample_fps", [None, 4])
def test_spans_seek_mid_gop_and_together_yield_exactly_the_frames_of_one_pass(make_video, sample_fps):
    path = make_video(frames=40, fps=10, gop=12, b_frames=2)
    whole = list(iter_frames(path, sample_fps=sample_fps))
    cuts = [0.0, 0.55, 1.7, 2.4]  # keyframes at 0, 1.2, 2.4 s: two cuts mid-GOP, one on a keyframe
    pieces = [
        list(iter_frames(path, start_s=a, end_s=b, sample_fps=sample_fps))
        for a, b in zip(cuts, [*cuts[1:], None], strict=True)
    ]
    joined = [frame for piece in pieces for frame in piece]
    assert [f.t for f in joined] == pytest.approx([f.t for f in whole])
    for piece in pieces:
        assert [f.index for f in piece] == list(range(len(piece)))
    for ours, reference in zip(joined, whole, strict=True):
        assert (ours.image is None) == (reference.image is None)
        if ours.image is not None:
            np.testing.assert_array_equal(ours.image, reference.image)
    assert len(pieces[1]) == 11  # 0.6 .. 1.6 s


def test_a_span_past_the_end_is_empty_not_an_error(make_video):
    path = make_video(frames=10, fps=10)
    assert list(iter_frames(path, start_s=5.0)) == []


def test_a_single_decoder_thread_gives_the_same_pictures():
    """Pool workers decode single-threaded; that must change the cost, never the pixels."""
    clip = media("dance_solo_2.mp4")  # a real H.264 clip with B-frames
    threaded = [f.image for f in iter_frames(clip, end_s=2.0, max_side=640)]
    single = [f.image for f in iter_frames(clip, end_s=2.0, max_side=640, decoder_threads=1)]
    assert len(single) == len(threaded) > 20
    for a, b in zip(single, threaded, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_stream_ffmpeg_cannot_identify_is_a_damaged_video(make_video, tmp_path):
    """A `vmhd` atom whose size field says 10 (it is 20) leaves the video track without
    a codec: every reader must call that a damaged video, never fail on the missing codec."""
    data = bytearray(make_video(frames=10).read_bytes())
    vmhd = next(atom for atom in atoms(bytes(data)) if atom.kind == b"vmhd")
    struct.pack_into(">I", data, vmhd.offset, 10)
    path = tmp_path / "unidentified.mp4"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptVideo, match="codec"):
        probe(path)
    with pytest.raises(CorruptVideo, match="codec"):
        next(iter_frames(path))
    with pytest.raises(CorruptVideo, match="codec"):
        next(iter_frames(path, start_s=0.5))


@pytest.mark.parametrize("start_s", [1e300, math.inf])
def test_a_start_past_any_timestamp_yields_no_frame(make_video, start_s):
    assert list(iter_frames(make_video(frames=10), start_s=start_s)) == []


def _grey_level(image):
    return round(float(image.mean()) / 10)  # frame i is grey 10*i


@pytest.mark.parametrize(
    ("time_s", "frame"),
    [(0.0, 0), (0.099, 0), (0.1, 1), (0.45, 1), (0.7, 2), (1.2, 2), (1.69, 3), (1.7, 4), (1.85, 4), (0.05, 0)],
)
def test_the_frame_shown_at_a_time_is_the_last_that_began_before_it(make_video, time_s, frame):
    """As a paused player shows it: frames at 0, 0.1, 0.7, 1.5 and 1.7 s (variable rate), each
    shown until the next begins."""
    path = make_video(frames=5, pts=[0, 100, 700, 1500, 1700])
    assert _grey_level(frame_shown_at(path, time_s)) == frame


@pytest.mark.parametrize("time_s", [1.0, 1.5, 30.0, 1e300])
def test_a_time_past_the_last_frame_is_refused_with_where_the_video_ends(make_video, time_s):
    path = make_video(frames=10, fps=10)  # the last frame is shown from 0.9 to 1.0 s
    with pytest.raises(NoFrameAt, match=re.escape(f"no frame at {time_s:g} s: the video ends")):
        frame_shown_at(path, time_s)
    assert _grey_level(frame_shown_at(path, 0.99)) == 9


def test_a_frame_further_back_than_the_look_back_gives_way_to_the_next(make_video):
    """Frames far apart (a slideshow): between them, the next frame, not an error."""
    path = make_video(frames=3, pts=[0, 3000, 3100])
    assert _grey_level(frame_shown_at(path, 2.5)) == 1

"""Tracks of consecutive spans stitched into the track of the whole video."""

import numpy as np
import pytest

from dance_analyzer.media.video import VideoInfo
from dance_analyzer.pose.track import LandmarkTrack, join_tracks

INFO = VideoInfo(width=64, height=48, fps=10.0, duration_s=None, frame_count=None, rotation=0, codec="h264")


def track(first_t: float, n: int, step: float = 0.1, analysed_every: int = 1) -> LandmarkTrack:
    kept = np.arange(0, n, analysed_every)
    return LandmarkTrack(
        info=INFO,
        total_frames=n,
        duration_s=first_t + n * step,
        indices=kept,
        times=first_t + kept * step,
        image=np.full((len(kept), 33, 4), first_t, np.float32),
        world=np.zeros((len(kept), 33, 3), np.float32),
    )


def test_joined_tracks_number_frames_across_spans_and_keep_the_last_end():
    joined = join_tracks([track(0.0, 5), track(0.5, 4, analysed_every=2), track(0.9, 3)])
    assert joined.total_frames == 12
    assert joined.indices.tolist() == [0, 1, 2, 3, 4, 5, 7, 9, 10, 11]
    np.testing.assert_allclose(joined.times, np.array([0, 1, 2, 3, 4, 5, 7, 9, 10, 11]) / 10)
    assert joined.duration_s == pytest.approx(1.2)
    assert joined.image[:, 0, 0].tolist() == [0.0] * 5 + [0.5] * 2 + [pytest.approx(0.9)] * 3


def test_an_empty_last_span_does_not_shorten_the_video():
    empty = LandmarkTrack(INFO, 0, 0.0, np.empty(0, np.int64), np.empty(0), np.empty((0, 33, 4)), np.empty((0, 33, 3)))
    joined = join_tracks([track(0.0, 5), empty])
    assert (joined.total_frames, joined.duration_s) == (5, pytest.approx(0.5))

import numpy as np
import pytest

from dance_analyzer.media.shots import MIN_CHANGE, ShotRows, shot_bounds, shot_starts
from dance_analyzer.media.video import iter_frames
from tests.support.media import media, spliced_video


def starts_in(path, sample_fps=None):
    rows = ShotRows()
    for frame in iter_frames(path, sample_fps=sample_fps):
        rows.decoded(frame.change)
        if frame.image is not None:
            rows.row(frame.blank)
    return np.flatnonzero(rows.starts()).tolist()


def test_a_lone_jump_in_the_picture_starts_a_shot_and_steady_change_does_not():
    still = np.full(20, 0.02)
    cut = still.copy()
    cut[8] = 0.9
    assert np.flatnonzero(shot_starts(cut, np.zeros(20, bool))).tolist() == [8]
    # A fast pan changes every frame as much: no frame stands out.
    assert not shot_starts(np.full(20, 0.6), np.zeros(20, bool)).any()
    # A jump below the floor is not a cut, however it stands out.
    small = still.copy()
    small[8] = MIN_CHANGE * 0.9
    assert not shot_starts(small, np.zeros(20, bool)).any()
    # Nor is the start of the video.
    first = still.copy()
    first[0] = 0.9
    assert not shot_starts(first, np.zeros(20, bool)).any()


def test_a_fade_through_black_is_a_shot_of_its_own():
    blank = np.zeros(20, bool)
    blank[5:9] = True
    assert np.flatnonzero(shot_starts(np.full(20, 0.02), blank)).tolist() == [5, 9]
    assert shot_bounds(shot_starts(np.full(20, 0.02), blank), 20) == [(0, 5), (5, 9), (9, 20)]
    assert shot_bounds(None, 7) == [(0, 7)]


def test_rows_keep_the_biggest_change_of_the_frames_sampling_skipped():
    rows = ShotRows()
    for k in range(30):
        rows.decoded(0.9 if k == 16 else 0.02)  # a cut on a frame no row reads
        if k % 3 == 0:
            rows.row(blank=False)
    assert np.flatnonzero(rows.starts()).tolist() == [6]  # the row after it
    assert np.flatnonzero(rows.starts(skip=2)).tolist() == [4]  # a warm-up left out


def test_cuts_of_an_edited_video_are_found_on_their_frame(tmp_path):
    parts = [(media("taichi_solo_1.mp4"), 45), (media("dance_solo_1.mp4"), 40), (media("ballet_spin_1.mp4"), 30)]
    assert starts_in(spliced_video(tmp_path / "cut.mp4", parts)) == [45, 85]
    assert starts_in(spliced_video(tmp_path / "fade.mp4", parts, blank_between=3)) == [45, 48, 88, 91]
    # Sampled at 10 frames/s (every third frame), the cut lands on the first row after it.
    assert starts_in(tmp_path / "cut.mp4", sample_fps=10) == [15, 29]


@pytest.mark.parametrize(
    "name",
    [
        "dance_solo_1.mp4",
        "taichi_solo_1.mp4",
        "ballet_spin_1.mp4",
        "solo_dance/davis_dance_twirl_contemporary.mp4",  # a fast handheld pan after a spinning dancer
        "solo_dance/davis_breakdance_floorwork.mp4",
        "multi_person/sports2d_demo_jumpingjacks_flip_walker.mp4",  # the sun flickering through trees
    ],
)
def test_one_continuous_shot_has_no_cut(name):
    assert starts_in(media(name)) == []

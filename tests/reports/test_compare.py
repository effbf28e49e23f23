"""Comparing dances: DTW on synthetic sequences with a known answer, then real clips and edits of them."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from dance_analyzer.errors import NoPersonFound
from dance_analyzer.media.video import VideoInfo
from dance_analyzer.pose.estimator import PoseEstimator
from dance_analyzer.pose.extract import extract_landmarks
from dance_analyzer.pose.track import LandmarkTrack
from dance_analyzer.reports.compare import (
    FEATURE_NAMES,
    MIN_WORST_DEG,
    RATE_HZ,
    align,
    compare_tracks,
    subsequence_dtw,
    unrelated_warning,
)
from tests.support import skeletons as S
from tests.support.media import media
from tests.support.skeletons import skeleton


def sequence(t: np.ndarray) -> np.ndarray:
    """(N, F) angles: every feature a different smooth movement of the same dance."""
    return np.stack([90 + 40 * np.sin(2 * np.pi * (0.3 + 0.05 * f) * t + f) for f in range(len(FEATURE_NAMES))], 1)


def test_dtw_of_a_sequence_with_itself_is_the_diagonal():
    seq = sequence(np.arange(0, 5, 1 / RATE_HZ))
    cost = np.abs(seq[:, None, 0] - seq[None, :, 0])
    path, mean = subsequence_dtw(cost)
    assert mean == 0 and (path[:, 0] == path[:, 1]).all() and len(path) == len(seq)


def test_a_late_start_is_found_as_an_offset():
    reference = sequence(np.arange(0, 10, 1 / RATE_HZ))
    attempt = sequence(np.arange(2, 8, 1 / RATE_HZ))  # starts 2 s into the choreography
    alignment = align(attempt, reference)
    assert alignment.mean_cost < 1e-9
    assert alignment.reference_idx[0] / RATE_HZ == pytest.approx(2.0)
    assert alignment.attempt_idx[0] == 0 and alignment.attempt_idx[-1] == len(attempt) - 1


def test_a_slower_tempo_is_found_as_a_warp():
    reference = sequence(np.arange(0, 8, 1 / RATE_HZ))
    attempt = sequence(np.arange(0, 10, 1 / RATE_HZ) * 0.8)  # the same dance, 25% slower
    alignment = align(attempt, reference)
    slope = np.polyfit(alignment.attempt_idx, alignment.reference_idx, 1)[0]
    assert slope == pytest.approx(0.8, abs=0.03)
    assert alignment.mean_cost < 5.0  # the 10 Hz grids never sample the same instants


def test_a_different_dance_costs_more():
    reference = sequence(np.arange(0, 8, 1 / RATE_HZ))
    other = 90 + 40 * np.cos(np.arange(0, 8, 1 / RATE_HZ)[:, None] * 1.7 + np.arange(len(FEATURE_NAMES)))
    assert align(other, reference).mean_cost > 10


# ---------------------------------------------------------------- real clips

SAMPLE_FPS = 15


def _ffmpeg(source, out, *args):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (scripts/test.sh installs it as root)")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), *args, "-an", "-c:v", "libx264", str(out)],
                   check=True)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def tracks(tmp_path_factory):
    """Landmarks of dance_solo_2 and of edited copies made here with ffmpeg."""
    tmp = tmp_path_factory.mktemp("compare")
    original = media("dance_solo_2.mp4")
    clips = {
        "original": original,
        "late": _ffmpeg(original, tmp / "late.mp4", "-ss", "1"),  # starts 1 s into the dance
        "slow": _ffmpeg(original, tmp / "slow.mp4", "-vf", "setpts=1.25*PTS", "-r", "30"),
        "mirrored": _ffmpeg(original, tmp / "mirrored.mp4", "-vf", "hflip"),
        "other": media("taichi_solo_1.mp4"),
    }
    with PoseEstimator() as estimator:
        return {name: extract_landmarks(path, estimator, sample_fps=SAMPLE_FPS) for name, path in clips.items()}


@pytest.mark.slow
def test_a_clip_compared_with_itself_scores_100(tracks):
    result = compare_tracks(tracks["original"], tracks["original"])
    assert result["similarity"] == 100.0 and result["offset_s"] == 0 and result["tempo_ratio"] == 1.0
    assert all(part["score"] == 100.0 for part in result["body_parts"].values())
    assert result["warnings"] == []


@pytest.mark.slow
def test_a_late_start_still_scores_high_with_the_right_offset(tracks):
    result = compare_tracks(tracks["original"], tracks["late"])
    assert result["similarity"] >= 90
    assert result["offset_s"] == pytest.approx(1.0, abs=0.2)
    assert result["sync_map"][0][1] == pytest.approx(1.0, abs=0.2)  # attempt 0 s -> reference 1 s


@pytest.mark.slow
def test_a_slowed_copy_scores_high_with_the_tempo_found(tracks):
    result = compare_tracks(tracks["original"], tracks["slow"])
    assert result["similarity"] >= 85
    assert result["tempo_ratio"] == pytest.approx(0.8, abs=0.05)  # reference seconds per attempt second
    assert result["warnings"] == [] and compare_tracks(tracks["original"], tracks["late"])["warnings"] == []


@pytest.mark.slow
def test_a_different_dance_scores_clearly_lower_and_says_where(tracks):
    same = compare_tracks(tracks["original"], tracks["late"])["similarity"]
    result = compare_tracks(tracks["original"], tracks["other"])
    assert result["similarity"] <= 75 and same - result["similarity"] >= 20
    worst = result["worst_moments"]
    assert 1 <= len(worst) <= 3 and worst[0]["deviation_deg"] >= 15
    assert worst[0]["body_part"] in result["body_parts"]
    assert worst[0]["attempt_end_s"] - worst[0]["attempt_start_s"] == pytest.approx(1.0)
    assert [w["code"] for w in result["warnings"]] == ["unrelated"]  # a score, but not a grade


@pytest.mark.slow
def test_a_mirrored_copy_matches_when_compared_as_a_mirror(tracks):
    """As filmed, a mirrored dance is a different dance (left is right); mirror=True undoes it."""
    as_filmed = compare_tracks(tracks["original"], tracks["mirrored"])
    assert as_filmed["mirrored_similarity"] >= as_filmed["as_filmed_similarity"] + 8
    assert as_filmed["similarity"] == as_filmed["as_filmed_similarity"]
    mirrored = compare_tracks(tracks["original"], tracks["mirrored"], mirror=True)
    assert mirrored["similarity"] == as_filmed["mirrored_similarity"] >= 75
    assert mirrored["warnings"] == []


def test_unrelated_videos_are_named_by_an_implausible_warp_or_a_low_score():
    assert unrelated_warning(92.0, 1.0) == [] and unrelated_warning(60.0, 0.6) == []
    (fast,) = unrelated_warning(80.0, 3.58)
    assert fast["code"] == "unrelated" and "3.58 times" in fast["message"]
    assert "no stretch" in unrelated_warning(80.0, 0.0)[0]["message"]
    assert "40/100" in unrelated_warning(40.0, 1.1)[0]["message"]


def _track(found: bool) -> LandmarkTrack:
    """3 s at 10 frames/s of a standing skeleton, or of nobody."""
    image, world = skeleton()
    n = 30
    image_t = np.repeat(image[None].astype(np.float32), n, 0)
    world_t = np.repeat(world[None].astype(np.float32), n, 0)
    if not found:
        image_t[:], world_t[:] = np.nan, np.nan
    info = VideoInfo(width=640, height=480, fps=10.0, duration_s=3.0, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, 3.0, np.arange(n), np.arange(n) / 10.0, image_t, world_t)


def test_no_person_in_one_video_says_which():
    empty = _track(found=False)
    with pytest.raises(NoPersonFound, match="attempt video"):
        compare_tracks(_track(found=True), empty)
    with pytest.raises(NoPersonFound, match="reference video"):
        compare_tracks(empty, _track(found=True))
    nobody_in_photo = _poses_track(S.T_POSE, photo=True)
    nobody_in_photo.image[:], nobody_in_photo.world[:] = np.nan, np.nan
    with pytest.raises(NoPersonFound, match="No person was found in the reference photo"):
        compare_tracks(nobody_in_photo, _track(found=True))


def _poses_track(*poses: dict, seconds_each: float = 1.0, photo: bool = False) -> LandmarkTrack:
    """Each pose held ``seconds_each`` at 10 frames/s, one after the other; or, with
    ``photo``, the first pose as a photo (one frame lasting no time)."""
    if photo:
        image, world = skeleton(**poses[0])
        info = VideoInfo(width=640, height=480, fps=None, duration_s=0.0, frame_count=1, rotation=0, codec="picture")
        return LandmarkTrack(info, 1, 0.0, np.arange(1), np.zeros(1), image[None], world[None])
    n = round(10 * seconds_each)
    bodies = [skeleton(**pose) for pose in poses for _ in range(n)]
    image, world = np.stack([b[0] for b in bodies]), np.stack([b[1] for b in bodies])
    total, duration = len(bodies), len(bodies) / 10
    info = VideoInfo(width=640, height=480, fps=10.0, duration_s=duration, frame_count=total, rotation=0, codec="h264")
    return LandmarkTrack(info, total, duration, np.arange(total), np.arange(total) / 10.0, image, world)


def test_a_photo_is_matched_with_the_moment_of_a_video_that_comes_closest_to_its_pose():
    dance = _poses_track(S.STANDING, S.ARMS_UP, S.T_POSE, S.SQUAT)  # the T from 2 to 3 s
    photo = _poses_track(S.T_POSE, photo=True)
    for reference, attempt, photo_side in ((photo, dance, "reference"), (dance, photo, "attempt")):
        result = compare_tracks(reference, attempt)
        closest = result["closest_moment"]
        video_s = closest["attempt_s" if photo_side == "reference" else "reference_s"]
        photo_s = closest["reference_s" if photo_side == "reference" else "attempt_s"]
        assert 2.0 <= video_s < 3.0 and photo_s == 0.0, result
        assert result["similarity"] == 100.0 and result["warnings"] == [] and result["worst_moments"] == []
        assert result[photo_side] == {"duration_s": 0.0, "frames": 1, "photo": True}
        other = "attempt" if photo_side == "reference" else "reference"
        assert "photo" not in result[other] and result[other]["frames"] == 40
    # A pose the dance never holds: said in a photo's words, naming which side is which.
    (far,) = compare_tracks(_poses_track(S.LUNGE, photo=True), _poses_track(S.ARMS_UP, S.T_POSE))["warnings"]
    assert (
        far["code"] == "unrelated"
        and "attempt video never comes close to the pose in the reference photo" in (far["message"])
    )


def test_two_photos_are_compared_as_two_moments():
    same = compare_tracks(_poses_track(S.T_POSE, photo=True), _poses_track(S.T_POSE, photo=True))
    assert same["similarity"] == 100.0 and same["closest_moment"] == {"attempt_s": 0.0, "reference_s": 0.0}
    assert same["tempo_ratio"] == 1.0 and same["offset_s"] == 0.0 and same["warnings"] == []
    apart = compare_tracks(_poses_track(S.T_POSE, photo=True), _poses_track(S.SQUAT, photo=True))
    assert apart["similarity"] < 60 and apart["body_parts"]["left_arm"]["score"] < 60
    assert "These two photos do not show the same pose" in apart["warnings"][0]["message"]
    one_sided = _poses_track(S.ONE_ARM_UP, photo=True)  # the left arm up
    mirror = _poses_track({"right_arm": S.ONE_ARM_UP["left_arm"]}, photo=True)
    as_in_a_mirror = compare_tracks(one_sided, mirror, mirror=True)
    assert as_in_a_mirror["similarity"] == 100.0 and as_in_a_mirror["as_filmed_similarity"] < 90


def _arms_rising(start_s: float, end_s: float) -> LandmarkTrack:
    """Both arms rising steadily (40 degrees a second from hanging at 0 s), at 10 frames/s
    from ``start_s`` to ``end_s``: a movement whose every moment is its own."""
    bodies = [skeleton(left_arm=S.Arm(10 + 40 * t, 10 + 40 * t), right_arm=S.Arm(10 + 40 * t, 10 + 40 * t))
              for t in np.arange(start_s, end_s - 1e-9, 0.1)]  # fmt: skip
    image, world = np.stack([b[0] for b in bodies]), np.stack([b[1] for b in bodies])
    n, duration = len(bodies), len(bodies) / 10
    info = VideoInfo(width=640, height=480, fps=10.0, duration_s=duration, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, duration, np.arange(n), np.arange(n) / 10.0, image, world)


def test_an_attempt_that_stops_half_way_is_scored_on_that_half_and_says_so():
    reference = _arms_rising(0, 4)
    half = compare_tracks(reference, _arms_rising(0, 2))  # the first 2 s of it
    assert half["similarity"] == 100.0  # what was danced matches...
    covered = half["covered"]
    assert (covered["reference_start_s"], covered["reference_end_s"]) == (0.0, 2.0)
    assert (covered["attempt_start_s"], covered["attempt_end_s"]) == (0.0, 2.0)
    assert covered["reference_share"] == 0.5
    (warning,) = half["warnings"]  # ...and the result says it is half of the reference
    assert warning["code"] == "partial" and "only 0.0-2.0 s of the reference's 4.0 s (50%)" in warning["message"]
    whole = compare_tracks(reference, reference)
    assert whole["covered"]["reference_share"] == 1.0 and whole["warnings"] == []
    most = compare_tracks(reference, _arms_rising(0.4, 4))  # a late start, most of it danced
    assert most["covered"]["reference_share"] == 0.9 and most["warnings"] == []


def test_a_reference_found_inside_a_longer_attempt_is_no_partial_comparison():
    """The teacher's one section against a student's whole run: the section is matched in full."""
    result = compare_tracks(_arms_rising(1, 3), _arms_rising(0, 4))
    covered = result["covered"]
    assert covered["reference_share"] == 1.0 and result["warnings"] == []
    assert (covered["attempt_start_s"], covered["attempt_end_s"]) == (1.0, 3.0)


def test_only_moments_off_by_a_few_degrees_or_more_are_named():
    reference = _poses_track(S.STANDING, S.ARMS_UP, S.T_POSE, S.SQUAT)
    assert compare_tracks(reference, reference)["worst_moments"] == []  # nothing to name in a perfect copy
    wrong = compare_tracks(reference, _poses_track(S.STANDING, S.ARMS_UP, S.ARMS_UP, S.SQUAT))
    assert wrong["worst_moments"], "the T the attempt never made is a moment to name"
    assert all(m["deviation_deg"] >= MIN_WORST_DEG for m in wrong["worst_moments"])
    assert wrong["worst_moments"][0]["body_part"] in {"left_arm", "right_arm"}

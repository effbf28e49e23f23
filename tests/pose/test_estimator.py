"""Our decode + model + coordinate handling reproduce the model authors' own test data."""

import json
import subprocess
import sys

import av
import numpy as np
import pytest

from dance_analyzer.pose.estimator import PoseEstimator
from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE, Span, extract_landmarks
from tests.support.media import media, peer_test


@pytest.fixture(scope="module")
def squat_track():
    with PoseEstimator() as estimator:
        return extract_landmarks(media("squat_band_1.mp4"), estimator)


def test_warrior2_still_matches_mediapipe_expected_landmarks():
    expected = json.loads(peer_test("warrior2_expected.json").read_text())
    with av.open(str(media("warrior2_arms_out.jpg"))) as container:
        frame = next(container.decode(video=0))
    image = frame.to_ndarray(format="rgb24")
    height, width = image.shape[:2]
    with PoseEstimator(static_image_mode=True) as estimator:
        result = estimator(image)
    assert result is not None
    pixels = result.image[:, :2] * [width, height]
    error = np.abs(pixels - np.array(expected["landmarks_px"])).max()
    assert error <= expected["tolerance_px"], f"max pixel error {error:.1f}"
    world_error = np.abs(result.world - np.array(expected["world_landmarks_m"])).max()
    assert world_error <= expected["tolerance_world_m"], f"max world error {world_error:.2f} m"


def test_squat_clip_landmarks_match_tfjs_reference_every_frame(squat_track):
    expected = np.array(json.loads(peer_test("pose_squats.full.json").read_text()))
    assert squat_track.image.shape[0] == expected.shape[0] == 65
    pixels = squat_track.image[:, :, :2] * [squat_track.info.width, squat_track.info.height]
    error = np.abs(pixels - expected[:, :, :2]).max(axis=2)
    worst = np.unravel_index(error.argmax(), error.shape)
    assert error.max() <= 31, f"frame {worst[0]} landmark {worst[1]} off by {error.max():.1f} px"
    assert error.mean() < 6
    assert max(squat_track.info.width, squat_track.info.height) > INFERENCE_MAX_SIDE  # really downscaled


def test_squat_clip_world_landmarks_match_tfjs_reference(squat_track):
    expected = np.array(json.loads(peer_test("pose_squats_3d.full.json").read_text()))
    error = np.abs(squat_track.world - expected).max()
    assert error <= 0.24, f"max world error {error:.3f} m"


def test_the_estimator_loads_only_mediapipes_pose_solution():
    """Start-up cost and a slim install: the rest of MediaPipe (every other solution, their
    drawing helpers, matplotlib, the Tasks API) is never imported for the pose model; the
    install leaves out what only those need (jax, matplotlib, the GUI OpenCV)."""
    code = """
import sys
import dance_analyzer.pose.estimator
unwanted = ["cv2", "matplotlib", "jax", "mediapipe.tasks", "mediapipe.python.solutions.hands"]
print(sorted(m for m in unwanted if m in sys.modules))
print(dance_analyzer.pose.estimator.pose_solution.Pose.__name__)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "Pose"


def test_reset_forgets_the_tracked_person_and_is_free_when_there_is_nothing_to_forget():
    """A fresh estimator skips MediaPipe's graph restart; a used one still restarts, so
    a span analysed after another video gets the landmarks of a brand-new estimator."""
    clip = media("dance_solo_2.mp4")
    with PoseEstimator() as new:
        assert new.fresh
        new.reset()
        assert new.fresh
    with PoseEstimator() as used, PoseEstimator() as new:
        extract_landmarks(media("taichi_solo_1.mp4"), used, span=Span(0.0, 1.0))
        assert not used.fresh
        after_other_video = extract_landmarks(clip, used, span=Span(0.0, 2.0))
        from_scratch = extract_landmarks(clip, new, span=Span(0.0, 2.0))
    np.testing.assert_array_equal(after_other_video.image, from_scratch.image)


def test_priming_starts_the_graph_without_changing_the_landmarks():
    """prime() runs a blank picture through a fresh graph so that a waiting worker pays
    MediaPipe's start-up; what the estimator then finds is bit for bit what an unprimed
    one finds. A used estimator is primed again only once reset() has made it forget."""
    clip = media("dance_solo_2.mp4")
    with PoseEstimator() as unprimed, PoseEstimator() as primed:
        primed.prime()
        assert primed.fresh and primed.primed
        expected = extract_landmarks(clip, unprimed, span=Span(0.0, 2.0))
        first = extract_landmarks(clip, primed, span=Span(0.0, 2.0))
        primed.prime()
        assert not primed.fresh  # still remembers the dancer: priming is not forgetting
        primed.reset()
        assert not primed.primed
        primed.prime()
        second = extract_landmarks(clip, primed, span=Span(0.0, 2.0))
    for track in (first, second):
        np.testing.assert_array_equal(track.image, expected.image)
        np.testing.assert_array_equal(track.world, expected.world)

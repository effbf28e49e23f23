"""The crop per person and the landmark model run through it: the geometry on known
answers, the decoding on synthetic outputs, and on real frames the same landmarks as
MediaPipe's own graph gives for the one person it follows."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.pose.crop import (
    ROI_SCALE,
    Rois,
    crop,
    crop_matrices,
    crop_to_picture,
    picture_to_crop,
    rois_from_points,
)
from dance_analyzer.pose.detect import Keypoint, PoseDetector
from dance_analyzer.pose.landmark_model import LandmarkModel, decode, refine_with_heatmap
from dance_analyzer.pose.landmarks import Landmark
from dance_analyzer.pose.models import MODELS
from tests.support.media import picture_at

SINGLE_PERSON_CLIPS = ["ballet_spin_1.mp4", "squat_band_1.mp4", "dance_solo_2.mp4"]


# --- the crop --------------------------------------------------------------------------


def test_a_standing_person_gets_an_unturned_square_one_and_a_quarter_times_their_circle():
    rois = rois_from_points(np.array([[0.5, 0.75]]), np.array([[0.5, 0.25]]), width=400, height=200)
    np.testing.assert_allclose(rois.center, [[200, 150]])
    np.testing.assert_allclose(rois.size, [2 * 100 * ROI_SCALE])
    np.testing.assert_allclose(rois.angle, [0], atol=1e-12)


@pytest.mark.parametrize(("circle", "angle"), [((0.9, 0.5), np.pi / 2), ((0.1, 0.5), -np.pi / 2), ((0.5, 0.9), -np.pi)])
def test_the_crop_turns_so_the_circle_point_is_up(circle, angle):
    rois = rois_from_points(np.array([[0.5, 0.5]]), np.array([circle]), width=100, height=100)
    np.testing.assert_allclose(rois.angle, [angle], atol=1e-12)
    up = crop_to_picture(np.array([[[0.5, 0.5 - 0.5 / ROI_SCALE]]]), rois)  # straight up in the crop
    np.testing.assert_allclose(up[0, 0], circle, atol=1e-12)


def test_crop_and_picture_coordinates_are_inverse():
    rng = np.random.default_rng(0)
    rois = Rois(rng.uniform(0, 300, (5, 2)), rng.uniform(20, 200, 5), rng.uniform(-np.pi, np.pi, 5), 320, 240)
    points = rng.uniform(-0.2, 1.2, (5, 7, 2))
    np.testing.assert_allclose(picture_to_crop(crop_to_picture(points, rois), rois), points, atol=1e-12)
    assert len(rois[1:3]) == 2 and len(rois[np.array([True, False, True, False, True])]) == 3


def test_the_warp_puts_each_picture_pixel_where_the_coordinates_say():
    """A bright dot in a picture shows up in a turned crop at picture_to_crop's answer."""
    width, height, side = 320, 240, 64
    picture = np.zeros((height, width, 3), np.uint8)
    dot = np.array([200.0, 90.0])
    picture[int(dot[1]) - 1 : int(dot[1]) + 2, int(dot[0]) - 1 : int(dot[0]) + 2] = 255
    rois = Rois(np.array([[180.0, 120.0]]), np.array([120.0]), np.array([0.6]), width, height)
    crops = crop(picture, rois, side)
    assert crops.shape == (1, side, side, 3)
    found = np.argwhere(crops[0, :, :, 0] == crops[0, :, :, 0].max()).mean(0)[::-1]  # column, row
    expected = picture_to_crop((dot / [width, height])[None, None], rois)[0, 0] * side
    np.testing.assert_allclose(found, expected, atol=1.0)
    # and the matrices agree with crop_to_picture on crop pixels
    matrix = crop_matrices(rois, side)[0]
    np.testing.assert_allclose(
        matrix @ [32, 16, 1], crop_to_picture(np.array([[[0.5, 0.25]]]), rois)[0, 0] * [width, height]
    )
    with pytest.raises(ValueError):
        crop(picture[:100], rois, side)
    assert crop(picture, rois[np.zeros(1, bool)], side).shape == (0, side, side, 3)


# --- decoding --------------------------------------------------------------------------


def test_the_heatmap_pulls_a_point_to_its_confident_peak_and_leaves_doubtful_ones():
    heatmap = np.full((64, 64, 3), -10.0)
    heatmap[20, 30, 0] = 10.0  # a sure peak near landmark 0
    heatmap[40, 40, 1] = -0.5  # landmark 1: never confident (sigmoid < 0.5)
    points = np.array([[31 / 64, 22 / 64], [40 / 64, 40 / 64], [1.5, 0.5]])  # landmark 2: off the heatmap
    refined = refine_with_heatmap(points, heatmap)
    np.testing.assert_allclose(refined[0], [30 / 64, 20 / 64], atol=1e-3)
    np.testing.assert_allclose(refined[1:], points[1:])


def test_decoding_scales_to_the_picture_and_turns_the_world_back_by_the_crop():
    rois = Rois(np.array([[100.0, 50.0]]), np.array([80.0]), np.array([np.pi / 2]), 200, 100)
    screen = np.zeros((1, 39, 5))
    screen[0, 0] = [128, 0, 64, 0, 50]  # top middle of the crop; visibility logit 0
    world = np.zeros((1, 39, 3))
    world[0, 0] = [1.0, 0.0, 0.3]
    image, turned, presence = decode(screen, np.full((1, 64, 64, 39), -10.0), world, rois)
    # The crop is turned a quarter clockwise: its top is the picture's right.
    np.testing.assert_allclose(image[0, 0, :2], [(100 + 40) / 200, 50 / 100], atol=1e-12)
    np.testing.assert_allclose(image[0, 0, 2:], [64 / 256 * 80 / 200, 0.5])
    np.testing.assert_allclose(turned[0, 0], [0.0, 1.0, 0.3], atol=1e-12)
    assert presence[0, 0] == pytest.approx(1.0)


# --- real frames against MediaPipe's graph ---------------------------------------------


@pytest.fixture(scope="module")
def detector() -> PoseDetector:
    return PoseDetector()


@pytest.mark.parametrize("model", MODELS)
def test_detector_crop_and_model_give_mediapipes_landmarks_on_one_person(detector, model):
    from dance_analyzer.pose.estimator import PoseEstimator

    landmarks = LandmarkModel(model)
    with PoseEstimator(model, static_image_mode=True) as estimator:
        for name in SINGLE_PERSON_CLIPS:
            for time_s in (0.5, 2.0):
                picture = picture_at(name, time_s)
                height, width = picture.shape[:2]
                found = detector(picture)
                assert len(found) == 1, name
                keypoints = found.keypoints
                rois = rois_from_points(
                    keypoints[:, Keypoint.HIP_CENTRE], keypoints[:, Keypoint.FULL_BODY_CIRCLE], width, height
                )
                ours = landmarks(picture, rois)
                reference = estimator(picture)
                assert reference is not None and len(ours) == 1
                assert ours.image.shape == (1, 33, 4) and ours.world.shape == (1, 33, 3)
                assert ours.image.dtype == reference.image.dtype == np.float32
                assert ours.presence[0] > 0.9
                apart = np.linalg.norm((ours.image[0, :, :2] - reference.image[:, :2]) * [width, height], axis=1)
                apart /= max(width, height)
                where = f"{name} at {time_s} s, {model}"
                assert np.median(apart) < 0.005 and apart.max() < 0.05, (
                    f"{where}: {np.median(apart):.4f} {apart.max():.4f}"
                )
                world_apart = np.linalg.norm(ours.world[0] - reference.world, axis=1)
                assert np.median(world_apart) < 0.01, f"{where}: world {np.median(world_apart):.3f} m"
                np.testing.assert_allclose(ours.image[0, :, 3], reference.image[:, 3], atol=0.05, err_msg=where)
                np.testing.assert_allclose(ours.image[0, :, 2], reference.image[:, 2], atol=0.05, err_msg=where)
                hips = ours.image[0, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], :2].mean(0)
                np.testing.assert_allclose(ours.auxiliary[0, 0], hips, atol=0.05, err_msg=where)
                np.testing.assert_allclose(ours.result(0).image, ours.image[0])


def test_the_next_frames_crop_follows_from_the_landmarks(detector):
    """Tracking without the detector: the crop from this frame's landmarks finds the same
    person again, as MediaPipe's graph does between detections."""
    picture = picture_at("squat_band_1.mp4", 1.0)
    height, width = picture.shape[:2]
    found = detector(picture)
    landmarks = LandmarkModel("full")
    first = landmarks(picture, rois_from_points(found.keypoints[:, 0], found.keypoints[:, 1], width, height))
    again = landmarks(picture, first.next_rois())
    assert again.presence[0] > 0.9
    apart = np.linalg.norm((again.image[0, :, :2] - first.image[0, :, :2]) * [width, height], axis=1) / max(
        width, height
    )
    assert np.median(apart) < 0.01


def test_every_person_gets_their_own_landmarks_and_an_empty_crop_has_no_person(detector):
    picture = picture_at("multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4", 0.25)
    height, width = picture.shape[:2]
    found = detector(picture)
    assert len(found) >= 2
    rois = rois_from_points(found.keypoints[:, 0], found.keypoints[:, 1], width, height)
    people = LandmarkModel("full")(picture, rois)
    assert len(people) == len(found) and np.all(people.presence[:2] > 0.5)
    hips = people.image[:2, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], :2].mean(1)
    assert np.linalg.norm(hips[0] - hips[1]) > 0.05  # two bodies, not one twice
    blank = np.full_like(picture, 127)
    assert LandmarkModel("full")(blank, rois[:1]).presence[0] < 0.5
    none = LandmarkModel("full")(picture, rois[np.zeros(len(rois), bool)])
    assert none.image.shape == (0, 33, 4) and none.world.shape == (0, 33, 3)

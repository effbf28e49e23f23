"""A photo read as one frame: the person MediaPipe finds in it on its own."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dance_analyzer.pose.estimator import PoseEstimator
from dance_analyzer.pose.extract import example_landmarks
from dance_analyzer.pose.landmark_model import LandmarkModel
from dance_analyzer.pose.people import PeopleOptions, PeopleTracker
from dance_analyzer.pose.picture import people_in_picture, photo_people
from tests.support.media import media
from tests.support.pictures import side_by_side


@pytest.fixture(scope="module")
def estimator():
    with PoseEstimator() as e:
        yield e


@pytest.fixture(scope="module")
def landmark_model():
    return LandmarkModel("full")


def test_a_photos_person_is_the_one_a_pose_example_and_the_corpus_find(estimator):
    """The corpus's photos were measured as pose examples are (bench/corpus_landmarks.py):
    a photo's analysis must see the same body, or the corpus would not score what users get."""
    photo = media("warrior2_arms_out.jpg")
    people = photo_people(photo, estimator)
    example = example_landmarks(photo, None, estimator)
    assert people.track(1).photo and people.main_id == 1 and len(people.persons) == 1
    np.testing.assert_array_equal(people.track(1).image[0], np.asarray(example.image, np.float32))
    np.testing.assert_array_equal(people.track(1).world[0], np.asarray(example.world, np.float32))
    assert (people.info.width, people.info.height, people.total_frames, people.duration_s) == (1000, 667, 1, 0.0)
    box = people.persons[0].boxes[0]
    assert 0.0 <= box[0] < box[2] <= 1.0 and 0.0 <= box[1] < box[3] <= 1.0


def test_a_group_photo_gives_the_main_person_first_then_the_others_left_to_right(estimator, landmark_model, tmp_path):
    """Three known photos side by side: the main person is still the one a pose example of
    the whole picture finds; the others are found beside them, once each, in reading order."""
    group = tmp_path / "group.jpg"
    photos = ("tree_pose_one_leg.jpg", "standing_man.jpg", "warrior2_arms_out.jpg")
    group.write_bytes(side_by_side(*map(media, photos)))
    people = photo_people(group, estimator, PeopleTracker(landmark_model))
    example = example_landmarks(group, None, estimator)
    assert len(people.persons) == 3 and people.main_id == 1
    np.testing.assert_array_equal(people.track(1).image[0], np.asarray(example.image, np.float32))
    # Where each photo was put: the tree in the left quarter, the man up to half way, the warrior beyond.
    hips = {p.id: float(p.image[0, [23, 24], 0].mean()) for p in people.persons}
    place = {i: 0 if x < 0.3 else 1 if x < 0.5 else 2 for i, x in hips.items()}
    assert sorted(place.values()) == [0, 1, 2] and place[2] < place[3]
    assert all(people.track(p.id).photo and np.isfinite(p.world).all() for p in people.persons)

    assert len(photo_people(group, estimator).persons) == 1  # nobody to look further with
    one = PeopleTracker(landmark_model, options=PeopleOptions(max_people=1))
    assert len(photo_people(group, estimator, one).persons) == 1


ROWS = [
    ("standing_man.jpg", "tree_pose_one_leg.jpg", "warrior2_arms_out.jpg", "squat_frame.png"),
    (
        "tree_pose_one_leg.jpg",
        "standing_man.jpg",
        "warrior2_arms_out.jpg",
        "squat_frame.png",
        "arms_up_one_leg_frame.png",
    ),
]


@pytest.mark.parametrize("photos", ROWS, ids=["four", "five"])
def test_a_row_too_wide_for_one_detection_is_found_in_squares_of_it(estimator, landmark_model, tmp_path, photos):
    """People side by side: letterboxed whole, each is too small for the detector (nobody is
    found); looked at in squares of the picture, each of them is, once."""
    row = tmp_path / "row.jpg"
    row.write_bytes(side_by_side(*map(media, photos)))
    assert photo_people(row, estimator).persons == []
    people = photo_people(row, estimator, PeopleTracker(landmark_model))
    shapes = [cv2.imread(str(media(name))).shape for name in photos]
    widths = np.array([round(w * 640 / h) for h, w, _ in shapes], float)  # each photo at a height of 640
    edges = np.concatenate([[0], np.cumsum(widths)]) / widths.sum()
    hips = [float(p.image[0, [23, 24], 0].mean()) for p in people.persons]
    which = [int(np.searchsorted(edges, x)) - 1 for x in hips]
    assert sorted(which) == list(range(len(photos))), (hips, edges)
    assert which[1:] == sorted(which[1:])  # after the main person, left to right
    heights = [float(np.ptp(p.image[0, :, 1])) for p in people.persons]
    assert heights[0] == max(heights)  # with no detection of the whole, the main person is the biggest


def test_a_photo_with_nobody_is_a_frame_with_nobody():
    people = people_in_picture([], (640, 480), "lite")
    assert people.main_track().photo and people.persons == [] and people.main_id is None
    assert np.isnan(people.main_track().image).all() and people.main_track().model == "lite"

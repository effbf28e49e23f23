"""A photo read as one frame: the person MediaPipe finds in it on its own."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.pose.estimator import PoseEstimator
from dance_analyzer.pose.extract import example_landmarks
from dance_analyzer.pose.picture import people_in_picture, photo_people
from tests.support.media import media


@pytest.fixture(scope="module")
def estimator():
    with PoseEstimator() as e:
        yield e


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


def test_a_photo_with_nobody_is_a_frame_with_nobody():
    people = people_in_picture(None, (640, 480), "lite")
    assert people.main_track().photo and people.persons == [] and people.main_id is None
    assert np.isnan(people.main_track().image).all() and people.main_track().model == "lite"

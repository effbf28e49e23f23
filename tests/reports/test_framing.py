"""Warnings about the filming, from synthetic landmarks placed in and out of the picture."""

import numpy as np

from dance_analyzer.pose.landmarks import Landmark as L
from dance_analyzer.reports.framing import crowd_warnings, framing_warnings
from tests.support import skeletons as S

STANDING = S.skeleton(**S.STANDING)[0]  # about 0.6 of the picture's height, centred


def clip(frames: int = 20) -> np.ndarray:
    return np.repeat(STANDING[None], frames, axis=0).copy()


def codes(image: np.ndarray) -> list[str]:
    return [w["code"] for w in framing_warnings(image)]


def test_a_whole_body_well_in_view_gets_no_warning_even_with_hands_past_the_edge():
    assert framing_warnings(clip()) == []
    flung = clip()
    flung[:, [L.LEFT_WRIST, L.RIGHT_WRIST], 0] = [1.08, -0.05]  # arms flung out past the edges
    assert framing_warnings(flung) == []
    assert framing_warnings(np.empty((0, 33, 4))) == []


def test_feet_below_the_picture_in_over_a_quarter_of_the_frames_say_to_keep_the_body_in_view():
    image = clip()
    image[:6, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = 1.03  # 30% of the frames
    (warning,) = framing_warnings(image)
    assert warning["code"] == "out_of_view" and "30%" in warning["message"]
    assert "whole body in the picture" in warning["message"] and "further back" in warning["message"]
    image[5:] = STANDING  # 25%: not more than a quarter
    assert framing_warnings(image) == []


def test_a_hidden_knee_counts_as_out_of_view_though_it_lies_inside_the_picture():
    image = clip()
    image[:10, L.LEFT_KNEE, 3] = 0.3  # visibility under what the rules trust
    assert codes(image) == ["out_of_view"]


def test_a_small_dancer_far_from_the_camera_is_told_to_move_it_closer():
    image = clip()
    image[:, :, :2] = 0.5 + (image[:, :, :2] - 0.5) * 0.2  # 0.6 of the height becomes 0.12
    (warning,) = framing_warnings(image)
    assert warning["code"] == "too_small" and "100%" in warning["message"] and "closer" in warning["message"]
    wide = image.copy()
    wide[:, :, 0] = 0.5 + (wide[:, :, 0] - 0.5) * 8.0  # wider than a sixth of the picture: lying across it
    assert framing_warnings(wide) == []


def test_frames_without_the_dancer_are_counted_and_the_rest_judged_on_the_frames_with_them():
    image = clip()
    image[:6] = np.nan
    image[6:9, L.NOSE, 1] = -0.02  # the head above the picture in 3 of the 14 frames with the dancer
    (warning,) = framing_warnings(image)
    assert warning["code"] == "no_person" and "30%" in warning["message"]
    image[9:12, L.NOSE, 1] = -0.02  # now in 6 of 14: 43%
    assert codes(image) == ["no_person", "out_of_view"]


def test_nobody_in_the_whole_video_is_one_warning():
    (warning,) = framing_warnings(np.full((5, 33, 4), np.nan))
    assert warning["code"] == "no_person" and warning["message"].startswith("Nobody was found in the video")


def test_others_in_view_are_named_with_how_to_describe_everyone_and_one_dancer_is_not():
    assert crowd_warnings(0) == [] and crowd_warnings(1) == []
    (warning,) = crowd_warnings(3)
    assert warning["code"] == "several_people"
    assert warning["message"].startswith("3 people were in view") and "people=all" in warning["message"]
    (compared,) = crowd_warnings(2, "reference")
    assert compared["code"] == "several_people" and compared["message"].startswith("2 people were in the reference")
    assert "reference_person" in compared["message"] and crowd_warnings(1, "attempt") == []
    (group,) = crowd_warnings(4, "attempt", photo=True)  # a group photo compared: its main person
    assert group["message"].startswith("4 people are in the attempt photo") and "attempt_person" in group["message"]


def test_a_photo_is_told_about_in_a_photos_words():
    assert framing_warnings(clip(1), photo=True) == []
    (nobody,) = framing_warnings(np.full((1, 33, 4), np.nan), photo=True)
    assert nobody["code"] == "no_person" and "photo" in nobody["message"] and "%" not in nobody["message"]
    cut = clip(1)
    cut[0, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = 1.03  # the feet below the picture's edge
    (warning,) = framing_warnings(cut, photo=True)
    assert warning["code"] == "out_of_view" and "%" not in warning["message"] and "frames" not in warning["message"]
    small = clip(1)
    small[:, :, :2] = 0.5 + (small[:, :, :2] - 0.5) * 0.2
    assert [w["code"] for w in framing_warnings(small, photo=True)] == ["too_small"]

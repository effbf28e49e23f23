"""Looking for people not known yet, on synthetic bodies whose answers are known: a fake
detector that reports the bodies not painted black (and, looking in squares of a wide
photo, a part of one), and a fake landmark model that answers with the body it was
pointed at."""

from __future__ import annotations

import numpy as np

from dance_analyzer.pose.crop import Rois
from dance_analyzer.pose.detect import Detections, square_views
from dance_analyzer.pose.finding import find_people
from dance_analyzer.pose.landmark_model import PeopleLandmarks
from dance_analyzer.pose.landmarks import NUM_LANDMARKS
from dance_analyzer.pose.people import PeopleOptions
from tests.pose.test_people import skeleton

WIDTH, HEIGHT = 900, 300
Body = tuple[float, float, float]  # hip centre x, y and torso length, pixels

A: Body = (150.0, 170.0, 50.0)
B: Body = (700.0, 170.0, 50.0)
# What a square cut through A gives: a small body inside A's (its hips at A's chest).
PART_OF_A: Body = (150.0, 120.0, 20.0)


class Detector:
    """The bodies whose hips are not blacked out; ``in_squares`` only when asked to look in squares."""

    def __init__(self, whole: list[Body], in_squares: list[Body]) -> None:
        self.whole, self.in_squares, self.calls = whole, in_squares, 0

    def __call__(self, rgb: np.ndarray, views: Rois | None = None) -> Detections:
        self.calls += 1
        bodies = self.whole + (self.in_squares if views is not None else [])
        seen = [(x, y, torso) for x, y, torso in bodies if rgb[int(y), int(x)].any()]
        size = np.array([WIDTH, HEIGHT], float)
        keypoints = np.zeros((len(seen), 4, 2))
        for k, (x, y, torso) in enumerate(seen):
            keypoints[k, 0], keypoints[k, 1] = np.array([x, y]) / size, np.array([x, y - 2 * torso]) / size
        boxes = np.concatenate([keypoints[:, 0] - 0.02, keypoints[:, 0] + 0.02], axis=1)
        return Detections(np.full(len(seen), 0.9), boxes.reshape(-1, 4), keypoints)


class Landmarks:
    """Each crop's answer: the body whose hips the crop is centred on."""

    name = "full"

    def __init__(self, bodies: list[Body]) -> None:
        self.bodies = bodies

    def __call__(self, rgb: np.ndarray, rois: Rois) -> PeopleLandmarks:
        n = len(rois)
        image = np.zeros((n, NUM_LANDMARKS, 4), np.float32)
        for k in range(n):
            x, y, torso = min(self.bodies, key=lambda b: np.hypot(b[0] - rois.center[k, 0], b[1] - rois.center[k, 1]))
            image[k, :, :2] = skeleton(x, y, torso) / [WIDTH, HEIGHT]
            image[k, :, 3] = 1
        world = np.zeros((n, NUM_LANDMARKS, 3), np.float32)
        return PeopleLandmarks(image, world, np.full(n, 0.9), np.zeros((n, 2, 2)), WIDTH, HEIGHT)


def hips_found(search) -> list[tuple[float, float]]:
    return [tuple(np.round(marks.image[k, [23, 24], :2].mean(axis=0) * [WIDTH, HEIGHT])) for marks, k in search.found]


def test_everyone_is_found_once_in_rounds_and_a_part_of_a_body_seen_in_a_square_is_refused():
    picture = np.full((HEIGHT, WIDTH, 3), 255, np.uint8)
    model = Landmarks([A, B, PART_OF_A])
    views = square_views(WIDTH, HEIGHT)
    detector = Detector([A], [B, PART_OF_A])
    search = find_people(picture, [], detector, model, PeopleOptions(), views)
    assert hips_found(search) == [(150.0, 170.0), (700.0, 170.0)]
    # Two rounds: the second, with A and B blacked out, finds nobody new. Each round asks the
    # whole picture and each of its squares.
    assert search.detector_runs == 2 * (1 + len(views)) and search.landmark_runs == 3

    # Known already, A is not found again; nor is a part of A.
    known = find_people(picture, [skeleton(*A)], Detector([A], [PART_OF_A]), model, PeopleOptions(), views)
    assert known.found == []
    # Without squares (a video's search) nobody is refused for lying inside another's box.
    whole = find_people(picture, [], Detector([A, PART_OF_A], []), model, PeopleOptions())
    assert hips_found(whole) == [(150.0, 170.0), (150.0, 120.0)]

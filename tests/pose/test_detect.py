"""The person detector: MediaPipe's anchors and decoding on known numbers, the suppression
and the letterbox on synthetic detections, and the people it finds in real frames."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.media.video import iter_frames
from dance_analyzer.pose.crop import whole_picture
from dance_analyzer.pose.detect import (
    INPUT_SIDE,
    MAX_SQUARES,
    Detections,
    Keypoint,
    PoseDetector,
    decode,
    iou,
    letterbox,
    square_views,
    ssd_anchors,
    to_picture,
    weighted_nms,
)
from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE
from tests.support.media import media

TWO_PEOPLE = "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4"


def frames(name: str, step_s: float) -> list[np.ndarray]:
    """Pictures every ``step_s`` seconds, sized as the pipeline gives them to the model."""
    return [
        frame.image
        for frame in iter_frames(media(name), sample_fps=1 / step_s, max_side=INFERENCE_MAX_SIDE)
        if frame.image is not None
    ]


@pytest.fixture(scope="module")
def detector() -> PoseDetector:
    return PoseDetector()


# --- anchors and decoding --------------------------------------------------------------


def test_anchors_are_mediapipes_grids_two_per_cell_and_six_for_the_merged_stride_32_layers():
    anchors = ssd_anchors()
    assert anchors.shape == (2254, 2)
    fine, middle, coarse = anchors[:1568], anchors[1568 : 1568 + 392], anchors[1568 + 392 :]
    np.testing.assert_allclose(fine[:4], [[0.5 / 28, 0.5 / 28]] * 2 + [[1.5 / 28, 0.5 / 28]] * 2, rtol=1e-6)
    np.testing.assert_allclose(middle[0], [0.5 / 14, 0.5 / 14], rtol=1e-6)
    assert len(coarse) == 7 * 7 * 6
    np.testing.assert_allclose(coarse[:6], [[0.5 / 7, 0.5 / 7]] * 6, rtol=1e-6)
    np.testing.assert_allclose(coarse[6], [1.5 / 7, 0.5 / 7], rtol=1e-6)  # row first, then column
    np.testing.assert_allclose(anchors[-1], [6.5 / 7, 6.5 / 7], rtol=1e-6)


def test_decoding_is_relative_to_the_anchor_in_input_pixels_and_keeps_scores_above_the_threshold():
    anchors = np.array([[0.25, 0.5], [0.75, 0.5], [0.5, 0.5]], np.float32)
    raw = np.zeros((3, 12), np.float32)
    raw[0, :4] = [22.4, -11.2, 44.8, 89.6]  # x, y, w, h in 224-pixel units
    raw[0, 4:] = [0, 44.8, 0, -44.8, 0, -22.4, 0, -67.2]  # hip centre below, circle point above
    scores = np.array([[3.0], [1e4], [-1.0]], np.float32)  # 1e4: clipped to 100, no overflow
    with np.errstate(over="raise"):
        found = decode(raw, scores, anchors)
    np.testing.assert_allclose(found.scores, [1 / (1 + np.exp(-3.0)), 1.0])
    np.testing.assert_allclose(found.boxes[0], [0.25, 0.25, 0.45, 0.65], atol=1e-6)
    np.testing.assert_allclose(found.keypoints[0, Keypoint.HIP_CENTRE], [0.25, 0.7], atol=1e-6)
    np.testing.assert_allclose(found.keypoints[0, Keypoint.FULL_BODY_CIRCLE], [0.25, 0.3], atol=1e-6)
    np.testing.assert_allclose(found.keypoints[1], [[0.75, 0.5]] * 4, atol=1e-6)


def test_iou():
    boxes = np.array([[0, 0, 1, 1], [0.5, 0, 1.5, 1], [2, 2, 3, 3], [0, 0, 0, 0]], float)
    np.testing.assert_allclose(iou(boxes[0], boxes), [1, 1 / 3, 0, 0])


def test_weighted_suppression_merges_one_persons_detections_into_their_score_weighted_mean():
    boxes = np.array([[0.0, 0, 1, 1], [0.1, 0, 1.1, 1], [3, 3, 4, 4], [0.05, 0, 1.05, 1]])
    keypoints = np.zeros((4, 4, 2))
    keypoints[:, 0, 0] = [0.5, 0.6, 3.5, 0.7]
    found = weighted_nms(Detections(np.array([0.9, 0.6, 0.8, 0.3]), boxes, keypoints))
    assert len(found) == 2
    np.testing.assert_allclose(found.scores, [0.9, 0.8])  # the best keeps its own score
    weights = np.array([0.9, 0.6, 0.3]) / 1.8
    np.testing.assert_allclose(found.boxes[0], weights @ boxes[[0, 1, 3]])
    np.testing.assert_allclose(found.keypoints[0, 0, 0], weights @ [0.5, 0.6, 0.7])
    np.testing.assert_allclose(found.boxes[1], boxes[2])
    assert len(weighted_nms(Detections(np.empty(0), np.empty((0, 4)), np.empty((0, 4, 2))))) == 0


@pytest.mark.parametrize(("width", "height"), [(400, 200), (200, 400), (300, 300)])
def test_the_letterbox_is_undone_exactly(width, height):
    """A point drawn in the picture is found where the letterbox put it, and mapped back."""
    picture = np.full((height, width, 3), 255, np.uint8)
    tensor = letterbox(picture)[0]
    assert tensor.shape == (INPUT_SIDE, INPUT_SIDE, 3)
    inside = np.argwhere(tensor[:, :, 0] > 0)
    (top, left), (bottom, right) = inside.min(0), inside.max(0) + 1
    assert tensor.max() == pytest.approx(1)  # the white picture, and black bars beside a long side
    assert tensor.min() == (1 if width == height else -1)
    square = Detections(
        np.ones(1),
        np.array([[left, top, right, bottom]]) / INPUT_SIDE,
        np.array([[[left, top], [right, bottom], [112, 112], [0, 0]]]) / INPUT_SIDE,
    )
    mapped = to_picture(square, whole_picture(width, height))
    np.testing.assert_allclose(
        mapped.boxes[0], [0, 0, 1, 1], atol=1.5 / INPUT_SIDE * max(width, height) / min(width, height)
    )
    np.testing.assert_allclose(mapped.keypoints[0, 2], [0.5, 0.5], atol=1e-9)


def test_a_wide_picture_is_also_seen_in_squares_overlapping_by_half_and_others_are_not():
    views = square_views(1000, 200)
    assert np.allclose(views.size, 200) and np.allclose(views.center[:, 1], 100) and np.allclose(views.angle, 0)
    np.testing.assert_allclose(views.center[:, 0], np.arange(100, 901, 100))  # each shares half with the next
    sixteen_nine = square_views(1600, 900)
    np.testing.assert_allclose(sixteen_nine.center, [[450, 450], [800, 450], [1150, 450]])
    # A strip a few pixels high is looked at in no more squares than a 5:1 panorama.
    assert len(square_views(640, 2)) == len(square_views(500, 100)) == MAX_SQUARES
    strip = square_views(640, 2)
    assert strip.center[0, 0] == 1 and strip.center[-1, 0] == 639
    # Not wide enough to need them: a square, a 3:2 landscape, any portrait.
    assert len(square_views(300, 300)) == len(square_views(300, 200)) == len(square_views(200, 1000)) == 0


def test_a_point_found_in_a_view_is_mapped_back_to_the_picture():
    view = square_views(1000, 200)[3]  # the square centred at x = 400
    square = Detections(
        np.ones(1), np.array([[0.25, 0.25, 0.75, 0.75]]), np.array([[[0.5, 0.5], [0.5, 0.0], [0, 0], [1, 1]]])
    )
    mapped = to_picture(square, view)
    np.testing.assert_allclose(mapped.keypoints[0, :2], [[0.4, 0.5], [0.4, 0.0]], atol=1e-9)
    np.testing.assert_allclose(mapped.boxes[0], [0.35, 0.25, 0.45, 0.75], atol=1e-9)
    np.testing.assert_allclose(mapped.keypoints[0, 3], [0.5, 1.0], atol=1e-9)


# --- real frames -----------------------------------------------------------------------


def test_one_dancer_is_one_detection_in_every_frame(detector):
    pictures = frames("ballet_spin_1.mp4", 0.25)
    counts = [len(detector(picture)) for picture in pictures]
    assert len(pictures) >= 10 and counts == [1] * len(pictures), counts


def test_a_dancers_detection_sits_on_her_body(detector):
    """Hip centre and full-body circle: the circle holds the body, centred on the hips."""
    from dance_analyzer.pose.estimator import PoseEstimator

    picture = frames("ballet_spin_1.mp4", 1.0)[1]
    height, width = picture.shape[:2]
    found = detector(picture)
    assert len(found) == 1
    with PoseEstimator(static_image_mode=True) as estimator:
        reference = estimator(picture)
    assert reference is not None
    pixels = np.array([width, height])
    hips = reference.image[23:25, :2].mean(0) * pixels
    hip_centre, circle = (
        found.keypoints[0, Keypoint.HIP_CENTRE] * pixels,
        found.keypoints[0, Keypoint.FULL_BODY_CIRCLE] * pixels,
    )
    radius = np.linalg.norm(circle - hip_centre)
    assert np.linalg.norm(hip_centre - hips) < 0.15 * radius
    body = reference.image[:, :2] * pixels
    assert np.linalg.norm(body - hip_centre, axis=1).max() < 1.1 * radius
    assert circle[1] < hip_centre[1]  # the circle point is above the hips of a standing dancer
    box = found.boxes[0]
    assert box[0] < box[2] and box[1] < box[3]


def test_several_people_are_found_apart(detector):
    """The lab clip: a man on a platform and a woman in front of him (and one far back).
    MediaPipe's own graph keeps one of them; the detector sees both, in separate places."""
    counts, apart = [], []
    for picture in frames(TWO_PEOPLE, 0.25):
        found = detector(picture)
        counts.append(len(found))
        if len(found) >= 2:
            hips = found.keypoints[:, Keypoint.HIP_CENTRE]
            apart.append(np.linalg.norm(hips[0] - hips[1]))
        assert np.all(np.diff(found.scores) <= 0), "best first"
    assert max(counts) >= 2 and max(counts) <= 3, counts
    assert min(apart) > 0.05, apart


def test_an_empty_picture_has_nobody(detector):
    assert len(detector(np.full((240, 320, 3), 127, np.uint8))) == 0

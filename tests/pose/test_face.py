"""The face check tells a back view from a front view, on a real pirouette."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dance_analyzer.labels.move_corpus import load_move_corpus
from dance_analyzer.media.video import iter_frames
from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE
from dance_analyzer.pose.face import CROP_TORSOS, FaceCheck, head_rois
from dance_analyzer.pose.landmarks import Landmark as L
from tests.support.media import media

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "moves"
# ballet_spin_1.mp4's double pirouette, read from the head crops: the back of the head at
# these frames, the face straight on at those.
BACK = [43, 44, 64, 65, 66, 67]
FRONT = [49, 50, 51, 52, 53, 54, 55, 56, 57]


def test_the_face_scores_high_facing_the_camera_and_low_with_the_back_to_it():
    track = load_move_corpus(CORPUS).track("pymaf/examples/dancer.mp4", "full")
    check = FaceCheck()
    scores = {}
    for frame in iter_frames(media("ballet_spin_1.mp4"), max_side=INFERENCE_MAX_SIDE):
        if frame.index in BACK + FRONT and frame.image is not None:
            scores[frame.index] = float(check(frame.image, track.image[frame.index])[0])
    back, front = [scores[i] for i in BACK], [scores[i] for i in FRONT]
    print(f"\nback {np.round(back, 2)}  front {np.round(front, 2)}")
    assert min(front) - max(back) >= 0.2


def test_the_head_square_sits_on_the_head_upright_along_the_torso_and_nowhere_without_a_body():
    image = np.full((2, 33, 4), np.nan)
    person = image[0]
    person[:, 3] = 1.0
    person[[L.LEFT_HIP, L.RIGHT_HIP], :2] = [[0.55, 0.6], [0.45, 0.6]]
    person[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], :2] = [[0.55, 0.4], [0.45, 0.4]]
    for point in (L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR):
        person[point, :2] = [0.5, 0.3]
    rois = head_rois(image, 200, 100)
    assert np.allclose(rois.center[0], [100, 30]) and np.isclose(rois.size[0], CROP_TORSOS * 20)
    assert np.isclose(rois.angle[0], 0.0)  # shoulders straight above the hips: not turned
    assert np.isnan(rois.size[1])  # the second person has no landmarks: no square
    scores = FaceCheck()(np.zeros((100, 200, 3), np.uint8), image)
    assert scores.shape == (2,) and np.isnan(scores[1]) and scores[0] < 0.5  # a black picture has no face

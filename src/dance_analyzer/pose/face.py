"""Is the face towards the camera? The one thing a back view and a front view differ in
that the pose model does not say.

The pose model reads a dancer's back as a front more often than not: it swaps the body's
left and right and flips the depth together, so every landmark (the nose included)
agrees with the wrong reading, and the back half of a turn seems to turn back. A face
detector tells the two apart from the picture itself: it finds a face in a front or
three-quarter view and at most a weak one in the back of a head. MediaPipe's short-range
face detector (``face_detection_short_range.tflite``, in the mediapipe wheel: nothing to
download) runs here on a square around the head, turned upright along the torso.

The score is the detector's best within the middle of that square (a bystander's face at
its edge is not the dancer's), in [0, 1]; NaN where the head or the torso was not found.
The move detectors weigh it as evidence (``labels.moves.signals``), never as a verdict.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .crop import Rois, crop
from .detect import sigmoid, ssd_anchors
from .landmarks import Landmark as L
from .models import model_dir
from .tflite import TFLiteModel

INPUT_SIDE = 128
# face_detection_short_range.pbtxt's SsdAnchorsCalculator: four layers, the last three at
# stride 16 (merged), two fixed-size anchors per layer and cell: 896 anchors.
STRIDES = (8, 16, 16, 16)
SCORE_CLIP = 100.0
HEAD = [L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR]
# The square's side in torso lengths (shoulders' middle to hips' middle): the whole head
# with a margin, as large in the detector's input as the selfies it was trained on.
CROP_TORSOS = 1.0
# How far from the square's middle (in its sides) a face's centre may be to be the dancer's.
CENTRE_RADIUS = 0.25


def face_detector_file() -> Path:
    return model_dir().parent / "face_detection" / "face_detection_short_range.tflite"


def head_rois(image: np.ndarray, width: int, height: int) -> Rois:
    """(P, 33, 4+) normalised landmarks -> a square per person around the head, its top
    towards the shoulders' side of the hips (NaN-sized where a point is missing)."""
    points = np.asarray(image, np.float64)[:, :, :2] * np.array([width, height], np.float64)
    head = points[:, HEAD].mean(axis=1)
    shoulders = points[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    hips = points[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1)
    up = shoulders - hips
    angle = np.pi / 2 - np.arctan2(-up[:, 1], up[:, 0])
    size = CROP_TORSOS * np.hypot(up[:, 0], up[:, 1])
    return Rois(center=head, size=size, angle=angle, width=width, height=height)


class FaceCheck:
    """The face detector, loaded once (per process or thread) and called per picture."""

    def __init__(self, *, threads: int = 1) -> None:
        self.model = TFLiteModel(face_detector_file(), threads=threads)
        self._anchors = ssd_anchors(INPUT_SIDE, STRIDES).astype(np.float64)
        boxes_shape, scores_shape = sorted(self.model.output_shapes, key=lambda shape: -shape[-1])
        if self.model.input_shape[1:3] != (INPUT_SIDE, INPUT_SIDE) or boxes_shape[1] != len(self._anchors):
            raise ValueError(f"{self.model.path} is not the face detector these settings are for")

    def __call__(self, rgb: np.ndarray, image: np.ndarray) -> np.ndarray:
        """(P,) face scores for the people whose (P, 33, 4) landmarks are given, in an RGB
        picture (H, W, 3) uint8."""
        image = np.asarray(image).reshape(-1, len(L), np.shape(image)[-1])
        height, width = rgb.shape[:2]
        rois = head_rois(image, width, height)
        out = np.full(len(rois), np.nan)
        for person in np.flatnonzero(np.isfinite(rois.size) & (rois.size >= 1) & np.isfinite(rois.center).all(1)):
            square = crop(rgb, rois[person], INPUT_SIDE)
            out[person] = self._best(square.astype(np.float32) * np.float32(2 / 255) - np.float32(1))
        return out

    def _best(self, tensor: np.ndarray) -> float:
        boxes, scores = sorted(self.model(tensor), key=lambda o: -o.shape[-1])
        centres = boxes[0, :, :2].astype(np.float64) / INPUT_SIDE + self._anchors
        near = np.hypot(centres[:, 0] - 0.5, centres[:, 1] - 0.5) <= CENTRE_RADIUS
        logits = np.clip(scores[0, near, 0].astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
        return float(sigmoid(logits).max()) if logits.size else 0.0

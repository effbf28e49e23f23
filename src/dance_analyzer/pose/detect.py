"""Every person in a picture, from BlazePose's own person detector.

MediaPipe's pose graph runs this detector (``pose_detection.tflite``, in the mediapipe
wheel) and then keeps only its first detection. Run here directly, with the settings of
MediaPipe's ``pose_detection_cpu.pbtxt``, it returns them all: the letterbox to the
model's 224x224 input, the 2254 SSD anchors, the decoding of boxes and keypoints, the
score threshold, and a weighted non-maximum suppression that merges one person's
overlapping detections into one. Each detection carries the four keypoints the landmark
model's crop is built from (:mod:`pose.crop`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import numpy as np

from .crop import Rois, crop, crop_to_picture, whole_picture
from .models import model_dir
from .tflite import TFLiteModel

INPUT_SIDE = 224
# SsdAnchorsCalculator options: five layers, the last three share stride 32 (their
# anchors merge into one grid); fixed_anchor_size makes every anchor 1x1, so only the
# anchor centres matter; aspect ratio 1.0 plus the interpolated scale give 2 per cell.
STRIDES = (8, 16, 32, 32, 32)
ANCHOR_OFFSET = 0.5
ANCHORS_PER_LAYER = 2
NUM_KEYPOINTS = 4
# TensorsToDetectionsCalculator options.
COORD_SCALE = 224.0
SCORE_CLIP = 100.0
MIN_SCORE = 0.5
# NonMaxSuppressionCalculator: detections overlapping the best by more than this IoU are
# the same person.
NMS_IOU = 0.3
# A picture this many times as wide as it is high is also looked at in squares
# (square_views): a row of people, letterboxed whole, is too small to be found. A 3:2
# landscape photo is not (its people are big enough), a 16:9 one is.
WIDE = 1.6
# At most this many squares: enough to cover a 5:1 panorama overlapping by half; a longer
# strip is covered with less overlap (its people are tiny anyway), and a picture a few
# pixels high costs no more than one five times as wide.
MAX_SQUARES = 9


class Keypoint(IntEnum):
    """The detector's four points: two circles, around the full body and the upper body."""

    HIP_CENTRE = 0
    FULL_BODY_CIRCLE = 1  # on the full-body circle, "above" the hips: gives size and rotation
    SHOULDER_CENTRE = 2
    UPPER_BODY_CIRCLE = 3


def detector_file() -> Path:
    return model_dir().parent / "pose_detection" / "pose_detection.tflite"


@dataclass(frozen=True)
class Detections:
    """People found in one picture, best first, normalised to the picture (x right, y down).

    ``scores``: (N,) in [MIN_SCORE, 1]; ``boxes``: (N, 4) xmin, ymin, xmax, ymax (a box
    may reach past the picture's edges); ``keypoints``: (N, 4, 2) x, y (see Keypoint).

    The boxes are the model's own, and this model draws every box the same size (a fifth
    of the letterboxed square) around the upper body: good enough to tell detections of
    one person from another's, not a measure of the body. The body's extent is the
    full-body circle (hip centre to circle point), or the landmarks once the model ran.
    """

    scores: np.ndarray
    boxes: np.ndarray
    keypoints: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)


def ssd_anchors(side: int = INPUT_SIDE, strides: tuple[int, ...] = STRIDES) -> np.ndarray:
    """(2254, 2) anchor centres in the order of the model's outputs: by merged layer, then row,
    column and anchor; with fixed-size anchors that is all the decoding needs of them."""
    centres = []
    layer = 0
    while layer < len(strides):
        last = layer
        while last < len(strides) and strides[last] == strides[layer]:
            last += 1
        merged = last - layer
        cells = int(np.ceil(side / strides[layer]))
        grid = (np.arange(cells) + ANCHOR_OFFSET) / cells
        ys, xs = np.meshgrid(grid, grid, indexing="ij")
        per_cell = np.stack([xs, ys], -1).reshape(-1, 1, 2)
        centres.append(np.repeat(per_cell, ANCHORS_PER_LAYER * merged, axis=1).reshape(-1, 2))
        layer = last
    return np.concatenate(centres).astype(np.float32)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def decode(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float = MIN_SCORE
) -> Detections:
    """The model's raw (A, 12) boxes and (A, 1) logits as detections above ``min_score``,
    in the letterboxed square's units. Each row is x, y, w, h then the keypoints' x, y,
    all in input pixels relative to the anchor's centre (reverse_output_order)."""
    scores = sigmoid(np.clip(raw_scores[:, 0].astype(np.float64), -SCORE_CLIP, SCORE_CLIP))
    keep = np.flatnonzero(scores >= min_score)
    raw = raw_boxes[keep].astype(np.float64) / COORD_SCALE
    anchor = anchors[keep].astype(np.float64)
    centre = raw[:, 0:2] + anchor
    half = raw[:, 2:4] / 2
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    keypoints = raw[:, 4 : 4 + 2 * NUM_KEYPOINTS].reshape(-1, NUM_KEYPOINTS, 2) + anchor[:, None, :]
    return Detections(scores=scores[keep], boxes=boxes, keypoints=keypoints)


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one (4,) box with each of (M, 4) boxes."""
    low = np.maximum(box[:2], boxes[:, :2])
    high = np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=1)
    area = np.prod(np.clip(box[2:] - box[:2], 0, None))
    areas = np.prod(np.clip(boxes[:, 2:] - boxes[:, :2], 0, None), axis=1)
    union = area + areas - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def weighted_nms(detections: Detections, threshold: float = NMS_IOU) -> Detections:
    """One detection per person: the best remaining detection takes every detection that
    overlaps it by more than ``threshold`` and becomes their score-weighted mean (box and
    keypoints), keeping its own score. Averaging, rather than keeping the best alone,
    steadies the keypoints the crop's size and rotation come from."""
    order = np.argsort(-detections.scores, kind="stable")
    scores, boxes, keypoints = detections.scores[order], detections.boxes[order], detections.keypoints[order]
    out_scores, out_boxes, out_keypoints = [], [], []
    remaining = np.arange(len(scores))
    while remaining.size:
        best = remaining[0]
        same = iou(boxes[best], boxes[remaining]) > threshold
        same[0] = True  # a degenerate (empty) best box still stands for itself
        members = remaining[same]
        weights = scores[members] / scores[members].sum()
        out_scores.append(scores[best])
        out_boxes.append(weights @ boxes[members])
        out_keypoints.append(np.einsum("m,mkc->kc", weights, keypoints[members]))
        remaining = remaining[~same]
    if not out_scores:
        return Detections(np.empty(0), np.empty((0, 4)), np.empty((0, NUM_KEYPOINTS, 2)))
    return Detections(np.array(out_scores), np.stack(out_boxes), np.stack(out_keypoints))


def to_picture(detections: Detections, view: Rois) -> Detections:
    """From the square ``view``'s units to the picture's (MediaPipe's letterbox removal,
    when the view is the whole picture)."""
    n = len(detections)
    corners = detections.boxes.reshape(n, 2, 2)
    points = np.concatenate([corners, detections.keypoints], axis=1).reshape(1, -1, 2)
    mapped = crop_to_picture(points, view).reshape(n, 2 + NUM_KEYPOINTS, 2)
    return Detections(detections.scores, mapped[:, :2].reshape(n, 4), mapped[:, 2:])


def letterbox(rgb: np.ndarray, view: Rois | None = None) -> np.ndarray:
    """The (1, 224, 224, 3) input: the square ``view`` of the picture (default: the whole
    picture fitted into the square, black around it), values in [-1, 1]."""
    height, width = rgb.shape[:2]
    square = crop(rgb, view or whole_picture(width, height), INPUT_SIDE, border_zero=True)
    return square.astype(np.float32) * np.float32(2 / 255) - np.float32(1)


def square_views(width: int, height: int, min_aspect: float = WIDE) -> Rois:
    """Squares across a wide picture, each as high as the picture, overlapping by half: where
    a row of people is each too small for the detector once the whole picture is letterboxed.
    None for a picture less than ``min_aspect`` times as wide as it is high (people stand
    side by side, not on top of each other, so a tall picture needs none)."""
    if width < min_aspect * height:
        return Rois(np.empty((0, 2)), np.empty(0), np.empty(0), width, height)
    count = min(int(np.ceil(2 * (width - height) / height)) + 1, MAX_SQUARES)
    starts = np.linspace(0.0, width - height, count)
    centres = np.stack([starts + height / 2, np.full_like(starts, height / 2)], axis=1)
    return Rois(centres, np.full(len(starts), float(height)), np.zeros(len(starts)), width, height)


class PoseDetector:
    """The person detector, loaded once (per process or thread) and called per picture."""

    def __init__(self, *, min_score: float = MIN_SCORE, nms_iou: float = NMS_IOU, threads: int = 1) -> None:
        self.model = TFLiteModel(detector_file(), threads=threads)
        self.min_score = min_score
        self.nms_iou = nms_iou
        self._anchors = ssd_anchors()
        boxes_shape, scores_shape = sorted(self.model.output_shapes, key=lambda shape: -shape[-1])
        if self.model.input_shape[1:3] != (INPUT_SIDE, INPUT_SIDE) or boxes_shape[1] != len(self._anchors):
            raise ValueError(f"{self.model.path} is not the pose detector these settings are for")
        self._boxes_first = self.model.output_shapes[0][-1] == boxes_shape[-1]

    def __call__(self, rgb: np.ndarray, views: Rois | None = None) -> Detections:
        """Everyone the detector sees in an RGB picture (H, W, 3) uint8, best first; with
        ``views`` (squares of it: :func:`square_views`), in each of them too, one after
        the other (the same person seen in two views may come twice)."""
        height, width = rgb.shape[:2]
        whole = self._in_view(rgb, whole_picture(width, height))
        if views is None or not len(views):
            return whole
        found = [whole, *(self._in_view(rgb, views[k]) for k in range(len(views)))]
        parts = ("scores", "boxes", "keypoints")
        return Detections(*(np.concatenate([getattr(d, name) for d in found]) for name in parts))

    def _in_view(self, rgb: np.ndarray, view: Rois) -> Detections:
        first, second = self.model(letterbox(rgb, view))
        raw_boxes, raw_scores = (first, second) if self._boxes_first else (second, first)
        found = decode(raw_boxes[0], raw_scores[0], self._anchors, self.min_score)
        return to_picture(weighted_nms(found, self.nms_iou), view)

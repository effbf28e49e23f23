"""BlazePose's landmark model (lite, full or heavy) run on one crop per person.

MediaPipe's pose graph runs the same model on the one crop it follows; here it runs on
any crops (:mod:`pose.crop`), one per person, and its raw outputs are decoded as
MediaPipe's ``tensors_to_pose_landmarks_and_segmentation`` and
``pose_landmarks_and_segmentation_inverse_projection`` graphs do: the 39 screen
landmarks (33 of the body, 2 auxiliary ones that place the next frame's crop, 4 unused)
in crop pixels with visibility and presence logits, refined by the model's heatmaps; the
39 world landmarks in metres, turned back by the crop's angle; the pose-presence score.
The results have the shapes the rest of the package reads (see ``pose.landmarks``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .crop import Rois, crop, crop_to_picture, rois_from_points
from .landmarks import NUM_LANDMARKS, PoseResult
from .models import DEFAULT_MODEL, check_installed, model_file
from .tflite import TFLiteModel

INPUT_SIDE = 256
NUM_OUTPUT_LANDMARKS = 39
# The two auxiliary landmarks after the body's 33: the hip centre and a point on the
# full-body circle, the same pair the detector gives (pose_landmarks_to_roi).
AUXILIARY = slice(NUM_LANDMARKS, NUM_LANDMARKS + 2)
# RefineLandmarksFromHeatmapCalculator as MediaPipe's pose graph sets it.
HEATMAP_KERNEL = 7
MIN_HEATMAP_CONFIDENCE = 0.5
# Below this pose-presence score MediaPipe drops the landmarks (its ThresholdingCalculator).
MIN_PRESENCE = 0.5
# The model's person mask: MediaPipe computes it only for enable_segmentation, and
# nothing here reads it, so it is left out of the model as loaded (``TFLiteModel.keep``).
SEGMENTATION_SHAPE = (1, INPUT_SIDE, INPUT_SIDE, 1)


def is_read(shape: tuple[int, ...]) -> bool:
    """Whether the analysis reads a model output of this shape: every one but the mask."""
    return shape != SEGMENTATION_SHAPE


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class PeopleLandmarks:
    """The landmark model's answer for N crops of one picture.

    ``image``: (N, 33, 4) x, y normalised to the picture, z on x's scale, visibility;
    ``world``: (N, 33, 3) metres, origin between the hips; ``presence``: (N,) the model's
    confidence that the crop holds a person (MediaPipe keeps the landmarks above 0.5);
    ``auxiliary``: (N, 2, 2) the hip centre and full-body circle point, normalised to the
    picture, from which :meth:`next_rois` places the crops for the next frame.
    """

    image: np.ndarray
    world: np.ndarray
    presence: np.ndarray
    auxiliary: np.ndarray
    width: int
    height: int

    def __len__(self) -> int:
        return len(self.presence)

    def result(self, person: int) -> PoseResult:
        """One person's landmarks in the form the single-person estimator returns."""
        return PoseResult(image=self.image[person], world=self.world[person])

    def next_rois(self) -> Rois:
        """Each person's crop for the next frame, from this frame's landmarks (tracking
        without the detector, as MediaPipe's graph does between detections)."""
        return rois_from_points(self.auxiliary[:, 0], self.auxiliary[:, 1], self.width, self.height)


def refine_with_heatmap(xy: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """(L, 2) crop-unit points moved to the confidence-weighted centre of their heatmap
    channel near them (a KxK window, cut at the heatmap's edges), where the heatmap is
    confident enough; points off the heatmap stay. The regression alone is coarser than
    the heatmap's peak: this is MediaPipe's RefineLandmarksFromHeatmapCalculator."""
    rows, cols, channels = heatmap.shape
    half = (HEATMAP_KERNEL - 1) // 2
    col = np.trunc(xy[:, 0] * cols).astype(np.int64)  # C++ float-to-int truncation
    row = np.trunc(xy[:, 1] * rows).astype(np.int64)
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    steps = np.arange(HEATMAP_KERNEL) - half
    window_rows = np.clip(row, 0, rows - 1)[:, None] + steps  # (L, K) in the heatmap, may run off its edges
    window_cols = np.clip(col, 0, cols - 1)[:, None] + steps
    channel = np.arange(channels)[:, None, None]
    at_rows, at_cols = window_rows[:, :, None], window_cols[:, None, :]
    on_map = (at_rows >= 0) & (at_rows < rows) & (at_cols >= 0) & (at_cols < cols)  # (L, K, K)
    # Only the windows' values go through the sigmoid (a few thousand, not the whole map).
    raw = heatmap[np.clip(at_rows, 0, rows - 1), np.clip(at_cols, 0, cols - 1), channel].astype(np.float64)
    confidence = np.where(on_map, sigmoid(raw), 0.0)
    total = confidence.sum(axis=(1, 2))
    refined_x = (confidence * window_cols[:, None, :]).sum(axis=(1, 2)) / np.where(total > 0, total, 1) / cols
    refined_y = (confidence * window_rows[:, :, None]).sum(axis=(1, 2)) / np.where(total > 0, total, 1) / rows
    refine = inside & (confidence.max(axis=(1, 2)) >= MIN_HEATMAP_CONFIDENCE) & (total > 0)
    out = xy.astype(np.float64)
    out[refine] = np.stack([refined_x, refined_y], -1)[refine]
    return out


def decode(
    screen: np.ndarray, heatmap: np.ndarray, world: np.ndarray, rois: Rois
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw outputs for N crops ((N, 39, 5) crop pixels and logits, (N, 64, 64, 39), (N, 39, 3)
    metres) as picture landmarks (N, 39, 4), world landmarks (N, 39, 3) and presence (N, 39)."""
    xy = np.stack([refine_with_heatmap(s[:, :2] / INPUT_SIDE, h) for s, h in zip(screen, heatmap, strict=True)])
    picture_xy = crop_to_picture(xy, rois)
    # z is in crop pixels like x; on the picture it keeps x's scale (the crop's width).
    z = screen[:, :, 2] / INPUT_SIDE * (rois.size / rois.width)[:, None]
    visibility = sigmoid(screen[:, :, 3].astype(np.float64))
    image = np.concatenate([picture_xy, z[:, :, None], visibility[:, :, None]], axis=2)
    # World landmarks come in the crop's frame: turn x, y back by the crop's angle.
    cos, sin = np.cos(rois.angle)[:, None], np.sin(rois.angle)[:, None]
    wx, wy = world[:, :, 0], world[:, :, 1]
    turned = np.stack([cos * wx - sin * wy, sin * wx + cos * wy, world[:, :, 2]], axis=2)
    return image, turned, sigmoid(screen[:, :, 4].astype(np.float64))


class LandmarkModel:
    """One of the three landmark models, loaded once, run on any number of crops."""

    def __init__(self, model: str = DEFAULT_MODEL, *, threads: int = 1) -> None:
        self.name = check_installed(model)
        self.model = TFLiteModel(model_file(self.name), threads=threads, keep=is_read)
        shapes = self.model.output_shapes
        sizes = [int(np.prod(shape[1:])) for shape in shapes]
        # The outputs, found by size: the order of their names differs between model builds.
        self._screen = sizes.index(NUM_OUTPUT_LANDMARKS * 5)
        self._world = sizes.index(NUM_OUTPUT_LANDMARKS * 3)
        self._presence = sizes.index(1)
        heatmaps = [i for i, shape in enumerate(shapes) if len(shape) == 4 and shape[-1] == NUM_OUTPUT_LANDMARKS]
        (self._heatmap,) = heatmaps

    def run(self, crops: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Raw outputs for (N, 256, 256, 3) uint8 crops: screen (N, 39, 5), heatmap
        (N, 64, 64, 39), world (N, 39, 3), presence (N,)."""
        screens, heatmaps, worlds, presences = [], [], [], []
        for one in crops:
            outputs = self.model(one[None].astype(np.float32) * np.float32(1 / 255))
            screens.append(outputs[self._screen].reshape(NUM_OUTPUT_LANDMARKS, 5))
            heatmaps.append(outputs[self._heatmap][0])
            worlds.append(outputs[self._world].reshape(NUM_OUTPUT_LANDMARKS, 3))
            presences.append(float(outputs[self._presence].reshape(-1)[0]))
        return np.stack(screens), np.stack(heatmaps), np.stack(worlds), np.array(presences)

    def __call__(self, rgb: np.ndarray, rois: Rois) -> PeopleLandmarks:
        """The landmarks of the person in each crop of an RGB picture (H, W, 3) uint8."""
        if not len(rois):
            empty = np.empty((0, NUM_LANDMARKS), np.float32)
            return PeopleLandmarks(
                image=np.empty((0, NUM_LANDMARKS, 4), np.float32),
                world=np.empty((0, NUM_LANDMARKS, 3), np.float32),
                presence=empty[:, 0].astype(np.float64),
                auxiliary=np.empty((0, 2, 2)),
                width=rois.width,
                height=rois.height,
            )
        screen, heatmap, world, presence = self.run(crop(rgb, rois, INPUT_SIDE))
        image, world_turned, _ = decode(screen, heatmap, world, rois)
        return PeopleLandmarks(
            image=image[:, :NUM_LANDMARKS].astype(np.float32),
            world=world_turned[:, :NUM_LANDMARKS].astype(np.float32),
            presence=presence,
            auxiliary=image[:, AUXILIARY, :2],
            width=rois.width,
            height=rois.height,
        )

"""Where the landmark model looks for each person, and the way back to the picture.

BlazePose's landmark model expects a person upright in the middle of a square crop,
sized by the circle around their body. MediaPipe builds that crop from two points (the
hip centre and a point on the full-body circle, from the detector or from the previous
frame's landmarks: ``pose_detection_to_roi``, ``pose_landmarks_to_roi``) and warps the
picture into it with one affine map. The same map, run backwards, puts the model's
answers on the picture. Everything here is in pixels of the picture until the last step,
where a rotated square is a rotated square whatever the picture's aspect ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# MediaPipe's settings (pose_detection_to_roi.pbtxt): the crop is 1.25 times the
# full-body circle's diameter, and turned so that hip centre -> circle point is "up".
ROI_SCALE = 1.25
UP = np.pi / 2


@dataclass(frozen=True)
class Rois:
    """Squares in a picture of ``width`` x ``height`` pixels, one per person.

    ``center``: (N, 2) pixels; ``size``: (N,) side in pixels; ``angle``: (N,) radians,
    MediaPipe's ``NormalizedRect.rotation`` (positive turns the crop's axes clockwise on
    the screen, y pointing down).
    """

    center: np.ndarray
    size: np.ndarray
    angle: np.ndarray
    width: int
    height: int

    def __len__(self) -> int:
        return len(self.size)

    def __getitem__(self, index: int | slice | np.ndarray) -> Rois:
        keep = np.atleast_1d(np.arange(len(self))[index])
        return Rois(self.center[keep], self.size[keep], self.angle[keep], self.width, self.height)


def whole_picture(width: int, height: int) -> Rois:
    """The detector's view: the picture letterboxed into a square, unturned and centred."""
    return Rois(
        center=np.array([[width / 2, height / 2]], np.float64),
        size=np.array([float(max(width, height))]),
        angle=np.zeros(1),
        width=width,
        height=height,
    )


def normalize_radians(angle: np.ndarray) -> np.ndarray:
    """Into [-pi, pi), as MediaPipe does before it stores a rotation."""
    return angle - 2 * np.pi * np.floor((angle + np.pi) / (2 * np.pi))


def rois_from_points(centre: np.ndarray, circle: np.ndarray, width: int, height: int, scale: float = ROI_SCALE) -> Rois:
    """The crops MediaPipe derives from two points per person (both (N, 2), normalised to the
    picture): a square twice the centre-to-circle distance, times ``scale``, centred on
    ``centre`` and turned so that the circle point sits straight above the centre.
    """
    picture = np.array([width, height], np.float64)
    start = np.asarray(centre, np.float64).reshape(-1, 2) * picture
    end = np.asarray(circle, np.float64).reshape(-1, 2) * picture
    delta = end - start
    angle = normalize_radians(UP - np.arctan2(-delta[:, 1], delta[:, 0]))
    size = 2 * np.hypot(delta[:, 0], delta[:, 1]) * scale
    return Rois(center=start, size=size, angle=angle, width=width, height=height)


def _rotations(angle: np.ndarray) -> np.ndarray:
    """(N, 2, 2) rotation matrices for the crops' angles."""
    cos, sin = np.cos(angle), np.sin(angle)
    return np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)


def crop_to_picture(points: np.ndarray, rois: Rois) -> np.ndarray:
    """Points in crop units ((N, K, 2), 0..1 across each crop) as (N, K, 2) normalised
    picture coordinates: MediaPipe's LandmarkProjectionCalculator, in pixels."""
    offsets = (np.asarray(points, np.float64) - 0.5) * rois.size[:, None, None]
    turned = np.einsum("nij,nkj->nki", _rotations(rois.angle), offsets)
    return (turned + rois.center[:, None, :]) / np.array([rois.width, rois.height], np.float64)


def picture_to_crop(points: np.ndarray, rois: Rois) -> np.ndarray:
    """The inverse of :func:`crop_to_picture` (for checks, and for points a tracker predicts)."""
    pixels = np.asarray(points, np.float64) * np.array([rois.width, rois.height], np.float64)
    offsets = pixels - rois.center[:, None, :]
    unturned = np.einsum("nji,nkj->nki", _rotations(rois.angle), offsets)
    return unturned / rois.size[:, None, None] + 0.5


def crop_matrices(rois: Rois, side: int) -> np.ndarray:
    """(N, 2, 3) affine maps from a crop's pixel (column, row) to the picture's pixel.

    A crop pixel index p samples the picture at crop unit p / side, as MediaPipe's
    perspective warp from the square's corners does.
    """
    linear = _rotations(rois.angle) * (rois.size / side)[:, None, None]
    half = np.stack([rois.size / 2, rois.size / 2], -1)
    offset = rois.center - np.einsum("nij,nj->ni", _rotations(rois.angle), half)
    return np.concatenate([linear, offset[:, :, None]], axis=2)


def crop(picture: np.ndarray, rois: Rois, side: int, *, border_zero: bool = False) -> np.ndarray:
    """(N, side, side, channels) crops of ``picture`` (bilinear, as MediaPipe's CPU path).

    Outside the picture the detector sees black (``border_zero``, its letterbox) and the
    landmark model sees the edge pixels repeated (MediaPipe's default for it).
    """
    height, width = picture.shape[:2]
    if (width, height) != (rois.width, rois.height):
        raise ValueError(f"the crops are for a {rois.width}x{rois.height} picture, not {width}x{height}")
    border = cv2.BORDER_CONSTANT if border_zero else cv2.BORDER_REPLICATE
    crops = [
        cv2.warpAffine(
            picture,
            matrix,
            (side, side),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=border,
            borderValue=(0, 0, 0, 0),
        )
        for matrix in crop_matrices(rois, side)
    ]
    shape = (0, side, side, *picture.shape[2:])
    return np.stack(crops) if crops else np.empty(shape, picture.dtype)

"""Landmark smoothing from frame to frame, as MediaPipe's pose graph does it.

The legacy solution filters what its landmark model says before anyone sees it
(``pose_landmark_filtering``): visibilities through a low-pass filter, coordinates through
One Euro filters (smooth while a joint is still, quick when it moves fast), the auxiliary
points that place the next crop more heavily still, so the crop does not shake. A person
followed by :mod:`pose.people` gets the same filters with the same settings, so that the
landmarks, and every label read from them, are the ones the legacy solution gives, and
held poses do not flicker on model noise.

The filters step once per analysed frame at MediaPipe's solution rate (its Python API
stamps frames 1/30 s apart whatever the video's rate). A person lost and found again
starts afresh, as MediaPipe's filters do when its landmarks are missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SOLUTION_RATE = 30.0  # frames per second, as MediaPipe's solution API stamps them
VISIBILITY_ALPHA = 0.1


@dataclass(frozen=True)
class OneEuroSettings:
    min_cutoff: float
    beta: float
    derivate_cutoff: float = 1.0


# pose_landmark_filtering: the body's landmarks, the world landmarks, the crop points.
LANDMARKS = OneEuroSettings(min_cutoff=0.05, beta=80.0)
WORLD = OneEuroSettings(min_cutoff=0.1, beta=40.0)
AUXILIARY = OneEuroSettings(min_cutoff=0.01, beta=10.0)


def _alpha(cutoff: np.ndarray | float, rate: float) -> np.ndarray | float:
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau * rate)


class OneEuro:
    """One Euro filters over an array of values, each value its own filter (MediaPipe's
    OneEuroFilter: the speed is the change from the last raw value, scaled by
    ``value_scale``, itself low-passed; the faster, the higher the cutoff)."""

    def __init__(self, settings: OneEuroSettings, rate: float = SOLUTION_RATE) -> None:
        self.settings = settings
        self.rate = rate
        self.raw: np.ndarray | None = None
        self.value: np.ndarray | None = None
        self.speed: np.ndarray | None = None

    def __call__(self, value: np.ndarray, value_scale: float = 1.0, gap: int = 1) -> np.ndarray:
        """``gap``: how many frames of the rate since the last value (more than one when
        frames were skipped: :mod:`pose.adaptive`), so the speed stays per second."""
        s = self.settings
        if self.raw is None or self.value is None or self.speed is None:
            self.raw, self.value, self.speed = value.copy(), value.copy(), np.zeros_like(value)
            return value
        rate = self.rate / max(gap, 1)
        change = (value - self.raw) * value_scale * rate
        self.speed = self.speed + _alpha(s.derivate_cutoff, rate) * (change - self.speed)
        alpha = _alpha(s.min_cutoff + s.beta * np.abs(self.speed), rate)
        self.value = self.value + alpha * (value - self.value)
        self.raw = value.copy()
        return self.value


class LowPass:
    """Exponential smoothing: each new value weighs ``alpha``."""

    def __init__(self, alpha: float = VISIBILITY_ALPHA) -> None:
        self.alpha = alpha
        self.value: np.ndarray | None = None

    def __call__(self, value: np.ndarray, gap: int = 1) -> np.ndarray:
        """``gap`` steps at once: the weight the same number of single steps would give."""
        weight = 1.0 - (1.0 - self.alpha) ** max(gap, 1)
        self.value = value.copy() if self.value is None else self.value + weight * (value - self.value)
        return self.value


def _value_scale(auxiliary: np.ndarray, width: int, height: int) -> float:
    """MediaPipe scales a joint's speed by the body's size on screen: the square around
    the crop points' circle, its side twice the radius."""
    radius = float(np.hypot(*((auxiliary[1] - auxiliary[0]) * np.array([width, height], np.float64))))
    return 1.0 / max(2 * radius, 1e-6)


class CropSmoother:
    """The crop points' filter alone: what following a person from frame to frame needs
    at once (the landmarks themselves are smoothed afterwards, :func:`smooth_rows`)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.auxiliary = OneEuro(AUXILIARY)

    def __call__(self, auxiliary: np.ndarray, width: int, height: int, gap: int = 1) -> np.ndarray:
        """(2, 2) smoothed crop points, normalised; ``gap`` frames after the last call."""
        pixels = np.array([width, height], np.float64)
        scale = _value_scale(auxiliary, width, height)
        return np.asarray(self.auxiliary(np.asarray(auxiliary, np.float64) * pixels, scale, gap) / pixels)


def smooth_rows(
    image: np.ndarray,
    world: np.ndarray,
    auxiliary: np.ndarray,
    width: int,
    height: int,
    restarts: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One person's (T, 33, 4) picture and (T, 33, 3) world landmarks, smoothed row after
    row as MediaPipe smooths them, afresh after every absence and at ``restarts`` (a
    person lost and found within one frame); NaN rows stay NaN.

    Smoothing after the fact, over every row, gives rows the model skipped and filled
    by interpolation (:mod:`pose.adaptive`) the same filters, step for step, as an
    analysis of every frame: the filters' lag is part of what the labels read."""
    out_image = np.array(image, np.float32, copy=True)
    out_world = np.array(world, np.float32, copy=True)
    smoother = LandmarkSmoother()
    seen = False
    for row in range(len(image)):
        if np.isnan(image[row, 0, 0]):
            seen = False
            continue
        if not seen or (restarts is not None and restarts[row]):
            smoother.reset()
            seen = True
        out_image[row], out_world[row], _ = smoother(image[row], world[row], auxiliary[row], width, height)
    return out_image, out_world


class LandmarkSmoother:
    """One person's filters; call once per analysed frame in which they are seen."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.visibility = LowPass()
        self.landmarks = OneEuro(LANDMARKS)
        self.world = OneEuro(WORLD)
        self.crop = CropSmoother()

    def __call__(
        self, image: np.ndarray, world: np.ndarray, auxiliary: np.ndarray, width: int, height: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Smoothed (33, 4) picture landmarks, (33, 3) world landmarks and (2, 2) crop points
        (hip centre, full-body circle point), all normalised as the model gives them."""
        pixels = np.array([width, height, width], np.float64)
        value_scale = _value_scale(auxiliary, width, height)
        out = np.array(image, np.float64)
        out[:, 3] = self.visibility(out[:, 3])
        out[:, :3] = self.landmarks(out[:, :3] * pixels, value_scale) / pixels
        aux = self.crop(auxiliary, width, height)
        return out.astype(np.float32), self.world(np.asarray(world, np.float64)).astype(np.float32), aux

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

    def __call__(self, value: np.ndarray, value_scale: float = 1.0) -> np.ndarray:
        s = self.settings
        if self.raw is None or self.value is None or self.speed is None:
            self.raw, self.value, self.speed = value.copy(), value.copy(), np.zeros_like(value)
            return value
        change = (value - self.raw) * value_scale * self.rate
        self.speed = self.speed + _alpha(s.derivate_cutoff, self.rate) * (change - self.speed)
        alpha = _alpha(s.min_cutoff + s.beta * np.abs(self.speed), self.rate)
        self.value = self.value + alpha * (value - self.value)
        self.raw = value.copy()
        return self.value


class LowPass:
    """Exponential smoothing: each new value weighs ``alpha``."""

    def __init__(self, alpha: float = VISIBILITY_ALPHA) -> None:
        self.alpha = alpha
        self.value: np.ndarray | None = None

    def __call__(self, value: np.ndarray) -> np.ndarray:
        self.value = value.copy() if self.value is None else self.value + self.alpha * (value - self.value)
        return self.value


class LandmarkSmoother:
    """One person's filters; call once per analysed frame in which they are seen."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.visibility = LowPass()
        self.landmarks = OneEuro(LANDMARKS)
        self.world = OneEuro(WORLD)
        self.auxiliary = OneEuro(AUXILIARY)

    def __call__(
        self, image: np.ndarray, world: np.ndarray, auxiliary: np.ndarray, width: int, height: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Smoothed (33, 4) picture landmarks, (33, 3) world landmarks and (2, 2) crop points
        (hip centre, full-body circle point), all normalised as the model gives them."""
        pixels = np.array([width, height, width], np.float64)
        # MediaPipe scales a joint's speed by the body's size on screen: the square around
        # the crop points' circle, its side twice the radius.
        radius = float(np.hypot(*((auxiliary[1] - auxiliary[0]) * pixels[:2])))
        value_scale = 1.0 / max(2 * radius, 1e-6)
        out = np.array(image, np.float64)
        out[:, 3] = self.visibility(out[:, 3])
        out[:, :3] = self.landmarks(out[:, :3] * pixels, value_scale) / pixels
        aux = self.auxiliary(np.asarray(auxiliary, np.float64) * pixels[:2], value_scale) / pixels[:2]
        return out.astype(np.float32), self.world(np.asarray(world, np.float64)).astype(np.float32), aux

"""MediaPipe Pose behind a small interface: an RGB picture in, landmark arrays out.

One estimator holds one MediaPipe graph; create it once per worker process and reuse
it, calling :meth:`PoseEstimator.reset` between videos so tracking from one clip does
not leak into the next.
"""

from __future__ import annotations

import os
import sys
import types
from dataclasses import dataclass
from typing import Any

import numpy as np

# Keep MediaPipe/TFLite from flooding stderr with start-up chatter.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_mediapipe() -> Any:
    """Import MediaPipe without importing matplotlib.

    ``mediapipe/__init__`` loads its drawing helpers, which import matplotlib.pyplot:
    about 0.7 s of every process start-up (half of MediaPipe's import time) for
    plotting code this package never calls. Empty placeholder modules stand in while
    MediaPipe loads and are removed straight after, so any later ``import matplotlib``
    gets the real package.
    """
    placeholders = [name for name in ("matplotlib", "matplotlib.pyplot") if name not in sys.modules]
    for name in placeholders:
        sys.modules[name] = types.ModuleType(name)
    try:
        import mediapipe
    finally:
        for name in placeholders:
            sys.modules.pop(name, None)
    return mediapipe


mp = _import_mediapipe()

# Complexity 1 ("full") is the only landmark model shipped inside the 0.10.21 wheel;
# 0 and 2 would try to download theirs, which air-gapped servers cannot do.
MODEL_COMPLEXITY = 1


@dataclass(frozen=True)
class PoseResult:
    """Landmarks of one person in one picture.

    ``image``: (33, 4) x, y normalised to the picture, z in the same scale as x,
    visibility in [0, 1]. ``world``: (33, 3) metres, origin between the hips.
    """

    image: np.ndarray
    world: np.ndarray


class PoseEstimator:
    def __init__(self, *, static_image_mode: bool = False) -> None:
        self._pose = self._build(static_image_mode)

    @staticmethod
    def _build(static_image_mode: bool) -> Any:
        return mp.solutions.pose.Pose(
            static_image_mode=static_image_mode,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def reset(self) -> None:
        """Forget the tracked person so the next picture starts a fresh detection."""
        self._pose.reset()

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, rgb: np.ndarray) -> PoseResult | None:
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        image = np.array(
            [(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark],
            dtype=np.float32,
        )
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark], dtype=np.float32)
        return PoseResult(image=image, world=world)

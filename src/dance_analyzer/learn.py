"""Learn a pose from one example: measure the body, then allow a margin around each measure.

The result is an ordinary pose definition (the ``poses.yaml`` format), returned for
review before it is saved. Sides are kept as shown: a pose learned with the left leg
raised asks for the left leg raised. Only features the example shows clearly
(visibility at least the pose file's minimum) become conditions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from .features import FEATURES, SIDES, compute_features

# Margins around the example's value, per unit.
MARGINS = {"degrees": 25.0, "torso lengths": 0.4, "leg lengths": 0.12}
LEARNED_FEATURES = (
    "elbow_angle", "knee_angle", "hip_angle", "arm_elevation", "wrist_height", "foot_lift", "torso_tilt",
)  # fmt: skip
MIN_VISIBILITY = 0.5


def measure(image: np.ndarray, world: np.ndarray) -> dict[str, tuple[float, float]]:
    """Feature values and visibilities of one frame of landmarks ((33, 4) and (33, 3))."""
    table = compute_features(image[None].astype(np.float32), world[None].astype(np.float32))
    return {name: (float(table.values[name][0]), float(table.visibility[name][0])) for name in table.values}


def _bounds(value: float, unit: str) -> list[float | None]:
    margin = MARGINS[unit]
    low, high = value - margin, value + margin
    if unit == "degrees":
        low, high = max(low, 0.0), min(high, 180.0)
    return [round(low, 2), round(high, 2)]


def learn_definition(
    image: np.ndarray, world: np.ndarray, *, name: str, priority: int, description: str = ""
) -> dict[str, Any]:
    """A pose definition holding around this example."""
    measured = measure(image, world)
    when: dict[str, Any] = {}
    for feature in LEARNED_FEATURES:
        spec = FEATURES[feature]
        keys = [f"{side}_{feature}" for side in SIDES] if spec.sided else [feature]
        for key in keys:
            value, visibility = measured[key]
            if math.isnan(value) or visibility < MIN_VISIBILITY:
                continue
            if spec.sided:
                side = key.split("_", 1)[0]
                when.setdefault(feature, {})[side] = _bounds(value, spec.unit)
            else:
                when[feature] = _bounds(value, spec.unit)
    if not when:
        from .errors import NoPersonFound

        raise NoPersonFound("The example shows too little of the body to learn a pose from")
    return {
        "name": name,
        "priority": priority,
        "description": description or f"Learned from an example ({len(when)} measures, as shown).",
        "when": when,
    }


def example_landmarks(path: Path, time_s: float | None, estimator: Any, limits: Any) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks of a still image, or of a video's frame at ``time_s`` (default: the first)."""
    from .errors import NoPersonFound, NotAVideo
    from .pipeline import INFERENCE_MAX_SIDE
    from .video import iter_frames, looks_like_video_container

    if looks_like_video_container(path):
        frame = next(
            (f for f in iter_frames(path, start_s=time_s or 0.0, max_side=INFERENCE_MAX_SIDE, limits=limits)), None
        )
        if frame is None or frame.image is None:
            raise NotAVideo(f"The video has no frame at {time_s or 0:g} s")
        picture = frame.image
    else:
        import cv2

        data = np.frombuffer(path.read_bytes(), np.uint8)
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
        if decoded is None:
            raise NotAVideo("The file is neither a video nor an image in a supported format")
        scale = INFERENCE_MAX_SIDE / max(decoded.shape[:2])
        if scale < 1:
            decoded = cv2.resize(decoded, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        picture = np.ascontiguousarray(decoded[:, :, ::-1])
    estimator.reset()
    result = estimator(picture)
    if result is None:
        raise NoPersonFound("No person was found in the example")
    return result.image, result.world

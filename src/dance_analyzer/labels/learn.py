"""Learn a pose from one example: measure the body, then allow a margin around each measure.

The result is an ordinary pose definition (the ``poses.yaml`` format), returned for
review before it is saved. Sides are kept as shown: a pose learned with the left leg
raised asks for the left leg raised. Only features the example shows clearly
(visibility at least the pose set's minimum) become conditions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import NoPersonFound
from ..features import FEATURES, SIDES, compute_features
from ..pose.landmarks import MIN_VISIBILITY

# Margins around the example's value, per unit.
MARGINS = {"degrees": 25.0, "torso lengths": 0.4, "leg lengths": 0.12}
LEARNED_FEATURES = (
    "elbow_angle", "knee_angle", "hip_angle", "arm_elevation", "wrist_height", "foot_lift", "torso_tilt",
)  # fmt: skip


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
    image: np.ndarray,
    world: np.ndarray,
    *,
    name: str,
    priority: int,
    description: str = "",
    min_visibility: float = MIN_VISIBILITY,
) -> dict[str, Any]:
    """A pose definition holding around this example."""
    measured = measure(image, world)
    when: dict[str, Any] = {}
    for feature in LEARNED_FEATURES:
        spec = FEATURES[feature]
        keys = [f"{side}_{feature}" for side in SIDES] if spec.sided else [feature]
        for key in keys:
            value, visibility = measured[key]
            if math.isnan(value) or visibility < min_visibility:
                continue
            if spec.sided:
                side = key.split("_", 1)[0]
                when.setdefault(feature, {})[side] = _bounds(value, spec.unit)
            else:
                when[feature] = _bounds(value, spec.unit)
    if not when:
        raise NoPersonFound("The example shows too little of the body to learn a pose from")
    return {
        "name": name,
        "priority": priority,
        "description": description or f"Learned from an example ({len(when)} measures, as shown).",
        "when": when,
    }

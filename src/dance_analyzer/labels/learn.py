"""Learn a pose from one example, in one of two ways.

By its measures (:func:`learn_definition`): measure the body, then allow a margin around
each measure; only features the example shows clearly (visibility at least the pose set's
minimum) become conditions. By its likeness (:func:`learn_likeness`): keep the whole body
as an example, and the pose holds where a body is close to it; more examples can be added
to the same pose later. Either way the result is an ordinary pose definition (the
``poses.yaml`` format), returned for review before it is saved, and sides are kept as
shown: a pose learned with the left leg raised asks for the left leg raised.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import NoPersonFound
from ..features import FEATURES, SIDES, compute_features, in_frame
from ..features.embedding import JOINTS, body_embedding
from ..pose.landmarks import MIN_VISIBILITY
from ..pose.landmarks import Landmark as L
from .examples import WITHIN

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


def learn_likeness(
    image: np.ndarray,
    world: np.ndarray,
    *,
    name: str,
    priority: int,
    description: str = "",
    min_visibility: float = MIN_VISIBILITY,
) -> dict[str, Any]:
    """A pose definition holding on bodies like this example (``examples: {bodies: [...]}``).

    The likeness compares every joint, so the example must show them all: a leg out of the
    picture would be the model's guess, and the pose would ask for that guess."""
    inside = in_frame(image)
    unseen = [L(j).name.lower() for j in JOINTS if not (inside[j] and image[j, 3] >= min_visibility)]
    if np.isnan(image[:, :3]).all():
        raise NoPersonFound("No person was found in the example")
    if unseen:
        raise NoPersonFound(
            "To learn a pose by its likeness the example must show the whole body; not clearly seen: "
            + ", ".join(unseen)
        )
    body = body_embedding(world[None])[0]
    return {
        "name": name,
        "priority": priority,
        "description": description or "Learned from an example: holds on bodies like it (as shown).",
        "examples": {"within": WITHIN, "mirrored": False, "bodies": [[round(float(v), 3) for v in body]]},
    }

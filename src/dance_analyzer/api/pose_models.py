"""Response models of the pose endpoints: the rules a server names poses by, and a pose learned
from an example.

Like the report models, each allows fields it does not declare, so nothing added to a response
vanishes from the API because nobody declared it here.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from .report_models import OpenModel


class FeatureInfo(OpenModel):
    name: str
    per_side: bool = Field(description="measured for each side: use left_<name> / right_<name>")
    unit: str
    description: str


class PoseDefinitionView(OpenModel):
    name: str
    priority: int = Field(description="the higher wins when several poses hold in the same frame")
    description: str
    conditions: list[str] = Field(description="every condition must hold, as readable text")
    or_conditions: list[list[str]] | None = Field(
        None, description="other ways the pose can hold: each a list of conditions that together stand instead"
    )
    unless: list[str] = Field(default_factory=list, description="poses that, when they hold, rule this one out")
    min_visibility: float | None = Field(None, description="this pose's own visibility threshold, where it has one")
    examples: dict[str, Any] | None = Field(
        None,
        description="known by its likeness to labelled bodies: most of this many nearest ones "
        "(`neighbours`) of the built-in corpus show it, or (a pose of your own) the body is within "
        "`within` torso lengths of one of its own `bodies` (mirror images too if `mirrored`); with the "
        "conditions too, or (`combine: or`) either being enough",
    )


class PoseList(OpenModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "min_visibility": 0.5,
                    "poses": [
                        {
                            "name": "squat",
                            "priority": 20,
                            "description": "Knees deeply bent, hips low.",
                            "conditions": ["knee_angle (both) between 40 and 120 degrees"],
                            "unless": [],
                        }
                    ],
                    "custom": ["my_arabesque"],
                    "features": [
                        {"name": "knee_angle", "per_side": True, "unit": "degrees", "description": "hip-knee-ankle"}
                    ],
                }
            ]
        },
    )

    min_visibility: float = Field(description="0-1: landmarks less visible than this do not count")
    poses: list[PoseDefinitionView]
    custom: list[str | None] = Field(description="the names of the caller's own poses")
    features: list[FeatureInfo] = Field(description="what conditions can measure")


class LearnedPose(OpenModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "definition": {
                        "name": "my_arabesque",
                        "priority": 100,
                        "description": "Learned from an example (6 measures, as shown).",
                        "when": {"left_knee_angle": {"between": [160.0, 180.0]}},
                    },
                    "yaml": "poses:\n- name: my_arabesque\n  ...",
                    "landmarks": [[0.51, 0.22, -0.31, 0.99]],
                }
            ]
        },
    )

    definition: dict[str, Any] = Field(description="the pose, in the poses.yaml format; POST it to /poses to use it")
    yaml: str = Field(description="the same definition as YAML, to review and edit")
    landmarks: list[list[float]] = Field(description="the example's 33 landmarks [x, y, z, visibility]")

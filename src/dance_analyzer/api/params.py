"""Query parameters and request bodies that several routes share, declared once."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from .schemas import file_upload_body

Detail = Annotated[Literal["summary", "frames"], Query(description="'frames' adds per-frame output")]
SampleFps = Annotated[
    float | None, Query(gt=0, le=240, allow_inf_nan=False, description="Analyse at most N frames per second")
]
Rhythm = Annotated[bool, Query(description="Also find the music's beats and score the timing")]
Mirror = Annotated[bool, Query(description="Compare the attempt's left with the reference's right")]
PoseMomentS = Annotated[
    float | None, Query(ge=0, allow_inf_nan=False, description="for a video: when the pose is held")
]
Model = Annotated[
    Literal["lite", "full", "heavy"] | None,
    Query(description="The landmark model: lite (fastest), full or heavy (most accurate); default DANCE_MODEL"),
]

People = Annotated[
    Literal["main", "all"],
    Query(
        description="'all' follows every person in view (each with a stable id, the group's sync); "
        "'main' only the main dancer"
    ),
]
AngleFilterQuery = Annotated[
    Literal["butterworth", "none"] | None,
    Query(
        alias="filter",
        description="How the angles over time are smoothed: 'butterworth' (zero-phase low-pass, order 4, 6 Hz) "
        "or 'none' (raw angles); default DANCE_ANGLE_FILTER",
    ),
]
PrecisionQuery = Annotated[
    Literal["auto", "every_frame"] | None,
    Query(
        alias="precision",
        description="'every_frame' runs the landmark model on every analysed frame; 'auto' on a coarse stride, "
        "refined to every frame wherever the answer could change (faster on held poses and smooth movement); "
        "default DANCE_PRECISION",
    ),
]
ExportFormat = Annotated[
    Literal["json", "csv", "jpg"],
    Query(
        description="'csv' answers a table (text/csv, one row per analysed frame: poses, angles) as a download "
        "instead of the JSON result; 'jpg', for a photo, its annotated picture (image/jpeg: each skeleton and "
        "the poses drawn on it)"
    ),
]
WithLandmarks = Annotated[
    bool, Query(description="With format=csv: also the 33 landmarks (x, y, z, visibility) as columns")
]
MaxPeople = Annotated[
    int | None,
    Query(ge=1, le=16, description="At most this many people followed (1: a solo, quicker); default DANCE_MAX_PEOPLE"),
]

ReferencePerson = Annotated[
    int | None,
    Query(ge=1, description="Compare this person of the reference (an id from people=all) instead of its main dancer"),
]
AttemptPerson = Annotated[
    int | None,
    Query(ge=1, description="Compare this person of the attempt (an id from people=all) instead of its main dancer"),
]

# The routes read their bodies as streams (see uploads.py), so these document them.
UPLOAD_BODY = file_upload_body(file="The video", video="Alias of file")
COMPARE_BODY = file_upload_body(reference="The choreography", attempt="The dance to score")
LEARN_BODY = file_upload_body(file="image or video")

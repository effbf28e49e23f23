"""What one analysis is asked for: the options every shell (API, CLI, jobs, live) fills in
and the pipeline reads.

The shells check what users type and answer with their own messages; the options check
themselves again on creation, because library callers and stored jobs build them directly,
and a value such as an infinite sample rate would otherwise reach the decoder and fail deep
inside a worker instead of saying which option is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from .pose.adaptive import Precision
from .pose.models import DEFAULT_MODEL, MODELS, ModelName
from .reports.angles import AngleFilter

if TYPE_CHECKING:
    from .config import Settings


@dataclass(frozen=True)
class AnalysisOptions:
    sample_fps: float | None = None
    include_frames: bool = False
    min_segment_s: float = 0.2
    rhythm: bool = False  # also decode the audio and line the movement up with its beats
    model: ModelName = DEFAULT_MODEL  # the landmark model: lite, full or heavy
    people: bool = False  # every person in view, not only the main dancer
    max_people: int = 8
    moves_file: Path | None = None  # move thresholds instead of the built-in moves.yaml
    angle_filter: AngleFilter = "butterworth"  # how the angles over time are smoothed (reports.angles)
    precision: Precision = "every_frame"  # or auto: the model on fewer frames (pose.adaptive)

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise ValueError(f"Invalid analysis options: {problem}")

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sample_fps: float | None = None,
        include_frames: bool = False,
        rhythm: bool = False,
        model: ModelName | None = None,
        people: bool = False,
        max_people: int | None = None,
        angle_filter: AngleFilter | None = None,
        precision: Precision | None = None,
    ) -> AnalysisOptions:
        """A request's options over the server's defaults (``DANCE_SAMPLE_FPS``,
        ``DANCE_MIN_SEGMENT_S``, ``DANCE_MODEL``, ``DANCE_MAX_PEOPLE``, ``DANCE_MOVES_FILE``,
        ``DANCE_ANGLE_FILTER``, ``DANCE_PRECISION``)."""
        return cls(
            sample_fps=sample_fps or settings.sample_fps,
            include_frames=include_frames,
            min_segment_s=settings.min_segment_s,
            rhythm=rhythm,
            model=model or settings.model,
            people=people,
            max_people=max_people or settings.max_people,
            moves_file=settings.moves_file,
            angle_filter=angle_filter or settings.angle_filter,
            precision=precision or settings.precision,
        )


def _problem(o: AnalysisOptions) -> str | None:
    """What is wrong with these options, in a user's words, or None."""
    if o.sample_fps is not None and not (math.isfinite(o.sample_fps) and o.sample_fps > 0):
        return f"sample_fps must be a finite number above 0, not {o.sample_fps!r}"
    if not (math.isfinite(o.min_segment_s) and o.min_segment_s >= 0):
        return f"min_segment_s must be a finite number of seconds, 0 or more, not {o.min_segment_s!r}"
    if o.model not in MODELS:
        return f"model must be one of {', '.join(MODELS)}, not {o.model!r}"
    if isinstance(o.max_people, bool) or not isinstance(o.max_people, int) or o.max_people < 1:
        return f"max_people must be a whole number, 1 or more, not {o.max_people!r}"
    if o.angle_filter not in get_args(AngleFilter):
        return f"angle_filter must be one of {', '.join(get_args(AngleFilter))}, not {o.angle_filter!r}"
    if o.precision not in get_args(Precision):
        return f"precision must be one of {', '.join(get_args(Precision))}, not {o.precision!r}"
    return None

"""Reading videos in the calling process, with one model: ``--workers 1``, and tests.

The same :class:`dance_analyzer.pipeline.Reader` as the worker pool, without the
processes. Only for files the caller trusts: a decoder crash takes this process down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Cancelled
from ..media.audio import Soundtrack, read_soundtrack
from ..media.still import is_picture
from ..media.video import Limits
from ..pose.extract import Estimator, ProgressFn, example_landmarks, extract_landmarks
from ..pose.landmarks import PoseResult
from ..pose.models import DEFAULT_MODEL
from ..pose.track import LandmarkTrack

if TYPE_CHECKING:
    from ..pose.adaptive import Refinement
    from ..pose.estimator import PoseEstimator
    from ..pose.people import People, PeopleTracker


class InlineReader:
    def __init__(self, *, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._estimators: dict[str, PoseEstimator] = {}
        self._trackers: dict[tuple[str, int], PeopleTracker] = {}

    def estimator(self, model: str = DEFAULT_MODEL) -> Estimator:
        """The estimator for ``model``, loaded on first use (ModelNotInstalled if absent)."""
        if model not in self._estimators:
            from ..pose.estimator import PoseEstimator  # MediaPipe: only once a model is needed

            self._estimators[model] = PoseEstimator(model)
        return self._estimators[model]

    def landmarks(
        self,
        path: Path,
        *,
        model: str = DEFAULT_MODEL,
        sample_fps: float | None = None,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> LandmarkTrack:
        return extract_landmarks(
            path,
            self.estimator(model),
            sample_fps=sample_fps,
            limits=self.limits,
            on_progress=on_progress,
            interrupt=self._interrupt(cancel),
        )

    @staticmethod
    def _interrupt(cancel: threading.Event | None) -> Callable[[], None] | None:
        if cancel is None:
            return None

        def interrupt() -> None:
            if cancel.is_set():
                raise Cancelled("The analysis was cancelled")

        return interrupt

    def people(
        self,
        path: Path,
        *,
        model: str = DEFAULT_MODEL,
        sample_fps: float | None = None,
        max_people: int = 8,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        refinement: Refinement | None = None,
    ) -> People:
        from ..pose.crowd import track_people
        from ..pose.picture import photo_people

        if is_picture(path):
            return photo_people(path, self.estimator(model), self.people_tracker(model, max_people), self.limits)
        return track_people(
            path,
            self.people_tracker(model, max_people),
            sample_fps=sample_fps,
            limits=self.limits,
            on_progress=on_progress,
            interrupt=self._interrupt(cancel),
            refinement=refinement,
        )

    def people_tracker(self, model: str = DEFAULT_MODEL, max_people: int = 8) -> PeopleTracker:
        """The people tracker for ``model``, its detector and landmark model loaded on first use."""
        from ..pose.landmark_model import LandmarkModel
        from ..pose.people import PeopleOptions, PeopleTracker

        key = (model, max_people)
        if key not in self._trackers:
            self._trackers[key] = PeopleTracker(LandmarkModel(model), options=PeopleOptions(max_people=max_people))
        return self._trackers[key]

    def soundtrack(self, path: Path) -> Soundtrack:
        return read_soundtrack(path)

    def example(self, path: Path, time_s: float | None = None, *, model: str = DEFAULT_MODEL) -> PoseResult:
        return example_landmarks(path, time_s, self.estimator(model), self.limits)

    def render(self, path: Path, result: dict[str, Any], out: Path, on_progress: ProgressFn | None = None) -> int:
        from ..render import render_annotated  # OpenCV and the encoder: only when asked

        return render_annotated(path, result, out, limits=self.limits, on_progress=on_progress)

    def close(self) -> None:
        for estimator in self._estimators.values():
            estimator.close()
        self._estimators.clear()

    def __enter__(self) -> InlineReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""What runs inside a worker process: its set-up, and one function per kind of task.

Each worker holds a pose model, loaded once when the process starts, and loads each other
model (lite, full, heavy) the first time a task asks for it. Heavy modules
(decoders, drawing, beat tracking) are imported inside the tasks that use them, so a
worker only pays for what it is asked to do.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Cancelled

if TYPE_CHECKING:
    from ..media.audio import Soundtrack
    from ..media.video import Limits, VideoInfo
    from ..pose.adaptive import Refinement
    from ..pose.extract import Span
    from ..pose.landmarks import PoseResult
    from ..pose.people import People
    from ..pose.track import LandmarkTrack
    from .spans import SpanPlan

# Populated in each worker process by init_worker.
worker_state: dict[str, Any] = {}

# How often a worker reports progress, in seconds: often enough for a smooth bar,
# rarely enough to cost nothing.
PROGRESS_INTERVAL_S = 0.2

# Tokens of withdrawn analyses, shared with every worker (a ring: only analyses still
# running need to be in it, and far fewer than this run at once).
CANCEL_SLOTS = 64


def init_worker(progress: Any, cancelled: Any, model: str) -> None:
    # The parent owns the workers' lifecycle. Ctrl-C, or a SIGTERM sent to the whole
    # process group, must reach only the parent, so it can stop gracefully (and put
    # running jobs back in the queue) instead of seeing its workers die mid-video: the
    # process set-up ignores both (already done in a forkserver's workers, done here in
    # those a CLI run forks itself), and releases the caller's standard output.
    from . import process_setup  # noqa: F401

    _exit_with_parent()

    worker_state["estimators"] = {}  # MediaPipe's graph, for stills: loaded when one comes
    worker_state["trackers"] = {}
    landmarks, detector = _tracker_models(model)
    landmarks.model.prime()  # while no work has arrived yet
    detector.model.prime()
    worker_state["progress"] = progress
    worker_state["cancelled"] = cancelled


def _exit_with_parent() -> None:
    """Exit as soon as the process that owns the pool is gone, however it died.

    A worker cannot rely on its task queue closing: every worker holds a copy of the
    queue's write end, so after the parent is killed (SIGKILL, the OOM killer) the
    workers would otherwise wait forever, each holding a model in memory.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def ready() -> int:
    return os.getpid()


def _estimator(model: str) -> Any:
    """This worker's estimator for ``model``, loaded on first use (ModelNotInstalled if absent)."""
    estimators: dict[str, Any] = worker_state["estimators"]
    if model not in estimators:
        from ..pose.estimator import PoseEstimator

        estimators[model] = PoseEstimator(model)
    return estimators[model]


def _progress_and_cancel(report_as: tuple[int, int]) -> tuple[Callable[[int, int | None], None], Callable[[], None]]:
    """A task's progress reporter (as ``report_as``: analysis token, span) and its check for
    having been withdrawn (raises Cancelled)."""
    progress = worker_state["progress"]
    cancelled = worker_state["cancelled"]
    token = report_as[0]
    last = 0.0

    def report(done: int, _expected: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_INTERVAL_S:
            last = now
            progress.put((*report_as, done))

    def interrupt() -> None:
        if token in cancelled[:]:
            raise Cancelled("The analysis was cancelled")

    return report, interrupt


def _tracker_models(model: str) -> tuple[Any, Any]:
    """This worker's landmark model (``model``) and person detector, loaded once."""
    from ..pose.detect import PoseDetector
    from ..pose.landmark_model import LandmarkModel

    trackers: dict[str, Any] = worker_state["trackers"]
    if model not in trackers:
        trackers[model] = LandmarkModel(model)
    if "detector" not in worker_state:
        worker_state["detector"] = PoseDetector()
    return trackers[model], worker_state["detector"]


def _people_tracker(model: str, max_people: int) -> Any:
    """A people tracker on this worker's models (a tracker itself holds only the state of
    the video it follows)."""
    from ..pose.people import PeopleOptions, PeopleTracker

    landmarks, detector = _tracker_models(model)
    return PeopleTracker(landmarks, detector, PeopleOptions(max_people=max_people))


def people(
    path: str,
    span: Span,
    info: VideoInfo,
    model: str,
    sample_fps: float | None,
    max_people: int,
    limits: Limits,
    report_as: tuple[int, int],
    refinement: Refinement | None = None,
) -> People:
    """Everyone in one span of a video (every track kept, with its warm-up rows), for the
    caller to join with the other spans."""
    from ..pose.crowd import track_span

    report, interrupt = _progress_and_cancel(report_as)
    crowd = track_span(
        Path(path),
        _people_tracker(model, max_people),
        span=span,
        info=info,
        sample_fps=sample_fps,
        limits=limits,
        on_progress=report,
        interrupt=interrupt,
        decoder_threads=1,
        refinement=refinement,
    )
    worker_state["progress"].put((*report_as, crowd.total_frames))
    return crowd


def plan(
    path: str, parts: int, sample_fps: float | None, limits: Limits, warmup_s: float | None, warmup_share: float = 1.0
) -> SpanPlan:
    from .spans import plan_analysis

    return plan_analysis(Path(path), parts, sample_fps, limits, warmup_s, warmup_share)


def extract(
    path: str,
    span: Span,
    info: VideoInfo,
    model: str,
    sample_fps: float | None,
    limits: Limits,
    report_as: tuple[int, int],
) -> LandmarkTrack:
    """The landmarks of one span, with progress reported as ``report_as`` (analysis token, span)."""
    from ..pose.extract import extract_landmarks

    report, interrupt = _progress_and_cancel(report_as)
    track = extract_landmarks(
        Path(path),
        _estimator(model),
        span=span,
        sample_fps=sample_fps,
        limits=limits,
        on_progress=report,
        info=info,
        interrupt=interrupt,
        decoder_threads=1,  # one worker per core: threads would only compete
    )
    worker_state["progress"].put((*report_as, track.total_frames))
    return track


def refresh() -> None:
    """Forget the video just analysed and restart the model's graph now, between
    analyses, rather than at the start of this worker's next span (0.25-0.35 s then)."""
    for estimator in worker_state["estimators"].values():
        estimator.reset()
        estimator.prime()


def soundtrack(path: str) -> Soundtrack:
    from ..media.audio import read_soundtrack

    return read_soundtrack(Path(path))


def example(path: str, time_s: float | None, model: str, limits: Limits) -> PoseResult:
    from ..pose.extract import example_landmarks

    return example_landmarks(Path(path), time_s, _estimator(model), limits)


def photo_people(path: str, model: str, max_people: int, limits: Limits) -> People:
    from ..pose.picture import photo_people

    return photo_people(Path(path), _estimator(model), _people_tracker(model, max_people), limits)


def render(path: str, result: dict[str, Any], out: str, limits: Limits) -> int:
    from ..render import render_annotated

    return render_annotated(Path(path), result, Path(out), limits=limits)

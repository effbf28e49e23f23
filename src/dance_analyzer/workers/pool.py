"""A warm pool of worker processes, each holding one pose model.

One video is split into time spans (see :mod:`.spans`) analysed by different workers
at once, so a single request or CLI run uses every core; when several videos arrive
together their spans queue in arrival order. A one-shot CLI run on the user's own files
plans them and draws their annotated videos in its own process (see ``trusted``).

The pool is a :class:`dance_analyzer.pipeline.Reader`: everything that reads the
uploaded file (planning, landmarks, the soundtrack, a learning example, the annotated
video) happens in a worker, and only arrays and small results come back.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..errors import Cancelled, CorruptVideo, TimeLimitExceeded
from ..media.still import is_picture
from ..pose.models import DEFAULT_MODEL, check_installed
from . import tasks
from .processes import ProgressQueue, adopt_early_workers, new_cancel_list, start_processes, worker_context

# The pipeline's modules (NumPy, PyAV) are imported where they are used, so that a CLI
# run can start the worker processes before paying for those imports.
if TYPE_CHECKING:
    from ..media.audio import Soundtrack
    from ..media.video import Limits, VideoInfo
    from ..pose.adaptive import Refinement
    from ..pose.extract import ProgressFn, Span
    from ..pose.landmarks import PoseResult
    from ..pose.people import People
    from ..pose.track import LandmarkTrack
    from .inline import InlineReader

T = TypeVar("T")


class _SpanResult(Protocol):
    total_frames: int  # frames decoded in the span


R = TypeVar("R", bound=_SpanResult)
Report = tuple[int, int]  # progress reported as (analysis token, span)


class AnalysisPool:
    """Reads videos on ``size`` model-holding processes, each video split across them."""

    def __init__(
        self,
        size: int,
        *,
        model: str = DEFAULT_MODEL,
        limits: Limits | None = None,
        trusted: bool = False,
        time_limit_s: float | None = None,
    ) -> None:
        """``trusted=True`` is for files the caller trusts (the CLI's own): the calling
        process then plans each video and draws annotated videos itself (with progress),
        which saves a round trip, but a decoder crash would take the caller down, which
        a server must never risk with uploads. It analyses no span itself, though its
        core is one of ``size``: it has work of its own while the workers read (its
        settings and plan before they start, the imports of the steps after beside them,
        see :mod:`dance_analyzer.preload`), and a span of its own waited for that work
        while the worker beside it sat idle. ``time_limit_s`` stops any analysis still
        running after that long. ``model`` is the one every worker loads as it starts
        (the others are loaded by a worker the first time it is asked for them).
        """
        from ..media.video import Limits

        self.size = size
        self.model = check_installed(model)
        self.trusted = trusted
        self._local: InlineReader | None = None  # the caller's own, when trusted
        if self.trusted:
            from .inline import InlineReader

            self._local = InlineReader(limits=limits)
        self.time_limit_s = time_limit_s
        self._limits = limits or Limits()
        self._context = worker_context()
        self._lock = threading.Lock()
        self._listeners: dict[int, Callable[[int, int], None]] = {}
        self._tokens = itertools.count(1)
        early = adopt_early_workers(self.size) if self.trusted else None
        if early is not None:
            self._executor, self._progress, self._cancelled = early
            self._relay_progress_of(self._progress)
        else:
            self._cancelled = new_cancel_list(self._context)
            self._executor, self._progress = self._start()
        self.ready = False

    def _start(self) -> tuple[ProcessPoolExecutor, ProgressQueue]:
        executor, progress = start_processes(self._context, self.size, self._cancelled, self.model)
        self._relay_progress_of(progress)
        return executor, progress

    def _relay_progress_of(self, progress: ProgressQueue) -> None:
        threading.Thread(target=self._relay_progress, args=(progress,), daemon=True, name="progress").start()

    def _relay_progress(self, progress: ProgressQueue) -> None:
        while True:
            try:
                message = progress.get()
            except Exception:  # the queue was closed under us: the pool is shutting down
                return
            if message is None:
                return
            token, span_no, done = message
            listener = self._listeners.get(token)
            if listener is not None:
                listener(span_no, done)

    def warm_up(self) -> None:
        """Start every worker and load its model now, not on the first request."""
        futures = [self._executor.submit(tasks.ready) for _ in range(self.size * 2)]
        for future in futures:
            future.result()
        self.ready = True

    # ---------------------------------------------------------------- the Reader interface

    def landmarks(
        self,
        path: Path,
        *,
        model: str = DEFAULT_MODEL,
        sample_fps: float | None = None,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> LandmarkTrack:
        """The landmarks of one video, its spans extracted side by side and stitched."""
        from ..pose.track import join_tracks

        check_installed(model)  # here, at once, rather than in every worker

        def submit(executor: ProcessPoolExecutor, span: Span, info: VideoInfo, report_as: Report) -> Future[Any]:
            return executor.submit(tasks.extract, str(path), span, info, model, sample_fps, self._limits, report_as)

        return join_tracks(self._in_spans(path, sample_fps, submit, on_progress, cancel))

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
        """Everyone in a video, its spans followed side by side and joined (who is who
        across each cut: :mod:`pose.crowd`); with a ``refinement``, on fewer model runs."""
        from ..pose.crowd import WARMUP_S, WARMUP_SHARE, join_people
        from ..pose.people import PeopleOptions

        check_installed(model)
        if is_picture(path):  # a photo: one detection each, in a worker (its bytes are untrusted)
            return self._run_in_worker(tasks.photo_people, str(path), model, max_people, self._limits)

        def submit(executor: ProcessPoolExecutor, span: Span, info: VideoInfo, report_as: Report) -> Future[Any]:
            return executor.submit(
                tasks.people,
                str(path),
                span,
                info,
                model,
                sample_fps,
                max_people,
                self._limits,
                report_as,
                refinement,
            )

        parts = self._in_spans(path, sample_fps, submit, on_progress, cancel, WARMUP_S, WARMUP_SHARE)
        return join_people(parts, PeopleOptions(max_people=max_people))

    def soundtrack(self, path: Path) -> Soundtrack:
        """The soundtrack's beats, decoded in a worker: the audio is untrusted input too."""
        return self._run_in_worker(tasks.soundtrack, str(path))

    def example(self, path: Path, time_s: float | None = None, *, model: str = DEFAULT_MODEL) -> PoseResult:
        """Landmarks of a still image or of one video frame, found in a worker."""
        check_installed(model)
        return self._run_in_worker(tasks.example, str(path), time_s, model, self._limits)

    def render(self, path: Path, result: dict[str, Any], out: Path, on_progress: ProgressFn | None = None) -> int:
        """Draw the analysis onto a copy of the video: in a worker (it decodes untrusted
        bytes), or here with progress when the files are the caller's own."""
        if self._local is not None:
            return self._local.render(path, result, out, on_progress)
        return self._run_in_worker(tasks.render, str(path), result, str(out), self._limits)

    # ---------------------------------------------------------------- internals

    def _in_spans(
        self,
        path: Path,
        sample_fps: float | None,
        submit: Callable[[ProcessPoolExecutor, Span, VideoInfo, tuple[int, int]], Future[R]],
        on_progress: ProgressFn | None,
        cancel: threading.Event | None,
        warmup_s: float | None = None,
        warmup_share: float = 1.0,
    ) -> list[R]:
        """One result per span of the video, in order: the spans run side by side in the
        workers (``submit``). ``warmup_s``: how early each later span starts, the model
        running on ``warmup_share`` of those frames (see ``plan_analysis``).

        Unless the files are trusted, even the cheap planning step (probe and packet
        scan) runs in a worker: it parses untrusted bytes. Setting ``cancel`` stops the
        workers within a fraction of a second and raises :class:`Cancelled`, so a
        withdrawn job frees the cores instead of running to the end for nobody.
        """
        from .spans import plan_analysis

        deadline = time.monotonic() + self.time_limit_s if self.time_limit_s else None
        with self._lock:
            executor = self._executor
        try:
            if self.trusted:
                plan = plan_analysis(path, self.size, sample_fps, self._limits, warmup_s, warmup_share)
            else:
                planning = executor.submit(
                    tasks.plan, str(path), self.size, sample_fps, self._limits, warmup_s, warmup_share
                )
                plan = planning.result(timeout=self._remaining(deadline))
            token = next(self._tokens)
            done = [0] * len(plan.spans)

            def listener(span_no: int, frames: int) -> None:
                if on_progress is not None and token in self._listeners:  # not after the final report below
                    done[span_no] = frames
                    on_progress(sum(done), plan.expected_frames)

            self._listeners[token] = listener
            futures: list[Future[R]] = []
            try:
                futures += [submit(executor, span, plan.info, (token, n)) for n, span in enumerate(plan.spans)]
                self._wait(futures, cancel, deadline)
                results = [future.result() for future in futures]
            finally:
                if not all(future.done() for future in futures):  # cancelled, Ctrl-C, a failed span
                    self._cancelled[token % tasks.CANCEL_SLOTS] = token
                for future in futures:
                    future.cancel()
                self._listeners.pop(token, None)
        except BrokenProcessPool:
            self._replace_broken(executor)
            raise self._decoder_crashed() from None
        except TimeoutError:  # planning ran out of time
            raise self._too_slow() from None
        finally:
            if not self.trusted:  # a one-shot CLI run would only wait for it at exit
                self._refresh_workers(executor)
        if on_progress is not None:  # relayed reports may still be in flight: end on the true count
            on_progress(sum(r.total_frames for r in results), plan.expected_frames)
        return results

    def _refresh_workers(self, executor: ProcessPoolExecutor) -> None:
        """Have the workers restart their graphs while idle. Queued behind any spans
        still waiting, so a busy pool does this work no later than it would have anyway.
        The executor does not say which worker takes which task: one may do it twice (the
        second time costs nothing) and another not at all (its next span resets)."""
        try:
            for _ in range(self.size):
                executor.submit(tasks.refresh)
        except RuntimeError:  # shut down or broken meanwhile: nothing to refresh
            pass

    def _too_slow(self) -> TimeLimitExceeded:
        return TimeLimitExceeded(
            f"The analysis took longer than the limit of {self.time_limit_s:g} s and was stopped; "
            "try sample_fps or a shorter video"
        )

    @staticmethod
    def _decoder_crashed() -> CorruptVideo:
        return CorruptVideo("The video could not be decoded: the decoder stopped unexpectedly")

    def _run_in_worker(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            executor = self._executor
        try:
            return executor.submit(fn, *args).result()
        except BrokenProcessPool:
            self._replace_broken(executor)
            raise self._decoder_crashed() from None

    def _remaining(self, deadline: float | None) -> float | None:
        return None if deadline is None else max(deadline - time.monotonic(), 0.0)

    def _wait(self, futures: list[Future[Any]], cancel: threading.Event | None, deadline: float | None) -> None:
        pending: set[Future[Any]] = set(futures)
        while pending:
            done, pending = wait(pending, timeout=tasks.PROGRESS_INTERVAL_S, return_when=FIRST_EXCEPTION)
            if any(f.exception() is not None for f in done):
                return  # the caller's result() raises it
            self._stop_if_withdrawn(cancel, deadline)

    def _stop_if_withdrawn(self, cancel: threading.Event | None, deadline: float | None) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled("The analysis was cancelled")
        if deadline is not None and time.monotonic() > deadline:
            raise self._too_slow()

    def _replace_broken(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._progress.put(None)
                self._executor, self._progress = self._start()

    def close(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._progress.put(None)
            if self._local is not None:
                self._local.close()

"""A warm pool of worker processes, each holding one pose model.

Analysis runs in separate processes for two reasons: MediaPipe inference is CPU
bound and holds the GIL, so processes are the only way to use every core; and video
decoders are native code fed with untrusted bytes, so a crash must take down a
worker, never the server. Each worker loads its model once, at start-up.

One video is split into time spans (see :func:`pipeline.plan_spans`) analysed by
different workers at once, so a single request or CLI run uses every core; when
several videos arrive together their spans queue in arrival order. A one-shot CLI run
on the user's own files also analyses the first span in its own process (see
``trusted``): that core would otherwise sit idle while the worker processes start.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Cancelled, CorruptVideo, TimeLimitExceeded

# The pipeline (NumPy, PyAV) is imported where it is used, so that a CLI run can start
# the worker processes before paying for those imports: see start_workers_early.
if TYPE_CHECKING:
    from .definitions import PoseSet
    from .pipeline import AnalysisOptions, LandmarkTrack, ProgressFn, Span, SpanPlan
    from .pose.estimator import PoseEstimator
    from .video import Limits, VideoInfo

# Modules every worker needs: imported once, by the forkserver or by a CLI run that forks
# its workers itself (see start_workers_early), before any worker is forked.
WORKER_MODULES = ["dance_analyzer.pose.estimator", "dance_analyzer.pipeline"]
# The forkserver first takes on the workers' process set-up (signals ignored, stdout
# released); a CLI process must keep its own, so workers it forks do that in _init_worker.
WORKER_PRELOAD = ["dance_analyzer._forkserver", *WORKER_MODULES]

# Populated in each worker process by _init_worker.
_worker_state: dict[str, Any] = {}

# How often a worker reports progress, in seconds: often enough for a smooth bar,
# rarely enough to cost nothing.
PROGRESS_INTERVAL_S = 0.2

# Tokens of withdrawn analyses, shared with every worker (a ring: only analyses still
# running need to be in it, and far fewer than this run at once).
CANCEL_SLOTS = 64


def _init_worker(progress: multiprocessing.Queue, cancelled: Any) -> None:  # type: ignore[type-arg]
    # The parent owns the workers' lifecycle. Ctrl-C, or a SIGTERM sent to the whole
    # process group, must reach only the parent, so it can stop gracefully (and put
    # running jobs back in the queue) instead of seeing its workers die mid-video: the
    # process set-up ignores both (already done in a forkserver's workers, done here in
    # those a CLI run forks itself), and releases the caller's standard output.
    from . import _forkserver  # noqa: F401
    from .pose.estimator import PoseEstimator

    _exit_with_parent()

    estimator = PoseEstimator()
    estimator.prime()  # while no work has arrived yet
    _worker_state["estimator"] = estimator
    _worker_state["progress"] = progress
    _worker_state["cancelled"] = cancelled


def _exit_with_parent() -> None:
    """Exit as soon as the process that owns the pool is gone, however it died.

    A worker cannot rely on its task queue closing: every worker holds a copy of the
    queue's write end, so after the parent is killed (SIGKILL, the OOM killer) the
    workers would otherwise wait forever, each holding a model in memory.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _ready() -> int:
    return os.getpid()


def _plan_in_worker(path: str, parts: int, sample_fps: float | None, limits: Limits) -> SpanPlan:
    from .pipeline import plan_analysis

    return plan_analysis(Path(path), parts, sample_fps, limits)


def _extract_in_worker(
    path: str, span: Span, info: VideoInfo, sample_fps: float | None, limits: Limits, report_as: tuple[int, int]
) -> LandmarkTrack:
    from .pipeline import extract_landmarks

    progress = _worker_state["progress"]
    cancelled = _worker_state["cancelled"]
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

    track = extract_landmarks(
        Path(path),
        _worker_state["estimator"],
        span=span,
        sample_fps=sample_fps,
        limits=limits,
        on_progress=report,
        info=info,
        interrupt=interrupt,
        decoder_threads=1,  # one worker per core: threads would only compete
    )
    progress.put((*report_as, track.total_frames))
    return track


def _refresh_in_worker() -> None:
    """Forget the video just analysed and restart the model's graph now, between
    analyses, rather than at the start of this worker's next span (0.25-0.35 s then)."""
    estimator = _worker_state["estimator"]
    estimator.reset()
    estimator.prime()


def _rhythm_in_worker(path: str, track: LandmarkTrack) -> dict[str, Any]:
    from .pipeline import rhythm_of

    return rhythm_of(Path(path), track)


def _example_in_worker(path: str, time_s: float | None, limits: Limits) -> tuple[Any, Any]:
    from .learn import example_landmarks

    return example_landmarks(Path(path), time_s, _worker_state["estimator"], limits)


def _render_in_worker(path: str, result: dict[str, Any], out: str, limits: Limits) -> int:
    from .render import render_overlay

    return render_overlay(Path(path), result, Path(out), limits=limits)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Fork workers from a single-threaded server process that has imported MediaPipe.

    Plain fork is unsafe here (the API process runs threads; a child forked mid-lock
    deadlocks) and spawn makes every worker import MediaPipe again (about 2 s of CPU
    each). A forkserver imports once, holds no threads, and forks workers that start in
    a fraction of a second. (A CLI run forks its first workers itself, while it still
    has a single thread: see start_workers_early.)
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


def _start_processes(
    context: multiprocessing.context.BaseContext, count: int, cancelled: Any
) -> tuple[ProcessPoolExecutor, multiprocessing.Queue]:  # type: ignore[type-arg]
    progress = context.Queue()
    executor = ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_init_worker, initargs=(progress, cancelled)
    )
    # The executor starts a process per submission while none is idle: ask for all of
    # them now, so every model loads at once instead of one per chunk.
    for _ in range(count):
        executor.submit(_ready)
    return executor, progress


# Worker processes a one-shot CLI run forked at start-up, until its pool adopts them:
# (count, executor, progress queue, cancel list).
_early_workers: tuple[int, ProcessPoolExecutor, Any, Any] | None = None


def start_workers_early(processes: int = 0) -> None:
    """Get the worker processes going now, so that their start overlaps the caller's own.

    By default this starts the forkserver, which imports MediaPipe while the caller
    imports the rest; a pool created a moment later forks its workers at once. A one-shot
    CLI run passes ``processes`` before it has started any thread: it then imports what
    the workers need and forks them from itself straight away, which skips a second
    interpreter's start and imports (the workers start 0.2-0.3 s sooner) while the caller
    goes on reading its settings. The first pool that wants that many processes adopts
    them; a pool sized otherwise by the settings shuts them down and starts its own.
    """
    global _early_workers
    if processes > 0 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        for module in WORKER_MODULES:
            importlib.import_module(module)
        context = multiprocessing.get_context("fork")
        cancelled = context.Array("q", CANCEL_SLOTS, lock=False)
        _early_workers = (processes, *_start_processes(context, processes, cancelled), cancelled)
        return
    context = _worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _adopt_early_workers(count: int) -> tuple[ProcessPoolExecutor, Any, Any] | None:
    global _early_workers
    early, _early_workers = _early_workers, None
    if early is None:
        return None
    started, executor, progress, cancelled = early
    if started != count:
        executor.shutdown(wait=False, cancel_futures=True)
        return None
    return executor, progress, cancelled


class AnalysisPool:
    """Runs analyses on ``size`` model-holding processes, each video split across them."""

    def __init__(
        self,
        size: int,
        *,
        poses: PoseSet | None = None,
        limits: Limits | None = None,
        trusted: bool = False,
        time_limit_s: float | None = None,
    ) -> None:
        """``trusted=True`` is for files the caller trusts (the CLI's own): the calling
        process then plans each video and analyses its first span itself, next to
        ``size - 1`` worker processes. That saves a process start-up (the caller has
        nothing else to do meanwhile) and a round trip, but a decoder crash would take
        the caller down, which a server must never risk with uploads.
        ``time_limit_s`` stops any analysis still running after that long.
        """
        from .definitions import load_definitions
        from .video import Limits

        self.size = size
        self.trusted = trusted and size > 1
        self._processes = size - 1 if self.trusted else size
        self._estimator: PoseEstimator | None = None  # the caller's own, when trusted
        if self.trusted:
            # Load this model before starting workers of the pool's own: starting one
            # waits for the forkserver to finish importing MediaPipe, and this import can
            # overlap it. (Workers the CLI forked early are running already.)
            from .pose.estimator import PoseEstimator

            self._estimator = PoseEstimator()
        self.time_limit_s = time_limit_s
        self.poses = poses or load_definitions()
        # When set, called for the pose set at each analysis (custom poses can change).
        self.pose_source: Callable[[], PoseSet] | None = None
        self._limits = limits or Limits()
        self._context = _worker_context()
        self._lock = threading.Lock()
        self._listeners: dict[int, Callable[[int, int], None]] = {}
        self._tokens = itertools.count(1)
        early = _adopt_early_workers(self._processes) if self.trusted else None
        if early is not None:
            self._executor, self._progress, self._cancelled = early
            self._relay_progress_of(self._progress)
        else:
            self._cancelled = self._context.Array("q", CANCEL_SLOTS, lock=False)
            self._executor, self._progress = self._start()
        self.ready = False

    def _start(self) -> tuple[ProcessPoolExecutor, multiprocessing.Queue]:  # type: ignore[type-arg]
        executor, progress = _start_processes(self._context, self._processes, self._cancelled)
        self._relay_progress_of(progress)
        return executor, progress

    def _relay_progress_of(self, progress: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
        threading.Thread(target=self._relay_progress, args=(progress,), daemon=True, name="progress").start()

    def _relay_progress(self, progress: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
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
        futures = [self._executor.submit(_ready) for _ in range(self._processes * 2)]
        for future in futures:
            future.result()
        self.ready = True

    def analyze(
        self,
        path: Path,
        options: AnalysisOptions | None = None,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> dict[str, Any]:
        """Analyse one video on the pool's workers; blocks until the result is ready."""
        from .pipeline import AnalysisOptions, classify_track

        options = options or AnalysisOptions()
        track = self.extract(path, options, on_progress, cancel)
        result = classify_track(track, self.pose_source() if self.pose_source else self.poses, options)
        if options.rhythm:  # the audio is untrusted input too: decoded in a worker
            result["rhythm"] = self._run_in_worker(_rhythm_in_worker, str(path), track)
        return result

    def extract(
        self,
        path: Path,
        options: AnalysisOptions | None = None,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> LandmarkTrack:
        """The landmarks of one video, its spans extracted side by side and stitched.

        By default even the cheap planning step (probe and packet scan) runs in a
        worker: it parses untrusted bytes. Setting ``cancel`` stops the workers within
        a fraction of a second and raises :class:`Cancelled`, so a withdrawn job frees
        the cores instead of running to the end for nobody.
        """
        from .pipeline import AnalysisOptions, join_tracks, plan_analysis

        options = options or AnalysisOptions()
        deadline = time.monotonic() + self.time_limit_s if self.time_limit_s else None
        with self._lock:
            executor = self._executor
        try:
            if self.trusted:
                plan = plan_analysis(path, self.size, options.sample_fps, self._limits)
            else:
                planning = executor.submit(_plan_in_worker, str(path), self.size, options.sample_fps, self._limits)
                plan = planning.result(timeout=self._remaining(deadline))
            token = next(self._tokens)
            done = [0] * len(plan.spans)

            def listener(span_no: int, frames: int) -> None:
                if on_progress is not None and token in self._listeners:  # not after the final report below
                    done[span_no] = frames
                    on_progress(sum(done), plan.expected_frames)

            self._listeners[token] = listener
            here = plan.spans[0] if self.trusted else None
            futures: list[Future[LandmarkTrack]] = []
            try:
                futures += [
                    executor.submit(
                        _extract_in_worker, str(path), span, plan.info, options.sample_fps, self._limits, (token, n)
                    )
                    for n, span in enumerate(plan.spans)
                    if span is not here
                ]
                tracks = []
                if here is not None:
                    tracks.append(
                        self._extract_here(path, here, plan.info, options, listener, futures, cancel, deadline)
                    )
                self._wait(futures, token, cancel, deadline)
                tracks += [future.result() for future in futures]
            finally:
                if not all(future.done() for future in futures):  # cancelled, Ctrl-C, a failed span
                    self._cancelled[token % CANCEL_SLOTS] = token
                for future in futures:
                    future.cancel()
                self._listeners.pop(token, None)
        except BrokenProcessPool:
            self._replace_broken(executor)
            raise CorruptVideo("The video could not be decoded: the decoder stopped unexpectedly") from None
        except TimeoutError:  # planning ran out of time
            raise self._too_slow() from None
        finally:
            if not self.trusted:  # a one-shot CLI run would only wait for it at exit
                self._refresh_workers(executor)
        if on_progress is not None:  # relayed reports may still be in flight: end on the true count
            on_progress(sum(t.total_frames for t in tracks), plan.expected_frames)
        return join_tracks(tracks)

    def _extract_here(
        self,
        path: Path,
        span: Span,
        info: VideoInfo,
        options: AnalysisOptions,
        listener: Callable[[int, int], None],
        others: list[Future[LandmarkTrack]],
        cancel: threading.Event | None,
        deadline: float | None,
    ) -> LandmarkTrack:
        """Analyse a span in the calling process, stopping as the workers would."""
        from .pipeline import extract_landmarks

        assert self._estimator is not None, "only trusted pools analyse in the caller"

        def interrupt() -> None:
            self._stop_if_withdrawn(cancel, deadline)
            for future in others:
                if future.done() and future.exception() is not None:
                    raise future.exception()  # type: ignore[misc]

        return extract_landmarks(
            path,
            self._estimator,
            span=span,
            sample_fps=options.sample_fps,
            limits=self._limits,
            on_progress=lambda frames, _expected: listener(0, frames),
            info=info,
            interrupt=interrupt,
            decoder_threads=1,
        )

    def _refresh_workers(self, executor: ProcessPoolExecutor) -> None:
        """Have the workers restart their graphs while idle. Queued behind any spans
        still waiting, so a busy pool does this work no later than it would have anyway.
        The executor does not say which worker takes which task: one may do it twice (the
        second time costs nothing) and another not at all (its next span resets)."""
        try:
            for _ in range(self._processes):
                executor.submit(_refresh_in_worker)
        except RuntimeError:  # shut down or broken meanwhile: nothing to refresh
            pass

    def _too_slow(self) -> TimeLimitExceeded:
        return TimeLimitExceeded(
            f"The analysis took longer than the limit of {self.time_limit_s:g} s and was stopped; "
            "try sample_fps or a shorter video"
        )

    def render(self, path: Path, result: dict[str, Any], out: Path) -> int:
        """Draw the analysis onto a copy of the video, in a worker: it decodes untrusted bytes."""
        return self._run_in_worker(_render_in_worker, str(path), result, str(out), self._limits)

    def example_landmarks(self, path: Path, time_s: float | None = None) -> tuple[Any, Any]:
        """Landmarks of a still image or of one video frame, found in a worker."""
        return self._run_in_worker(_example_in_worker, str(path), time_s, self._limits)

    def _run_in_worker(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            executor = self._executor
        try:
            return executor.submit(fn, *args).result()
        except BrokenProcessPool:
            self._replace_broken(executor)
            raise CorruptVideo("The video could not be decoded: the decoder stopped unexpectedly") from None

    def _remaining(self, deadline: float | None) -> float | None:
        return None if deadline is None else max(deadline - time.monotonic(), 0.0)

    def _wait(
        self,
        futures: list[Future[LandmarkTrack]],
        token: int,
        cancel: threading.Event | None,
        deadline: float | None,
    ) -> None:
        pending: set[Future[LandmarkTrack]] = set(futures)
        while pending:
            done, pending = wait(pending, timeout=PROGRESS_INTERVAL_S, return_when=FIRST_EXCEPTION)
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
            if self._estimator is not None:
                self._estimator.close()

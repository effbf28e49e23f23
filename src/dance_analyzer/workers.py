"""A warm pool of worker processes, each holding one pose model.

Analysis runs in separate processes for two reasons: MediaPipe inference is CPU
bound and holds the GIL, so processes are the only way to use every core; and video
decoders are native code fed with untrusted bytes, so a crash must take down a
worker, never the server. Each worker loads its model once, at start-up.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .errors import CorruptVideo

# Populated in each worker process by _init_worker.
_worker_state: dict[str, Any] = {}


def _init_worker(poses_file: str | None, limits: Any) -> None:
    from .definitions import load_definitions
    from .pose.estimator import PoseEstimator

    _worker_state["estimator"] = PoseEstimator()
    _worker_state["poses"] = load_definitions(Path(poses_file) if poses_file else None)
    _worker_state["limits"] = limits


def _ready() -> int:
    return os.getpid()


def _analyze_in_worker(path: str, options: Any) -> dict[str, Any]:
    from .pipeline import analyze

    return analyze(
        Path(path),
        options,
        estimator=_worker_state["estimator"],
        poses=_worker_state["poses"],
        limits=_worker_state["limits"],
    )


class AnalysisPool:
    """Runs :func:`pipeline.analyze` in ``size`` model-holding processes."""

    def __init__(self, size: int, *, poses_file: Path | None = None, limits: Any = None) -> None:
        from .video import Limits

        self.size = size
        self._initargs = (str(poses_file) if poses_file else None, limits or Limits())
        self._lock = threading.Lock()
        self._executor = self._new_executor()
        self.ready = False

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server process runs threads, and forking a threaded
        # process can deadlock the child.
        return ProcessPoolExecutor(
            max_workers=self.size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=self._initargs,
        )

    def warm_up(self) -> None:
        """Start every worker and load its model now, not on the first request."""
        futures = [self._executor.submit(_ready) for _ in range(self.size * 2)]
        for future in futures:
            future.result()
        self.ready = True

    def submit(self, path: Path, options: Any) -> Future[dict[str, Any]]:
        with self._lock:
            executor = self._executor
        future = executor.submit(_analyze_in_worker, str(path), options)
        return _translate_crash(future, lambda: self._replace_broken(executor))

    def _replace_broken(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()

    def close(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _translate_crash(inner: Future[dict[str, Any]], replace_pool: Callable[[], None]) -> Future[dict[str, Any]]:
    """Turn a dead worker into a typed error and replace the broken executor."""
    outer: Future[dict[str, Any]] = Future()

    def done(f: Future[dict[str, Any]]) -> None:
        exc = f.exception()
        if isinstance(exc, BrokenProcessPool):
            replace_pool()
            outer.set_exception(CorruptVideo("The video could not be decoded: the decoder stopped unexpectedly"))
        elif exc is not None:
            outer.set_exception(exc)
        else:
            outer.set_result(f.result())

    inner.add_done_callback(done)
    return outer

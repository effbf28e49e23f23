"""The embedded job runner: jobs run on the server's own worker pool, one after another.

No broker, no extra service: a thread takes queued job ids in submission order and
hands each video to the same worker pool that serves ``/analyze``, through the same
pipeline. Every state change is written to SQLite first, so a restart
finds each job where it was: queued jobs run, interrupted ones run again (or fail,
if they have already been interrupted ``max_attempts`` times: the video may be what
brings the server down).
"""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable

from ..errors import AnalysisError, Cancelled
from ..labels.definitions import PoseSet
from ..metrics import ERRORS, FRAMES_ANALYSED, IN_PROGRESS
from ..pipeline import Reader
from .execute import run_job, with_filenames
from .models import Job, JobStatus
from .service import INTERNAL, WORKER_LOST, JobService, log
from .storage import JobFiles
from .store import JobStore

# Progress is written to SQLite at most this often per job.
PROGRESS_WRITE_INTERVAL_S = 0.5


class LocalJobService(JobService):
    runner = "embedded"

    def __init__(
        self,
        store: JobStore,
        storage: JobFiles,
        reader: Reader,
        poses: Callable[[str], PoseSet],
        *,
        max_queued: int,
        ttl_s: float,
        concurrency: int = 1,
        max_attempts: int = 2,
    ) -> None:
        super().__init__(store, storage, max_queued=max_queued, ttl_s=ttl_s)
        self.reader = reader
        self.poses = poses  # asked at each job, for its owner: custom poses can change
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.worker_name = f"local@{socket.gethostname()}"
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._running: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        super().start()
        self._recover()
        for n in range(self.concurrency):
            thread = threading.Thread(target=self._work, daemon=True, name=f"job-runner-{n}")
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        """Stop taking jobs; running ones go back to the queue for the next start."""
        super().close()
        for cancel in list(self._running.values()):
            cancel.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)

    def _recover(self) -> None:
        for job in self.store.with_status(JobStatus.RUNNING):
            if job.attempts >= self.max_attempts:
                self.store.save(
                    job.failed(
                        f"The server stopped while analysing this video, {job.attempts} times; not trying again",
                        WORKER_LOST,
                    )
                )
                self.storage.delete_upload(job.id)
            else:
                log.info("job %s was interrupted by a restart: queued again", job.id)
                self.store.save(job.evolve(status=JobStatus.QUEUED, frames_done=0))
        for job in self.store.with_status(JobStatus.QUEUED):
            self._queue.put(job.id)

    def _dispatch(self, job: Job) -> None:
        self._queue.put(job.id)

    def _withdraw(self, job_id: str) -> None:
        cancel = self._running.get(job_id)
        if cancel is not None:
            cancel.set()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None or self._stop.is_set():
                return
            try:
                self._run(job_id)
            except Exception:  # never let one job take the runner thread down
                log.exception("job %s: unexpected error in the runner", job_id)

    def _run(self, job_id: str) -> None:
        job = self.store.get(job_id)
        if job is None or job.status is not JobStatus.QUEUED:
            return  # cancelled while it waited
        path = self.storage.local_path(job_id)
        if path is None:
            self.store.save(job.failed("The uploaded video is no longer available", INTERNAL))
            return
        cancel = threading.Event()
        self._running[job_id] = cancel
        job = job.evolve(
            status=JobStatus.RUNNING, started_at=time.time(), attempts=job.attempts + 1, worker=self.worker_name
        )
        if not self.store.save(job):
            self._running.pop(job_id, None)
            return
        running = job
        last_write = 0.0
        # Progress arrives on the pool's relay thread: a late report must never
        # overwrite the final state.
        progress_lock = threading.Lock()
        reporting = True

        def progress(done: int, total: int | None) -> None:
            nonlocal last_write
            now = time.monotonic()
            with progress_lock:
                if reporting and now - last_write >= PROGRESS_WRITE_INTERVAL_S:
                    last_write = now
                    self.store.save(running.evolve(frames_done=done, frames_total=total))

        IN_PROGRESS.inc()
        try:
            result = run_job(
                self.reader,
                self.poses(job.owner),
                self.storage,
                job_id,
                path,
                job.options,
                overlay=job.overlay,
                compare=job.compare,
                on_progress=progress,
                cancel=cancel,
            )
        except Cancelled:
            if self._stop.is_set():  # shutting down: run it again after the restart
                self.store.save(job.evolve(status=JobStatus.QUEUED, attempts=job.attempts - 1, frames_done=0))
                return
            job = job.failed("The job was cancelled", "Cancelled")  # only saved if the record survives
        except AnalysisError as exc:
            job = job.failed(exc.message, type(exc).__name__)
            ERRORS.labels(type(exc).__name__).inc()
        except Exception:
            log.exception("job %s: analysis failed", job_id)
            job = job.failed("The analysis failed because of an internal error", INTERNAL)
        else:
            job = job.succeeded(with_filenames(result, job))
            FRAMES_ANALYSED.inc(result.get("processed_frames", 0))
        finally:
            IN_PROGRESS.dec()
            self._running.pop(job_id, None)
            with progress_lock:
                reporting = False
        self.store.save(job)
        self.storage.delete_upload(job_id)

"""What the API asks of jobs, whoever runs them: submit, look up, list, cancel, expire.

Two implementations share this base: :class:`~.local.LocalJobService` runs jobs on
the server's own worker pool (the embedded default) and
:class:`~.remote.CeleryJobService` sends them to Celery workers. Both keep their
records in the same SQLite :class:`JobStore` and files in :class:`JobFiles`.
"""

from __future__ import annotations

import builtins
import logging
import threading
from pathlib import Path

from .models import Job, JobStatus
from .storage import JobFiles
from .store import JobStore, QueueFull

log = logging.getLogger("dance_analyzer.jobs")

# Failures that are not the video's fault.
WORKER_LOST = "WorkerLost"
INTERNAL = "Internal"


class BrokerUnavailable(Exception):
    """The broker (Redis) cannot be reached: the API answers 503 and asks to retry later."""

    retry_after_s = 10

    def __init__(self, message: str = "The job queue is unavailable; try again later") -> None:
        super().__init__(message)
        self.message = message


class JobService:
    runner = "none"

    def __init__(self, store: JobStore, storage: JobFiles, *, max_queued: int, ttl_s: float) -> None:
        self.store = store
        self.storage = storage
        self.max_queued = max_queued
        self.ttl_s = ttl_s
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    # lifecycle
    def start(self) -> None:
        self.sweep()
        self._remove_orphans()
        self._sweeper = threading.Thread(target=self._sweep_forever, daemon=True, name="job-sweeper")
        self._sweeper.start()

    def close(self) -> None:
        self._stop.set()

    # what the API calls
    def queue_full(self) -> bool:
        return self.store.count(JobStatus.QUEUED) >= self.max_queued

    def submit(self, job: Job, staged: Path, reference: Path | None = None) -> None:
        """Take the staged upload(s) and queue the job; QueueFull if there is no room."""
        if reference is not None:
            self.storage.put_reference(job.id, reference)
        self.storage.put(job.id, staged)
        try:
            self.store.add(job, max_unfinished=self.max_queued)
        except QueueFull:
            self.storage.delete_upload(job.id)
            raise
        self._dispatch(job)

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def list(self, *, limit: int = 50, status: JobStatus | None = None, owner: str | None = None) -> builtins.list[Job]:
        return self.store.list(limit=limit, status=status, owner=owner)

    def health(self) -> str | None:
        """None when jobs can be taken and run, else what is wrong (for /health)."""
        return None

    def cancel(self, job_id: str) -> bool:
        """Stop the job if it runs, and delete its record and upload. False if unknown."""
        existed = self.store.delete(job_id)
        self._withdraw(job_id)
        self.storage.delete_all(job_id)
        return existed

    # what implementations provide
    def _dispatch(self, job: Job) -> None:
        raise NotImplementedError

    def _withdraw(self, job_id: str) -> None:
        raise NotImplementedError

    # expiry
    def sweep(self) -> int:
        """Delete jobs that finished more than ttl_s ago, with whatever they left."""
        expired = self.store.expired(self.ttl_s)
        for job_id in expired:
            self.store.delete(job_id)
            self.storage.delete_all(job_id)
        if expired:
            log.info("deleted %d expired jobs", len(expired))
        return len(expired)

    def _remove_orphans(self) -> None:
        """Files whose job is gone, and uploads whose job is finished: left by a crash."""
        self.storage.remove_partial_files()
        for job_id in self.storage.job_ids():
            job = self.store.get(job_id)
            if job is None:
                self.storage.delete_all(job_id)
            elif job.status.finished:
                self.storage.delete_upload(job_id)

    def _sweep_forever(self) -> None:
        interval = min(60.0, max(self.ttl_s / 4, 1.0))
        while not self._stop.wait(interval):
            try:
                self.sweep()
            except Exception:  # a locked or full disk must not kill the sweeper for good
                log.exception("job sweep failed")

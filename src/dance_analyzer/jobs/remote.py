"""The API's side of scale-out: jobs are sent to Celery workers on the broker.

The API still keeps every job's record in its own SQLite store (what was uploaded,
when, with which options), and fills in state, progress and outcome from the
result backend whenever a job is looked at; once a job has finished, its outcome
moves into the record and the backend's copy is dropped.
"""

from __future__ import annotations

import builtins
from pathlib import Path

from celery import Celery, states
from celery.result import AsyncResult

from ..metrics import FRAMES_ANALYSED
from .celery_app import RUNNING, TASK_NAME, cancel_key
from .execute import with_filenames
from .models import Job, JobStatus, options_to_dict
from .service import INTERNAL, BrokerUnavailable, JobService, log
from .storage import JobFiles
from .store import JobStore


class CeleryJobService(JobService):
    runner = "celery"

    def __init__(self, store: JobStore, storage: JobFiles, celery: Celery, *, max_queued: int, ttl_s: float) -> None:
        super().__init__(store, storage, max_queued=max_queued, ttl_s=ttl_s)
        self.celery = celery

    def queue_full(self) -> bool:
        self._refresh_unfinished()
        return super().queue_full()

    def submit(self, job: Job, staged: Path, reference: Path | None = None) -> None:
        self._refresh_unfinished()  # jobs workers have started no longer count as queued
        super().submit(job, staged, reference)

    def _dispatch(self, job: Job) -> None:
        try:
            self.celery.send_task(
                TASK_NAME, args=[job.id, options_to_dict(job.options), job.overlay, job.compare], task_id=job.id
            )
        except Exception as exc:  # broker down: do not keep a job nobody will run
            log.error("could not send job %s to the broker: %s", job.id, exc)
            self.store.delete(job.id)
            self.storage.delete_all(job.id)
            raise BrokerUnavailable("The job queue is unavailable; try again later") from exc

    def _withdraw(self, job_id: str) -> None:
        # A queued job is discarded by whichever worker receives it (revoke); a
        # running one sees the flag on its next heartbeat and stops.
        self.celery.backend.set(cancel_key(job_id), "1")
        self.celery.control.revoke(job_id)

    def get(self, job_id: str) -> Job | None:
        job = self.store.get(job_id)
        return self._refresh(job) if job is not None and not job.status.finished else job

    def list(self, *, limit: int = 50, status: JobStatus | None = None) -> builtins.list[Job]:
        self._refresh_unfinished()
        return super().list(limit=limit, status=status)

    def _refresh_unfinished(self) -> None:
        for job in self.store.with_status(JobStatus.QUEUED, JobStatus.RUNNING):
            self._refresh(job)

    def _refresh(self, job: Job) -> Job:
        result = AsyncResult(job.id, app=self.celery)
        state, info = result.state, result.info
        updated = job
        if state == RUNNING and isinstance(info, dict):
            updated = job.evolve(
                status=JobStatus.RUNNING,
                started_at=info.get("started_at"),
                frames_done=int(info.get("done") or 0),
                frames_total=info.get("total"),
                attempts=int(info.get("attempt") or 1),
                worker=info.get("worker"),
            )
        elif state == states.SUCCESS and isinstance(info, dict):
            job = job.evolve(
                started_at=info.get("started_at", job.started_at),
                attempts=int(info.get("attempt") or job.attempts),
                worker=info.get("worker", job.worker),
            )
            if "result" in info:
                updated = job.succeeded(with_filenames(info["result"], job))
                FRAMES_ANALYSED.inc(info["result"].get("processed_frames", 0))
            elif "error" in info:
                updated = job.failed(str(info["error"]), str(info.get("kind") or INTERNAL))
        elif state == states.FAILURE:
            log.error("job %s failed in the worker: %r", job.id, info)
            updated = job.failed("The analysis failed because of an internal error", INTERNAL)
        if updated is job:
            return job
        if self.store.save(updated) and updated.status.finished:
            self.storage.delete_upload(job.id)
            result.forget()
        return updated

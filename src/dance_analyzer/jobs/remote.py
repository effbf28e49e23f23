"""The API's side of scale-out: jobs are sent to Celery workers on the broker.

The API still keeps every job's record in its own SQLite store (what was uploaded,
when, with which options), and fills in state, progress and outcome from the
result backend whenever a job is looked at, and every few seconds in the background;
once a job has finished, its outcome moves into the record, its upload is deleted and
the backend's copy is dropped.

The API also looks after jobs nobody else would. A message lives only in Redis: a
Redis restarted without an append-only file has forgotten the queue, and a worker
killed mid-job leaves its message unacknowledged until the visibility timeout (an hour
by default). So a job that is queued when Redis comes back empty, or that is running
without a heartbeat for STALE_RESEND_S, is sent again under the same id; the task is
idempotent (see :mod:`.celery_app`), so a copy that was not lost after all costs at
most a wait. While Redis is down, every call that needs it raises BrokerUnavailable,
which the API answers with 503 and Retry-After.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery, states
from celery.result import AsyncResult

from ..metrics import FRAMES_ANALYSED
from .celery_app import RUNNING, STALE_AFTER_S, TASK_NAME, cancel_key
from .execute import with_filenames
from .models import Job, JobStatus, options_to_dict
from .service import INTERNAL, BrokerUnavailable, JobService, log
from .storage import JobFiles
from .store import JobStore

T = TypeVar("T")

# A running job whose heartbeat has not moved for this long (API clock) is sent again.
STALE_RESEND_S = 3 * STALE_AFTER_S
# How often the API collects outcomes and looks for lost jobs without being asked.
WATCH_INTERVAL_S = 2.0


class CeleryJobService(JobService):
    runner = "celery"

    def __init__(self, store: JobStore, storage: JobFiles, celery: Celery, *, max_queued: int, ttl_s: float) -> None:
        super().__init__(store, storage, max_queued=max_queued, ttl_s=ttl_s)
        self.celery = celery
        self._lock = threading.Lock()
        self._alive: dict[str, tuple[Any, float]] = {}  # job id -> (last heartbeat seen, when it changed)
        self._redis_run: str | None = None  # which run of redis-server the queue lives in
        self._watcher: threading.Thread | None = None

    # lifecycle
    def start(self) -> None:
        super().start()
        self._watcher = threading.Thread(target=self._watch_forever, daemon=True, name="celery-job-watcher")
        self._watcher.start()

    # what the API calls
    def queue_full(self) -> bool:
        self._refresh_unfinished()
        return super().queue_full()

    def submit(self, job: Job, staged: Path, reference: Path | None = None) -> None:
        self._refresh_unfinished()  # jobs workers have started no longer count as queued
        super().submit(job, staged, reference)

    def get(self, job_id: str) -> Job | None:
        job = self.store.get(job_id)
        return self._broker(lambda: self._refresh(job)) if job is not None and not job.status.finished else job

    def list(self, *, limit: int = 50, status: JobStatus | None = None, owner: str | None = None) -> builtins.list[Job]:
        self._refresh_unfinished()
        return super().list(limit=limit, status=status, owner=owner)

    def health(self) -> str | None:
        """None when Redis answers, else what is wrong."""
        try:
            self.celery.backend.client.ping()
            return None
        except Exception as exc:
            return f"the job queue (Redis) is unavailable: {exc}"

    # talking to the broker
    def _broker(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except BrokerUnavailable:
            raise
        except Exception as exc:  # connection refused, timeout, a Redis loading its data...
            log.warning("the job queue is unavailable: %s", exc)
            raise BrokerUnavailable() from exc

    def _dispatch(self, job: Job) -> None:
        try:
            self._send(job)
        except Exception as exc:  # broker down: do not keep a job nobody will run
            log.error("could not send job %s to the broker: %s", job.id, exc)
            self.store.delete(job.id)
            self.storage.delete_all(job.id)
            raise BrokerUnavailable() from exc

    def _send(self, job: Job) -> None:
        self.celery.send_task(
            TASK_NAME,
            args=[job.id, options_to_dict(job.options), job.overlay, job.compare, job.owner],
            task_id=job.id,
        )

    def _withdraw(self, job_id: str) -> None:
        # A queued job is discarded by whichever worker receives it (revoke); a
        # running one sees the flag on its next heartbeat and stops.
        def withdraw() -> None:
            self.celery.backend.set(cancel_key(job_id), "1")
            self.celery.control.revoke(job_id)

        self._broker(withdraw)

    # keeping records in step with the backend
    def _refresh_unfinished(self) -> None:
        def refresh_all() -> None:
            with self._lock:
                self._resend_lost_queue()
                for job in self.store.with_status(JobStatus.QUEUED, JobStatus.RUNNING):
                    self._refresh(job)

        self._broker(refresh_all)

    def _refresh(self, job: Job) -> Job:
        result = AsyncResult(job.id, app=self.celery)
        state, info = result.state, result.info
        updated = job
        if state == RUNNING and isinstance(info, dict):
            self._seen_alive(job.id, info.get("beat"))
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
        if updated.status is JobStatus.RUNNING and state != states.SUCCESS:
            self._resend_if_stale(updated)  # beating, or started and its state lost with Redis
        if updated is job:
            return job
        if self.store.save(updated) and updated.status.finished:
            self._alive.pop(job.id, None)
            self.storage.delete_upload(job.id)
            result.forget()
        return updated

    def _seen_alive(self, job_id: str, beat: Any) -> None:
        last = self._alive.get(job_id)
        if last is None or last[0] != beat:
            self._alive[job_id] = (beat, time.monotonic())

    def _resend_if_stale(self, job: Job) -> None:
        """Send a running job again once its heartbeat has stopped (its worker is gone)."""
        now = time.monotonic()
        beat, since = self._alive.setdefault(job.id, (None, now))
        if now - since < STALE_RESEND_S:
            return
        log.warning("job %s: no heartbeat for %.0f s; sending it again", job.id, now - since)
        self._alive[job.id] = (beat, now)  # give the new delivery its time
        self._send(job)

    def _resend_lost_queue(self) -> None:
        """After Redis restarts empty, send again every queued job it forgot."""
        run = str(self.celery.backend.client.info("server").get("run_id"))
        previous, self._redis_run = self._redis_run, run
        if previous is None or previous == run:
            return
        lost = 0
        for job in self.store.with_status(JobStatus.QUEUED):
            if AsyncResult(job.id, app=self.celery).state == states.PENDING:
                self._send(job)
                lost += 1
        log.warning("Redis restarted (run %s); sent %d queued jobs again", run[:8], lost)

    def _watch_forever(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL_S):
            try:
                self._refresh_unfinished()
            except BrokerUnavailable:
                pass  # logged; tried again on the next round
            except Exception:  # a locked database must not stop the watcher for good
                log.exception("watching Celery jobs failed")

"""Scale-out: the Celery app, and the task a ``dance-analyzer worker`` runs.

Each worker process holds one :class:`~dance_analyzer.workers.pool.AnalysisPool` (a model
per core, started once) and takes one job at a time, split across all its cores, so
adding a machine adds its cores to the queue. Celery runs with the thread pool and a
concurrency of 1: the analysis already happens in child processes, and the worker's
main thread stays free to heartbeat and receive control messages.

Delivery is at-least-once: tasks acknowledge late, so a job whose worker dies is
delivered again (Redis redelivers unacknowledged messages after the visibility
timeout). The task is therefore idempotent and guards against the two ways a
second delivery can arrive:

* the first run finished: its stored outcome is returned again;
* the first run is still going (the visibility timeout passed during a long job):
  the second delivery watches the first one's heartbeat and only takes over when it
  stops beating, as it does when that worker is killed.

A job that has killed its worker ``job_max_attempts`` times fails with a clear
error instead of taking down worker after worker.

Progress and outcomes travel through the result backend: the task's state is
``RUNNING`` with a progress dict while it runs; it then returns either
``{"result": ...}`` or ``{"error": ..., "kind": ...}``, with who ran it and when.

Redis may go away mid-job (a restart, a failover). The heartbeat keeps trying, the
task stores its outcome itself, retrying until Redis is back (OUTCOME_RETRY_S), and
the upload stays until the API has recorded that outcome: whatever is lost with a
Redis that kept nothing, the API can send again (see :mod:`.remote`).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from celery import Celery, Task, states

from ..errors import AnalysisError, Cancelled
from .execute import run_job
from .models import options_from_dict
from .service import INTERNAL, WORKER_LOST
from .storage import JobFiles

if TYPE_CHECKING:
    from ..config import Settings
    from ..labels.library import PoseLibrary
    from ..pipeline import Reader

log = logging.getLogger("dance_analyzer.worker")

TASK_NAME = "dance_analyzer.analyze_job"
RUNNING = "RUNNING"
# A running task publishes its progress this often; a run whose heartbeat has not
# changed for STALE_AFTER_S (measured on the watcher's own clock) is dead.
HEARTBEAT_S = 1.0
STALE_AFTER_S = 10.0
# How long a finished task keeps trying to store its outcome while Redis is away.
OUTCOME_RETRY_S = 600.0
# Calls to Redis fail this fast when it is down, so the API can answer 503 at once.
REDIS_CONNECT_TIMEOUT_S = 2.0
REDIS_SOCKET_TIMEOUT_S = 10.0


def cancel_key(job_id: str) -> str:
    return f"dance-analyzer-cancel-{job_id}"


def create_celery(settings: Settings) -> Celery:
    backend = settings.result_backend or settings.broker_url
    app = Celery("dance_analyzer", broker=settings.broker_url, backend=backend)
    transport = {
        "visibility_timeout": settings.broker_visibility_timeout_s,
        # How often a worker looks for unacknowledged messages to redeliver.
        "unacked_restore_interval": min(10.0, settings.broker_visibility_timeout_s / 2),
    }
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="dance-analyzer",
        result_expires=int(settings.job_ttl_s),
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=REDIS_CONNECT_TIMEOUT_S,
        # Publishing while Redis is down fails within a second or two, not after minutes.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        redis_socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
        redis_socket_timeout=REDIS_SOCKET_TIMEOUT_S,
        redis_backend_health_check_interval=5,
        worker_send_task_events=False,
        # A lost connection to Redis does not stop the job in hand: it keeps running and
        # stores its outcome once Redis is back.
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    app.task(name=TASK_NAME, bind=True)(_analyze_job)
    return app


class WorkerRuntime:
    """What a worker process holds between jobs."""

    def __init__(self, settings: Settings, reader: Reader, library: PoseLibrary) -> None:
        self.settings = settings
        self.reader = reader
        self.library = library  # custom poses too, as the API sees them
        self.storage = JobFiles(settings.data_dir)
        self.name = socket.gethostname()


_runtime: WorkerRuntime | None = None


def install_runtime(runtime: WorkerRuntime) -> None:
    global _runtime
    _runtime = runtime


def _analyze_job(
    task: Task,
    job_id: str,
    options: dict[str, Any],
    overlay: bool = False,
    compare: dict[str, Any] | None = None,
    owner: str = "",
) -> dict[str, Any]:
    if _runtime is None:
        raise RuntimeError("no worker runtime: start workers with `dance-analyzer worker`")
    runtime = _runtime
    backend = task.backend
    meta = backend.get_task_meta(job_id)
    state, info = meta.get("status"), meta.get("result")
    if state == states.SUCCESS and isinstance(info, dict):
        return info  # an earlier delivery finished it
    attempt = 1
    if state == RUNNING and isinstance(info, dict):
        finished = _watch_other_run(backend, job_id, info)
        if finished is not None:
            return finished
        attempt = int(info.get("attempt", 1)) + 1
        log.warning("job %s: the worker running it stopped; attempt %d", job_id, attempt)
    if backend.get(cancel_key(job_id)):
        return {"cancelled": True}
    if attempt > runtime.settings.job_max_attempts:
        return {
            "error": f"The worker analysing this video stopped unexpectedly, {attempt - 1} times; not trying again",
            "kind": WORKER_LOST,
        }
    path = runtime.storage.local_path(job_id)
    if path is None:
        return {"error": "The uploaded video is no longer available", "kind": INTERNAL}

    progress: dict[str, Any] = {
        "attempt": attempt,
        "worker": f"{task.request.hostname or runtime.name}",
        "started_at": time.time(),
        "done": 0,
        "total": None,
        "beat": 0,
    }
    cancel = threading.Event()
    stop = threading.Event()

    def beat() -> None:
        unreachable = False
        while True:
            progress["beat"] += 1
            try:
                task.update_state(task_id=job_id, state=RUNNING, meta=dict(progress))
                if backend.get(cancel_key(job_id)):
                    cancel.set()
                if unreachable:
                    log.info("job %s: the result backend is back", job_id)
                unreachable = False
            except Exception as exc:  # Redis restarting: keep working, keep beating
                if not unreachable:
                    log.warning("job %s: cannot reach the result backend (%s); still analysing", job_id, exc)
                unreachable = True
            if stop.wait(HEARTBEAT_S):
                return

    def on_progress(done: int, total: int | None) -> None:
        progress["done"], progress["total"] = done, total

    heart = threading.Thread(target=beat, daemon=True, name=f"heartbeat-{job_id[:8]}")
    heart.start()
    try:
        result = run_job(
            runtime.reader,
            runtime.library.current(owner),  # with the owner's custom poses
            runtime.storage,
            job_id,
            path,
            options_from_dict(options),
            overlay=overlay,
            compare=compare,
            on_progress=on_progress,
            cancel=cancel,
        )
        outcome: dict[str, Any] = {"result": result}
    except Cancelled:
        return {"cancelled": True}
    except AnalysisError as exc:
        outcome = {"error": exc.message, "kind": type(exc).__name__}
    finally:
        stop.set()
        heart.join()
    # The upload stays until the API has recorded this outcome: if the outcome is lost
    # with Redis, the job can still run again.
    final = {**outcome, "worker": progress["worker"], "attempt": attempt, "started_at": progress["started_at"]}
    _store_outcome(backend, job_id, final)
    return final


def _store_outcome(backend: Any, job_id: str, outcome: dict[str, Any]) -> None:
    """Store the outcome, retrying while Redis is away; Celery stores the return value too,
    but only once, and a failure there is lost (with the job, if Redis kept nothing)."""
    deadline = time.monotonic() + OUTCOME_RETRY_S
    delay = 0.5
    while True:
        try:
            backend.store_result(job_id, outcome, states.SUCCESS)
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                log.error("job %s: could not store its outcome (%s); giving up", job_id, exc)
                return
            log.warning("job %s: cannot store its outcome yet (%s); retrying", job_id, exc)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


def _watch_other_run(backend: Any, job_id: str, info: dict[str, Any]) -> dict[str, Any] | None:
    """Wait while another run of this job is alive; its outcome if it finishes, else None."""
    last_beat, last_change = info.get("beat"), time.monotonic()
    while time.monotonic() - last_change < STALE_AFTER_S:
        time.sleep(HEARTBEAT_S)
        meta = backend.get_task_meta(job_id, cache=False)
        state, current = meta.get("status"), meta.get("result")
        if state == states.SUCCESS and isinstance(current, dict):
            return current
        if state != RUNNING or not isinstance(current, dict):
            return None
        info.update(current)
        if current.get("beat") != last_beat:
            last_beat, last_change = current.get("beat"), time.monotonic()
    return None

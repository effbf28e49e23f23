"""Request-scoped access to what the app holds: settings, pose set, worker pool, jobs,
and the slots that bound how many synchronous analyses run at once.

Each dependency also has an ``Annotated`` alias (``SettingsDep``, ...), so route
signatures stay short.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ..config import Settings
from ..errors import Cancelled
from ..jobs.service import JobService
from ..labels.definitions import PoseSet
from ..labels.library import PoseLibrary
from ..metrics import IN_PROGRESS
from ..workers.pool import AnalysisPool
from .errors import Busy
from .keys import ANONYMOUS, Tenant

# Seconds a client told "busy" should wait before trying again.
BUSY_RETRY_AFTER_S = 5


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_pool(request: Request) -> AnalysisPool:
    pool: AnalysisPool = request.app.state.pool
    return pool


def get_pose_library(request: Request) -> PoseLibrary:
    library: PoseLibrary = request.app.state.pose_library
    return library


def get_tenant(request: Request) -> Tenant:
    """Whose request this is (the API key's owner), as the request middleware found it."""
    tenant: Tenant = getattr(request.state, "tenant", ANONYMOUS)
    return tenant


def get_poses(
    library: Annotated[PoseLibrary, Depends(get_pose_library)], tenant: Annotated[Tenant, Depends(get_tenant)]
) -> PoseSet:
    """The poses in use now: built-in and the key's custom ones (another process may have added some)."""
    return library.current(tenant.name)


def get_jobs(request: Request) -> JobService:
    jobs: JobService = request.app.state.jobs
    return jobs


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoolDep = Annotated[AnalysisPool, Depends(get_pool)]
PosesDep = Annotated[PoseSet, Depends(get_poses)]
PoseLibraryDep = Annotated[PoseLibrary, Depends(get_pose_library)]
JobsDep = Annotated[JobService, Depends(get_jobs)]
TenantDep = Annotated[Tenant, Depends(get_tenant)]


@asynccontextmanager
async def analysis_slot(request: Request, *, instead: str) -> AsyncIterator[None]:
    """Hold one of the slots for a synchronous analysis, or answer 429 after busy_wait_s.

    Waiting happens on a worker thread: a blocking wait with a timeout cannot leak a
    slot the way a cancelled asyncio wait can. ``instead`` names the job endpoint that
    takes the same request without waiting.
    """
    slots: threading.BoundedSemaphore = request.app.state.analysis_slots
    if not await run_in_threadpool(slots.acquire, True, request.app.state.settings.busy_wait_s):
        raise Busy(f"Every worker is busy; try again shortly, or submit to {instead}", BUSY_RETRY_AFTER_S)
    IN_PROGRESS.inc()
    try:
        yield
    finally:
        IN_PROGRESS.dec()
        slots.release()


T = TypeVar("T")
HANGUP_POLL_S = 0.25


async def while_connected(request: Request, work: Callable[..., T]) -> T:
    """``work(cancel=event)`` on a worker thread, the event set once the client hangs up: an
    analysis nobody will read stops within a moment and frees the workers for the next
    request, instead of running to its end (the answer, to nobody, is a 499 in the log)."""
    cancel = threading.Event()
    running = asyncio.ensure_future(run_in_threadpool(functools.partial(work, cancel=cancel)))
    try:
        while not running.done():
            await asyncio.wait({running}, timeout=HANGUP_POLL_S)
            if not running.done() and await request.is_disconnected():
                cancel.set()
        return await running
    except Cancelled:
        if cancel.is_set():
            raise ClientDisconnect() from None
        raise
    finally:
        cancel.set()  # done already, or this request itself was cancelled (the server stopping)

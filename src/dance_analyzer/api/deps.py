"""Request-scoped access to what the app holds: settings, pose set, worker pool, jobs,
and the slots that bound how many synchronous analyses run at once."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..config import Settings
from ..definitions import PoseSet
from ..jobs.service import JobService
from ..metrics import IN_PROGRESS
from ..pose_library import PoseLibrary
from ..workers import AnalysisPool
from .errors import Busy

# Seconds a client told "busy" should wait before trying again.
BUSY_RETRY_AFTER_S = 5


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_pool(request: Request) -> AnalysisPool:
    return request.app.state.pool


def get_poses(request: Request) -> PoseSet:
    return request.app.state.pose_library.current()


def get_pose_library(request: Request) -> PoseLibrary:
    return request.app.state.pose_library


def get_jobs(request: Request) -> JobService:
    return request.app.state.jobs


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

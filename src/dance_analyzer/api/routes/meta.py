"""Liveness and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from ... import __version__
from ...jobs.models import JobStatus
from ...pose.models import available_models
from ..schemas import Health

router = APIRouter(tags=["meta"])


@router.get(
    "/health",
    response_model=Health,
    response_model_exclude_none=True,
    summary="Whether the server can analyse now, and with which models",
    description="For load balancers and people: `ok`, or `degraded` with the problems (e.g. the job queue "
    "unreachable); the models installed and the default, the pool's workers, the queue. Needs no API key.\n\n"
    "Example: `curl http://localhost:5000/health`",
)
async def health(request: Request) -> dict[str, Any]:
    pool = request.app.state.pool
    jobs = request.app.state.jobs
    problem = await run_in_threadpool(jobs.health)
    return {
        "status": "degraded" if problem else "ok",
        **({"problems": [problem]} if problem else {}),
        "model_loaded": pool.ready,
        "models": available_models(),
        "default_model": pool.model,
        "workers": pool.size,
        "version": __version__,
        "jobs": {"runner": jobs.runner, "queued": await run_in_threadpool(jobs.store.count, JobStatus.QUEUED)},
    }


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics",
    description="Requests, latencies, frames analysed and queue sizes, in Prometheus's text format.\n\n"
    "Example: `curl http://localhost:5000/metrics`",
)
async def metrics() -> PlainTextResponse:
    return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

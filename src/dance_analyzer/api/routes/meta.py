"""Liveness and the pose definitions in use."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from ... import __version__
from ...definitions import PoseSet
from ...features import FEATURES
from ...jobs.models import JobStatus
from ..deps import get_poses
from ..schemas import Health

router = APIRouter(tags=["meta"])


@router.get("/health", response_model=Health)
async def health(request: Request) -> dict[str, Any]:
    pool = request.app.state.pool
    jobs = request.app.state.jobs
    return {
        "status": "ok",
        "model_loaded": pool.ready,
        "workers": pool.size,
        "version": __version__,
        "jobs": {"runner": jobs.runner, "queued": await run_in_threadpool(jobs.store.count, JobStatus.QUEUED)},
    }


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
async def metrics() -> PlainTextResponse:
    return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get("/poses")
async def poses(pose_set: Annotated[PoseSet, Depends(get_poses)]) -> dict[str, Any]:
    return {
        **pose_set.to_dict(),
        "features": [
            {"name": f.name, "per_side": f.sided, "unit": f.unit, "description": f.description}
            for f in FEATURES.values()
        ],
    }

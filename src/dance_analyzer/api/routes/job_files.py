"""What a finished job produced, to download: its annotated video (or of a photo, its
annotated picture) and its result as a CSV table."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from ...jobs.models import JobStatus
from ...jobs.service import JobService
from ..deps import JobsDep, TenantDep
from ..exports import csv_response
from ..keys import Tenant
from ..params import WithLandmarks
from ..schemas import ErrorBody
from .jobs import NOT_FOUND, JobId, find_job

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get(
    "/{job_id}/overlay.mp4",
    name="get_overlay",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "The video with skeleton and pose names drawn on it"},
        **NOT_FOUND,
        409: {"model": ErrorBody, "description": "The job has not finished"},
    },
    summary="The annotated video of a job submitted with overlay=true",
    description="The uploaded video with each dancer's skeleton, the pose and the move drawn on every "
    "frame, as MP4.\n\nExample: `curl -o annotated.mp4 http://localhost:5000/jobs/<id>/overlay.mp4`",
)
async def get_overlay(job_id: JobId, jobs: JobsDep, tenant: TenantDep) -> FileResponse:
    return await _annotated(job_id, jobs, tenant, photo=False)


@router.get(
    "/{job_id}/overlay.jpg",
    name="get_overlay_picture",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The photo with each skeleton and the poses drawn on it"},
        **NOT_FOUND,
        409: {"model": ErrorBody, "description": "The job has not finished"},
    },
    summary="The annotated picture of a photo submitted as a job with overlay=true",
    description="The uploaded photo, at its own size, with each person's skeleton and the main person's pose "
    "drawn on it, as JPEG.\n\nExample: `curl -o annotated.jpg http://localhost:5000/jobs/<id>/overlay.jpg`",
)
async def get_overlay_picture(job_id: JobId, jobs: JobsDep, tenant: TenantDep) -> FileResponse:
    return await _annotated(job_id, jobs, tenant, photo=True)


async def _annotated(job_id: str, jobs: JobService, tenant: Tenant, *, photo: bool) -> FileResponse:
    """A job's annotated copy: a video's video, a photo's picture (the other URL says where it is)."""
    job = await run_in_threadpool(find_job, jobs, job_id, tenant)
    copy = "annotated picture" if job.photo else "annotated video"
    if not job.overlay:
        raise HTTPException(404, f"This job was submitted without overlay=true: it has no {copy}")
    if job.photo != photo:
        where = "overlay.jpg" if job.photo else "overlay.mp4"
        raise HTTPException(404, f"This job's upload is a {'photo' if job.photo else 'video'}: its {copy} is {where}")
    if job.status is JobStatus.FAILED:
        raise HTTPException(409, f"The job failed, so there is no {copy}: {job.error}")
    path = jobs.storage.overlay_path(job.id, photo=photo)
    if job.status is not JobStatus.DONE or not path.exists():
        raise HTTPException(409, f"The {copy} is not ready yet: wait for the job to be done")
    stem = job.filename.rsplit(".", 1)[0] or ("photo" if photo else "video")
    media_type, suffix = ("image/jpeg", "jpg") if photo else ("video/mp4", "mp4")
    return FileResponse(path, media_type=media_type, filename=f"{stem}-annotated.{suffix}")


@router.get(
    "/{job_id}/result.csv",
    name="get_result_csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "One row per analysed frame: poses, angles (and landmarks)"},
        400: {"model": ErrorBody, "description": "A bad query parameter"},
        **NOT_FOUND,
        409: {
            "model": ErrorBody,
            "description": "Not done yet, failed, a comparison, or submitted without detail=frames",
        },
    },
    summary="A finished job's result as a CSV table (jobs submitted with detail=frames)",
    description="The analysis as a table, one row per analysed frame: time, frame, the poses, every joint angle "
    "and whether it was interpolated (with people=all, one row per person per frame; `landmarks=true` adds the "
    "33 landmarks). The table needs the frames' details, so submit the job with `detail=frames`.\n\n"
    "Example: `curl -o clip.csv 'http://localhost:5000/jobs/<id>/result.csv?landmarks=true'`",
)
async def get_result_csv(job_id: JobId, jobs: JobsDep, tenant: TenantDep, landmarks: WithLandmarks = False) -> Response:
    job = await run_in_threadpool(find_job, jobs, job_id, tenant)
    if job.status is JobStatus.FAILED:
        raise HTTPException(409, f"The job failed, so there is no result: {job.error}")
    if job.status is not JobStatus.DONE or job.result is None:
        raise HTTPException(409, "The result is not ready yet: wait for the job to be done")
    if job.compare is not None:
        raise HTTPException(409, "A comparison job's result has no per-frame table; CSV export is for analyses")
    if "frames" not in job.result:
        raise HTTPException(
            409, "This job was submitted without detail=frames, which the CSV table needs: submit it again with it"
        )
    return csv_response(job.result, job.filename, landmarks=landmarks)

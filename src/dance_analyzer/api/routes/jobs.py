"""Asynchronous analysis: submit a video, poll its job, fetch the result, cancel."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from ...config import Settings
from ...errors import AnalysisError
from ...jobs.models import JOB_ID_SHAPE, Job, JobStatus, is_job_id
from ...jobs.service import JobService
from ...jobs.store import QueueFull
from ...media.still import check_declared_size, is_picture
from ...media.video import Limits, probe
from ...options import AnalysisOptions
from ...pose.models import check_installed
from ..deps import JobsDep, SettingsDep, TenantDep
from ..errors import Busy
from ..keys import Tenant
from ..params import (
    COMPARE_BODY,
    UPLOAD_BODY,
    AngleFilterQuery,
    AttemptPerson,
    Detail,
    MaxPeople,
    Mirror,
    Model,
    People,
    PrecisionQuery,
    ReferencePerson,
    Rhythm,
    SampleFps,
)
from ..schemas import ERROR_RESPONSES, ErrorBody, JobCreated, JobList, JobView
from ..uploads import NO_ROOM, no_room, receive_video_upload, receive_video_uploads

router = APIRouter(prefix="/jobs", tags=["jobs"])

QUEUE_FULL_RETRY_AFTER_S = 30
JobId = Annotated[str, PathParam(description="the id from the 202 answer of POST /jobs (or /jobs/compare)")]
# What the two job-creating routes can answer besides their 202.
JOB_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    503: {"model": ErrorBody, "description": "The job queue (Redis) is unavailable: retry after Retry-After seconds"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such job (never existed, cancelled or expired)"},
    503: JOB_RESPONSES[503],
}


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds") if ts is not None else None


def job_view(job: Job, request: Request, ttl_s: float, *, with_result: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": job.id,
        "status": job.status.value,
        "filename": job.filename,
        "progress": round(job.progress, 4),
        "frames_done": job.frames_done,
        "frames_total": job.frames_total,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "expires_at": _iso(job.finished_at + ttl_s) if job.finished_at is not None else None,
        "attempts": job.attempts,
        "worker": job.worker,
        "status_url": str(request.url_for("get_job", job_id=job.id).path),
    }
    if job.overlay:
        route = "get_overlay_picture" if job.photo else "get_overlay"
        view["overlay_url"] = str(request.url_for(route, job_id=job.id).path)
    if job.status is JobStatus.DONE and with_result:
        view["result"] = job.result
    if job.status is JobStatus.FAILED:
        view["error"], view["error_kind"] = job.error, job.error_kind
    return view


def _scope(tenant: Tenant) -> str | None:
    """Whose jobs this key sees: its own, or every key's for an admin (None)."""
    return None if tenant.admin else tenant.name


def find_job(jobs: JobService, job_id: str, tenant: Tenant) -> Job:
    # Another key's job is answered exactly like a job that does not exist.
    job = jobs.get(job_id) if is_job_id(job_id) else None
    if job is None or not job.visible_to(_scope(tenant)):
        raise _no_job(job_id)
    return job


def _no_job(job_id: str) -> HTTPException:
    if not is_job_id(job_id):
        return HTTPException(404, f"No such job: {JOB_ID_SHAPE}")
    return HTTPException(404, f"No job with id {job_id!r}: it never existed, was cancelled or has expired")


@router.post(
    "",
    status_code=202,
    response_model=JobCreated,
    responses=JOB_RESPONSES,
    openapi_extra=UPLOAD_BODY,
    summary="Queue a video for analysis; poll the job for its result",
    description=(
        "Takes the same upload and options as `POST /analyze`, answers 202 at once with the job's id and "
        "`status_url` (also in `Location`), and analyses in the background (this server's pool, or Celery "
        "workers). Poll `GET /jobs/{job_id}` for progress and, once done, the result; `overlay=true` also "
        "renders the annotated video. 429 when the queue is full.\n\n"
        "Example: `curl -F file=@clip.mp4 'http://localhost:5000/jobs?overlay=true'`"
    ),
)
async def create_job(
    request: Request,
    response: Response,
    settings: SettingsDep,
    jobs: JobsDep,
    tenant: TenantDep,
    detail: Detail = "summary",
    sample_fps: SampleFps = None,
    rhythm: Rhythm = False,
    overlay: Annotated[
        bool, Query(description="Also render the annotated video, or of a photo the annotated picture (overlay_url)")
    ] = False,
    model: Model = None,
    people: People = "main",
    max_people: MaxPeople = None,
    angle_filter: AngleFilterQuery = None,
    precision: PrecisionQuery = None,
) -> dict[str, Any]:
    options = AnalysisOptions.from_settings(
        settings,
        sample_fps=sample_fps,
        include_frames=detail == "frames",
        rhythm=rhythm,
        model=model,
        people=people == "all",
        max_people=max_people,
        angle_filter=angle_filter,
        precision=precision,
    )
    check_installed(options.model)
    await _check_room(jobs)
    upload = await receive_video_upload(request, upload_dir=jobs.storage.uploads, max_bytes=settings.max_upload_bytes)
    with upload:  # deletes the staged file unless the job took it
        photo = await _check_upload(settings, upload.path)
        job = Job.new(upload.filename, options, overlay=overlay, photo=photo, owner=tenant.name)
        await _submit(jobs, job, upload.path)
    return _created(request, response, job)


@router.post(
    "/compare",
    status_code=202,
    response_model=JobCreated,
    responses=JOB_RESPONSES,
    openapi_extra=COMPARE_BODY,
    summary="Queue a comparison of an attempt with a reference; poll the job for what /compare returns",
    description=(
        "`POST /compare` as a job: the same two uploads (`reference`, `attempt`) and options; poll the job, "
        "whose result is what `/compare` returns.\n\n"
        "Example: `curl -F reference=@teacher.mp4 -F attempt=@me.mp4 http://localhost:5000/jobs/compare`"
    ),
)
async def create_compare_job(
    request: Request,
    response: Response,
    settings: SettingsDep,
    jobs: JobsDep,
    tenant: TenantDep,
    mirror: Mirror = False,
    sample_fps: SampleFps = None,
    model: Model = None,
    reference_person: ReferencePerson = None,
    attempt_person: AttemptPerson = None,
    precision: PrecisionQuery = None,
) -> dict[str, Any]:
    options = AnalysisOptions.from_settings(settings, sample_fps=sample_fps, model=model, precision=precision)
    check_installed(options.model)
    await _check_room(jobs)
    uploads = await receive_video_uploads(
        request,
        upload_dir=jobs.storage.uploads,
        max_bytes=settings.max_upload_bytes,
        wanted={"reference": "reference", "attempt": "attempt"},
    )
    reference, attempt = uploads["reference"], uploads["attempt"]
    with reference, attempt:
        for which, upload in (("reference", reference), ("attempt", attempt)):
            await _check_upload(settings, upload.path, which)
        job = Job.new(
            attempt.filename,
            options,
            compare={
                "reference_filename": reference.filename,
                "mirror": mirror,
                "reference_person": reference_person,
                "attempt_person": attempt_person,
            },
            owner=tenant.name,
        )
        await _submit(jobs, job, attempt.path, reference.path)
    return _created(request, response, job)


async def _check_upload(settings: Settings, path: Path, which: str = "") -> bool:
    """Refuse at once what the job would only fail on later (not a video or a photo,
    damaged, over a limit): the checks every analysis starts with, before a job exists. Of
    two uploads (``which``: the reference or the attempt), the error names which. Whether
    it is a photo (analysed as one moment; its annotated copy is a picture)."""
    photo = is_picture(path)
    try:
        if photo:
            await run_in_threadpool(check_declared_size, path, settings.max_pixels)
        else:
            await run_in_threadpool(probe, path, Limits.from_settings(settings))
    except AnalysisError as exc:
        raise (exc.about(f"{which} {'photo' if photo else 'video'}") if which else exc) from None
    return photo


def _queue_full() -> Busy:
    return Busy("The job queue is full; try again later", QUEUE_FULL_RETRY_AFTER_S)


async def _check_room(jobs: JobService) -> None:
    """Refuse before the upload is read, not after; submit checks again, atomically."""
    if await run_in_threadpool(jobs.queue_full):
        raise _queue_full()


async def _submit(jobs: JobService, job: Job, path: Path, reference: Path | None = None) -> None:
    try:
        await run_in_threadpool(jobs.submit, job, path, reference)
    except QueueFull:
        raise _queue_full() from None
    except OSError as exc:  # the upload moved to the jobs' folder, on a disk that is full
        if exc.errno in NO_ROOM:
            raise no_room() from exc
        raise


def _created(request: Request, response: Response, job: Job) -> dict[str, Any]:
    status_url = str(request.url_for("get_job", job_id=job.id).path)
    response.headers["Location"] = status_url
    return {"id": job.id, "status": job.status.value, "status_url": status_url}


@router.get(
    "",
    response_model=JobList,
    response_model_exclude_unset=True,
    responses={400: {"model": ErrorBody, "description": "A bad query parameter"}},
    summary="Recent jobs, newest first (without their results)",
    description="The caller's jobs (an admin key sees everyone's), newest first, with status and progress; "
    "fetch one for its result.\n\nExample: `curl 'http://localhost:5000/jobs?status=done&limit=10'`",
)
async def list_jobs(
    request: Request,
    settings: SettingsDep,
    jobs: JobsDep,
    tenant: TenantDep,
    limit: Annotated[int, Query(ge=1, le=500, description="at most this many jobs")] = 50,
    status: Annotated[JobStatus | None, Query(description="only jobs in this state")] = None,
) -> dict[str, Any]:
    found = await run_in_threadpool(lambda: jobs.list(limit=limit, status=status, owner=_scope(tenant)))
    return {"jobs": [job_view(job, request, settings.job_ttl_s, with_result=False) for job in found]}


@router.get(
    "/{job_id}",
    name="get_job",
    response_model=JobView,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
    summary="A job's status and progress; its result once done",
    description="`status` goes queued, running, then done (with `result`) or failed (with `error`). "
    "Progress is frames analysed over frames expected. Finished jobs are deleted at `expires_at`.\n\n"
    "Example: `curl http://localhost:5000/jobs/<id>`",
)
async def get_job(
    job_id: JobId,
    request: Request,
    settings: SettingsDep,
    jobs: JobsDep,
    tenant: TenantDep,
) -> dict[str, Any]:
    job = await run_in_threadpool(find_job, jobs, job_id, tenant)
    return job_view(job, request, settings.job_ttl_s)


@router.delete(
    "/{job_id}",
    status_code=204,
    responses=NOT_FOUND,
    summary="Cancel a job and delete its upload and result",
    description="A queued job never runs; a running one is stopped; a finished one's result and annotated "
    "video are deleted.\n\nExample: `curl -X DELETE http://localhost:5000/jobs/<id>`",
)
async def delete_job(job_id: JobId, jobs: JobsDep, tenant: TenantDep) -> Response:
    job = await run_in_threadpool(find_job, jobs, job_id, tenant)
    if not await run_in_threadpool(jobs.cancel, job.id):
        raise _no_job(job_id)
    return Response(status_code=204)

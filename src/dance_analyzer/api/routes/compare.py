"""Compare an attempt with a reference video: both analysed on the pool, then aligned and scored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from ...compare import compare_tracks, with_names
from ...config import Settings
from ...pipeline import AnalysisOptions
from ...workers import AnalysisPool
from ..deps import analysis_slot, get_pool, get_settings
from ..schemas import ERROR_RESPONSES, file_upload_body
from ..uploads import receive_video_uploads
from .analyze import SampleFps

router = APIRouter(tags=["analysis"])

COMPARE_BODY = file_upload_body(reference="The choreography", attempt="The dance to score")


@router.post(
    "/compare",
    responses=ERROR_RESPONSES,
    openapi_extra=COMPARE_BODY,
    summary="Score an attempt against a reference dance, aligned in time",
)
async def compare(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    pool: Annotated[AnalysisPool, Depends(get_pool)],
    mirror: Annotated[bool, Query(description="Compare the attempt's left with the reference's right")] = False,
    sample_fps: SampleFps = None,
) -> dict[str, Any]:
    uploads = await receive_video_uploads(
        request,
        upload_dir=settings.upload_dir,
        max_bytes=settings.max_upload_bytes,
        wanted={"reference": "reference", "attempt": "attempt"},
    )
    reference, attempt = uploads["reference"], uploads["attempt"]
    with reference, attempt:
        options = AnalysisOptions(sample_fps=sample_fps or settings.sample_fps)
        async with analysis_slot(request, instead="/jobs/compare"):
            ref_track = await run_in_threadpool(pool.extract, reference.path, options)
            att_track = await run_in_threadpool(pool.extract, attempt.path, options)
        result = await run_in_threadpool(compare_tracks, ref_track, att_track, mirror=mirror)
    return with_names(result, reference.filename, attempt.filename)

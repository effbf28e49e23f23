from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from ...config import Settings
from ...metrics import FRAMES_ANALYSED
from ...pipeline import AnalysisOptions
from ...workers import AnalysisPool
from ..deps import analysis_slot, get_pool, get_settings
from ..schemas import ERROR_RESPONSES, AnalysisResult, file_upload_body
from ..uploads import receive_video_upload

router = APIRouter(tags=["analysis"])

UPLOAD_BODY = file_upload_body(file="The video", video="Alias of file")

Detail = Annotated[Literal["summary", "frames"], Query(description="'frames' adds per-frame output")]
SampleFps = Annotated[float | None, Query(gt=0, le=240, description="Analyse at most N frames per second")]


Rhythm = Annotated[bool, Query(description="Also find the music's beats and score the timing")]


def analysis_options(
    settings: Settings, detail: str, sample_fps: float | None, rhythm: bool = False
) -> AnalysisOptions:
    return AnalysisOptions(
        sample_fps=sample_fps or settings.sample_fps,
        include_frames=detail == "frames",
        min_segment_s=settings.min_segment_s,
        rhythm=rhythm,
    )


@router.post(
    "/analyze",
    response_model=AnalysisResult,
    response_model_exclude_unset=True,
    responses=ERROR_RESPONSES,
    openapi_extra=UPLOAD_BODY,
    summary="Analyse an uploaded video and return its poses",
)
async def analyze(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    pool: Annotated[AnalysisPool, Depends(get_pool)],
    detail: Detail = "summary",
    sample_fps: SampleFps = None,
    rhythm: Rhythm = False,
) -> dict[str, Any]:
    upload = await receive_video_upload(request, upload_dir=settings.upload_dir, max_bytes=settings.max_upload_bytes)
    with upload:
        options = analysis_options(settings, detail, sample_fps, rhythm)
        async with analysis_slot(request, instead="/jobs"):
            result = await run_in_threadpool(pool.analyze, upload.path, options)
        FRAMES_ANALYSED.inc(result["processed_frames"])
    return {**result, "filename": upload.filename}

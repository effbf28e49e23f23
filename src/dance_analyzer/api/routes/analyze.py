"""Analyse an uploaded video within the request."""

from __future__ import annotations

import functools
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from ... import pipeline
from ...errors import OverlayNotWritten
from ...media.still import is_picture
from ...metrics import FRAMES_ANALYSED
from ...pose.models import check_installed
from ..deps import PoolDep, PosesDep, SettingsDep, analysis_slot, while_connected
from ..exports import PICTURE_ANSWER, csv_response, picture_response
from ..params import (
    UPLOAD_BODY,
    AngleFilterQuery,
    Detail,
    ExportFormat,
    MaxPeople,
    Model,
    People,
    PrecisionQuery,
    Rhythm,
    SampleFps,
    WithLandmarks,
)
from ..schemas import ERROR_RESPONSES, AnalysisResult
from ..uploads import NO_ROOM, no_room, receive_video_upload

router = APIRouter(tags=["analysis"])


@router.post(
    "/analyze",
    response_model=AnalysisResult,
    response_model_exclude_unset=True,
    responses={**ERROR_RESPONSES, **PICTURE_ANSWER},
    openapi_extra=UPLOAD_BODY,
    summary="Analyse an uploaded video and return its poses",
    description=(
        "Upload a video (multipart field `file`, or `video`) and wait for the analysis: the poses held "
        "(`pose_summary`, `segments`, `pose_counts`), the moves made (`moves`, `move_summary`), how the body "
        "moved (`movement`), problems with the filming (`warnings`), and with `detail=frames` every analysed "
        "frame's poses and landmarks. A photo (JPEG, PNG, WebP, BMP, PNM, HEIC) is analysed as one frame: `photo` is "
        "true and `poses` lists every pose that holds in it. `people=all` follows every dancer and adds `people` "
        "and `sync`; `rhythm=true` adds the music's beats; `format=jpg` answers a photo's annotated picture "
        "instead of its JSON. Long videos are better sent to `POST /jobs`, which "
        "answers at once; this route answers 429 when the server is busy.\n\n"
        "Example: `curl -F file=@clip.mp4 'http://localhost:5000/analyze?detail=summary'`"
    ),
)
async def analyze(
    request: Request,
    settings: SettingsDep,
    pool: PoolDep,
    poses: PosesDep,
    detail: Detail = "summary",
    sample_fps: SampleFps = None,
    rhythm: Rhythm = False,
    model: Model = None,
    people: People = "main",
    max_people: MaxPeople = None,
    angle_filter: AngleFilterQuery = None,
    precision: PrecisionQuery = None,
    format: ExportFormat = "json",
    landmarks: WithLandmarks = False,
) -> dict[str, Any] | Response:
    options = pipeline.AnalysisOptions.from_settings(
        settings,
        sample_fps=sample_fps,
        include_frames=detail == "frames" or format == "csv",  # the table's rows
        rhythm=rhythm,
        model=model,
        people=people == "all",
        max_people=max_people,
        angle_filter=angle_filter,
        precision=precision,
    )
    check_installed(options.model)  # before the upload is read
    upload = await receive_video_upload(request, upload_dir=settings.temp_dir, max_bytes=settings.max_upload_bytes)
    # format=jpg: the photo's annotated picture, drawn into a folder of its own and answered.
    drawing = tempfile.TemporaryDirectory(dir=settings.temp_dir, prefix="picture-") if format == "jpg" else None
    with upload, drawing or nullcontext() as folder:
        drawn = Path(folder) / "annotated.jpg" if folder is not None else None
        if drawn is not None and not is_picture(upload.path):
            raise HTTPException(
                415, "format=jpg draws a photo; for a video's annotated copy submit a job: POST /jobs?overlay=true"
            )
        async with analysis_slot(request, instead="/jobs"):
            analysis = functools.partial(
                pipeline.analyze, upload.path, options, reader=pool, poses=poses, overlay_to=drawn
            )
            try:
                result = await while_connected(request, analysis)
            except OverlayNotWritten as exc:
                if isinstance(exc.__cause__, OSError) and exc.__cause__.errno in NO_ROOM:
                    raise no_room() from exc
                raise
        FRAMES_ANALYSED.inc(result["processed_frames"])
        if drawn is not None:
            return picture_response(drawn, upload.filename)
    if format == "csv":
        return csv_response(result, upload.filename, landmarks=landmarks)
    return {**result, "filename": upload.filename}

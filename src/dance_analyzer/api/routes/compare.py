"""Compare an attempt with a reference video: both read on the pool, then aligned and scored."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request

from ... import pipeline
from ...pose.models import check_installed
from ...reports.compare import with_names
from ..deps import PoolDep, SettingsDep, analysis_slot, while_connected
from ..params import COMPARE_BODY, AttemptPerson, Mirror, Model, PrecisionQuery, ReferencePerson, SampleFps
from ..report_models import CompareResult
from ..schemas import ERROR_RESPONSES
from ..uploads import receive_video_uploads

router = APIRouter(tags=["analysis"])


@router.post(
    "/compare",
    response_model=CompareResult,
    response_model_exclude_unset=True,
    responses=ERROR_RESPONSES,
    openapi_extra=COMPARE_BODY,
    summary="Score an attempt against a reference dance, aligned in time",
    description=(
        "Upload two videos, `reference` (the teacher) and `attempt` (the student). Both are analysed, "
        "aligned in time (the attempt may start later or dance slower), and compared joint angle by joint "
        "angle: a 0-100 similarity overall and per body part (100 is the same angles throughout, about 80 "
        "is good, 67 is 10 degrees apart on average), the time offset and tempo ratio, and the worst moments "
        "with the body part most off. With `mirror=true` a mirror image of the reference (a class facing "
        "its teacher) counts as the same. Either may be a photo, a pose to reach: it is then matched with "
        "the moment of the other that comes closest (`closest_moment`), and the score says how close. "
        "Waits for the answer; for long videos use `POST /jobs/compare`.\n\n"
        "Example: `curl -F reference=@teacher.mp4 -F attempt=@me.mp4 'http://localhost:5000/compare?mirror=true'`"
    ),
)
async def compare(
    request: Request,
    settings: SettingsDep,
    pool: PoolDep,
    mirror: Mirror = False,
    sample_fps: SampleFps = None,
    model: Model = None,
    reference_person: ReferencePerson = None,
    attempt_person: AttemptPerson = None,
    precision: PrecisionQuery = None,
) -> dict[str, Any]:
    options = pipeline.AnalysisOptions.from_settings(settings, sample_fps=sample_fps, model=model, precision=precision)
    check_installed(options.model)  # before the uploads are read
    uploads = await receive_video_uploads(
        request,
        upload_dir=settings.temp_dir,
        max_bytes=settings.max_upload_bytes,
        wanted={"reference": "reference", "attempt": "attempt"},
    )
    reference, attempt = uploads["reference"], uploads["attempt"]
    with reference, attempt:
        async with analysis_slot(request, instead="/jobs/compare"):
            comparison = functools.partial(
                pipeline.compare,
                reference.path,
                attempt.path,
                options,
                reader=pool,
                mirror=mirror,
                reference_person=reference_person,
                attempt_person=attempt_person,
            )
            result = await while_connected(request, comparison)
    return with_names(result, reference.filename, attempt.filename)

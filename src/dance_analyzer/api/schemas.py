"""Response models: they document the JSON contract in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PoseCount(BaseModel):
    pose: str
    frames_detected: int


class Segment(BaseModel):
    pose: str
    start_s: float
    end_s: float
    frames: int


class FrameResult(BaseModel):
    index: int
    t: float
    poses: list[str]
    landmarks: list[list[float]] | None = Field(
        description="33 rows of [x, y, z, visibility], x/y normalised to the upright frame"
    )


class AnalysisResult(BaseModel):
    duration_s: float
    pose_summary: list[PoseCount]
    processed_frames: int
    total_frames: int
    fps: float | None = Field(None, description="measured average; absent when it cannot be measured")
    width: int
    height: int
    frames_with_person: int
    model: str | None = Field(None, description="the landmark model that measured the poses: lite, full or heavy")
    filename: str
    segments: list[Segment]
    movement: dict[str, Any] | None = Field(
        None, description="energy per second, range of motion, symmetry, jerk, movement tempo"
    )
    rhythm: dict[str, Any] | None = Field(None, description="with rhythm=true: audio beats and on-beat score")
    frames: list[FrameResult] | None = None


class ErrorBody(BaseModel):
    error: str


class JobsHealth(BaseModel):
    runner: str = Field(description="'embedded' (this server's pool) or 'celery' (workers on the broker)")
    queued: int


class Health(BaseModel):
    status: str = Field(description="'ok', or 'degraded' when jobs cannot be queued or run (see problems)")
    problems: list[str] | None = None
    model_loaded: bool
    models: list[str] = Field(description="the landmark models installed here (choose one with ?model=)")
    default_model: str = Field(description="the model used when a request does not choose (DANCE_MODEL)")
    workers: int
    version: str
    jobs: JobsHealth


class JobCreated(BaseModel):
    id: str
    status: str
    status_url: str


class JobView(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed")
    filename: str
    progress: float = Field(description="0 to 1: frames analysed over frames expected")
    frames_done: int
    frames_total: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    expires_at: str | None = Field(description="when a finished job and its result will be deleted")
    attempts: int
    worker: str | None
    status_url: str
    overlay_url: str | None = Field(None, description="the annotated video, when requested with overlay=true")
    result: AnalysisResult | dict[str, Any] | None = Field(
        None, description="when done: what /analyze (or, for a comparison job, /compare) returns"
    )
    error: str | None = Field(None, description="when failed: why")
    error_kind: str | None = None


class JobList(BaseModel):
    jobs: list[JobView]


ERROR_RESPONSES: dict[int | str, dict] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "No file, empty file or malformed request",
        413: "File, frame size or duration over a limit",
        415: "Not a video, or an unsupported format",
        422: "Damaged or undecodable video",
        429: "Too busy: retry after the Retry-After header's seconds",
    }.items()
}


def file_upload_body(**fields: str) -> dict[str, Any]:
    """``openapi_extra`` for a multipart body of files, given field name -> description.

    The routes read their bodies as streams (see ``uploads.py``), so FastAPI cannot
    infer the body from the signature; this documents it.
    """
    properties = {name: {"type": "string", "format": "binary", "description": text} for name, text in fields.items()}
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"type": "object", "properties": properties}}},
        }
    }

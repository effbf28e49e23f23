"""Response models: they document the JSON contract in the OpenAPI schema."""

from __future__ import annotations

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
    fps: float | None
    width: int
    height: int
    frames_with_person: int
    filename: str
    segments: list[Segment]
    frames: list[FrameResult] | None = None


class ErrorBody(BaseModel):
    error: str


class Health(BaseModel):
    status: str
    model_loaded: bool
    workers: int
    version: str


ERROR_RESPONSES: dict[int | str, dict] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "No file, empty file or malformed request",
        413: "File, frame size or duration over a limit",
        415: "Not a video, or an unsupported format",
        422: "Damaged or undecodable video",
    }.items()
}

"""A job: one upload waiting for, undergoing or done with analysis."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from ..options import AnalysisOptions

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


# What to tell a client whose id is not one (not echoed back: it may be anything, of any length).
JOB_ID_SHAPE = "a job id is the 32 hex digits that POST /jobs answered with"


def is_job_id(text: str) -> bool:
    """Ids become file names and URL parts: only what ``Job.new`` makes is one."""
    return _JOB_ID.match(text) is not None


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


@dataclass(frozen=True)
class Job:
    id: str
    filename: str
    options: AnalysisOptions
    # Also render the annotated video (GET /jobs/{id}/overlay.mp4).
    overlay: bool = False
    # The upload is a photo: its annotated copy is a picture (GET /jobs/{id}/overlay.jpg).
    photo: bool = False
    # A comparison job (POST /jobs/compare): {"reference_filename": ..., "mirror": bool};
    # the upload is the attempt, and the reference is stored beside it.
    compare: dict[str, Any] | None = None
    status: JobStatus = JobStatus.QUEUED
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    frames_done: int = 0
    frames_total: int | None = None
    attempts: int = 0
    worker: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    # What went wrong, as the name of an analysis error (``CorruptVideo``, ...) or
    # ``WorkerLost``/``Internal`` for failures that are not the video's fault.
    error_kind: str | None = None
    # The API key's name that submitted it: only that key (or an admin) sees the job, and
    # the analysis uses that key's custom poses. "" when the server has no keys.
    owner: str = ""

    @classmethod
    def new(
        cls,
        filename: str,
        options: AnalysisOptions,
        *,
        overlay: bool = False,
        photo: bool = False,
        compare: dict[str, Any] | None = None,
        owner: str = "",
    ) -> Job:
        return cls(uuid.uuid4().hex, filename, options, overlay, photo, compare, owner=owner)

    def visible_to(self, owner: str | None) -> bool:
        """``owner`` None: an admin, who sees every job."""
        return owner is None or self.owner == owner

    @property
    def progress(self) -> float:
        if self.status is JobStatus.DONE:
            return 1.0
        if not self.frames_total:
            return 0.0
        return min(self.frames_done / self.frames_total, 1.0)

    def evolve(self, **changes: Any) -> Job:
        return replace(self, **changes)

    def succeeded(self, result: dict[str, Any]) -> Job:
        total = result.get("total_frames", self.frames_total or self.frames_done)
        return self.evolve(
            status=JobStatus.DONE, finished_at=time.time(), result=result, frames_done=total, frames_total=total
        )

    def failed(self, error: str, kind: str) -> Job:
        return self.evolve(status=JobStatus.FAILED, finished_at=time.time(), error=error, error_kind=kind)


def options_to_dict(options: AnalysisOptions) -> dict[str, Any]:
    """JSON-ready: the job store and Celery's messages are JSON."""
    return {key: str(value) if isinstance(value, Path) else value for key, value in asdict(options).items()}


def options_from_dict(data: dict[str, Any]) -> AnalysisOptions:
    moves_file = data.get("moves_file")
    return AnalysisOptions(**{**data, "moves_file": Path(moves_file) if moves_file else None})

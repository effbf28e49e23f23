"""What running a job means, whichever runner runs it: an analysis (and its annotated video or
picture, if asked for) or a comparison, through the one pipeline."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .. import pipeline
from ..labels.definitions import PoseSet
from ..media.still import is_picture
from ..pose.extract import ProgressFn
from ..reports.compare import with_names
from .models import Job
from .storage import JobFiles


def run_job(
    reader: pipeline.Reader,
    poses: PoseSet,
    files: JobFiles,
    job_id: str,
    video: Path,
    options: pipeline.AnalysisOptions,
    *,
    overlay: bool = False,
    compare: dict[str, Any] | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, Any]:
    """The job's result: what /analyze would give (and the annotated video in ``files``,
    with ``overlay``), or, for a comparison (``compare``; ``video`` is the attempt and the
    reference is stored beside it), what /compare returns."""
    if compare is not None:
        reference = files.reference_path(job_id)
        if reference is None:
            raise FileNotFoundError("the reference video of a comparison job is missing")
        return pipeline.compare(
            reference,
            video,
            options,
            reader=reader,
            mirror=bool(compare.get("mirror")),
            reference_person=compare.get("reference_person"),
            attempt_person=compare.get("attempt_person"),
            on_progress=on_progress,
            cancel=cancel,
        )
    photo = is_picture(video)  # as the API told it when the job was submitted
    return pipeline.analyze(
        video,
        options,
        reader=reader,
        poses=poses,
        on_progress=on_progress,
        cancel=cancel,
        overlay_to=files.overlay_path(job_id, photo=photo) if overlay else None,
        # An annotated video can be danced along with live: its dancer's landmarks are the
        # reference (a photo is no dance to follow).
        landmarks_to=files.landmarks_path(job_id) if overlay and not photo else None,
    )


def with_filenames(result: dict[str, Any], job: Job) -> dict[str, Any]:
    """The result as the synchronous endpoint would give it, the uploads' names included."""
    if job.compare is None:
        return {**result, "filename": job.filename}
    return with_names(result, job.compare.get("reference_filename", ""), job.filename)

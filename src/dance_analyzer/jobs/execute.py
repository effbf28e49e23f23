"""What running a job means, whichever runner runs it: analyse, then render if asked."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..pipeline import AnalysisOptions, ProgressFn
from ..workers import AnalysisPool


def run_job(
    pool: AnalysisPool,
    video: Path,
    options: AnalysisOptions,
    *,
    overlay_to: Path | None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    reference: Path | None = None,
    mirror: bool = False,
) -> dict[str, Any]:
    """The job's result (as /analyze would give it); the annotated video at ``overlay_to``.

    The overlay is drawn from the landmarks the analysis found, so it asks for them
    even when the caller did not, and drops them again afterwards. With ``reference``,
    the job is a comparison and its result what /compare returns.
    """
    if reference is not None:  # a comparison: ``video`` is the attempt
        from ..compare import compare_tracks

        reference_track = pool.extract(reference, options, cancel=cancel)
        attempt_track = pool.extract(video, options, on_progress=on_progress, cancel=cancel)
        return compare_tracks(reference_track, attempt_track, mirror=mirror)
    analysis = replace(options, include_frames=True) if overlay_to is not None else options
    result = pool.analyze(video, analysis, on_progress=on_progress, cancel=cancel)
    if overlay_to is not None:
        pool.render(video, result, overlay_to)
        if not options.include_frames:
            result.pop("frames", None)
    return result


def with_filenames(result: dict[str, Any], job: Any) -> dict[str, Any]:
    """The result as the synchronous endpoint would give it, the uploads' names included."""
    if job.compare is None:
        return {**result, "filename": job.filename}
    from ..compare import with_names

    return with_names(result, job.compare.get("reference_filename", ""), job.filename)

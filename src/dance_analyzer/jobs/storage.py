"""Where a job's upload waits for its worker: a directory API and workers share.

A shared volume is the simplest thing every deployment has. The interface is the
three operations an object store would also offer (put, fetch to a local path,
delete), so an S3-style implementation can replace this class without touching
the runners.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


class UploadStorage:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _path(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):  # ids become file names: never let one be a path
            raise ValueError(f"not a job id: {job_id!r}")
        return self.directory / f"{job_id}.video"

    def put(self, job_id: str, staged: Path) -> None:
        """Take ownership of a staged upload (a rename when on the same file system)."""
        target = self._path(job_id)
        try:
            os.replace(staged, target)
        except OSError:  # another file system: copy, then drop the original
            import shutil

            shutil.copyfile(staged, target)
            staged.unlink(missing_ok=True)

    def local_path(self, job_id: str) -> Path | None:
        """A path the analysis can read, or None if the upload is gone (deleted job)."""
        path = self._path(job_id)
        return path if path.exists() else None

    def delete(self, job_id: str) -> None:
        self._path(job_id).unlink(missing_ok=True)

    def job_ids(self) -> list[str]:
        return [p.stem for p in self.directory.glob("*.video") if _JOB_ID.match(p.stem)]

    def remove_partial_uploads(self) -> None:
        """Delete files that belong to no job: uploads cut off by a crash while staging."""
        for path in self.directory.iterdir():
            if path.is_file() and not (path.suffix == ".video" and _JOB_ID.match(path.stem)):
                path.unlink(missing_ok=True)

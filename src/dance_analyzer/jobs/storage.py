"""A job's files: the upload waiting for its worker, and the annotated video it produced
(with the main dancer's landmarks beside it: a reference to follow along with, live), or
of a photo the annotated picture.

Both live under a directory the API and the workers share: a shared volume is the
simplest thing every deployment has. The interface is the operations an object
store would also offer (put, fetch to a local path, delete), so an S3-style
implementation can replace this class without touching the runners.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .models import is_job_id

REFERENCE = "reference"
VIDEO, PICTURE = ".mp4", ".jpg"  # an annotated video, an annotated photo
OUTPUTS = (VIDEO, PICTURE, ".npz")  # what a job may leave in overlays/ (.npz: the landmarks)


def _owner(path: Path) -> str:
    """The job id a file name starts with (``<id>.video``, ``<id>.reference.video``, ``<id>.mp4``)."""
    return path.name.split(".", 1)[0]


def _check(job_id: str) -> str:
    if not is_job_id(job_id):  # ids become file names: never let one be a path
        raise ValueError(f"not a job id: {job_id!r}")
    return job_id


class JobFiles:
    def __init__(self, root: Path) -> None:
        self.uploads = root / "uploads"
        self.overlays = root / "overlays"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.overlays.mkdir(parents=True, exist_ok=True)

    # uploads: the video (the attempt, for a comparison) and a comparison's reference
    def _upload(self, job_id: str, role: str = "") -> Path:
        return self.uploads / f"{_check(job_id)}{'.' + role if role else ''}.video"

    def put(self, job_id: str, staged: Path, role: str = "") -> None:
        """Take ownership of a staged upload (a rename when on the same file system)."""
        target = self._upload(job_id, role)
        try:
            os.replace(staged, target)
        except OSError:  # another file system: copy, then drop the original
            shutil.copyfile(staged, target)
            staged.unlink(missing_ok=True)

    def local_path(self, job_id: str, role: str = "") -> Path | None:
        """A path the analysis can read, or None if the upload is gone (deleted job)."""
        path = self._upload(job_id, role)
        return path if path.exists() else None

    def put_reference(self, job_id: str, staged: Path) -> None:
        self.put(job_id, staged, REFERENCE)

    def reference_path(self, job_id: str) -> Path | None:
        return self.local_path(job_id, REFERENCE)

    def delete_upload(self, job_id: str) -> None:
        for role in ("", REFERENCE):
            self._upload(job_id, role).unlink(missing_ok=True)

    # outputs
    def overlay_path(self, job_id: str, *, photo: bool = False) -> Path:
        return self.overlays / f"{_check(job_id)}{PICTURE if photo else VIDEO}"

    def landmarks_path(self, job_id: str) -> Path:
        return self.overlays / f"{_check(job_id)}.landmarks.npz"

    def delete_all(self, job_id: str) -> None:
        self.delete_upload(job_id)
        for photo in (False, True):
            self.overlay_path(job_id, photo=photo).unlink(missing_ok=True)
        self.landmarks_path(job_id).unlink(missing_ok=True)

    # housekeeping
    def job_ids(self) -> set[str]:
        """Every job that has a file here."""
        names = [*self.uploads.glob("*.video"), *(p for suffix in OUTPUTS for p in self.overlays.glob(f"*{suffix}"))]
        return {_owner(p) for p in names if is_job_id(_owner(p))}

    def remove_partial_files(self) -> None:
        """Delete files that belong to no job: uploads or renders cut off by a crash."""
        for directory, suffixes in ((self.uploads, (".video",)), (self.overlays, OUTPUTS)):
            for path in directory.iterdir():
                if path.is_file() and not (path.suffix in suffixes and is_job_id(_owner(path))):
                    path.unlink(missing_ok=True)

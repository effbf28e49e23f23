"""Results as downloads, named after the upload: the CSV table of an analysis, a photo's
annotated picture."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import Response

from ..reports.export import NoFrameDetails, result_csv

CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"example": "time_s,frame,pose,poses,left_knee_deg,...\n0.0,0,standing,standing,171.2,..."}
        },
        "description": "The result, or with format=csv its table as a download (`<upload name>.csv`)",
    }
}
# A photo's annotated picture (format=jpg), with the CSV table's answer as the other choice.
PICTURE_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {**CSV_ANSWER[200]["content"], "image/jpeg": {}},
        "description": "The result; with format=csv its table as a download (`<upload name>.csv`); with "
        "format=jpg, for a photo, its annotated picture (`<upload name>-annotated.jpg`)",
    }
}


def attachment(filename: str) -> str:
    """A Content-Disposition that any name survives: quotes, slashes, non-ASCII."""
    quoted = quote(filename)
    return f'attachment; filename="{filename}"' if quoted == filename else f"attachment; filename*=utf-8''{quoted}"


def picture_response(path: Path, upload_name: str) -> Response:
    """A photo's annotated picture (a JPEG the pipeline wrote at ``path``), to show or save."""
    stem = PurePath(upload_name.replace("\\", "/")).stem or "photo"
    disposition = attachment(f"{stem}-annotated.jpg").replace("attachment", "inline", 1)
    return Response(path.read_bytes(), media_type="image/jpeg", headers={"Content-Disposition": disposition})


def csv_response(result: dict[str, Any], upload_name: str, *, landmarks: bool) -> Response:
    """The CSV table of ``result``, or a 409 saying how to get one when it has no frames."""
    try:
        text = result_csv(result, landmarks=landmarks)
    except NoFrameDetails as exc:
        raise HTTPException(409, str(exc)) from None
    stem = PurePath(upload_name.replace("\\", "/")).stem or "result"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment(f"{stem}.csv")},
    )

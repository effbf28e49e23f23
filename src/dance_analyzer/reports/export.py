"""The result as a table: one CSV row per analysed frame, for a spreadsheet or pandas.

The columns are fixed by the result's shape, not by what a given video happened to
contain, so files from different videos stack. A value that is unknown (nobody found, a
result stored before angles existed) is an empty cell, never a made-up number.

With people=all there is a ``person`` column and one row per person per analysed frame
(the main dancer first), so that each person's series is complete on the same times.
Every row's poses, angles and landmarks are that person's own (a result stored before
each person's frames carried their poses leaves the others' pose cells empty).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ..pose.landmarks import LANDMARK_NAMES
from .angles import JOINTS

LANDMARK_VALUES = ("x", "y", "z", "visibility")


class NoFrameDetails(ValueError):
    """The result was made without its per-frame details (detail=frames), which a table needs."""


def csv_columns(*, landmarks: bool = False, people: bool = False) -> list[str]:
    return [
        "time_s",
        "frame",
        *(["person"] if people else []),
        "pose",
        "poses",
        *(f"{joint}_deg" for joint in JOINTS),
        "interpolated",
        *([f"{name}_{value}" for name in LANDMARK_NAMES for value in LANDMARK_VALUES] if landmarks else []),
    ]


def result_csv(result: dict[str, Any], *, landmarks: bool = False) -> str:
    """The CSV text of an analysis result that has its ``frames`` (detail=frames).

    ``landmarks`` adds the 33 image landmarks (x, y normalised to the upright picture, z,
    visibility) per row. Raises :class:`NoFrameDetails` without ``frames``.
    """
    frames = result.get("frames")
    if frames is None:
        raise NoFrameDetails("This result has no per-frame details: analyse with detail=frames to export it as CSV")
    people = result.get("people")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(landmarks=landmarks, people=people is not None))
    if people is None:
        writer.writerows(_rows(frames, result.get("angles"), None, result.get("main_person"), landmarks))
    else:
        main = result.get("main_person")
        for person in sorted(people, key=lambda p: p["id"] != main):
            writer.writerows(_rows(frames, person.get("angles"), person["id"], main, landmarks))
    return out.getvalue()


def with_file_column(tables: list[tuple[str, str]]) -> str:
    """Several results' CSV texts (each as :func:`result_csv` writes it, all with the same
    columns) as one table, a ``file`` column first: one file to open for a batch of videos."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for k, (name, text) in enumerate(tables):
        rows = csv.reader(io.StringIO(text))
        header = next(rows)
        if k == 0:
            writer.writerow(["file", *header])
        writer.writerows([name, *row] for row in rows)
    return out.getvalue()


def _rows(
    frames: list[dict[str, Any]],
    angles: dict[str, Any] | None,
    person: int | None,
    main: int | None,
    landmarks: bool,
) -> Iterator[list[Any]]:
    """One person's rows (``person`` None: the one dancer of a people=main result)."""
    joints = (angles or {}).get("joints", {})
    interpolated = (angles or {}).get("interpolated")
    is_main = person is None or person == main
    for k, frame in enumerate(frames):
        row: list[Any] = [frame["t"], frame["index"]]
        if person is not None:
            row.append(person)
        own = _own(frame, person, is_main)
        row += [own.get("pose") or "", ";".join(own.get("poses", []))]
        row += [_cell(joints[j][k]) if j in joints and k < len(joints[j]) else "" for j in JOINTS]
        row.append("" if interpolated is None or k >= len(interpolated) else str(bool(interpolated[k])).lower())
        if landmarks:
            row += _landmark_cells(own.get("landmarks"))
        yield row


def _own(frame: dict[str, Any], person: int | None, is_main: bool) -> dict[str, Any]:
    """What a frame says of one person: the frame itself for the main dancer, their entry
    in its ``people`` for anyone else (empty where they are not in view)."""
    if is_main:
        return frame
    seen = [p for p in frame.get("people") or [] if p["id"] == person]
    return seen[0] if seen else {}


def _landmark_cells(points: list[list[float]] | None) -> list[Any]:
    if points is None:
        return [""] * (len(LANDMARK_NAMES) * len(LANDMARK_VALUES))
    return [_cell(v) for point in points for v in point]


def _cell(value: float | None) -> Any:
    return "" if value is None else value

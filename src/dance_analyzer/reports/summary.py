"""Turn labels and video facts into the result JSON (the API contract)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..labels.classify import NO_POSE, runs_of
from ..labels.definitions import PoseSet

if TYPE_CHECKING:  # the people tracker's models load only where people are followed
    from ..pose.people import People


def pose_summary(primary: np.ndarray, poses: PoseSet) -> list[dict[str, Any]]:
    """Frames per primary pose, most frequent first; frames without a pose are not counted."""
    counts = np.bincount(primary[primary != NO_POSE], minlength=len(poses.poses))
    order = sorted((i for i in range(len(counts)) if counts[i]), key=lambda i: (-counts[i], i))
    return [{"pose": poses.poses[i].name, "frames_detected": int(counts[i])} for i in order]


def segments(smoothed: np.ndarray, times: np.ndarray, end_time: float, poses: PoseSet) -> list[dict[str, Any]]:
    bounds = np.append(times, end_time)
    return [
        {
            "pose": poses.poses[run.label].name,
            "start_s": round(float(bounds[run.start]), 3),
            "end_s": round(float(bounds[run.stop]), 3),
            "frames": run.stop - run.start,
        }
        for run in runs_of(smoothed)
        if run.label != NO_POSE
    ]


def frame_details(
    indices: np.ndarray,
    times: np.ndarray,
    labels: np.ndarray,
    smoothed: np.ndarray,
    image: np.ndarray,
    poses: PoseSet,
    analysed: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """Each analysed frame: every pose that holds (``poses``), and ``pose``, the timeline's
    pose, read from the same array the segments are cut from. Shells that show a label per
    frame (the overlay, the page) read ``pose`` rather than locating a frame's time among
    the segments' rounded boundaries, which can put a segment's first frame in the one
    before it. With ``analysed`` (precision=auto), each frame also says whether its
    landmarks were ``interpolated`` from its neighbours rather than measured."""
    names = poses.names
    out = []
    for k in range(len(indices)):
        lm = image[k]
        out.append(
            {
                "index": int(indices[k]),
                "t": round(float(times[k]), 4),
                "poses": [names[j] for j in np.flatnonzero(labels[k])],
                "pose": None if smoothed[k] == NO_POSE else poses.poses[int(smoothed[k])].name,
                "landmarks": None if np.isnan(lm[0, 0]) else np.round(lm.astype(float), 5).tolist(),
            }
        )
        if analysed is not None:
            out[-1]["interpolated"] = bool(not analysed[k] and not np.isnan(lm[0, 0]))
    return out


def add_people_to_frames(
    frames: list[dict[str, Any]], crowd: People, own_frames: Mapping[int, list[dict[str, Any]]]
) -> None:
    """Each analysed frame also lists everyone in it: id, box, and their own landmarks and
    poses in it, as each person's :func:`frame_details` has them (``own_frames``, by id), so
    that a shell can show any one dancer's frames as it shows the main dancer's."""
    for k, frame in enumerate(frames):
        frame["people"] = [
            {
                "id": person.id,
                "box": np.round(person.boxes[k].astype(float), 4).tolist(),
                **{key: own_frames[person.id][k][key] for key in ("landmarks", "poses", "pose")},
            }
            for person in crowd.persons
            if person.present[k]
        ]

"""Warnings about how the dancer was filmed, with what to do about it.

Poses are read from every limb: a body cut off by the picture's edge, hidden, or too
far away to measure yields a thin or wrong timeline that looks like the analysis'
fault. When that is true of a sizeable share of the clip, the result says so, and says
how to film it better, instead of leaving the user to guess. Likewise when others were in
view and only one dancer is described.
"""

from __future__ import annotations

import numpy as np

from ..pose.landmarks import MIN_VISIBILITY
from ..pose.landmarks import Landmark as L

# The landmarks every pose rule leans on: head, shoulders, hips, knees and ankles. Hands
# are left out, since arms flung out past the edge for a moment are part of dancing.
KEY_LANDMARKS = (
    L.NOSE,
    L.LEFT_SHOULDER,
    L.RIGHT_SHOULDER,
    L.LEFT_HIP,
    L.RIGHT_HIP,
    L.LEFT_KNEE,
    L.RIGHT_KNEE,
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
)
MIN_SHARE = 0.25  # a warning is given once more than this share of the analysed frames is affected
MIN_BODY_SIZE = 0.15  # the body's extent, as a fraction of the picture, below which it is too small


def framing_warnings(image: np.ndarray, *, photo: bool = False) -> list[dict[str, str]]:
    """``{code, message}`` for each way the filming hurt a sizeable share of the analysed
    frames: ``no_person`` (the dancer not found), ``out_of_view`` (head, hips, knees or feet
    outside the picture or hidden) and ``too_small`` (the body under 15% of the picture).
    A ``photo`` (one frame) is told about in a photo's words."""
    total = len(image)
    if total == 0:
        return []
    if photo:
        return _photo_warnings(image[0])
    present = ~np.isnan(image[:, 0, 0])
    found: list[dict[str, str]] = []
    missing = 1.0 - np.count_nonzero(present) / total
    if missing == 1.0:
        return [_warning("no_person", "Nobody was found in the video: film the dancer's whole body, in good light.")]
    if missing > MIN_SHARE:
        found.append(
            _warning(
                "no_person",
                f"The dancer was not found in {missing:.0%} of the analysed frames: keep the dancer in the "
                "picture the whole time, in good light.",
            )
        )
    body = image[present]
    cut = _share(_partly_out_of_view(body))
    if cut > MIN_SHARE:
        found.append(
            _warning(
                "out_of_view",
                f"The body was partly out of view in {cut:.0%} of the frames with the dancer (head, hips, knees "
                "or feet outside the picture or hidden): keep the whole body in the picture, with the camera "
                "further back if need be.",
            )
        )
    small = _share(_body_size(body) < MIN_BODY_SIZE)
    if small > MIN_SHARE:
        found.append(
            _warning(
                "too_small",
                f"The dancer was under {MIN_BODY_SIZE:.0%} of the picture's size in {small:.0%} of the frames "
                "with the dancer: move the camera closer, or zoom in, so the body fills more of the picture.",
            )
        )
    return found


def _photo_warnings(body: np.ndarray) -> list[dict[str, str]]:
    if np.isnan(body[0, 0]):
        return [_warning("no_person", "Nobody was found in the photo: take the whole body, in good light.")]
    found = []
    if _partly_out_of_view(body[None])[0]:
        found.append(
            _warning(
                "out_of_view",
                "The body is partly out of the picture or hidden (head, hips, knees or feet): no pose of the "
                "parts out of view can be read. Take the whole body in the picture.",
            )
        )
    if _body_size(body[None])[0] < MIN_BODY_SIZE:
        found.append(
            _warning(
                "too_small",
                f"The person is under {MIN_BODY_SIZE:.0%} of the picture's size: take the photo closer, or crop "
                "it, so the body fills more of it.",
            )
        )
    return found


def _partly_out_of_view(body: np.ndarray) -> np.ndarray:
    """(T,) where any key landmark lies outside the picture or is seen too poorly to trust."""
    key = body[:, KEY_LANDMARKS, :]
    inside = (key[..., 0] >= 0.0) & (key[..., 0] <= 1.0) & (key[..., 1] >= 0.0) & (key[..., 1] <= 1.0)
    return np.any(~inside | (key[..., 3] < MIN_VISIBILITY), axis=1)


def _body_size(body: np.ndarray) -> np.ndarray:
    """(T,) the larger of the body's width and height, each over the picture's: a dancer
    lying across the picture is as measurable as one standing up in it."""
    extent = body[:, :, :2].max(axis=1) - body[:, :, :2].min(axis=1)
    return np.asarray(extent.max(axis=1))


def crowd_warnings(people: int, video: str | None = None, *, photo: bool = False) -> list[dict[str, str]]:
    """``several_people`` when more than one person stayed in view and only the main dancer
    is described: filming a class or a duet, a user should know whose dance the answer is,
    and how to have everyone's. ``video``: which of two compared videos ("reference" or
    "attempt"), where another person is chosen by id instead."""
    if people < 2:
        return []
    if photo and video is not None:
        message = (
            f"{people} people are in the {video} photo: its main person (the one the person detector finds "
            f"first) was compared. To compare another, give {video}_person (--{video}-person from the command "
            "line) an id from an analysis with people=all."
        )
    elif photo:
        message = (
            f"{people} people are in the photo: this describes one of them, the one the person detector "
            "finds first (usually the most prominent). Ask for people=all (--people all from the command "
            "line) to describe each of them and how alike their poses are."
        )
    elif video is None:
        message = (
            f"{people} people were in view: this describes one of them, the main dancer (the one in view "
            "longest). Ask for people=all (--people all from the command line) to describe each of them "
            "and how in sync they are."
        )
    else:
        message = (
            f"{people} people were in the {video} video: its main dancer (the one in view longest) was "
            f"compared. To compare another, give {video}_person (--{video}-person from the command line) "
            "an id from an analysis with people=all."
        )
    return [_warning("several_people", message)]


def _share(flags: np.ndarray) -> float:
    return float(np.mean(flags)) if len(flags) else 0.0


def _warning(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}

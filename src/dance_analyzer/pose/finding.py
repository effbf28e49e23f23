"""People in one picture who are not known yet: what a video's tracker looks for now and
then, and what a photo's other people are.

The detector tends to report the most prominent person only, so a search is done in
rounds: the people known so far are painted black and the detector looks again, until a
round finds nobody new. A detection that lands on a known body (its landmarks' torso
within a third of a torso length of theirs) is refused: that is one person, not two.
With ``views`` (squares of a wide photo, :func:`pose.detect.square_views`) the detector
also looks in each; a square cut through someone can give a crop of part of them, which
the landmark model reads as a smaller body within theirs, so a body whose box lies mostly
inside one already found is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .associate import black_out, body_box, same_body, share_inside, to_pixels
from .crop import Rois, rois_from_points
from .detect import Keypoint, PoseDetector
from .landmark_model import LandmarkModel, PeopleLandmarks

# A body found in a view whose box lies this much inside another body's is part of that body.
MOSTLY_INSIDE = 0.7


class SearchOptions(Protocol):
    """How hard to look (:class:`pose.people.PeopleOptions` has these): ``rounds`` of the
    detector, each with everyone found so far blacked out (their boxes grown by ``margin``
    on each side); ``min_score``, the detector's score a new person needs;
    ``min_presence``, the landmark model's, below which a crop holds nobody."""

    @property
    def rounds(self) -> int: ...
    @property
    def margin(self) -> float: ...
    @property
    def min_score(self) -> float: ...
    @property
    def min_presence(self) -> float: ...


@dataclass
class Search:
    """What a search found (the landmark model's answers, and which of each), and its cost."""

    found: list[tuple[PeopleLandmarks, int]]
    detector_runs: int
    landmark_runs: int


def find_people(
    picture: np.ndarray,
    known: list[np.ndarray],
    detector: PoseDetector,
    model: LandmarkModel,
    options: SearchOptions,
    views: Rois | None = None,
) -> Search:
    """People in ``picture`` not among ``known`` (pixel skeletons), most prominent first."""
    height, width = picture.shape[:2]
    masked = black_out(picture, [body_box(points) for points in known], options.margin)
    search = Search([], 0, 0)
    bodies = list(known)
    boxes = [body_box(points) for points in known]
    for _ in range(options.rounds):
        detections = detector(masked) if views is None else detector(masked, views)
        search.detector_runs += 1 + (len(views) if views is not None else 0)
        keep = detections.scores >= options.min_score
        if not keep.any():
            break
        keypoints = detections.keypoints[keep]
        rois = rois_from_points(
            keypoints[:, Keypoint.HIP_CENTRE], keypoints[:, Keypoint.FULL_BODY_CIRCLE], width, height
        )
        marks = model(picture, rois)
        search.landmark_runs += len(rois)
        added = []
        for k in range(len(marks)):
            points = to_pixels(marks.image[k], width, height)
            box = body_box(points, marks.image[k, :, 3])
            if marks.presence[k] < options.min_presence or any(same_body(points, b) for b in bodies):
                continue
            if views is not None and any(share_inside(box, b) > MOSTLY_INSIDE for b in boxes):
                continue
            search.found.append((marks, k))
            bodies.append(points)
            boxes.append(box)
            added.append(box)
        if not added:
            break
        masked = black_out(masked, added, options.margin)
    return search

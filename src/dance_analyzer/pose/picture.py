"""A photo as the people of a video one frame long, so that every later step reads it as it
reads a video.

The main person is the one MediaPipe's detector finds in the picture on its own, as for an
example to learn a pose from (:func:`pose.extract.one_picture`) and as the pose
corpus's photos were measured: what the analysis calls a photo is what
``bench/accuracy.py`` scores. Everyone else in a group photo is found as a video's
newcomers are (:meth:`pose.people.PeopleTracker.find_new`: the people known so far blacked
out, the detector asked again), and in a wide photo in squares of it as well
(:func:`pose.detect.square_views`): a row of dancers, letterboxed whole into the
detector's small square, is too small to be found. So ``people=all`` describes each
dancer of the photo. The frame is at 0 s and lasts no time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..media.still import PICTURE_CODEC, sized_picture
from ..media.video import Limits, VideoInfo
from .associate import body_box, hip_centre, to_pixels
from .detect import square_views
from .extract import INFERENCE_MAX_SIDE, Estimator, one_picture
from .landmarks import NUM_LANDMARKS, PoseResult
from .people import People, PeopleTracker, Person


def photo_people(
    path: Path, estimator: Estimator, tracker: PeopleTracker | None = None, limits: Limits = Limits()
) -> People:
    """The people in the photo at ``path`` (one detection each, no tracking), or nobody:
    the main person first, then the others from left to right, which is how a group photo
    is read. Without a ``tracker`` to look further with, only the main person."""
    picture, size = sized_picture(path.read_bytes(), INFERENCE_MAX_SIDE, limits.max_pixels)
    found = one_picture(picture, estimator)
    if tracker is None:
        return people_in_picture([] if found is None else [found], size, estimator.model)
    height, width = picture.shape[:2]
    known = [] if found is None else [to_pixels(_points(found), width, height)]
    views = square_views(width, height)
    others = [marks.result(k) for marks, k in tracker.find_new(picture, known, views)]
    if found is None and others:
        # Too small for a detection of the whole picture (a wide row of people): the main
        # person is then the biggest of those found in its parts.
        heights = [box[3] - box[1] for box in (body_box(_points(other)) for other in others)]
        found = others.pop(int(np.argmax(heights)))
    people = [] if found is None else [found, *sorted(others, key=lambda other: hip_centre(_points(other))[0])]
    return people_in_picture(people[: tracker.options.max_people], size, estimator.model)


def _points(found: PoseResult) -> np.ndarray:
    """(33, 2) x, y normalised to the picture."""
    return np.asarray(found.image, np.float64).reshape(NUM_LANDMARKS, 4)[:, :2]


def people_in_picture(found: list[PoseResult], size: tuple[int, int], model: str) -> People:
    """The people ``found`` in a picture of ``size`` (width, height), the first the main
    person (ids 1, 2, ... in that order)."""
    width, height = size
    info = VideoInfo(width, height, fps=None, duration_s=0.0, frame_count=1, rotation=0, codec=PICTURE_CODEC)
    persons = []
    for person_id, result in enumerate(found, start=1):
        image = np.asarray(result.image, np.float32).reshape(1, NUM_LANDMARKS, 4)
        box = body_box(image[0, :, :2], image[0, :, 3])
        world = np.asarray(result.world, np.float32).reshape(1, NUM_LANDMARKS, 3)
        persons.append(Person(person_id, np.ones(1, bool), image, world, box[None], np.ones(1, np.float32)))
    return People(
        info=info,
        total_frames=1,
        duration_s=0.0,
        indices=np.zeros(1, np.int64),
        times=np.zeros(1),
        persons=persons,
        main_id=1 if persons else None,
        model=model,
    )

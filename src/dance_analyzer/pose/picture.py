"""A photo as the people of a video one frame long, so that every later step reads it as it
reads a video.

The person is the one MediaPipe's detector finds in the picture on its own, as for an
example to learn a pose from (:func:`pose.extract.one_picture`) and as the pose
corpus's photos were measured: what the analysis calls a photo is what
``bench/accuracy.py`` scores. The frame is at 0 s and lasts no time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..media.still import PICTURE_CODEC, sized_picture
from ..media.video import Limits, VideoInfo
from .associate import body_box
from .extract import INFERENCE_MAX_SIDE, Estimator, one_picture
from .landmarks import NUM_LANDMARKS, PoseResult
from .people import People, Person


def photo_people(path: Path, estimator: Estimator, limits: Limits = Limits()) -> People:
    """The person in the photo at ``path`` (one detection, no tracking), or nobody."""
    picture, size = sized_picture(path.read_bytes(), INFERENCE_MAX_SIDE, limits.max_pixels)
    return people_in_picture(one_picture(picture, estimator), size, estimator.model)


def people_in_picture(found: PoseResult | None, size: tuple[int, int], model: str) -> People:
    """The person ``found`` in a picture of ``size`` (width, height), or nobody."""
    width, height = size
    info = VideoInfo(width, height, fps=None, duration_s=0.0, frame_count=1, rotation=0, codec=PICTURE_CODEC)
    persons = []
    if found is not None:
        image = np.asarray(found.image, np.float32).reshape(1, NUM_LANDMARKS, 4)
        box = body_box(image[0, :, :2], image[0, :, 3])
        world = np.asarray(found.world, np.float32).reshape(1, NUM_LANDMARKS, 3)
        persons.append(Person(1, np.ones(1, bool), image, world, box[None], np.ones(1, np.float32)))
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

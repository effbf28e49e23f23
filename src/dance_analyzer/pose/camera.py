"""A live camera's frames, one at a time, to its dancer's landmarks: live mode's
server-side model, for browsers too slow to run it themselves.

The same people tracker as an analysis (detector every few frames or when the dancer is
lost, one landmark run per frame between, MediaPipe's smoothing), following one person:
the dancer in front of their own camera.
"""

from __future__ import annotations

import numpy as np

from .landmark_model import LandmarkModel
from .people import PeopleOptions, PeopleTracker
from .smoothing import LandmarkSmoother


class CameraFollower:
    def __init__(self, model: str) -> None:
        self.tracker = PeopleTracker(LandmarkModel(model), options=PeopleOptions(max_people=1))
        self.smoother = LandmarkSmoother()  # the tracker keeps raw landmarks; a live frame is smoothed now
        self.seen = False

    def step(self, picture: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray] | None:
        """The dancer's image (33 x 4) and world (33 x 3) landmarks in this RGB picture, or
        None when nobody is found."""
        self.tracker.step(picture, t)
        row = self.tracker.row - 1
        for track in self.tracker.tracks:
            found = track.rows.pop(row, None)  # a live session keeps its own copy
            if found is not None:
                if not self.seen:
                    self.smoother.reset()
                self.seen = True
                image, world, _presence, auxiliary = found
                image, world, _ = self.smoother(image, world, auxiliary, *track.size)
                return np.asarray(image, np.float32), np.asarray(world, np.float32)
        self.seen = False
        return None

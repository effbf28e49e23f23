"""The landmark track: what every later step reads.

The type sits here, beside the landmarks, so that features, labels, reports and the
workers all import it downwards from the stage that produces it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..media.video import VideoInfo


@dataclass
class LandmarkTrack:
    """Landmarks of the analysed frames of a video (or of one span of it); NaN rows where
    no person was found."""

    info: VideoInfo
    total_frames: int  # frames decoded, analysed or not
    duration_s: float  # where the last frame stops being shown
    indices: np.ndarray  # (T,) frame numbers, counted from the first frame
    times: np.ndarray  # (T,) seconds from the start of the video
    image: np.ndarray  # (T, 33, 4) x, y normalised to the upright picture, z, visibility
    world: np.ndarray  # (T, 33, 3) metres, origin between the hips
    model: str = "full"  # the landmark model that measured them (pose.models)

    @property
    def aspect(self) -> float:
        """Width over height of the upright picture: normalised x and y in the same unit."""
        return self.info.width / self.info.height if self.info.height else 1.0

    @property
    def frames_with_person(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.image[:, 0, 0])))


def join_tracks(tracks: list[LandmarkTrack]) -> LandmarkTrack:
    """Stitch consecutive spans' tracks into the track of the whole video."""
    offsets = np.cumsum([0] + [t.total_frames for t in tracks[:-1]])
    return LandmarkTrack(
        info=tracks[0].info,
        total_frames=sum(t.total_frames for t in tracks),
        duration_s=max(t.duration_s for t in tracks),
        indices=np.concatenate([t.indices + off for t, off in zip(tracks, offsets, strict=True)]),
        times=np.concatenate([t.times for t in tracks]),
        image=np.concatenate([t.image for t in tracks]),
        world=np.concatenate([t.world for t in tracks]),
        model=tracks[0].model,
    )

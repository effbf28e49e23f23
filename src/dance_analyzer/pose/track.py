"""The landmark track: what every later step reads.

The type sits here, beside the landmarks, so that features, labels, reports and the
workers all import it downwards from the stage that produces it.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..media.shots import starts_of
from ..media.still import PICTURE_CODEC
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
    # (T,) which rows the model ran on; None: every row. The others are interpolated.
    analysed: np.ndarray | None = None
    # (T,) rows where a new shot of an edited video begins (:mod:`media.shots`); None: one shot.
    shot_starts: np.ndarray | None = None

    @property
    def aspect(self) -> float:
        """Width over height of the upright picture: normalised x and y in the same unit."""
        return self.info.width / self.info.height if self.info.height else 1.0

    @property
    def photo(self) -> bool:
        """A still picture, read as one frame lasting no time (:mod:`pose.picture`)."""
        return self.info.codec == PICTURE_CODEC

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
        shot_starts=(
            None
            if all(t.shot_starts is None for t in tracks)
            else np.concatenate([starts_of(t.shot_starts, len(t.times)) for t in tracks])
        ),
    )


def encode_track(track: LandmarkTrack, dtype: type = np.float32) -> bytes:
    """The track as a compressed .npz (the move corpus's and a job's stored landmarks)."""
    info = track.info
    buffer = io.BytesIO()
    shots = {} if track.shot_starts is None else {"shot_starts": np.asarray(track.shot_starts, bool)}
    np.savez_compressed(
        buffer,
        **shots,
        indices=track.indices.astype(np.int32),
        times=track.times.astype(np.float64),
        image=track.image.astype(dtype),
        world=track.world.astype(dtype),
        total_frames=np.int64(track.total_frames),
        duration_s=np.float64(track.duration_s),
        width=np.int64(info.width),
        height=np.int64(info.height),
        fps=np.float64(info.fps if info.fps else np.nan),
        frame_count=np.int64(info.frame_count if info.frame_count is not None else -1),
        rotation=np.int64(info.rotation),
        codec=np.str_(info.codec),
        model=np.str_(track.model),
        precision=np.str_(np.dtype(dtype).name),
    )
    return buffer.getvalue()


def save_track(track: LandmarkTrack, path: Path) -> None:
    """Write the track whole or not at all (a reader never sees half a file)."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(encode_track(track))
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def load_track(path: Path, model: str = "full") -> LandmarkTrack:
    """A stored track, as float32 (``model`` for files that do not say theirs)."""
    with np.load(path) as data:
        fps = float(data["fps"])
        frame_count = int(data["frame_count"]) if "frame_count" in data else -1
        info = VideoInfo(
            width=int(data["width"]),
            height=int(data["height"]),
            fps=None if np.isnan(fps) else fps,
            duration_s=float(data["duration_s"]),
            frame_count=None if frame_count < 0 else frame_count,
            rotation=int(data["rotation"]) if "rotation" in data else 0,
            codec=str(data["codec"]) if "codec" in data else "",
        )
        return LandmarkTrack(
            info=info,
            total_frames=int(data["total_frames"]),
            duration_s=float(data["duration_s"]),
            indices=data["indices"].astype(np.int64),
            times=data["times"].astype(np.float64),
            image=data["image"].astype(np.float32),
            world=data["world"].astype(np.float32),
            model=str(data["model"]) if "model" in data else model,
            shot_starts=data["shot_starts"].astype(bool) if "shot_starts" in data else None,
        )

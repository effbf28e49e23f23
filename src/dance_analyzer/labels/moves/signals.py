"""The time series that moves are read from, computed once per track.

Moves live in time, so the detectors read series rather than single frames: the torso's
facing (unwrapped through whole turns), each foot's height above the floor, each leg's
height, the hips' position. Distances are in torso lengths of the picture
(``features.body_points``), so near and far dancers move alike; angles come from the
world landmarks. Short gaps where the model lost the dancer for a frame or two are
bridged, longer ones stay NaN and break moves apart.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...features import angle_between, body_points, in_frame
from ...media.shots import shot_bounds
from ...pose.landmarks import Landmark as L

DOWN = np.array([0.0, 1.0, 0.0])  # world y points down the upright picture
FOOT = {
    "left": [L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX],
    "right": [L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX],
}
SIDES = ("left", "right")


def fill_gaps(times: np.ndarray, values: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Values (T, ...) with NaN runs no longer than ``max_gap_s`` interpolated linearly."""
    out = values.astype(np.float64).copy()
    if len(times) == 0:
        return out
    flat = out.reshape(len(times), -1)
    for k in range(flat.shape[1]):
        column = flat[:, k]
        known = np.isfinite(column)
        if known.sum() < 2 or known.all():
            continue
        filled = np.interp(times, times[known], column[known])
        # A gap is bridged only between two known samples close enough together.
        previous = np.maximum.accumulate(np.where(known, np.arange(len(times)), -1))
        following = np.minimum.accumulate(np.where(known, np.arange(len(times)), len(times))[::-1])[::-1]
        inside = (previous >= 0) & (following < len(times))
        span = np.full(len(times), np.inf)
        span[inside] = times[following[inside]] - times[previous[inside]]
        bridge = ~known & (span <= max_gap_s)
        column[bridge] = filled[bridge]
    return out


def smooth_s(times: np.ndarray, values: np.ndarray, width_s: float) -> np.ndarray:
    """Moving average over about ``width_s`` seconds (at the analysed frame rate); NaN stays NaN."""
    rate = frame_rate(times)
    width = max(1, int(round(width_s * rate)))
    if width <= 1 or len(values) < width:
        return values
    from scipy.ndimage import uniform_filter1d  # late, beside the reading: see dance_analyzer.preload

    known = np.isfinite(values)
    total = uniform_filter1d(np.where(known, values, 0.0), width, axis=0, mode="nearest")
    count = uniform_filter1d(known.astype(np.float64), width, axis=0, mode="nearest")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known, total / count, np.nan)


def frame_rate(times: np.ndarray) -> float:
    """Analysed frames per second (the median step, so a dropped frame does not matter)."""
    if len(times) < 2:
        return 30.0
    step = float(np.median(np.diff(times)))
    return 1.0 / step if step > 0 else 30.0


def unwrap_facing(yaw_deg: np.ndarray, max_step_deg: float) -> np.ndarray:
    """The facing angle made continuous through whole turns.

    Around back views the model often gets the body's orientation wrong for a frame or a
    few, in one of two ways: it swaps the body's left and right (the facing reads 180
    degrees off), or it takes the back for the front, swapping the sides and flipping the
    depth together (the facing reads mirrored, 180 minus itself). Each frame's facing is
    therefore one of three readings, and the one kept is the path through the clip that
    turns least overall, each change from one kind of reading to another costing ``0.75 *
    max_step_deg`` (so a step up to ``max_step_deg`` is a real turn, not a swap). The
    clip starts on the model's own reading. NaN frames are carried over.
    """
    out = np.full(len(yaw_deg), np.nan)
    known = np.flatnonzero(np.isfinite(yaw_deg))
    if len(known) == 0:
        return out
    raw = yaw_deg[known]
    readings = np.stack([raw, raw + 180.0, 180.0 - raw], axis=1)  # (N, 3)
    switch = 0.75 * max_step_deg * (1.0 - np.eye(3))  # (from, to)
    cost = switch[0].copy()
    came_from = np.zeros((len(raw), 3), dtype=int)
    for k in range(1, len(raw)):
        total = cost[:, None] + switch + np.abs(wrap_deg(readings[k][None, :] - readings[k - 1][:, None]))
        came_from[k] = np.argmin(total, axis=0)
        cost = total[came_from[k], np.arange(3)]
    chosen = np.empty(len(raw), dtype=int)
    chosen[-1] = int(np.argmin(cost))
    for k in range(len(raw) - 1, 0, -1):
        chosen[k - 1] = came_from[k, chosen[k]]
    path = readings[np.arange(len(raw)), chosen]
    out[known] = path[0] + np.concatenate([[0.0], np.cumsum(wrap_deg(np.diff(path)))])
    return out


def wrap_deg(degrees: np.ndarray) -> np.ndarray:
    """Angles into [-180, 180)."""
    return (degrees + 180.0) % 360.0 - 180.0


def facing_deg(world: np.ndarray) -> np.ndarray:
    """The direction the torso faces, seen from above, in degrees; 0 faces the camera.

    From the line through the shoulders and the line through the hips (their sum: the
    two rarely agree exactly in a twist), projected on the floor. It grows as the dancer
    turns to their own left (counter-clockwise seen from above).
    """
    across = (world[:, L.LEFT_SHOULDER] - world[:, L.RIGHT_SHOULDER]) + (world[:, L.LEFT_HIP] - world[:, L.RIGHT_HIP])
    return np.degrees(np.arctan2(across[:, 2], across[:, 0]))


@dataclass(frozen=True)
class Motion:
    """A dancer's movement, frame by frame: what the move detectors read."""

    times: np.ndarray  # (T,) seconds
    end_time: float  # where the last frame stops being shown
    present: np.ndarray  # (T,) the model found the dancer in this frame
    points: np.ndarray  # (T, 33, 2) torso lengths of the picture, y up; short gaps bridged
    world: np.ndarray  # (T, 33, 3) metres, hip-centred; short gaps bridged
    visibility: np.ndarray  # (T, 33)
    poses: dict[str, np.ndarray]  # (T,) bool per pose name: which poses hold (held, not flickers)
    shot_starts: np.ndarray | None = None  # (T,) rows beginning a new shot of an edited video

    @property
    def rate(self) -> float:
        return frame_rate(self.times)

    def shots(self) -> list[Motion]:
        """The movement of each shot on its own: nothing moves across a cut."""
        bounds = shot_bounds(self.shot_starts, len(self.times))
        if len(bounds) == 1:
            return [self]
        return [
            Motion(
                times=self.times[a:b],
                end_time=float(self.times[b]) if b < len(self.times) else self.end_time,
                present=self.present[a:b],
                points=self.points[a:b],
                world=self.world[a:b],
                visibility=self.visibility[a:b],
                poses={name: held[a:b] for name, held in self.poses.items()},
            )
            for a, b in bounds
        ]

    def lowest(self, landmarks: Sequence[int]) -> np.ndarray:
        """(T,) the lowest of these landmarks, up the picture (NaN where none is known)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames
            return np.nanmin(self.points[:, list(landmarks), 1], axis=1)

    def foot_height(self, side: str) -> np.ndarray:
        """The lowest point of the foot (ankle, heel or toes), up the picture."""
        return self.lowest(FOOT[side])

    def lowest_point(self) -> np.ndarray:
        """The lowest landmark of the body, whatever touches the floor."""
        return self.lowest(range(11, 33))

    def ground(self, window_s: float) -> np.ndarray:
        """Where the floor is in the picture: a low percentile of the lower foot over a window.

        Over a window rather than the whole clip, because a dancer travelling towards or
        away from the camera stands lower or higher in the picture.
        """
        lower = np.fmin(self.foot_height("left"), self.foot_height("right"))
        known = np.isfinite(lower)
        if not known.any():
            return lower
        filled = np.interp(self.times, self.times[known], lower[known])
        from scipy.ndimage import percentile_filter  # late, beside the reading: see dance_analyzer.preload

        size = max(3, int(round(window_s * self.rate)) | 1)
        return percentile_filter(filled, 20, size=size, mode="nearest")

    def torso_tilt_deg(self) -> np.ndarray:
        """The hips-to-shoulders line against straight up: 0 upright, 90 lying or upside-down-ish."""
        shoulders = (self.world[:, L.LEFT_SHOULDER] + self.world[:, L.RIGHT_SHOULDER]) / 2
        hips = (self.world[:, L.LEFT_HIP] + self.world[:, L.RIGHT_HIP]) / 2
        return angle_between(shoulders - hips, -DOWN)

    def facing(self, max_step_deg: float) -> np.ndarray:
        return unwrap_facing(facing_deg(self.world), max_step_deg)

    def leg_height_deg(self, side: str) -> np.ndarray:
        """How high the leg is raised: the hip-to-ankle line against straight down (90 is level)."""
        hip, ankle = (L[f"{side.upper()}_HIP"], L[f"{side.upper()}_ANKLE"])
        return angle_between(self.world[:, ankle] - self.world[:, hip], DOWN)

    def hips(self) -> np.ndarray:
        """(T, 2) the point between the hips in the picture."""
        return (self.points[:, L.LEFT_HIP] + self.points[:, L.RIGHT_HIP]) / 2

    def seen(self, landmarks: Sequence[int], min_visibility: float) -> np.ndarray:
        """Frames where all these landmarks were seen well enough to read a move from them."""
        return np.all(self.visibility[:, landmarks] >= min_visibility, axis=1)


def motion_of(
    times: np.ndarray,
    end_time: float,
    image: np.ndarray,
    world: np.ndarray,
    aspect: float,
    poses: dict[str, np.ndarray] | None = None,
    max_gap_s: float = 0.2,
    shot_starts: np.ndarray | None = None,
) -> Motion:
    present = np.isfinite(image[:, 0, 0])
    # A landmark outside the picture is a guess: it counts as unseen, as in the pose features.
    visibility = np.where(in_frame(image), image[..., 3], 0.0)
    bounds = shot_bounds(shot_starts, len(times))

    def bridged(values: np.ndarray) -> np.ndarray:
        """Short gaps filled within each shot, never across a cut."""
        return np.concatenate([fill_gaps(times[a:b], values[a:b], max_gap_s) for a, b in bounds])

    return Motion(
        times=times,
        end_time=end_time,
        present=present,
        points=bridged(body_points(image, aspect, shot_starts)),
        world=bridged(world),
        visibility=np.nan_to_num(bridged(np.where(present[:, None], visibility, np.nan)), nan=0.0),
        poses=poses or {},
        shot_starts=shot_starts,
    )

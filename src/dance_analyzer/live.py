"""Live sessions: landmarks arrive a frame at a time and the dancer sees their pose at once
and each move as soon as it is over.

The model runs elsewhere (in the dancer's browser), so a session is only the cheap half
of the analysis, and it is the offline analysis's own half:

- each frame's poses are :func:`pipeline.frame_labels` of that frame, the same
  definitions before any smoothing over time, so nothing waits for later frames;
- moves need time around them: the offline detectors (:func:`pipeline.find_moves`) run
  over the last ``MOVE_WINDOW_S`` every ``MOVES_EVERY_S`` of stream time, and a move is
  announced once it ended ``SETTLE_S`` ago, when later frames rarely change it. Rarely,
  not never: a detector's smoothing and floor level read frames on both sides, so an
  announced move can differ from the final one by a frame or so, and a move can be seen
  in a window that the whole recording does not confirm. Announcements are for the
  dancer in the moment;
- the result at the end is the record: the whole recording described by
  :func:`pipeline.describe`, exactly as an uploaded video with these landmarks would be,
  with any move not yet announced announced then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import pipeline
from .errors import NoPersonFound
from .labels.classify import NO_POSE, hold_filter, primary_pose
from .labels.definitions import PoseSet
from .labels.moves import Move, MoveSet
from .media.video import VideoInfo
from .pose.landmarks import NUM_LANDMARKS
from .pose.track import LandmarkTrack
from .reports.compare import compare_tracks
from .reports.follow import WINDOW_S, angle_rows, follow_score

MOVE_WINDOW_S = 20.0
MOVES_EVERY_S = 0.5
# How long after its end a move is announced. Rhythmic moves go on while the dancer keeps
# the rhythm, so their end is known later.
SETTLE_S = {"sway": 3.0, "bounce": 3.0, "floor_work": 2.0}
DEFAULT_SETTLE_S = 1.0
# A move this close to the window's start may have begun before it: the next run, whose
# window starts later, cannot see it whole either, so it waits for the end of the session.
WINDOW_EDGE_S = 1.0
# Numbers per frame in the binary form: t, 33 x (x, y, z, visibility), 33 x (x, y, z).
FRAME_FLOATS = 1 + NUM_LANDMARKS * 4 + NUM_LANDMARKS * 3


class LiveInputError(ValueError):
    """A frame the session cannot take; the message says why, for the client."""


@dataclass(eq=False)  # a session is itself, not its contents
class LiveSession:
    poses: PoseSet
    moves: MoveSet
    min_segment_s: float = 0.2
    width: int = 640
    height: int = 480
    model: str = "full"
    max_s: float = 600.0
    # Follow-along: the reference being danced along with (a finished analysis's dancer).
    reference: LandmarkTrack | None = None
    _times: list[float] = field(default_factory=list)
    _image: list[np.ndarray] = field(default_factory=list)
    _world: list[np.ndarray] = field(default_factory=list)
    _labels: list[np.ndarray] = field(default_factory=list)
    _angles: list[np.ndarray] = field(default_factory=list)
    _reference_angles: np.ndarray | None = None
    _announced: list[Move] = field(default_factory=list)
    _moves_run_at: float = -np.inf
    _start: float | None = None
    _last: float | None = None

    @property
    def frames(self) -> int:
        return len(self._times)

    def add(self, t: float, image: np.ndarray | None, world: np.ndarray | None) -> dict[str, Any]:
        """Take one frame (no landmarks: nobody found); the answer to it: the frame's poses
        (with the client's own ``t``) and the moves now over (in session time, from the
        first frame), usually none. Many sessions at once: :func:`add_frames`."""
        (answer,) = add_frames([(self, t, image, world)])
        if isinstance(answer, LiveInputError):
            raise answer
        return answer

    def _take(self, t: float, image: Any, world: Any) -> Frame:
        image_a, world_a = _checked(t, image, world)
        start = float(t) if self._start is None else self._start
        now = float(t) - start  # session time: moves and the final result count from 0
        if self._last is not None and not now > self._last:
            raise LiveInputError(f"frame times must increase: {t} after {self._last + start}")
        if now > self.max_s:
            raise LiveInputError(f"a live session lasts at most {self.max_s:.0f} s; stop and start a new one")
        # Taken, not yet kept: the next frame of a batch is checked against this one.
        self._start, self._last = start, now
        return Frame(self, float(t), now, image_a, world_a)

    def _keep(self, frame: Frame, labels: np.ndarray) -> dict[str, Any]:
        self._times.append(frame.now)
        self._image.append(frame.image)
        self._world.append(frame.world)
        self._labels.append(labels)
        primary = int(primary_pose(labels[None])[0])
        answer: dict[str, Any] = {
            "type": "pose",
            "t": round(frame.t, 4),
            "pose": None if primary == NO_POSE else self.poses.names[primary],
            "poses": [self.poses.names[j] for j in np.flatnonzero(labels)],
            "moves": [],
        }
        if frame.now - self._moves_run_at >= MOVES_EVERY_S:
            self._moves_run_at = frame.now
            answer["moves"] = [m.to_json() for m in self._settled_moves(frame.now)]
        if self.reference is not None:
            answer["follow"] = self._follow(frame)
        return answer

    def _follow(self, frame: Frame) -> dict[str, Any] | None:
        reference = self.reference
        assert reference is not None
        if self._reference_angles is None:
            self._reference_angles = angle_rows(reference.world)
        self._angles.append(angle_rows(frame.world[None])[0])
        first = int(np.searchsorted(self._times, frame.now - WINDOW_S))
        return follow_score(
            np.asarray(self._times[first:]), np.stack(self._angles[first:]), reference.times, self._reference_angles
        )

    def _settled_moves(self, now: float) -> list[Move]:
        times = np.asarray(self._times)
        first = int(np.searchsorted(times, now - MOVE_WINDOW_S))
        window = slice(first, len(times))
        starts_at_recording = first == 0
        t = times[window]
        end = float(t[-1] + _frame_step(t))
        held = hold_filter(np.stack(self._labels[window]), t, end, self.min_segment_s)
        image, world = np.stack(self._image[window]), np.stack(self._world[window])
        found, _ = pipeline.find_moves(t, end, image, world, self.width / self.height, held, self.poses, self.moves)
        new = [
            m
            for m in found
            if m.end_s <= now - SETTLE_S.get(m.move, DEFAULT_SETTLE_S)
            and (starts_at_recording or m.start_s >= t[0] + WINDOW_EDGE_S)
            and not any(_same(m, a) for a in self._announced)
        ]
        self._announced += new
        return new

    def finish(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The whole session described as an analysis would describe it, and the moves it
        found that were not announced yet."""
        if not self._times:
            raise LiveInputError("the session ended before any frame arrived")
        track = self.track()
        result, _ = pipeline.describe(track, self.poses, self.min_segment_s, moves=self.moves)
        if self.reference is not None:
            try:
                result["follow"] = compare_tracks(self.reference, track)
            except NoPersonFound as exc:
                result["follow"] = {"error": str(exc)}
        late = [m for m in result["moves"] if not any(_same_json(m, a) for a in self._announced)]
        return result, late

    def track(self) -> LandmarkTrack:
        """The session's landmarks as an analysed video's: every frame analysed."""
        times = np.asarray(self._times)
        duration = float(times[-1] + _frame_step(times))
        n = len(times)
        info = VideoInfo(
            width=self.width,
            height=self.height,
            fps=n / duration if duration > 0 else None,
            duration_s=duration,
            frame_count=n,
            rotation=0,
            codec="live",
        )
        return LandmarkTrack(
            info, n, duration, np.arange(n), times, np.stack(self._image), np.stack(self._world), self.model
        )


@dataclass(frozen=True)
class Frame:
    session: LiveSession
    t: float  # as the client sent it
    now: float  # session time
    image: np.ndarray
    world: np.ndarray


Incoming = tuple[LiveSession, float, Any, Any]


def add_frames(incoming: list[Incoming]) -> list[dict[str, Any] | LiveInputError]:
    """Frames for many sessions (or many for one, in order): the answer to each, or the
    error that refused it.

    Classifying costs about the same for one frame as for dozens (the rules are
    vectorised over frames), so a server with many live dancers classifies together
    whatever has arrived from all of them, grouped by the pose set each session uses.
    """
    out: list[dict[str, Any] | LiveInputError] = []
    groups: dict[int, list[tuple[int, Frame]]] = {}
    for k, (session, t, image, world) in enumerate(incoming):
        try:
            frame = session._take(t, image, world)
        except LiveInputError as exc:
            out.append(exc)
            continue
        out.append(LiveInputError("not classified"))  # replaced below
        groups.setdefault(id(session.poses), []).append((k, frame))
    for members in groups.values():
        frames = [frame for _, frame in members]
        labels = pipeline.frame_labels(
            np.stack([f.image for f in frames]), np.stack([f.world for f in frames]), frames[0].session.poses
        )
        for (k, frame), row in zip(members, labels, strict=True):
            out[k] = frame.session._keep(frame, row)
    return out


def parse_binary_frame(data: bytes) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    """A frame sent as little-endian float32: t, 33 x (x, y, z, visibility), 33 x (x, y, z);
    NaN landmarks for a frame where nobody was found."""
    if len(data) != FRAME_FLOATS * 4:
        raise LiveInputError(f"a binary frame is {FRAME_FLOATS} float32 numbers ({FRAME_FLOATS * 4} bytes)")
    values = np.frombuffer(data, dtype="<f4").astype(np.float64)
    image = values[1 : 1 + NUM_LANDMARKS * 4].reshape(NUM_LANDMARKS, 4)
    world = values[1 + NUM_LANDMARKS * 4 :].reshape(NUM_LANDMARKS, 3)
    return float(values[0]), image, world


def parse_camera_frame(data: bytes) -> tuple[float, bytes]:
    """A camera frame for the server-side model: t as a little-endian float64, then the
    picture as JPEG."""
    if len(data) < 9:
        raise LiveInputError("a camera frame is its time t (8 bytes, float64) and then a JPEG picture")
    return float(np.frombuffer(data[:8], dtype="<f8")[0]), data[8:]


def _checked(t: Any, image: Any, world: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(t, bool) or not isinstance(t, int | float) or not np.isfinite(t) or t < 0:
        raise LiveInputError("each frame needs its time t, in seconds (a finite number, 0 or more)")
    if image is None or world is None:
        return np.full((NUM_LANDMARKS, 4), np.nan, np.float32), np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
    try:
        image_a = np.asarray(image, dtype=np.float32)
        world_a = np.asarray(world, dtype=np.float32)
    except (TypeError, ValueError):
        raise LiveInputError("landmarks must be arrays of numbers") from None
    if image_a.shape != (NUM_LANDMARKS, 4) or world_a.shape != (NUM_LANDMARKS, 3):
        raise LiveInputError(
            f"image landmarks are {NUM_LANDMARKS} rows of [x, y, z, visibility] and world landmarks "
            f"{NUM_LANDMARKS} rows of [x, y, z]; got {image_a.shape} and {world_a.shape}"
        )
    if np.isinf(image_a).any() or np.isinf(world_a).any():
        raise LiveInputError("landmarks must be finite numbers (NaN for a frame where nobody was found)")
    if np.isnan(image_a).any() or np.isnan(world_a).any():  # nobody, however it was sent
        image_a[:], world_a[:] = np.nan, np.nan
    return image_a, world_a


def _frame_step(times: np.ndarray) -> float:
    return float(np.median(np.diff(times))) if len(times) > 1 else 1 / 30


def _same(a: Move, b: Move) -> bool:
    """The same move seen by two runs of the detectors: same kind, overlapping in time."""
    return a.move == b.move and a.start_s < b.end_s and b.start_s < a.end_s


def _same_json(a: dict[str, Any], b: Move) -> bool:
    return a["move"] == b.move and a["start_s"] < b.end_s and b.start_s < a["end_s"]

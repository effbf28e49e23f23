"""Every person through a video: found by the detector now and then, followed in between.

MediaPipe's graph follows one body: it runs its person detector until it finds someone,
then places each next crop from the last landmarks, and detects again only when the
body is lost. This does the same for everyone at once. Each person followed costs one
landmark-model run a frame; the detector runs on the first frame, every
``detect_every`` frames after, and whenever someone is lost, so people who walk in are
found within a fraction of a second without a detector run every frame.

Each detection looks for people not followed yet, in rounds with those known blacked out
(:mod:`pose.finding`).

Ids: a person followed from frame to frame keeps their id. When a person is lost (the
model's presence score drops, or their crop slides onto someone else in a crossing) and a
detection finds a body near where they were going within ``max_gap_s``, they are matched
back one to one (:func:`pose.associate.match_lost`); later, a re-entry is a new person.
Reading a video (whole, or in spans side by side) is :mod:`pose.crowd`'s.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from ..media.video import VideoInfo
from .adaptive import fill_skipped
from .associate import (
    body_box,
    body_distance,
    match_lost,
    same_body,
    slid,
    to_pixels,
)
from .crop import Rois, rois_from_points
from .detect import PoseDetector
from .finding import find_people
from .landmark_model import MIN_PRESENCE, LandmarkModel, PeopleLandmarks
from .landmarks import NUM_LANDMARKS
from .smoothing import CropSmoother, smooth_rows
from .track import LandmarkTrack


@dataclass(frozen=True)
class PeopleOptions:
    """How hard to look, and how long a person must stay to count.

    ``rounds``: detector runs per detection, each with everyone found so far blacked out
    (grown by ``margin`` of their box on each side); ``min_score``: the detector's score
    a new person needs; ``min_presence``: the landmark model's, below which a person is
    lost. ``max_gap_s``: how long a lost person can still be matched back (about a
    second: a turn behind a partner, a crossing). ``min_present_s``: people in view for
    less are left out (passers-by, false detections).
    """

    detect_every: int = 10
    rounds: int = 3
    margin: float = 0.1
    min_score: float = 0.5
    min_presence: float = MIN_PRESENCE
    max_gap_s: float = 1.0
    min_present_s: float = 1.0
    max_people: int = 8


@dataclass
class Person:
    """One person over all analysed frames (T of them), NaN rows where they are absent, as
    in :class:`pose.track.LandmarkTrack`; ``boxes``: (T, 4) xmin, ymin, xmax, ymax of their
    visible landmarks, normalised to the picture; ``presence``: (T,) the model's score."""

    id: int
    present: np.ndarray
    image: np.ndarray
    world: np.ndarray
    boxes: np.ndarray
    presence: np.ndarray

    @property
    def frames_present(self) -> int:
        return int(self.present.sum())


@dataclass
class People:
    """Everyone followed through a video; ``main_id``: the main dancer (present longest,
    ties broken by size), None when nobody stayed long enough."""

    info: VideoInfo
    total_frames: int
    duration_s: float
    indices: np.ndarray  # (T,) analysed frame numbers
    times: np.ndarray  # (T,) seconds
    persons: list[Person]
    main_id: int | None
    model: str
    # Leading rows analysed only to start a span's tracking early (see join_people); 0 in
    # the people of a whole video.
    warmup: int = 0
    # (T,) which rows the landmark model ran on (None: all); the others were interpolated
    # from their neighbours (pose.adaptive).
    analysed: np.ndarray | None = None
    shot_starts: np.ndarray | None = None  # (T,) rows beginning a new shot (media.shots); None: one shot

    def analysed_rows(self) -> np.ndarray:
        return np.ones(len(self.times), bool) if self.analysed is None else self.analysed

    def person(self, person_id: int) -> Person:
        return next(p for p in self.persons if p.id == person_id)

    def track(self, person_id: int) -> LandmarkTrack:
        """One person as the track every later step reads."""
        one = self.person(person_id)
        return self._track(one.image, one.world)

    def main_track(self) -> LandmarkTrack:
        """The main dancer's track; a track with nobody in it when nobody stayed long enough."""
        if self.main_id is not None:
            return self.track(self.main_id)
        nobody = len(self.times)
        return self._track(
            np.full((nobody, NUM_LANDMARKS, 4), np.nan, np.float32),
            np.full((nobody, NUM_LANDMARKS, 3), np.nan, np.float32),
        )

    def _track(self, image: np.ndarray, world: np.ndarray) -> LandmarkTrack:
        return LandmarkTrack(
            info=self.info,
            total_frames=self.total_frames,
            duration_s=self.duration_s,
            indices=self.indices,
            times=self.times,
            image=image,
            world=world,
            model=self.model,
            analysed=self.analysed,
            shot_starts=self.shot_starts,
        )

    def counts(self) -> np.ndarray:
        """(T,) how many people are present in each analysed frame."""
        if not self.persons:
            return np.zeros(len(self.times), np.int64)
        return np.sum([p.present for p in self.persons], axis=0)


@dataclass
class _Track:
    """A person being followed: their rows so far (raw, as the model gave them: smoothing
    comes at the end, :func:`pose.smoothing.smooth_rows`) and where to look next."""

    key: int
    rows: dict[int, tuple[np.ndarray, np.ndarray, float, np.ndarray]] = field(default_factory=dict)
    points: np.ndarray = field(default_factory=lambda: np.zeros((NUM_LANDMARKS, 2)))
    roi: Rois | None = None
    last_t: float = 0.0
    active: bool = True
    crop: CropSmoother = field(default_factory=CropSmoother)
    size: tuple[int, int] = (1, 1)  # the pictures' width and height
    restarts: set[int] = field(default_factory=set)  # rows found again after a loss: smoothing starts afresh

    def update(self, row: int, t: float, marks: PeopleLandmarks, k: int, gap: int = 1) -> None:
        """Take this frame's landmarks; the next crop comes from the smoothed crop points
        (afresh after a loss), as in MediaPipe's graph. ``points`` stay raw: the tests for
        a slid crop or a double look for sudden jumps. ``gap``: frames since the last one
        analysed (more than 1 when frames were skipped)."""
        if not self.active:
            self.crop.reset()
            self.restarts.add(row)
        auxiliary = self.crop(marks.auxiliary[k], marks.width, marks.height, gap)
        self.rows[row] = (marks.image[k], marks.world[k], float(marks.presence[k]), marks.auxiliary[k])
        self.points, self.last_t, self.active = to_pixels(marks.image[k], marks.width, marks.height), t, True
        self.size = (marks.width, marks.height)
        self.roi = rois_from_points(auxiliary[None, 0], auxiliary[None, 1], marks.width, marks.height)


@dataclass
class _Checkpoint:
    row: int
    last_detect: int
    events: int
    tracks: list[tuple[_Track, np.ndarray, Rois | None, float, bool, CropSmoother]]


class PeopleTracker:
    """Frames in, one at a time; people out at the end. The models are loaded once and can
    be reused across videos (``reset``)."""

    def __init__(
        self,
        model: LandmarkModel,
        detector: PoseDetector | None = None,
        options: PeopleOptions = PeopleOptions(),
    ) -> None:
        self.model = model
        self.detector = detector or PoseDetector(min_score=options.min_score)
        self.options = options
        self.detector_runs = 0
        self.landmark_runs = 0
        self.reset()

    def reset(self) -> None:
        self.tracks: list[_Track] = []
        self.row = 0
        self.last_detect = -(10**9)
        self.events = 0  # losses and detections that found somebody: who is in view changed

    # --- one frame -------------------------------------------------------------------

    def step(self, picture: np.ndarray, t: float, row: int | None = None, gap: int = 1) -> None:
        """Follow everyone into this RGB picture, and look for newcomers when it is time.

        ``row``: the frame's place among the video's frames, when some are skipped
        (:mod:`pose.adaptive`); ``gap``: frames since the last picture stepped."""
        options = self.options
        if row is not None:
            self.row = row
        lost_now = self._follow(picture, t, gap)
        missing = [tr for tr in self.tracks if not tr.active and t - tr.last_t <= options.max_gap_s]
        since = self.row - self.last_detect
        search = max(1, options.detect_every // 3) if missing else options.detect_every
        # As many followed as allowed and nobody lost: whoever it found would be turned away.
        full = not missing and sum(tr.active for tr in self.tracks) >= options.max_people
        if lost_now or (since >= search and not full) or not any(tr.active for tr in self.tracks):
            self.last_detect = self.row
            self._detect(picture, t, missing)
        self.events += lost_now
        self.row += 1

    def checkpoint(self) -> _Checkpoint:
        """Where everyone is now, to come back to after a look ahead (:meth:`restore`)."""
        return _Checkpoint(
            row=self.row,
            last_detect=self.last_detect,
            events=self.events,
            tracks=[(tr, tr.points, tr.roi, tr.last_t, tr.active, copy.deepcopy(tr.crop)) for tr in self.tracks],
        )

    def restore(self, saved: _Checkpoint) -> None:
        """Forget every frame stepped since ``saved``, as if they had never been seen."""
        self.row, self.last_detect, self.events = saved.row, saved.last_detect, saved.events
        self.tracks = [tr for tr, *_ in saved.tracks]
        for tr, points, roi, last_t, active, crop in saved.tracks:
            for row in [r for r in tr.rows if r >= saved.row]:
                del tr.rows[row]
                tr.restarts.discard(row)
            tr.points, tr.roi, tr.last_t, tr.active, tr.crop = points, roi, last_t, active, crop

    def rows_at(self, row: int) -> dict[int, tuple[np.ndarray, np.ndarray, float]]:
        """Everyone's landmarks (as the model gave them) and presence in one stepped frame, by track."""
        return {tr.key: tr.rows[row][:3] for tr in self.tracks if row in tr.rows}

    def _follow(self, picture: np.ndarray, t: float, gap: int = 1) -> bool:
        active = [tr for tr in self.tracks if tr.active and tr.roi is not None]
        if not active:
            return False
        rois = _stack_rois([tr.roi for tr in active if tr.roi is not None])
        marks = self.model(picture, rois)
        self.landmark_runs += len(active)
        lost = False
        jumps = {}
        for k, tr in enumerate(active):
            points = to_pixels(marks.image[k], marks.width, marks.height)
            if marks.presence[k] < self.options.min_presence or slid(tr.points, points):
                tr.active, lost = False, True
                continue
            previous = tr.points
            tr.update(self.row, t, marks, k, gap)
            jumps[tr.key] = body_distance(previous, tr.points)
        return self._drop_doubles([tr for tr in active if tr.active], jumps) or lost

    def _drop_doubles(self, tracks: list[_Track], jumps: dict[int, float]) -> bool:
        """Two crops on one body (one person's crop slid onto the other as they crossed):
        the one that moved further since the last frame is the one that slid; it is lost
        for now, and found again by the detector when the two part."""
        dropped = False
        for a in tracks:
            for b in tracks:
                if a.key < b.key and a.active and b.active and same_body(a.points, b.points):
                    loser = a if jumps.get(a.key, 0.0) > jumps.get(b.key, 0.0) else b
                    loser.rows.pop(self.row, None)
                    loser.active, dropped = False, True
        return dropped

    def _detect(self, picture: np.ndarray, t: float, missing: list[_Track]) -> None:
        options = self.options
        known = [tr.points for tr in self.tracks if tr.active]
        found = self.find_new(picture, known)
        if not found:
            return
        new_points = [to_pixels(marks.image[k], marks.width, marks.height) for marks, k in found]
        pairs = match_lost(
            [tr.points for tr in missing],
            [t - tr.last_t for tr in missing],
            new_points,
        )
        matched = {new: missing[old] for old, new in pairs}
        for j, (marks, k) in enumerate(found):
            track = matched.get(j)
            if track is None:
                if sum(tr.active for tr in self.tracks) >= options.max_people:
                    continue
                track = _Track(key=len(self.tracks))
                self.tracks.append(track)
            self.events += 1
            track.update(self.row, t, marks, k)

    def find_new(
        self, picture: np.ndarray, known: list[np.ndarray], views: Rois | None = None
    ) -> list[tuple[PeopleLandmarks, int]]:
        """People not among ``known`` (pixel skeletons), most prominent first
        (:func:`pose.finding.find_people`); nobody followed is touched (a photo's other
        people are found with it too)."""
        search = find_people(picture, known, self.detector, self.model, self.options, views)
        self.detector_runs += search.detector_runs
        self.landmark_runs += search.landmark_runs
        return search.found

    # --- the result ------------------------------------------------------------------

    def people(
        self,
        info: VideoInfo,
        total_frames: int,
        duration_s: float,
        indices: np.ndarray,
        times: np.ndarray,
        warmup: int = 0,
        analysed: np.ndarray | None = None,
    ) -> People:
        """Everyone followed so far, every track as it is (ids 1, 2, ... in order of
        following, nobody left out): one span's people, for :func:`join_people`. Rows not
        ``analysed`` are filled from their neighbours (:func:`pose.adaptive.fill_skipped`)."""
        count = len(times)
        persons = [_person(n + 1, tr, count, analysed) for n, tr in enumerate(self.tracks)]
        return People(
            info=info,
            total_frames=total_frames,
            duration_s=duration_s,
            indices=np.asarray(indices, np.int64),
            times=np.asarray(times, np.float64),
            persons=persons,
            main_id=None,
            model=self.model.name,
            warmup=warmup,
            analysed=analysed,
        )


def _stack_rois(rois: list[Rois]) -> Rois:
    parts = {name: np.concatenate([getattr(r, name) for r in rois]) for name in ("center", "size", "angle")}
    return Rois(**parts, width=rois[0].width, height=rois[0].height)


def _person(person_id: int, tr: _Track, count: int, analysed: np.ndarray | None = None) -> Person:
    """One track as a person over ``count`` rows: skipped rows filled in, then smoothed."""
    image = np.full((count, NUM_LANDMARKS, 4), np.nan, np.float32)
    world = np.full((count, NUM_LANDMARKS, 3), np.nan, np.float32)
    auxiliary = np.full((count, 2, 2), np.nan)
    presence = np.full(count, np.nan)
    for row, (landmarks, metres, score, crop_points) in tr.rows.items():
        image[row], world[row], presence[row], auxiliary[row] = landmarks, metres, score, crop_points
    if analysed is not None:
        image, world, auxiliary, presence = (fill_skipped(a, analysed) for a in (image, world, auxiliary, presence))
    restarts = np.zeros(count, bool)
    restarts[sorted(tr.restarts)] = True
    image, world = smooth_rows(image, world, auxiliary, *tr.size, restarts=restarts)
    present = ~np.isnan(presence)
    boxes = np.full((count, 4), np.nan)
    for row in np.flatnonzero(present):
        boxes[row] = body_box(image[row, :, :2].astype(np.float64), image[row, :, 3])
    return Person(person_id, present, image, world, boxes, presence)

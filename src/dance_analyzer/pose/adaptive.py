"""Fewer model runs for the same answer: a coarse stride, refined where the answer could change.

Inside a held pose or a slow passage the frames around a frame already decide its
labels. So the landmark model runs on every ``stride``-th frame first; after each such
run, the interval since the last analysed frame is judged. Where nothing could change in
it (the same people, each seen surely, the landmarks the moves read moved little, the
same poses holding at both ends), the frames in between are skipped and later filled by
interpolating their neighbours. Otherwise the tracker is put back to the interval's start
and steps through every frame of it, as the every-frame analysis does, so that label
changes and moves land on the same frame. In fast, continuous dancing nearly every
interval is refined: then the look-aheads back off, and the cost stays near every frame's.

MediaPipe's tracking places each crop from the previous frame's landmarks: over a
skipped interval the body may have left the crop. A crop that lost the body shows as a
loss or a low presence score at the coarse frame, which is itself a reason to refine,
and the refined pass restarts from the last good crop, frame by frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from .associate import HIPS, MIN_VISIBILITY, SHOULDERS

Row = tuple[np.ndarray, np.ndarray, float]  # one person in one frame: image, world, presence

Precision = Literal["auto", "every_frame"]
MAX_BACKOFF = 8  # intervals: at most about a second between look-aheads in fast dancing
# The landmarks the moves are read from: shoulders (facing, turns), hips (jumps, sway),
# knees, ankles, heels and toes (steps, kicks). Hands and face are read only by poses,
# whose labels are compared at both ends of an interval instead.
MOVING = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)


class Tracker(Protocol):
    """What the adaptive pass needs of a people tracker (:class:`pose.people.PeopleTracker`)."""

    events: int  # losses and finds so far

    def step(self, picture: np.ndarray, t: float, row: int | None = None, gap: int = 1) -> None: ...
    def checkpoint(self) -> Any: ...
    def restore(self, saved: Any) -> None: ...
    def rows_at(self, row: int) -> dict[int, Row]: ...


class FrameLabels(Protocol):
    """(N, 33, 4) picture and (N, 33, 3) world landmarks in, (N, P) labels per frame out:
    whatever the analysis will call each frame (:func:`pipeline.frame_labels`)."""

    def __call__(self, image: np.ndarray, world: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Refinement:
    """When an interval between two coarse frames must be analysed frame by frame.

    ``coarse_s``: time between coarse frames (rounded to whole frames). ``max_motion``:
    how far (in torso lengths on screen) any clearly visible landmark may move across a
    skipped interval; ``max_world_motion``: the same in metres about the hips, which sees
    turns and limbs the picture shows foreshortened. ``min_presence``: below this model
    score a person is not followed surely. ``labels``: the poses each frame would get;
    different poses at the two ends always refine.
    """

    coarse_s: float = 0.134
    max_motion: float = 0.12
    max_world_motion: float = 0.08
    min_presence: float = 0.95
    labels: FrameLabels | None = None

    def stride(self, frame_interval_s: float) -> int:
        """Frames between coarse runs, for frames this far apart (at least 1)."""
        if frame_interval_s <= 0:
            return 1
        return max(1, int(round(self.coarse_s / frame_interval_s)))

    def settled(self, before: dict[int, Row], after: dict[int, Row], aspect: float, people_only: bool = False) -> bool:
        """Whether nothing that decides the answer changed between two analysed frames
        (``people_only``: whether the same people are followed surely, all a span's
        warm-up needs: its frames only start the tracking, the answer never reads them)."""
        if before.keys() != after.keys() or not before:
            # Somebody came or went; or nobody is followed, and the detector must look at
            # every frame, as in an analysis of every frame, not to find them late.
            return False
        keys = sorted(before)
        image = np.stack([np.stack([before[k][0], after[k][0]]) for k in keys])  # (N, 2, 33, 4)
        world = np.stack([np.stack([before[k][1], after[k][1]]) for k in keys])
        presence = np.array([[before[k][2], after[k][2]] for k in keys])
        if (presence < self.min_presence).any():
            return False
        if people_only:
            return True
        if (moved_on_screen(image, aspect) > self.max_motion).any():
            return False
        if (moved_in_world(world, image[..., 3]) > self.max_world_motion).any():
            return False
        if self.labels is not None:
            n = len(keys)
            labels = self.labels(image.reshape(2 * n, *image.shape[2:]), world.reshape(2 * n, *world.shape[2:]))
            labels = labels.reshape(n, 2, -1)
            if (labels[:, 0] != labels[:, 1]).any():
                return False
        return True


def moved_on_screen(image: np.ndarray, aspect: float) -> np.ndarray:
    """(N,) the largest move of any of the ``MOVING`` landmarks visible at both ends of
    each (2, 33, 4) pair, in torso lengths; x scaled by the aspect so both axes share one unit."""
    points = image[..., :2].astype(np.float64) * np.array([aspect, 1.0])
    sure = (image[:, 0, :, 3] >= MIN_VISIBILITY) & (image[:, 1, :, 3] >= MIN_VISIBILITY)
    step = np.linalg.norm(points[:, 1] - points[:, 0], axis=-1)
    shoulders = points[:, :, list(SHOULDERS)].mean(axis=2)
    hips = points[:, :, list(HIPS)].mean(axis=2)
    torso = np.linalg.norm(shoulders - hips, axis=-1).min(axis=1)  # (N,) the smaller end's
    return np.where(sure, step, 0.0)[:, MOVING].max(axis=-1) / np.maximum(torso, 1e-3)


def moved_in_world(world: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """(N,) the largest move of any of the ``MOVING`` landmarks visible at both ends, in
    metres about the hips."""
    sure = (visibility[:, 0] >= MIN_VISIBILITY) & (visibility[:, 1] >= MIN_VISIBILITY)
    step = np.linalg.norm(world[:, 1].astype(np.float64) - world[:, 0], axis=-1)
    return np.where(sure, step, 0.0)[:, MOVING].max(axis=-1)


@dataclass
class Pending:
    """A decoded frame not yet analysed: its row among the analysed frames, time, and
    how to get its picture (converted only if the model needs it)."""

    row: int
    t: float
    picture: Callable[[], np.ndarray]
    warmup: bool = False  # before the span proper: only tracked into it, never reported


def follow_adaptively(
    tracker: Tracker,
    frames: Iterable[Pending],
    refinement: Refinement,
    stride: int,
    aspect: float,
) -> np.ndarray:
    """Step ``tracker`` through ``frames`` (rows 0, 1, ... in order), the model running
    only where :meth:`Refinement.settled` says it must; returns (T,) whether each row
    was analysed. The first and the last frame always are, so every skipped frame lies
    between two analysed ones."""
    analysed: list[bool] = []
    pending: list[Pending] = []
    before: dict[int, Row] = {}
    busy = False  # the last interval needed every frame: so, most likely, will this one
    # After a look ahead that failed, that many busy intervals pass before the next one
    # (doubling while they keep failing): in continuous fast dancing a look ahead is a
    # model run thrown away, and the judging itself costs a pose check.
    wait = backoff = 0

    def every_frame() -> dict[int, Row]:
        for frame in pending:
            tracker.step(frame.picture(), frame.t, row=frame.row)
            analysed[frame.row] = True
        return tracker.rows_at(pending[-1].row)

    def close_interval() -> None:
        nonlocal before, busy, wait, backoff
        last = pending[-1]
        people_only = all(frame.warmup for frame in pending)
        if busy:
            # No look ahead (it would be thrown away); whether the next interval may
            # skip is judged on this one's ends, once the wait is over.
            events = tracker.events
            after = every_frame()
            if wait > 0:
                wait -= 1
            else:
                busy = tracker.events != events or not refinement.settled(before, after, aspect, people_only)
        else:
            saved, events = tracker.checkpoint(), tracker.events
            tracker.step(last.picture(), last.t, row=last.row, gap=len(pending))
            after = tracker.rows_at(last.row)
            analysed[last.row] = True
            if tracker.events != events or not refinement.settled(before, after, aspect, people_only):
                tracker.restore(saved)
                after, busy = every_frame(), True
                wait, backoff = backoff, min(2 * backoff or 1, MAX_BACKOFF)
            else:
                backoff = 0
        before = after
        pending.clear()

    for frame in frames:
        analysed.append(False)
        if frame.row == 0:
            tracker.step(frame.picture(), frame.t, row=0)
            analysed[0] = True
            before = tracker.rows_at(0)
            continue
        pending.append(frame)
        if len(pending) >= stride:
            close_interval()
    if pending:
        close_interval()
    return np.asarray(analysed, bool)


def warm_up(
    tracker: Tracker, frames: Iterator[Pending], refinement: Refinement, stride: int, aspect: float
) -> tuple[np.ndarray, Pending | None]:
    """Step ``tracker`` through the warm-up frames at the head of ``frames`` as
    :func:`follow_adaptively` does (their frames only start the tracking, so only whether
    the same people are followed surely decides a skip); returns whether each warm-up row
    was analysed (its last one always is) and the first frame after the warm-up, if any."""
    after: list[Pending] = []

    def warming() -> Iterator[Pending]:
        for frame in frames:
            if not frame.warmup:
                after.append(frame)
                return
            yield frame

    analysed = follow_adaptively(tracker, warming(), refinement, stride, aspect)
    return analysed, (after[0] if after else None)


def fill_skipped(values: np.ndarray, analysed: np.ndarray) -> np.ndarray:
    """(T, ...) rows with NaN where a person is absent or the frame was skipped: each
    skipped row between two analysed rows that both have the person, linearly
    interpolated from them (time runs evenly between analysed frames). Rows skipped next
    to an absence stay NaN: nobody knows when the person came or went."""
    out = np.array(values, copy=True)
    count = len(analysed)
    if count == 0 or analysed.all():
        return out
    rows = np.arange(count)
    done = np.flatnonzero(analysed)
    prev = done[np.clip(np.searchsorted(done, rows, side="right") - 1, 0, len(done) - 1)]
    nxt = done[np.clip(np.searchsorted(done, rows, side="left"), 0, len(done) - 1)]
    skipped = ~analysed & (prev < rows) & (nxt > rows)
    flat = out.reshape(count, -1)
    known = ~np.isnan(flat).any(axis=1)
    skipped &= known[prev] & known[nxt]
    weight = ((rows - prev) / np.maximum(nxt - prev, 1))[skipped][:, None]
    flat[skipped] = (1 - weight) * flat[prev[skipped]] + weight * flat[nxt[skipped]]
    return out

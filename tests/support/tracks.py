"""Real landmark tracks cut down the ways tests need them (a shorter video, a slower camera)."""

from __future__ import annotations

import dataclasses

import numpy as np

from dance_analyzer.pose.track import LandmarkTrack


def rows_of(track: LandmarkTrack, rows: np.ndarray) -> LandmarkTrack:
    """Only these rows (ascending) of the track; each shot starts at its first row kept."""
    shots = None
    if track.shot_starts is not None:
        shots = np.zeros(len(rows), bool)
        firsts = np.searchsorted(rows, np.flatnonzero(track.shot_starts))
        shots[firsts[firsts < len(rows)]] = True
    kept = {name: getattr(track, name)[rows] for name in ("indices", "times", "image", "world")}
    analysed = None if track.analysed is None else track.analysed[rows]
    return dataclasses.replace(track, **kept, analysed=analysed, shot_starts=shots)


def first_frames(track: LandmarkTrack, n: int) -> LandmarkTrack:
    """The first ``n`` frames alone, as if the video ended there."""
    end = float(track.times[n]) if n < len(track.times) else track.duration_s
    return dataclasses.replace(rows_of(track, np.arange(min(n, len(track.times)))), total_frames=n, duration_s=end)


def filmed_at(track: LandmarkTrack, fps: float) -> LandmarkTrack:
    """The track as a camera at ``fps`` frames a second would have seen it: the frame shown
    at each of its instants."""
    instants = np.arange(track.times[0], track.times[-1] + 1e-9, 1.0 / fps)
    return rows_of(track, np.unique(np.searchsorted(track.times, instants + 1e-6, side="right") - 1))

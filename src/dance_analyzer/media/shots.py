"""Where an edited video cuts from one shot to the next.

Movement read across a cut is not movement: the dancer seems to leap across the picture,
grow or shrink, or swing from front to back in one frame, and a clip-wide measure (the
torso's size in the picture, where the floor is) mixes two framings. So the moves are
read one shot at a time (``labels.moves``).

A cut is found from the pixels, not the landmarks: a body's landmarks also jump in a
flare or a spin, but the picture as a whole changes at a cut and nowhere else. Each
decoded frame is reduced to a coarse grid of its brightness (sampled points of the luma
plane, so at almost no cost). Two frames of one shot are alike in the grid's pattern
whatever the light does (a flicker of the sun changes the brightness, not the pattern), so
the change is one minus the grids' correlation; a new shot starts where it is large and
far larger than around it (as PySceneDetect's adaptive detector decides: a fast pan
changes every frame a lot, a cut one frame). A fade through black or white goes through
blank frames: a run of them is a shot of its own, with nobody in it.
"""

from __future__ import annotations

import av
import numpy as np

GRID = (18, 32)  # rows, columns of sampled points
MIN_CHANGE = 0.35  # one minus the correlation of the two grids, at least
MIN_RATIO = 3.0  # ... and this many times the change of the frames around it
CONTEXT = 4  # frames each side that set the usual change
BLANK_SPREAD = 6.0  # a picture whose brightness varies less than this is blank


def luma_grid(frame: av.VideoFrame) -> np.ndarray:
    """(18, 32) brightness at evenly spaced points of the picture, 0-255."""
    luma: np.ndarray
    if frame.format.name in ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12"):
        plane = frame.planes[0]  # 8-bit brightness, row by row with padding
        luma = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
    else:  # any other layout (10-bit, RGB): let swscale shrink it, rarely needed
        luma = frame.reformat(width=GRID[1] * 2, height=GRID[0] * 2, format="gray", threads=1).to_ndarray()
    rows = np.linspace(0, luma.shape[0] - 1, GRID[0]).astype(int)
    cols = np.linspace(0, luma.shape[1] - 1, GRID[1]).astype(int)
    return luma[np.ix_(rows, cols)].astype(np.float32)


class ShotWatch:
    """Follows a stream of decoded frames: how much each changed from the one before,
    and whether it is blank."""

    def __init__(self) -> None:
        self._last: np.ndarray | None = None

    def see(self, frame: av.VideoFrame) -> tuple[float, bool]:
        """The change from the previous frame (0: the same pattern) and whether it is blank."""
        grid = luma_grid(frame)
        spread = float(np.std(grid))
        blank = spread < BLANK_SPREAD
        pattern = None if blank else (grid - grid.mean()) / spread
        change = 0.0
        if pattern is not None and self._last is not None:
            change = 1.0 - float(np.mean(pattern * self._last))
        self._last = pattern
        return change, blank


def shot_starts(change: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """(T,) True on the rows where a new shot starts: a cut, the first of a run of blank
    frames (a fade), or the first picture after them. Row 0 is not a start (the video's
    own start needs no marking)."""
    change = np.asarray(change, dtype=np.float64)
    blank = np.asarray(blank, dtype=bool)
    n = len(change)
    starts = np.zeros(n, bool)
    if n == 0:
        return starts
    padded = np.pad(change, CONTEXT, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * CONTEXT + 1)
    around = (windows.sum(axis=1) - change) / (2 * CONTEXT)  # the others in the window
    starts = (change >= MIN_CHANGE) & (change >= MIN_RATIO * around)
    before = np.concatenate([[False], blank[:-1]])
    starts |= blank != before  # a run of blank frames is a shot of its own, with nothing in it
    starts[0] = False
    return starts


class ShotRows:
    """Collects, per analysed row, the most the picture changed since the row before (frames
    skipped by sampling included) and whether the row's frame is blank; then where shots start."""

    def __init__(self) -> None:
        self.changes: list[float] = []
        self.blanks: list[bool] = []
        self._since = 0.0

    def decoded(self, change: float) -> None:
        self._since = max(self._since, change)

    def row(self, blank: bool) -> None:
        self.changes.append(self._since)
        self.blanks.append(blank)
        self._since = 0.0

    def starts(self, skip: int = 0) -> np.ndarray:
        """(T,) :func:`shot_starts` of the rows, the first ``skip`` (a warm-up) left out."""
        return shot_starts(np.asarray(self.changes), np.asarray(self.blanks, bool))[skip:]


def starts_of(starts: np.ndarray | None, rows: int) -> np.ndarray:
    """(rows,) shot starts, none for a track that has no record of them."""
    return np.zeros(rows, bool) if starts is None else starts


def shot_bounds(starts: np.ndarray | None, rows: int) -> list[tuple[int, int]]:
    """The rows of each shot, as (first, past the last): one shot when ``starts`` is None."""
    cuts = [] if starts is None else [int(k) for k in np.flatnonzero(starts) if 0 < k < rows]
    edges = [0, *cuts, rows]
    return list(zip(edges[:-1], edges[1:], strict=True))

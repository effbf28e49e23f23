"""Time series helpers the reports share: uniform grids and smoothing.

Analysed frames are not evenly spaced (sampling, variable frame rates, frames without
a person), while derivatives, autocorrelation and time warping want a uniform grid.
"""

from __future__ import annotations

import numpy as np


def interpolate(times: np.ndarray, values: np.ndarray, grid: np.ndarray, *, min_points: int = 1) -> np.ndarray:
    """Values (T, ...) at the ``grid`` times, each column interpolated over its known samples.

    Gaps (NaN: nobody found) are bridged linearly; a column with fewer than ``min_points``
    known samples stays NaN (one known sample gives a constant).
    """
    flat = values.reshape(len(times), -1)
    out = np.full((len(grid), flat.shape[1]), np.nan)
    for k in range(flat.shape[1]):
        known = np.isfinite(flat[:, k])
        if known.sum() >= max(min_points, 1):
            out[:, k] = np.interp(grid, times[known], flat[known, k])
    return out.reshape((len(grid), *values.shape[1:]))


def smooth(values: np.ndarray, width: int = 5) -> np.ndarray:
    """Moving average along time (axis 0): differentiation amplifies the landmarks' jitter.

    Edges are padded with their own values, not zeros, so a still dancer at the start of
    a clip does not seem to move. Shorter series are returned as they are.
    """
    from scipy.ndimage import uniform_filter1d  # late, beside the reading: see dance_analyzer.preload

    if len(values) < width:
        return values
    return uniform_filter1d(values, width, axis=0, mode="nearest")

"""Group sync: how closely two or more dancers of one video move together.

**Score.** At each moment (a ``RATE_HZ`` grid over the video's times) every pair of
dancers is compared by the joint and limb angles comparisons use (``reports.compare``'s
``FEATURE_NAMES``, from :func:`features.angle_features`): the mean absolute difference,
in degrees. Angles do not depend on where each dancer stands or how big they look, so two
dancers side by side compare. The 0-100 score is the comparison's own scale
(:func:`reports.compare.deviation_score`): 100 is the same angles at every compared
moment, 82 a mean of 5° apart, 67 of 10°, 45 of 20°, 20 of 40°. On the synthetic dances of
tests/reports/test_sync.py: a copy scores 100, a copy with 1 cm of noise on every world
landmark about 90 (2 cm: 82), a copy 0.1 s late 80, two unrelated dances 40-50. Good
unison on real video should read 80 or more; below 60 the dancers visibly differ.
The group's score pools every pair at every moment; each dancer's is against the others.

**Same moment, not aligned.** A dancer half a second late is not in sync, so the score
compares the same instants: a late copy scores below an exact one. How late each dancer
is comes separately (``lag_s``), with the score the pair would have were the late one on
time (``aligned_score``), so "late" and "different" can be told apart.

**Lag.** Cross-correlation of movement (each joint angle's velocity, smoothed), within
``max_lag_s``: per pair, how far the second dancer is behind the first; per dancer, how far
behind the mean of the others. Seconds, positive = behind. A strictly periodic movement
knows its lag only modulo its period; ``lag_correlation`` (1 = the same movement shifted)
says how much to trust it.

**Mirror.** With ``mirror=True`` a dancer may be compared with left and right swapped
(:func:`features.mirrored`): partners facing each other, or one dancing the mirror image.
Each dancer is taken as filmed or mirrored, once for the whole video, whichever makes the
group agree most; the pairs say which (``mirrored``) and give both scores.

**Gaps.** A dancer is absent where their world landmarks are NaN: pairs are compared only
where both are present, the group where at least two are; ``compared_s`` says how long.
A score is None (JSON null) where nothing could be compared.

**A photo** is one moment: the scores compare the shapes in it, and every time (seconds
compared, lags, the least-in-sync moment's span) is 0 or None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from ..features import angle_features, mirrored
from ..pose.track import LandmarkTrack
from .compare import BODY_PARTS, FEATURE_NAMES, GROUPS, MIN_WORST_DEG, WORST_COUNT, WORST_WINDOW_S, deviation_score
from .series import interpolate, smooth

DancerId = int | str

RATE_HZ = 30.0  # the comparison grid: frame-rate precision for lags
MAX_LAG_S = 2.0
MIN_LAG_OVERLAP_S = 2.0  # less shared movement than this gives no lag
WINDOW_STEP_S = 0.1
SMOOTH_SAMPLES = 5  # velocities of jittery landmarks are noise without a little smoothing

_GROUP_COLUMNS = {
    group: [FEATURE_NAMES.index(name) for part in parts for name in BODY_PARTS[part]] for group, parts in GROUPS.items()
}


@dataclass
class _Dancer:
    """One dancer's angles on the grid, as filmed and mirrored (gaps bridged), and where present."""

    as_filmed: np.ndarray  # (N, F)
    flipped: np.ndarray  # (N, F)
    present: np.ndarray  # (N,) bool

    def angles(self, flip: bool) -> np.ndarray:
        return np.where(self.present[:, None], self.flipped if flip else self.as_filmed, np.nan)

    def velocity(self, flip: bool) -> np.ndarray:
        """Degrees per second; NaN where absent (a bridged gap is not movement)."""
        filled = self.flipped if flip else self.as_filmed
        if len(filled) < 2:
            return np.full(filled.shape, np.nan)
        moving = np.gradient(smooth(filled, SMOOTH_SAMPLES), 1.0 / RATE_HZ, axis=0)
        return np.where(self.present[:, None], moving, np.nan)


def _on_grid(times: np.ndarray, world: np.ndarray, grid: np.ndarray) -> _Dancer:
    here = np.isfinite(world).all(axis=(1, 2))
    features = angle_features(world)
    matrices = [np.stack([f[name] for name in FEATURE_NAMES], axis=1) for f in (features, mirrored(features))]
    if not here.any() or not len(grid):
        empty = np.full((len(grid), len(FEATURE_NAMES)), np.nan)
        return _Dancer(empty, empty, np.zeros(len(grid), bool))
    # A grid moment counts as present when the analysed frame nearest to it is.
    after = np.clip(np.searchsorted(times, grid), 0, len(times) - 1)
    before = np.maximum(after - 1, 0)
    nearest = np.where(np.abs(grid - times[before]) <= np.abs(times[after] - grid), before, after)
    filled = [interpolate(times[here], m[here], grid) for m in matrices]
    return _Dancer(filled[0], filled[1], here[nearest])


def _step_s(grid: np.ndarray) -> float:
    """How long one grid moment lasts: a grid of one moment (a photo) lasts no time, so its
    sync compares the shapes at that moment and says nothing of seconds."""
    return 1.0 / RATE_HZ if len(grid) > 1 else 0.0


def _mean(values: np.ndarray, axis: int | None = None) -> Any:
    """NaN-skipping mean that is NaN, silently, where nothing is known."""
    known = np.isfinite(values)
    count = known.sum(axis=axis)
    total = np.where(known, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _round(value: float, digits: int = 1) -> float | None:
    return round(float(value), digits) if np.isfinite(value) else None


def _score(deviation: float) -> float | None:
    return deviation_score(deviation) if np.isfinite(deviation) else None


def _orientations(dancers: list[_Dancer], mirror: bool) -> list[bool]:
    """Which dancers to compare mirrored: the first as filmed, the others by local search.

    One choice per dancer, not per pair, keeps the group consistent (A mirrors B and B
    mirrors C means A and C match as filmed); flipping single dancers while the total
    pairwise deviation drops finds it for the small groups a video holds.
    """
    n = len(dancers)
    flips = np.zeros(n, bool)
    if not mirror or n < 2:
        return flips.tolist()
    same, cross = np.zeros((n, n)), np.zeros((n, n))
    for i, j in combinations(range(n), 2):
        a = dancers[i].angles(False)
        same[i, j] = same[j, i] = np.nan_to_num(_mean(np.abs(a - dancers[j].angles(False))))
        cross[i, j] = cross[j, i] = np.nan_to_num(_mean(np.abs(a - dancers[j].angles(True))))

    def cost(f: np.ndarray) -> float:
        return float(np.where(f[:, None] == f[None, :], same, cross).sum())

    improved = True
    while improved:
        improved = False
        for k in range(1, n):
            trial = flips.copy()
            trial[k] = not trial[k]
            if cost(trial) < cost(flips) - 1e-9:
                flips, improved = trial, True
    return flips.tolist()


def lag_steps(reference: np.ndarray, follower: np.ndarray, max_steps: int, min_overlap: int) -> tuple[float, float]:
    """How many grid steps ``follower`` (N, F) moves behind ``reference``, and the peak correlation.

    Normalised over the samples both have at each lag (NaN rows are absent), so gaps
    neither count as stillness nor shift the peak; refined between steps by a parabola.
    (NaN, NaN) when they share too little movement.
    """
    x_ok, y_ok = np.isfinite(reference).any(axis=1), np.isfinite(follower).any(axis=1)
    x, y = np.nan_to_num(reference), np.nan_to_num(follower)
    n = len(x)
    if n < 2 or not x_ok.any() or not y_ok.any():
        return float("nan"), float("nan")
    from scipy.signal import correlate  # late, beside the reading: see dance_analyzer.preload

    # correlate(b, a)[n - 1 + k] = sum over t of b[t + k] * a[t]
    num = sum(correlate(y[:, f], x[:, f]) for f in range(x.shape[1]))
    x_energy = correlate(y_ok.astype(float), (x**2).sum(axis=1))
    y_energy = correlate((y**2).sum(axis=1), x_ok.astype(float))
    overlap = np.rint(correlate(y_ok.astype(float), x_ok.astype(float)))
    keep = slice(n - 1 - min(max_steps, n - 1), n + min(max_steps, n - 1))
    den = np.sqrt(np.maximum(x_energy[keep] * y_energy[keep], 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where((overlap[keep] >= min_overlap) & (den > 1e-12), num[keep] / den, np.nan)
    if not np.isfinite(corr).any():
        return float("nan"), float("nan")
    best = int(np.nanargmax(corr))
    shift = 0.0
    if 0 < best < len(corr) - 1 and np.isfinite(corr[best - 1 : best + 2]).all():
        a, b, c = corr[best - 1 : best + 2]
        shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) < 0 else 0.0
    return best - min(max_steps, n - 1) + shift, float(corr[best])


def _shifted_deviation(a: np.ndarray, b: np.ndarray, steps: int) -> float:
    """Mean deviation of a[t] from b[t + steps]: the pair as if the late one were on time."""
    n = len(a)
    if abs(steps) >= n:
        return float("nan")
    return float(_mean(np.abs(a[max(0, -steps) : n - max(0, steps)] - b[max(0, steps) : n - max(0, -steps)])))


def _own_side(name: str, flipped: bool) -> str:
    """A feature named for the group's orientation, named on a dancer compared mirrored."""
    return next(iter(mirrored({name: np.empty(0)}))) if flipped else name


def _worst_windows(deviation: np.ndarray) -> list[int]:
    """Starts (grid indices) of up to WORST_COUNT non-overlapping windows the group is furthest apart in."""
    width = max(1, min(round(WORST_WINDOW_S * RATE_HZ), len(deviation)))
    known = np.isfinite(deviation)
    sums = np.concatenate([[0.0], np.cumsum(np.where(known, deviation, 0.0))])
    counts = np.concatenate([[0], np.cumsum(known)])
    starts = np.arange(0, len(deviation) - width + 1, max(1, round(WINDOW_STEP_S * RATE_HZ)))
    count = counts[starts + width] - counts[starts]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(count >= width / 2, (sums[starts + width] - sums[starts]) / np.maximum(count, 1), np.nan)
    chosen: list[int] = []
    for k in np.argsort(-np.nan_to_num(means, nan=-1.0), kind="stable"):
        if len(chosen) == WORST_COUNT or not means[k] >= MIN_WORST_DEG:
            break
        if all(abs(int(starts[k]) - c) >= width for c in chosen):
            chosen.append(int(starts[k]))
    return chosen


def sync_report(
    tracks: Mapping[DancerId, LandmarkTrack] | Sequence[LandmarkTrack],
    *,
    mirror: bool = False,
    max_lag_s: float = MAX_LAG_S,
) -> dict[str, Any]:
    """The group sync of dancers' tracks over one video (ids 0, 1, ... for a plain list).

    ``{id: people.track(id)}`` is the intended input: every track on the same analysed
    frames, NaN rows where that dancer is absent. See :func:`sync_from_world`.
    """
    named = dict(tracks) if isinstance(tracks, Mapping) else dict(enumerate(tracks))
    first = next(iter(named.values()), None)
    for track in named.values():
        if first is None or track.times.shape != first.times.shape or not np.allclose(track.times, first.times):
            raise ValueError("group sync needs every dancer's track on the same analysed frames")
    times = first.times if first is not None else np.empty(0)
    return sync_from_world(times, {k: t.world for k, t in named.items()}, mirror=mirror, max_lag_s=max_lag_s)


def sync_from_world(
    times: np.ndarray,
    worlds: Mapping[DancerId, np.ndarray],
    *,
    mirror: bool = False,
    max_lag_s: float = MAX_LAG_S,
) -> dict[str, Any]:
    """The group sync of dancers' world landmarks, each (T, 33, 3) on the shared ``times`` (T,).

    Returns ``group`` (score, deviation_deg, compared_s, body_parts: arms/legs/torso
    scores), ``dancers`` (per id: present_s, score and deviation_deg against the others,
    lag_s behind the others, lag_correlation, mirrored), ``pairs`` (score at the same
    moment, as_filmed_score, mirrored_score, lag_s of the second behind the first,
    aligned_score, compared_s) and ``least_in_sync`` (1 s windows: the pair most apart,
    the dancer most off when there are three or more, the body part and joint on that
    dancer's own sides). Scores 0-100, angles in degrees, times in the video's seconds.
    """
    if len(worlds) < 2:
        raise ValueError("group sync needs two or more dancers")
    ids = list(worlds)
    times = np.asarray(times, dtype=np.float64)
    grid = np.arange(times[0], times[-1] + 1e-9, 1.0 / RATE_HZ) if len(times) else np.empty(0)
    step_s = _step_s(grid)
    dancers = [_on_grid(times, np.asarray(worlds[i], dtype=np.float64), grid) for i in ids]
    flips = _orientations(dancers, mirror)
    angles = [d.angles(f) for d, f in zip(dancers, flips, strict=True)]
    velocity = [d.velocity(f) for d, f in zip(dancers, flips, strict=True)]
    max_steps, min_overlap = round(max_lag_s * RATE_HZ), round(MIN_LAG_OVERLAP_S * RATE_HZ)
    pairs = list(combinations(range(len(ids)), 2))
    apart = {p: np.abs(angles[p[0]] - angles[p[1]]) for p in pairs}  # (N, F) degrees, NaN unless both present

    pair_rows = []
    for i, j in pairs:
        steps, peak = lag_steps(velocity[i], velocity[j], max_steps, min_overlap)
        a = dancers[i].angles(False)
        deviation = float(_mean(apart[i, j]))
        pair_rows.append(
            {
                "dancers": [ids[i], ids[j]],
                "score": _score(deviation),
                "deviation_deg": _round(deviation),
                "compared_s": round(float((dancers[i].present & dancers[j].present).sum()) * step_s, 2),
                "mirrored": flips[i] != flips[j],
                "as_filmed_score": _score(float(_mean(np.abs(a - dancers[j].angles(False))))),
                "mirrored_score": _score(float(_mean(np.abs(a - dancers[j].angles(True))))),
                "lag_s": _round(steps / RATE_HZ, 2),
                "lag_correlation": _round(peak, 2),
                "aligned_score": _score(_shifted_deviation(angles[i], angles[j], round(steps)))
                if np.isfinite(steps)
                else None,
            }
        )

    # Each dancer against the others: their mean deviation and the others' mean movement.
    against = [_mean(np.stack([apart[p] for p in pairs if k in p]), axis=0) for k in range(len(ids))]
    dancer_rows = []
    for k, dancer in enumerate(dancers):
        others = _mean(np.stack([v for m, v in enumerate(velocity) if m != k]), axis=0)
        steps, peak = lag_steps(others, velocity[k], max_steps, min_overlap)
        deviation = float(_mean(against[k]))
        dancer_rows.append(
            {
                "id": ids[k],
                "present_s": round(float(dancer.present.sum()) * step_s, 2),
                "score": _score(deviation),
                "deviation_deg": _round(deviation),
                "lag_s": _round(steps / RATE_HZ, 2),
                "lag_correlation": _round(peak, 2),
                "mirrored": flips[k],
            }
        )

    together = _mean(np.stack([apart[p] for p in pairs]), axis=0)  # (N, F): the group at each moment
    deviation = float(_mean(together))
    present = np.sum([d.present for d in dancers], axis=0) >= 2 if len(grid) else np.zeros(0, bool)
    return {
        "group": {
            "score": _score(deviation),
            "deviation_deg": _round(deviation),
            "compared_s": round(float(present.sum()) * step_s, 2),
            "body_parts": {g: _score(float(_mean(together[:, cols]))) for g, cols in _GROUP_COLUMNS.items()},
        },
        "dancers": dancer_rows,
        "pairs": pair_rows,
        "least_in_sync": [
            _window(start, grid, together, apart, against, ids, flips) for start in _worst_windows(_mean(together, 1))
        ],
        "duration_s": round(len(grid) * step_s, 2),
        "mirror": mirror,
        "max_lag_s": max_lag_s,
        "rate_hz": RATE_HZ,
    }


def _window(
    start: int,
    grid: np.ndarray,
    together: np.ndarray,
    apart: dict[tuple[int, int], np.ndarray],
    against: list[np.ndarray],
    ids: list[DancerId],
    flips: list[bool],
) -> dict[str, Any]:
    """Who and what is most apart in one window: the pair, the dancer (only a group of three or
    more can say which of two differs), the body part and the joint."""
    inside = slice(start, start + max(1, round(WORST_WINDOW_S * RATE_HZ)))
    pair = max(apart, key=lambda p: np.nan_to_num(_mean(apart[p][inside]), nan=-1.0))
    dancer: int | None = None
    if len(ids) >= 3:
        dancer = max(range(len(ids)), key=lambda k: np.nan_to_num(_mean(against[k][inside]), nan=-1.0))
    per_feature = _mean((against[dancer] if dancer is not None else apart[pair])[inside], axis=0)
    named_on = dancer if dancer is not None else pair[0]
    part = max(_GROUP_COLUMNS, key=lambda g: np.nan_to_num(_mean(per_feature[_GROUP_COLUMNS[g]]), nan=-1.0))
    joint = int(np.argmax(np.nan_to_num(per_feature, nan=-1.0)))
    deviation = float(_mean(together[inside]))
    return {
        "start_s": round(float(grid[start]), 2),
        "end_s": round(float(grid[start]) + (WORST_WINDOW_S if _step_s(grid) else 0.0), 2),
        "score": _score(deviation),
        "deviation_deg": _round(deviation),
        "pair": [ids[pair[0]], ids[pair[1]]],
        "pair_deviation_deg": _round(float(_mean(apart[pair][inside]))),
        "dancer": ids[dancer] if dancer is not None else None,
        "body_part": part,
        "joint": _own_side(FEATURE_NAMES[joint], flips[named_on]),
        "joint_deviation_deg": _round(float(per_feature[joint])),
    }

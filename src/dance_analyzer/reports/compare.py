"""Compare an attempt with a reference: align the two dances in time, then score the difference.

Each frame becomes a vector of angles in degrees: joint angles (elbows, knees, hips,
shoulders) and the direction of each limb segment against the vertical. Angles do not
change with the dancer's size, distance or place in the picture, so two people, filmed
differently, can be compared; and a difference reads as "your left knee was 25° off".

Dynamic time warping (librosa's) aligns the sequences, so a different start time or
tempo is not counted as a mistake. The alignment is open-ended on one side (subsequence DTW): the
shorter performance must be matched in full, the longer one may start and end anywhere,
so an attempt that starts a few seconds into the choreography still lines up; ``covered``
says which stretch of each was matched, and a warning says so when the attempt follows only
part of the reference (its scores are then that part's).

A photo on either side is one moment (a pose to reach): the alignment then matches it with
the one moment of the other side that comes closest (``closest_moment``), and the time
measures (worst moments over a second, the tempo) have nothing to say.

Mirroring is a choice, not a guess: ``similarity`` compares the sides as filmed (the
attempt's left arm with the reference's left arm), and ``mirrored_similarity`` swaps
the attempt's sides, for a dancer who followed a video as if it were a mirror. Both
are always reported; ``mirror=True`` makes the mirrored comparison the main one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import NoPersonFound
from ..features import angle_features, mirrored
from ..pose.track import LandmarkTrack
from .series import interpolate

# Sequences are resampled to this rate before alignment: enough for dance moves, and it
# keeps the cost matrix of a 3-minute routine at 1800 x 1800.
RATE_HZ = 10.0
# Mean deviation (degrees) -> score: 100 at 0°, 67 at 10°, 45 at 20°, 20 at 40°.
SCORE_SCALE_DEG = 25.0
WORST_WINDOW_S = 1.0
WORST_COUNT = 3
# Two takes of one dance line up at a tempo ratio near 1 (a student half as fast is
# already unusual), and are rarely more than 20 degrees apart on average. Unrelated clips
# score 35-65 all the same, so a score alone does not tell the user they compared the
# wrong files: the alignment's warp does.
PLAUSIBLE_TEMPO = (0.5, 2.0)
UNRELATED_BELOW = 45.0
# The attempt is matched in full and may follow only a stretch of the reference (a student
# practising one section, a recording stopped early): its scores are then for that stretch,
# which a score alone does not say, so less than this share of the reference is warned of.
PARTIAL_BELOW = 0.8
# A window whose most-off body part is closer than this is not a moment worth naming: two
# takes of the same dance differ by a few degrees everywhere (the same bound as group sync's).
MIN_WORST_DEG = 5.0

BODY_PARTS: dict[str, tuple[str, ...]] = {
    "left_arm": ("left_elbow", "left_shoulder", "left_upper_arm_dir", "left_forearm_dir"),
    "right_arm": ("right_elbow", "right_shoulder", "right_upper_arm_dir", "right_forearm_dir"),
    "left_leg": ("left_knee", "left_thigh_to_pelvis", "left_thigh_dir", "left_shin_dir"),
    "right_leg": ("right_knee", "right_thigh_to_pelvis", "right_thigh_dir", "right_shin_dir"),
    "torso": ("torso_dir",),
}
GROUPS = {"arms": ("left_arm", "right_arm"), "legs": ("left_leg", "right_leg"), "torso": ("torso",)}


FEATURE_NAMES: tuple[str, ...] = tuple(name for part in BODY_PARTS.values() for name in part)


def resample(times: np.ndarray, features: dict[str, np.ndarray], duration_s: float) -> np.ndarray:
    """(N, F) matrix at RATE_HZ over [0, duration); gaps (no person) are interpolated."""
    grid = np.arange(0.0, max(duration_s, 1.0 / RATE_HZ), 1.0 / RATE_HZ)
    return interpolate(times, np.stack([features[name] for name in FEATURE_NAMES], axis=1), grid)


def cost_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean absolute angle difference (degrees) between every frame of a and every frame of b."""
    total = np.zeros((len(a), len(b)))
    counted = np.zeros((len(a), len(b)))
    for f in range(a.shape[1]):
        diff = np.abs(a[:, f, None] - b[None, :, f])
        known = ~np.isnan(diff)
        total += np.where(known, diff, 0.0)
        counted += known
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counted > 0, total / np.maximum(counted, 1), 90.0)


# Steps of the warping path, in the order ties are broken: diagonal, then along the
# shorter sequence, then along the longer one.
_STEPS = np.array([[1, 1], [1, 0], [0, 1]])


def subsequence_dtw(cost: np.ndarray) -> tuple[np.ndarray, float]:
    """Align every row (the shorter sequence) to a stretch of columns; the path and its mean cost.

    Columns may start and end anywhere (librosa's subsequence DTW). The path is (K, 2)
    row and column indices, in time order.
    """
    from librosa.sequence import dtw  # numba: imported when a comparison is made

    _, backwards = dtw(C=cost, subseq=True, backtrack=True, step_sizes_sigma=_STEPS)
    path = np.ascontiguousarray(backwards[::-1])
    return path, float(cost[path[:, 0], path[:, 1]].mean())


def deviation_score(deviation_deg: float) -> float:
    """0-100 from a mean angle difference in degrees: one scale for every report that compares
    bodies (comparisons here, group sync in ``reports.sync``), so their numbers read alike."""
    return round(100.0 * float(np.exp(-deviation_deg / SCORE_SCALE_DEG)), 1)


@dataclass
class Alignment:
    """attempt_idx[k] is aligned with reference_idx[k] (indices into the resampled grids)."""

    attempt_idx: np.ndarray
    reference_idx: np.ndarray
    mean_cost: float


def align(attempt: np.ndarray, reference: np.ndarray) -> Alignment:
    """Subsequence DTW with the shorter performance as the one matched in full."""
    if len(attempt) <= len(reference):
        path, cost = subsequence_dtw(cost_matrix(attempt, reference))
        return Alignment(path[:, 0], path[:, 1], cost)
    path, cost = subsequence_dtw(cost_matrix(reference, attempt))
    return Alignment(path[:, 1], path[:, 0], cost)


def _deviations(attempt: np.ndarray, reference: np.ndarray, alignment: Alignment) -> np.ndarray:
    """(K, F) absolute angle differences along the path."""
    return np.abs(attempt[alignment.attempt_idx] - reference[alignment.reference_idx])


def _part_means(deviation: np.ndarray) -> dict[str, float]:
    out = {}
    for part in BODY_PARTS:
        columns = deviation[:, _columns(part)]
        out[part] = float(np.nanmean(columns)) if np.isfinite(columns).any() else float("nan")
    return out


def _sync_map(alignment: Alignment, step_s: float = 0.5) -> list[list[float]]:
    attempt_t = alignment.attempt_idx / RATE_HZ
    reference_t = alignment.reference_idx / RATE_HZ
    out = []
    for t in np.arange(attempt_t.min(), attempt_t.max() + 1e-9, step_s):
        matched = reference_t[np.abs(attempt_t - t) < 0.5 / RATE_HZ]
        if len(matched):
            out.append([round(float(t), 2), round(float(np.median(matched)), 2)])
    return out


def _worst_moments(deviation: np.ndarray, alignment: Alignment) -> list[dict[str, Any]]:
    """The WORST_COUNT non-overlapping 1 s windows of the attempt that deviate most."""
    attempt_t = alignment.attempt_idx / RATE_HZ
    reference_t = alignment.reference_idx / RATE_HZ
    per_step = {part: np.nanmean(deviation[:, _columns(part)], axis=1) for part in BODY_PARTS}
    overall = np.nanmean(deviation, axis=1)
    starts = np.arange(attempt_t.min(), max(attempt_t.max() - WORST_WINDOW_S, attempt_t.min()) + 1e-9, 0.1)
    windows = []
    for start in starts:
        inside = (attempt_t >= start) & (attempt_t < start + WORST_WINDOW_S)
        if inside.any():
            windows.append((float(np.nanmean(overall[inside])), float(start), inside))
    windows.sort(key=lambda w: -w[0])
    chosen: list[dict[str, Any]] = []
    for mean_dev, start, inside in windows:
        if len(chosen) == WORST_COUNT:
            break
        if any(abs(start - c["attempt_start_s"]) < WORST_WINDOW_S for c in chosen):
            continue
        part_devs = {part: float(np.nanmean(values[inside])) for part, values in per_step.items()}
        part = max(part_devs, key=lambda p: part_devs[p] if np.isfinite(part_devs[p]) else -1)
        if not part_devs[part] >= MIN_WORST_DEG:
            continue
        chosen.append(
            {
                "attempt_start_s": round(start, 2),
                "attempt_end_s": round(start + WORST_WINDOW_S, 2),
                "reference_start_s": round(float(reference_t[inside].min()), 2),
                "reference_end_s": round(float(reference_t[inside].max()) + 1 / RATE_HZ, 2),
                "body_part": part,
                "deviation_deg": round(part_devs[part], 1),
                "mean_deviation_deg": round(mean_dev, 1),
            }
        )
    return chosen


def _covered(alignment: Alignment, reference_s: float, attempt_s: float) -> dict[str, float]:
    """The stretch of each side the alignment matched, in seconds, and the share of the
    reference it is (the shorter side is matched in full, the longer from anywhere to anywhere)."""
    step = 1.0 / RATE_HZ
    ref_start, ref_last = float(alignment.reference_idx.min()) * step, float(alignment.reference_idx.max()) * step
    att_start, att_last = float(alignment.attempt_idx.min()) * step, float(alignment.attempt_idx.max()) * step
    # The last samples stand for the moment up to the next one, or to the end of the side
    # that ends there: the two stretches end together.
    tail = max(min(step, reference_s - ref_last, attempt_s - att_last), 0.0)
    ref_end, att_end = ref_last + tail, att_last + tail
    return {
        "reference_start_s": round(ref_start, 2),
        "reference_end_s": round(ref_end, 2),
        "attempt_start_s": round(att_start, 2),
        "attempt_end_s": round(att_end, 2),
        "reference_share": round((ref_end - ref_start) / max(reference_s, step), 3),
    }


def partial_warning(covered: dict[str, float], reference_s: float) -> list[dict[str, str]]:
    """A warning when the attempt follows only part of the reference, so its score (for that
    part) is not read as the whole choreography's."""
    if covered["reference_share"] >= PARTIAL_BELOW:
        return []
    start, end = covered["reference_start_s"], covered["reference_end_s"]
    return [
        {
            "code": "partial",
            "message": f"The attempt follows only {start:.1f}-{end:.1f} s of the reference's {reference_s:.1f} s "
            f"({covered['reference_share']:.0%}): the scores are for that part; the rest of the reference "
            "was not danced (or not filmed).",
        }
    ]


def _columns(part: str) -> list[int]:
    return [FEATURE_NAMES.index(name) for name in BODY_PARTS[part]]


def compare_tracks(reference: LandmarkTrack, attempt: LandmarkTrack, *, mirror: bool = False) -> dict[str, Any]:
    """The comparison's JSON: scores, per-part scores, the sync map and the worst moments."""
    ref_features = angle_features(reference.world)
    att_features = angle_features(attempt.world)
    ref = resample(reference.times, ref_features, reference.duration_s)
    as_filmed = resample(attempt.times, att_features, attempt.duration_s)
    swapped = resample(attempt.times, mirrored(att_features), attempt.duration_s)
    for which, values, track in (("reference", ref, reference), ("attempt", as_filmed, attempt)):
        if np.isnan(values).all():
            kind = "photo" if track.photo else "video"
            raise NoPersonFound(f"No person was found in the {which} {kind}, so there is nothing to compare")

    results = {}
    for name, att in (("as_filmed", as_filmed), ("mirrored", swapped)):
        alignment = align(att, ref)
        deviation = _deviations(att, ref, alignment)
        results[name] = (att, alignment, deviation, float(np.nanmean(deviation)))
    att, alignment, deviation, mean_dev = results["mirrored" if mirror else "as_filmed"]
    parts = _part_means(deviation)
    attempt_t = alignment.attempt_idx / RATE_HZ
    reference_t = alignment.reference_idx / RATE_HZ
    slope = np.polyfit(attempt_t, reference_t, 1)[0] if np.ptp(attempt_t) > 0 else 1.0
    similarity = deviation_score(mean_dev)
    photos = {"reference": reference.photo, "attempt": attempt.photo}
    warnings = unrelated_warning(similarity, float(slope), photos=photos)
    matched: dict[str, Any]  # what was matched: a photo's closest moment, or two stretches of video
    if any(photos.values()):  # one moment matched with one: the closest
        closest = {"attempt_s": round(float(attempt_t[0]), 2), "reference_s": round(float(reference_t[0]), 2)}
        matched = {"closest_moment": closest}
    else:
        matched = {"covered": _covered(alignment, reference.duration_s, attempt.duration_s)}
        if not warnings:  # an unrelated pair has no stretch worth naming
            warnings = partial_warning(matched["covered"], reference.duration_s)
    return {
        "similarity": similarity,  # as filmed, or mirrored with mirror=True
        "as_filmed_similarity": deviation_score(results["as_filmed"][3]),
        "mirrored_similarity": deviation_score(results["mirrored"][3]),
        "mirror": mirror,
        "mean_deviation_deg": round(mean_dev, 1),
        "body_parts": {
            part: {"score": deviation_score(dev), "deviation_deg": round(dev, 1)} for part, dev in parts.items()
        },
        "groups": {
            group: deviation_score(float(np.nanmean([parts[p] for p in members]))) for group, members in GROUPS.items()
        },
        "offset_s": round(float(reference_t[0] - attempt_t[0]), 2),
        "tempo_ratio": round(float(slope), 3),  # reference seconds per attempt second
        "sync_map": _sync_map(alignment),
        "worst_moments": [] if any(photos.values()) else _worst_moments(deviation, alignment),
        **matched,
        "reference": _side(reference),
        "attempt": _side(attempt),
        "rate_hz": RATE_HZ,
        "warnings": warnings,
    }


def _side(track: LandmarkTrack) -> dict[str, Any]:
    side: dict[str, Any] = {"duration_s": round(track.duration_s, 3), "frames": int(len(track.times))}
    return {**side, "photo": True} if track.photo else side


def unrelated_warning(
    similarity: float, tempo_ratio: float, *, photos: dict[str, bool] | None = None
) -> list[dict[str, str]]:
    """A warning when the two videos do not look like the same dance (or a photo's pose is
    nowhere in the other side), so a score between unrelated clips is not read as a grade."""
    low, high = PLAUSIBLE_TEMPO
    if low <= tempo_ratio <= high and similarity >= UNRELATED_BELOW:
        return []
    if photos and any(photos.values()):
        if all(photos.values()):
            what = "These two photos do not show the same pose"
        else:
            photo, video = ("reference", "attempt") if photos["reference"] else ("attempt", "reference")
            what = f"The {video} video never comes close to the pose in the {photo} photo"
        return [
            {
                "code": "unrelated",
                "message": f"{what} (their joint angles are {similarity:.0f}/100 alike at the closest); the score "
                "compares unrelated poses. Check that the reference and the attempt are the right files.",
            }
        ]
    if not low <= tempo_ratio <= high:
        why = (
            f"lining them up would need the attempt to be danced at {tempo_ratio:.2f} times the reference's speed"
            if tempo_ratio > 0
            else "no stretch of the reference follows the attempt"
        )
    else:
        why = f"their joint angles are {similarity:.0f}/100 alike even at the best alignment"
    return [
        {
            "code": "unrelated",
            "message": f"These two videos do not look like the same dance ({why}); the score compares "
            "unrelated movements. Check that the reference and the attempt are the right files.",
        }
    ]


def with_names(result: dict[str, Any], reference: str, attempt: str) -> dict[str, Any]:
    """The comparison with the two videos' file names, as every front end reports it."""
    return {
        **result,
        "reference": {**result["reference"], "filename": reference},
        "attempt": {**result["attempt"], "filename": attempt},
    }

"""Who is who between frames: body boxes, the same-body test, the matching of new people
to people lost a moment ago, and the black-out that lets the detector see past the people
already found.

Everything is in pixels of the picture (x right, y down), so that a distance means the
same across a landscape or portrait frame. A body's scale is its torso (shoulder centre
to hip centre), which, unlike its box, does not change when it raises its arms or turns.
"""

from __future__ import annotations

import numpy as np

from .detect import iou

# BlazePose's indices: shoulders and hips, the points that move least relative to each other.
TORSO = (11, 12, 23, 24)
SHOULDERS = (11, 12)
HIPS = (23, 24)
MIN_VISIBILITY = 0.5
# Torso points of two skeletons closer than this (in torso lengths, median of the four)
# are one body: two people side by side are a shoulder width (~0.7 torso) or more apart
# at some torso point, while the model run twice on one body lands within ~0.1.
SAME_BODY = 0.35
# A lost person is looked for within REACH torso lengths of where they were last seen,
# plus SPEED torso lengths per second of absence (a dancer covers about two metres a
# second, four torsos; a panning camera adds to it).
REACH = 1.5
SPEED = 4.0
FORBIDDEN = 1e6
# From one analysed frame to the next a torso on screen changes size a little (it leans,
# steps nearer); a crop that has slid onto a person nearer or further changes at once.
MAX_SIZE_CHANGE = 1.5


def to_pixels(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """(..., 33, 4) normalised landmarks as (..., 33, 2) pixels."""
    return np.asarray(image[..., :2], np.float64) * np.array([width, height], np.float64)


def body_box(points: np.ndarray, visibility: np.ndarray | None = None) -> np.ndarray:
    """(4,) box xmin, ymin, xmax, ymax around one skeleton's (33, 2) points, the visible
    ones when ``visibility`` says which (all if fewer than two are): where the body is,
    for the black-out and the result."""
    if visibility is not None and np.count_nonzero(visibility >= MIN_VISIBILITY) >= 2:
        points = points[visibility >= MIN_VISIBILITY]
    return np.concatenate([points.min(axis=0), points.max(axis=0)])


def torso_length(points: np.ndarray) -> float:
    """Shoulder centre to hip centre in pixels, of (33, 2) pixel landmarks (at least 1)."""
    shoulders = points[list(SHOULDERS)].mean(axis=0)
    hips = points[list(HIPS)].mean(axis=0)
    return max(float(np.linalg.norm(shoulders - hips)), 1.0)


def hip_centre(points: np.ndarray) -> np.ndarray:
    return np.asarray(points[list(HIPS)].mean(axis=0), np.float64)


def body_distance(a: np.ndarray, b: np.ndarray) -> float:
    """How far apart two (33, 2) pixel skeletons are, in torso lengths (the larger torso):
    the median over the torso points, so one misplaced point does not split a body."""
    scale = max(torso_length(a), torso_length(b))
    gaps = np.linalg.norm(a[list(TORSO)] - b[list(TORSO)], axis=1)
    return float(np.median(gaps) / scale)


def same_body(a: np.ndarray, b: np.ndarray, threshold: float = SAME_BODY) -> bool:
    return body_distance(a, b) < threshold


def match_lost(
    lost_points: list[np.ndarray],
    lost_gap: list[float],
    new_points: list[np.ndarray],
    reach: float = REACH,
    speed: float = SPEED,
) -> list[tuple[int, int]]:
    """Pairs (lost, new) of people who are probably one person seen again.

    The cost is how far the new body's hip centre is from where the lost one was last
    seen, in the lost one's torso lengths, plus the torso's change of size (someone far
    off who stepped into the place of someone near is not them). A pair is allowed when
    the distance is within ``reach`` plus ``speed`` times the gap in seconds; the pairing
    is one to one with the least total cost (Hungarian method). Where a lost person was
    heading is not used: their last steps are often the crop sliding off them.
    """
    if not lost_points or not new_points:
        return []
    cost = np.full((len(lost_points), len(new_points)), FORBIDDEN)
    for i, (old, gap) in enumerate(zip(lost_points, lost_gap, strict=True)):
        scale = torso_length(old)
        for j, new in enumerate(new_points):
            distance = float(np.linalg.norm(hip_centre(new) - hip_centre(old))) / scale
            if distance <= reach + speed * gap:
                cost[i, j] = distance + abs(np.log(torso_length(new) / scale))
    from scipy.optimize import linear_sum_assignment  # late, beside the reading: see dance_analyzer.preload

    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if cost[r, c] < FORBIDDEN]


def slid(before: np.ndarray, after: np.ndarray, max_change: float = MAX_SIZE_CHANGE) -> bool:
    """Whether a crop followed from one frame to the next has slid onto another body: the
    torso on screen grew or shrank by more than ``max_change`` at once, which one body
    does not do between frames but a neighbour nearer or further from the camera does."""
    return abs(np.log(torso_length(after) / torso_length(before))) > np.log(max_change)


def share_inside(a: np.ndarray, b: np.ndarray) -> float:
    """How much of box ``a`` (x0, y0, x1, y1) lies inside box ``b``, 0 to 1."""
    low, high = np.maximum(a[:2], b[:2]), np.minimum(a[2:], b[2:])
    area = float(np.prod(np.clip(a[2:] - a[:2], 0, None)))
    return float(np.prod(np.clip(high - low, 0, None))) / area if area > 0 else 1.0


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(iou(np.asarray(a, np.float64), np.asarray(b, np.float64)[None])[0])


def black_out(picture: np.ndarray, boxes: list[np.ndarray], margin: float) -> np.ndarray:
    """A copy of the picture with each pixel box, grown by ``margin`` of its size on every
    side, painted black: the letterbox's own "nothing here", so the detector, which tends
    to report the most prominent person only, reports someone else next time."""
    out = picture.copy()
    height, width = picture.shape[:2]
    for box in boxes:
        grow = margin * (box[2:] - box[:2])
        x0, y0 = np.floor(np.maximum(box[:2] - grow, 0)).astype(int)
        x1, y1 = np.ceil(np.minimum(box[2:] + grow, [width, height])).astype(int)
        if x1 > x0 and y1 > y0:
            out[y0:y1, x0:x1] = 0
    return out

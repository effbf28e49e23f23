"""The feature table's machinery: the body every feature reads, and the registry that
turns a decorated function into a named feature with its unit.

Features register themselves per side (``_sided``) or for the whole body (``_unsided``);
``compute_features`` runs every registered one, so a new feature is one function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..pose.landmarks import Landmark as L
from .geometry import _SIDE, IN_FRAME_MARGIN, UP, in_frame, norm

# ---------------------------------------------------------------- feature table


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    sided: bool
    unit: str
    description: str


@dataclass
class FeatureTable:
    """Feature values and visibilities, each a (T,) array keyed by column name."""

    values: dict[str, np.ndarray]
    visibility: dict[str, np.ndarray]
    # (T, 45) the body as one point (``features.embedding``), for poses known by their
    # likeness to labelled examples.
    embedding: np.ndarray

    def __len__(self) -> int:
        return len(next(iter(self.values.values()))) if self.values else 0


class _Body:
    """Landmark arrays of T frames with the derived axes that several features share."""

    def __init__(self, image: np.ndarray, world: np.ndarray) -> None:
        self.world = world.astype(np.float64)
        # A landmark outside the picture was guessed, whatever visibility the model gives it:
        # legs cut off by the frame must not make leg poses.
        self.vis = np.where(in_frame(image), image[..., 3], 0.0).astype(np.float64)
        # ...but one below the bottom edge is certainly lower than anything in the picture.
        self.below_picture = image[..., 1] > 1 + IN_FRAME_MARGIN
        w = self.world
        self.mid_shoulder = (w[:, L.LEFT_SHOULDER] + w[:, L.RIGHT_SHOULDER]) / 2
        self.mid_hip = (w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]) / 2
        self.torso_up = self.mid_shoulder - self.mid_hip
        self.torso_length = norm(self.torso_up)
        self.shoulder_width = norm(w[:, L.LEFT_SHOULDER] - w[:, L.RIGHT_SHOULDER])
        legs = [
            norm(w[:, s["hip"]] - w[:, s["knee"]]) + norm(w[:, s["knee"]] - w[:, s["ankle"]]) for s in _SIDE.values()
        ]
        self.leg_length = (legs[0] + legs[1]) / 2

    def p(self, side: str, part: str) -> np.ndarray:
        return self.world[:, _SIDE[side][part]]

    def v(self, *indices: int) -> np.ndarray:
        return self.vis[:, list(indices)].min(axis=1)

    def sv(self, side: str, *parts: str) -> np.ndarray:
        return self.v(*(_SIDE[side][part] for part in parts))

    def sole(self, side: str) -> np.ndarray:
        """Height of the lowest point of a foot (ankle, heel or toes)."""
        return np.min([self.height(self.p(side, part)) for part in ("ankle", "heel", "foot_index")], axis=0)

    def height(self, point: np.ndarray) -> np.ndarray:
        """Height along the picture's vertical, in metres (up is positive)."""
        return point @ UP

    def floor(self) -> np.ndarray:
        """Height of the body's lowest point (shoulders down): where the floor is, in a still."""
        # Whatever rests on the floor (feet, knees, seat, back, hands) is the lowest part of
        # the body; the face is left out so that a bowed head does not count as the floor.
        return np.min(self.world[:, L.LEFT_SHOULDER :] @ UP, axis=1)

    def facing(self) -> np.ndarray:
        """(T, 3) unit vector of the way the pelvis faces, level with the floor."""
        # Across the hips and up the body span the pelvis's plane; the normal points front
        # or back, and the nose (in front of the shoulders) says which.
        across = self.p("left", "hip") - self.p("right", "hip")
        normal = np.cross(across, np.broadcast_to(UP, across.shape))
        nose = self.world[:, L.NOSE] - self.mid_shoulder
        sign = np.where(np.sum(normal * nose, axis=-1) < 0, -1.0, 1.0)
        unit = normal / np.maximum(norm(normal), 1e-9)[:, None]
        return unit * sign[:, None]


SidedFn = Callable[[_Body, str], tuple[np.ndarray, np.ndarray]]
BodyFn = Callable[[_Body], tuple[np.ndarray, np.ndarray]]


def side_difference(feature: SidedFn, b: _Body) -> tuple[np.ndarray, np.ndarray]:
    """How far apart the two sides of a per-side feature are, |left - right|, known only as
    well as the worse-seen side."""
    left, vis_left = feature(b, "left")
    right, vis_right = feature(b, "right")
    return np.abs(left - right), np.minimum(vis_left, vis_right)


_SIDED: dict[str, tuple[FeatureSpec, SidedFn]] = {}
_UNSIDED: dict[str, tuple[FeatureSpec, BodyFn]] = {}


def _claim(name: str) -> None:
    """Refuse a second feature of the same name: the later one would silently replace the
    earlier for every pose rule, while both still read as defined."""
    if name in _SIDED or name in _UNSIDED:
        raise ValueError(f"feature {name!r} is defined twice")


def _sided(unit: str) -> Callable[[SidedFn], SidedFn]:
    def register(fn: SidedFn) -> SidedFn:
        _claim(fn.__name__)
        spec = FeatureSpec(fn.__name__, True, unit, (fn.__doc__ or "").strip().splitlines()[0])
        _SIDED[fn.__name__] = (spec, fn)
        return fn

    return register


def _unsided(unit: str) -> Callable[[BodyFn], BodyFn]:
    def register(fn: BodyFn) -> BodyFn:
        _claim(fn.__name__)
        spec = FeatureSpec(fn.__name__, False, unit, (fn.__doc__ or "").strip().splitlines()[0])
        _UNSIDED[fn.__name__] = (spec, fn)
        return fn

    return register

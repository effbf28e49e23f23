"""Pose definitions: loading and validating the declarative pose file.

Poses are data so that a dancer or teacher can read, tune and add them without
touching Python. The file is validated when loaded, with errors that name the pose
and the field, because a typo in a threshold is otherwise a silent wrong answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from ..features import FEATURES
from ..features.embedding import SIZE
from ..pose.landmarks import MIN_VISIBILITY
from .examples import WITHIN, Likeness, load_bank
from .safe_yaml import load_yaml

SIDE_MODES = ("both", "either", "one", "seen", "left", "right")


class DefinitionError(ValueError):
    """The pose file is malformed; the message says where."""


@dataclass(frozen=True)
class Bound:
    """``low <= feature <= high``."""

    feature: str
    low: float
    high: float

    def describe(self) -> str:
        lo = "" if math.isinf(self.low) else f"{self.low:g}"
        hi = "" if math.isinf(self.high) else f"{self.high:g}"
        return f"{self.feature} in [{lo}, {hi}]"


@dataclass(frozen=True)
class Condition:
    """Bounds that must hold together; for per-side features, on the same body side.

    ``side`` says how the two sides combine (see ``SIDE_MODES``); it is None for a
    whole-body feature, which has a single bound.
    """

    bounds: tuple[Bound, ...]
    side: str | None = None

    def describe(self) -> str:
        text = " and ".join(b.describe() for b in self.bounds)
        if self.side is None:
            return text
        return f"{self.side} side{'s' if self.side == 'both' else ''}: {text}"


@dataclass(frozen=True)
class PoseDefinition:
    name: str
    priority: int
    description: str
    conditions: tuple[Condition, ...]
    unless: tuple[str, ...] = ()
    # Other ways the pose can hold (``or_when``): each all of its conditions, instead of
    # ``conditions``. One body position often has several honest descriptions (kneeling
    # upright, sitting back on the heels, a low lunge with the back knee down).
    alternatives: tuple[tuple[Condition, ...], ...] = ()
    # Overrides the set's min_visibility for this pose's features (e.g. a lifted foot is
    # often half hidden against the other leg).
    min_visibility: float | None = None
    # ``examples``: the pose also needs most of this many nearest labelled bodies of the
    # example bank to show it (``labels.examples``); None: the conditions alone decide.
    neighbours: int | None = None
    # ``examples: {bodies: [...]}``: a user's pose also needs the body close to one of its
    # own examples.
    likeness: Likeness | None = None
    # ``examples: {..., combine: or}``: the examples are enough alone, as the conditions are
    # (a second way to hold); by default ("and") the pose needs both.
    combine: Literal["and", "or"] = "and"


@dataclass(frozen=True)
class PoseSet:
    poses: tuple[PoseDefinition, ...]  # highest priority first
    min_visibility: float = MIN_VISIBILITY
    source: str = field(default="", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.poses)

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_visibility": self.min_visibility,
            "poses": [
                {
                    "name": p.name,
                    "priority": p.priority,
                    "description": p.description,
                    "conditions": [c.describe() for c in p.conditions],
                    **(
                        {"or_conditions": [[c.describe() for c in alt] for alt in p.alternatives]}
                        if p.alternatives
                        else {}
                    ),
                    "unless": list(p.unless),
                    **({"min_visibility": p.min_visibility} if p.min_visibility is not None else {}),
                    **(
                        {"examples": {"neighbours": p.neighbours, **_combine_shown(p)}}
                        if p.neighbours is not None
                        else {}
                    ),
                    **({"examples": {**p.likeness.to_dict(), **_combine_shown(p)}} if p.likeness is not None else {}),
                }
                for p in self.poses
            ],
        }


def _combine_shown(pose: PoseDefinition) -> dict[str, str]:
    return {"combine": pose.combine} if pose.combine != "and" else {}


def _parse_alternatives(raw: Any, where: str) -> tuple[tuple[Condition, ...], ...]:
    """``or_when``: one mapping of conditions, or a list of them (each a way to hold)."""
    if isinstance(raw, list):
        if not raw:
            raise DefinitionError(f"{where}: 'or_when' is a mapping of conditions or a non-empty list of them")
        return tuple(_parse_conditions(alt, f"{where}, or_when #{i + 1}") for i, alt in enumerate(raw))
    return (_parse_conditions(raw, f"{where}, or_when"),)


def _parse_range(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise DefinitionError(f"{where}: a range is a list [low, high] (use null for open)")
    low, high = (-math.inf if value[0] is None else value[0], math.inf if value[1] is None else value[1])
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise DefinitionError(f"{where}: range bounds must be numbers or null, got {bound!r}")
        if math.isnan(bound) or (math.isinf(bound) and bound in value):
            raise DefinitionError(f"{where}: range bounds must be finite numbers (null for open), got {bound!r}")
    if low > high:
        raise DefinitionError(f"{where}: empty range [{value[0]}, {value[1]}]")
    return float(low), float(high)


def _sided_bounds(group: Any, where: str) -> tuple[Bound, ...]:
    if not isinstance(group, dict) or not group:
        raise DefinitionError(f"{where}: expected per-side features mapped to [low, high] ranges")
    bounds = []
    for feature, rng in group.items():
        at = f"{where}, feature '{feature}'"
        _check_feature(feature, at)
        if not FEATURES[feature].sided:
            raise DefinitionError(f"{at}: a whole-body feature cannot take a side")
        bounds.append(Bound(feature, *_parse_range(rng, at)))
    return tuple(bounds)


def _check_feature(feature: str, where: str) -> None:
    if feature not in FEATURES:
        raise DefinitionError(f"{where}: unknown feature (known: {', '.join(sorted(FEATURES))})")


def _parse_conditions(when: Any, where: str) -> tuple[Condition, ...]:
    """Parse a ``when`` block; each key is a feature or a side rule over a group.

    ``torso_tilt: [0, 20]``                        whole-body feature
    ``knee_angle: {both: [null, 130]}``            one per-side feature
    ``one: {arm_elevation: [120, null], ...}``     per-side features on the same side
    """
    if not isinstance(when, dict) or not when:
        raise DefinitionError(f"{where}: 'when' must map feature names to ranges")
    conditions = []
    for key, spec in when.items():
        at = f"{where}, '{key}'"
        if key in SIDE_MODES:
            conditions.append(Condition(_sided_bounds(spec, at), side=key))
            continue
        _check_feature(key, at)
        if FEATURES[key].sided:
            if not isinstance(spec, dict) or not spec:
                raise DefinitionError(
                    f"{at}: a per-side feature needs a side, e.g. {{both: [low, high]}} "
                    f"with one of {', '.join(SIDE_MODES)}"
                )
            for side, rng in spec.items():
                if side not in SIDE_MODES:
                    raise DefinitionError(f"{at}: unknown side '{side}' (use {', '.join(SIDE_MODES)})")
                conditions.append(Condition((Bound(key, *_parse_range(rng, at)),), side=side))
        else:
            if isinstance(spec, dict):
                raise DefinitionError(f"{at}: a whole-body feature takes a plain [low, high] range")
            conditions.append(Condition((Bound(key, *_parse_range(spec, at)),)))
    return tuple(conditions)


def _number(value: Any) -> bool:
    """A finite int or float (YAML's true and false are not numbers)."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _visibility(value: Any, where: str) -> float:
    if not _number(value) or not 0 <= value <= 1:
        raise DefinitionError(f"{where}: min_visibility must be a number in [0, 1]")
    return float(value)


# A name is shown in timelines, overlays, CSV columns and URLs (``DELETE /poses/{name}``):
# an ASCII identifier, short enough to read.
POSE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
MAX_DESCRIPTION = 500

POSE_KEYS = {"name", "priority", "description", "when", "or_when", "unless", "min_visibility", "examples"}


MAX_BODIES = 200
EXAMPLES_FORMS = (
    "'examples' is either {neighbours: N} with N from 1 to 51 (a built-in pose, voted on by the corpus's "
    "labelled bodies) or {bodies: [...], within: 0.4, mirrored: false} (your own examples, as "
    "/poses/learn?by=likeness gives them); either may add combine: and (the default: conditions and "
    "examples both) or combine: or (either is enough)"
)


def _examples(
    value: Any, name: str, where: str, has_conditions: bool
) -> tuple[int | None, Likeness | None, Literal["and", "or"]]:
    """The ``examples`` key: the bank's vote (``neighbours``) or the pose's own bodies, and
    how they combine with the pose's conditions."""
    combine: Literal["and", "or"] = "and"
    if isinstance(value, dict) and "combine" in value:
        value = dict(value)
        given = value.pop("combine")
        if given not in ("and", "or"):
            raise DefinitionError(f"{where}: 'examples: combine' is 'and' (both needed) or 'or' (either is enough)")
        combine = "or" if given == "or" else "and"
        if combine == "or" and not has_conditions:
            raise DefinitionError(f"{where}: 'examples: combine: or' needs conditions ('when') to combine with")
    if isinstance(value, dict) and "bodies" in value:
        return None, _likeness(value, where), combine
    return _neighbours(value, name, where), None, combine


def _neighbours(value: Any, name: str, where: str) -> int:
    """``examples: {neighbours: 7}``, for a pose the example bank has labelled bodies of."""
    count = value.get("neighbours") if isinstance(value, dict) and set(value) == {"neighbours"} else None
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 51:
        raise DefinitionError(f"{where}: {EXAMPLES_FORMS}")
    bank = load_bank()
    if name not in bank.poses or not (bank.labels[:, bank.poses.index(name)] == 1).any():
        raise DefinitionError(
            f"{where}: 'examples: {{neighbours: N}}' needs labelled bodies of '{name}' in the example bank, "
            "which has them for: " + ", ".join(bank.poses) + "; a pose of your own gives its own 'bodies'"
        )
    return count


def _likeness(value: dict[str, Any], where: str) -> Likeness:
    """``examples: {bodies: [[45 numbers], ...], within: 0.4, mirrored: false}``."""
    unknown = set(value) - {"bodies", "within", "mirrored"}
    if unknown:
        raise DefinitionError(f"{where}: unknown keys in 'examples': {sorted(unknown)}; {EXAMPLES_FORMS}")
    bodies = value["bodies"]
    if not isinstance(bodies, list) or not 1 <= len(bodies) <= MAX_BODIES:
        raise DefinitionError(f"{where}: 'examples: bodies' must be a list of 1 to {MAX_BODIES} bodies")
    for i, body in enumerate(bodies):
        if not isinstance(body, list) or len(body) != SIZE or not all(_number(v) and abs(v) <= 10 for v in body):
            raise DefinitionError(
                f"{where}: examples body #{i + 1} must be {SIZE} numbers (15 joints' x, y, z in torso lengths, "
                "as /poses/learn?by=likeness gives them)"
            )
    within = value.get("within", WITHIN)
    if not _number(within) or not 0 < within <= 2:
        raise DefinitionError(f"{where}: 'examples: within' must be a distance in torso lengths, above 0 and at most 2")
    mirrored = value.get("mirrored", False)
    if not isinstance(mirrored, bool):
        raise DefinitionError(f"{where}: 'examples: mirrored' must be true or false")
    return Likeness(tuple(tuple(float(v) for v in body) for body in bodies), float(within), mirrored)


def parse_definitions(data: Any, source: str = "<data>") -> PoseSet:
    if not isinstance(data, dict) or "poses" not in data:
        raise DefinitionError(f"{source}: expected a mapping with a 'poses' list")
    min_visibility = _visibility(data.get("min_visibility", MIN_VISIBILITY), source)
    raw_poses = data["poses"]
    if not isinstance(raw_poses, list) or not raw_poses:
        raise DefinitionError(f"{source}: 'poses' must be a non-empty list")

    poses: list[PoseDefinition] = []
    seen_priorities: dict[int, str] = {}
    for i, raw in enumerate(raw_poses):
        if not isinstance(raw, dict):
            raise DefinitionError(f"{source}: pose #{i + 1} must be a mapping")
        name = raw.get("name")
        if not isinstance(name, str) or not POSE_NAME.fullmatch(name):
            raise DefinitionError(
                f"{source}: pose #{i + 1} needs a name like 'arms_up' (letters, digits and _, at most 64)"
            )
        where = f"{source}: pose '{name}'"
        unknown = set(raw) - POSE_KEYS
        if unknown:
            raise DefinitionError(f"{where}: unknown keys {sorted(unknown)}")
        if name in {p.name for p in poses}:
            raise DefinitionError(f"{where}: duplicate name")
        priority = raw.get("priority")
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise DefinitionError(f"{where}: priority must be an integer")
        if priority in seen_priorities:
            raise DefinitionError(
                f"{where}: priority {priority} is also used by '{seen_priorities[priority]}'; "
                "priorities decide the primary pose and must differ"
            )
        seen_priorities[priority] = name
        neighbours, likeness, combine = (
            _examples(raw["examples"], name, where, "when" in raw) if "examples" in raw else (None, None, "and")
        )
        description = str(raw.get("description", "")).strip()
        if len(description) > MAX_DESCRIPTION:
            raise DefinitionError(f"{where}: the description is longer than {MAX_DESCRIPTION} characters")
        unless = raw.get("unless", [])
        if not isinstance(unless, list) or not all(isinstance(u, str) for u in unless):
            raise DefinitionError(f"{where}: 'unless' must be a list of pose names")
        poses.append(
            PoseDefinition(
                name=name,
                priority=priority,
                description=description,
                conditions=_parse_conditions(raw.get("when"), where) if "when" in raw or "examples" not in raw else (),
                alternatives=_parse_alternatives(raw["or_when"], where) if "or_when" in raw else (),
                unless=tuple(unless),
                min_visibility=_visibility(raw["min_visibility"], where) if "min_visibility" in raw else None,
                neighbours=neighbours,
                likeness=likeness,
                combine=combine,
            )
        )

    names = {p.name for p in poses}
    for pose in poses:
        for other in pose.unless:
            if other not in names or other == pose.name:
                raise DefinitionError(f"{source}: pose '{pose.name}': 'unless' names unknown pose '{other}'")
    poses.sort(key=lambda p: p.priority, reverse=True)
    return PoseSet(poses=tuple(poses), min_visibility=min_visibility, source=source)


def read_definitions(
    path: Path | None = None, *, package: str = "dance_analyzer.labels", built_in: str = "poses.yaml"
) -> tuple[Any, str]:
    """The parsed YAML of a definitions file (the built-in one, ``built_in`` in ``package``,
    when no path is given: the poses unless told otherwise) and the name errors should use
    for it; not validated yet."""
    if path is None:
        text = resources.files(package).joinpath(built_in).read_text("utf-8")
        source = built_in
    else:
        text = Path(path).read_text("utf-8")
        source = Path(path).name
    try:
        return load_yaml(text), source
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{source}: not valid YAML: {yaml_problem(exc)}") from exc


def yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's error in one line: the problem and where (its own text spans several)."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else str(problem)


def load_definitions(path: Path | None = None) -> PoseSet:
    """Load and validate a pose file, or the built-in ``poses.yaml`` when no path is given."""
    return parse_definitions(*read_definitions(path))

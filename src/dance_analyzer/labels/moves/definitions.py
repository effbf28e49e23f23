"""Move definitions: loading and validating the declarative move file (``moves.yaml``).

Every threshold a move detector uses is a field of that detector's parameters
dataclass, and the file may set any of them: the dataclass is the schema, so a new
threshold in code is tunable from the file with no further work. Values are checked
when loaded, with errors that name the move and the key, because a typo in a threshold
is otherwise a silent wrong answer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..definitions import DefinitionError, read_definitions
from . import floor, jump, kick, rhythm, step, turn
from .events import Move
from .signals import Motion

Detector = Callable[[Motion, Any], list[Move]]

# Each kind of move: its parameters (the file's schema) and its detector, in the order
# moves are reported when they start together.
KINDS: dict[str, tuple[type, Detector]] = {
    "turn": (turn.TurnParams, turn.detect),
    "jump": (jump.JumpParams, jump.detect),
    "kick": (kick.KickParams, kick.detect),
    "step": (step.StepParams, step.detect),
    "sway": (rhythm.RhythmParams, rhythm.detect_sway),
    "bounce": (rhythm.RhythmParams, rhythm.detect_bounce),
    "floor_work": (floor.FloorParams, floor.detect),
}


@dataclass(frozen=True)
class MoveDefinition:
    name: str
    description: str
    params: Any  # the kind's parameters dataclass
    enabled: bool = True

    def detect(self, motion: Motion) -> list[Move]:
        """The moves of this kind, each within one shot unless the kind reads across cuts."""
        detector = KINDS[self.name][1]
        if getattr(self.params, "across_cuts", False):
            return detector(motion, self.params)
        return [m for shot in motion.shots() for m in detector(shot, self.params)]

    def to_dict(self) -> dict[str, Any]:
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self.params).items()}
        return {"name": self.name, "description": self.description, "enabled": self.enabled, "thresholds": params}


@dataclass(frozen=True)
class MoveSet:
    moves: tuple[MoveDefinition, ...]
    source: str = field(default="", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.moves)


def _value(name: str, key: str, value: Any, default: Any) -> Any:
    where = f"move '{name}', {key}"
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise DefinitionError(f"{where}: expected a list of names, got {value!r}")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise DefinitionError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DefinitionError(f"{where}: expected a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise DefinitionError(f"{where}: must be a finite number of at least 0, got {value!r}")
    return float(value)


def _parse_move(name: str, spec: Any, base: MoveDefinition | None = None) -> MoveDefinition:
    if name not in KINDS:
        raise DefinitionError(f"unknown move '{name}': the detectors are {', '.join(KINDS)}")
    if not isinstance(spec, dict):
        raise DefinitionError(f"move '{name}': expected a mapping of thresholds")
    params_type = KINDS[name][0]
    defaults = base.params if base is not None else params_type()
    known = {f.name for f in dataclasses.fields(params_type)}
    values = {}
    for key, value in spec.items():
        if key in ("description", "enabled"):
            continue
        if key not in known:
            raise DefinitionError(f"move '{name}': unknown key '{key}' (known: {', '.join(sorted(known))})")
        values[key] = _value(name, key, value, getattr(defaults, key))
    description = spec.get("description", base.description if base is not None else "")
    enabled = spec.get("enabled", True)
    if not isinstance(description, str) or not isinstance(enabled, bool):
        raise DefinitionError(f"move '{name}': description must be text and enabled true or false")
    return MoveDefinition(name, description.strip(), dataclasses.replace(defaults, **values), enabled)


def parse_moves(data: Any, source: str = "<data>", base: MoveSet | None = None) -> MoveSet:
    """Validate a move file. What it leaves out (a kind, a threshold, a description) comes
    from ``base`` (a user's file: the built-in one), else from the detectors' own defaults."""
    if not isinstance(data, dict) or not isinstance(data.get("moves"), dict):
        raise DefinitionError(f"{source}: expected a mapping with a 'moves' mapping")
    inherited = {m.name: m for m in base.moves} if base is not None else {}
    try:
        parsed = {name: _parse_move(str(name), spec, inherited.get(str(name))) for name, spec in data["moves"].items()}
    except DefinitionError as exc:
        raise DefinitionError(f"{source}: {exc}") from exc
    # A short file tunes a few thresholds: the kinds it leaves out stay as they were.
    moves = tuple(
        parsed.get(name) or inherited.get(name) or MoveDefinition(name, "", KINDS[name][0]()) for name in KINDS
    )
    return MoveSet(moves=moves, source=source)


def load_moves(path: Path | None = None) -> MoveSet:
    """Load and validate a move file, or the built-in ``moves.yaml`` when no path is given;
    a user's file changes the built-in moves only where it says so."""
    data, source = read_definitions(path, package="dance_analyzer.labels.moves", built_in="moves.yaml")
    return parse_moves(data, source, base=None if path is None else load_moves())

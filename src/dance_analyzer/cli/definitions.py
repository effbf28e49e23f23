"""The commands about definitions: show the poses and moves in use (or a file's, checked),
and learn a pose from an example, printed as a pose file to review."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import AnalysisError
from .commands import failed
from .console import print_text, silence_native_stderr
from .files import (
    EXIT_BAD_DEFINITIONS,
    EXIT_MISSING_INPUT,
    InputProblem,
    after_name,
    as_file,
    error,
    os_problem,
    poses_from,
    readable_input,
    write_output,
)


def learn(args: argparse.Namespace) -> int:
    """A pose definition from one example, as YAML to review and then add to a pose file
    (``DANCE_POSES_FILE``) or POST to a server's ``/poses``."""
    if not args.verbose:
        silence_native_stderr()
    path = Path(args.example)
    if not readable_input(path):
        error(f"{path}: is a directory, not a picture" if path.is_dir() else f"{path}: no such file")
        return EXIT_MISSING_INPUT
    from ..labels.definitions import POSE_NAME

    if not POSE_NAME.fullmatch(args.name):
        error(f"--name {args.name!r}: the name must be a Python-style identifier (at most 64), e.g. my_arabesque")
        return 2
    from ..config import get_settings
    from ..media.video import Limits
    from ..pipeline import learn_pose
    from ..pose.models import check_installed
    from ..workers.inline import InlineReader

    settings = get_settings()
    try:
        pose_set = poses_from(settings.poses_file)
        with (
            InlineReader(limits=Limits.from_settings(settings)) as reader,
            as_file(path, settings.max_upload_bytes) as example,
        ):
            learned = learn_pose(
                example, reader=reader, name=args.name, time_s=args.time, description=args.description, by=args.by,
                priority=max(p.priority for p in pose_set.poses) + 10,  # a learned pose is specific: it wins
                min_visibility=pose_set.min_visibility, model=check_installed(args.model or settings.model),
            )  # fmt: skip
        if args.into is not None:
            return write_output(_merged_into(Path(args.into), learned["definition"], args.by), args.into)
    except InputProblem as exc:
        error(str(exc))
        return exc.code
    except AnalysisError as exc:
        return failed(exc, path)
    return write_output(learned["yaml"].rstrip("\n"), args.output)


def _merged_into(target: Path, definition: dict[str, Any], by: str) -> str:
    """The pose file ``target`` (new if absent) with the learned pose in it, validated: a pose
    of that name known by its own bodies gains this body (``--by likeness``); another pose of
    that name is replaced; a new one goes above every pose in the file."""
    from ..labels.definitions import DefinitionError, parse_definitions, read_definitions
    from ..labels.library import with_more_bodies
    from ..labels.safe_yaml import dump_yaml

    try:
        data = read_definitions(target)[0] if target.exists() else {"poses": []}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputProblem(os_problem(target, exc), EXIT_MISSING_INPUT) from None
    except DefinitionError as exc:
        raise InputProblem(f"{target}: {after_name(str(exc), target)}", EXIT_BAD_DEFINITIONS) from None
    if not isinstance(data, dict) or not isinstance(data.get("poses"), list):
        raise InputProblem(f"{target}: expected a mapping with a 'poses' list", EXIT_BAD_DEFINITIONS)
    poses = [p for p in data["poses"] if not (isinstance(p, dict) and p.get("name") == definition["name"])]
    old = next((p for p in data["poses"] if isinstance(p, dict) and p.get("name") == definition["name"]), None)
    taught = with_more_bodies(old, definition["examples"]["bodies"]) if old is not None and by == "likeness" else None
    if taught is not None:
        definition = taught
    elif old is not None:
        definition = {**definition, "priority": old.get("priority", definition["priority"])}
    else:
        priorities = [p.get("priority") for p in poses if isinstance(p, dict) and isinstance(p.get("priority"), int)]
        definition = {**definition, "priority": max([definition["priority"] - 10, *priorities]) + 10}
    merged = {**data, "poses": [*poses, definition]}
    try:
        parse_definitions(merged, target.name)
    except DefinitionError as exc:
        raise InputProblem(f"{target}: {after_name(str(exc), target)}", EXIT_BAD_DEFINITIONS) from None
    text = dump_yaml(merged)
    assert text is not None
    return text.rstrip("\n")


def poses(args: argparse.Namespace) -> int:
    from ..config import get_settings
    from ..features import FEATURES

    try:
        pose_set = poses_from(Path(args.file) if args.file else get_settings().poses_file)
    except InputProblem as exc:
        error(str(exc))
        return exc.code
    for pose in pose_set.poses:
        print(f"{pose.name:14} priority {pose.priority:3}  {pose.description}")
        for cond in pose.conditions:
            print(f"{'':18}{cond.describe()}")
        for alternative in pose.alternatives:
            print(f"{'':18}or when:")
            for cond in alternative:
                print(f"{'':20}{cond.describe()}")
        joined = "or" if pose.combine == "or" else "and"
        if pose.neighbours is not None:
            print(f"{'':18}{joined} like most of its {pose.neighbours} nearest labelled bodies in the corpus")
        if (like := pose.likeness) is not None:
            mirrored = ", or their mirror images" if like.mirrored else ""
            bodies = f"{len(like.bodies)} example bodies{mirrored}"
            print(f"{'':18}{joined} within {like.within:g} torso lengths of one of its {bodies}")
        if pose.unless:
            print(f"{'':18}unless: {', '.join(pose.unless)}")
    print("\nfeatures:")
    for spec in FEATURES.values():
        side = "per side" if spec.sided else "whole body"
        print(f"  {spec.name:20} {side:10} {spec.unit:20} {spec.description}")
    return 0


def _threshold(value: Any) -> str:
    """A move threshold as the move file writes it: names, true/false, or a number."""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}"


def moves(args: argparse.Namespace) -> int:
    """The move definitions in use (or a move file's, checked): what each is and its thresholds."""
    from ..config import get_settings
    from ..labels.definitions import DefinitionError
    from ..labels.moves import load_moves

    path = Path(args.file) if args.file else get_settings().moves_file
    try:
        move_set = load_moves(path)
    except (OSError, UnicodeDecodeError) as exc:
        assert path is not None
        error(os_problem(path, exc))
        return EXIT_MISSING_INPUT
    except DefinitionError as exc:
        error(f"{path}: {after_name(str(exc), path)}" if path is not None else str(exc))
        return EXIT_BAD_DEFINITIONS
    lines = [f"moves from {move_set.source}"]
    for move in move_set.moves:
        definition = move.to_dict()
        state = "" if definition["enabled"] else "  (disabled)"
        lines += ["", f"{move.name}{state}", f"  {definition['description'] or '(no description)'}"]
        lines += [f"    {key:22} {_threshold(value)}" for key, value in definition["thresholds"].items()]
    print_text("\n".join(lines))
    return 0

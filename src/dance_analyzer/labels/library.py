"""The poses in use: the built-in (or configured) file plus the user's own, kept under data_dir.

Users add poses without code: upload a definition (the same YAML as ``poses.yaml``),
or learn one from an example (:mod:`.learn`) and save it after reviewing it. Custom
poses belong to their owner (an API key's name): each owner sees the built-in poses
plus their own, kept in ``data_dir/custom_poses/<owner>.yaml`` (the server without
keys has one owner, "", in ``data_dir/custom_poses.yaml``). The API and the workers
share these files; every change is validated against the owner's whole merged set
first (unknown features, empty ranges, duplicate names or priorities are refused with
the message that says where), then written atomically. A change reads the owner's file
and writes it back under an exclusive lock on a file beside it, so two changes at once
(two teachers' examples for the same pose, from two server processes) both land.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from .definitions import DefinitionError, PoseSet, load_definitions, parse_definitions, read_definitions
from .safe_yaml import dump_yaml, load_yaml

log = logging.getLogger("dance_analyzer.poses")

CUSTOM_FILE = "custom_poses.yaml"
CUSTOM_DIR = "custom_poses"


def _file_name(owner: str) -> str:
    """A file name for any owner name: readable, and unique thanks to the hash."""
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", owner)[:40]
    return f"{readable}-{hashlib.sha256(owner.encode()).hexdigest()[:12]}.yaml"


def with_more_bodies(pose: dict[str, Any], bodies: list[Any]) -> dict[str, Any] | None:
    """A pose as written in a pose file, with more example bodies; None if it is not known
    by its own examples (``examples: {bodies: [...]}``)."""
    examples = pose.get("examples")
    if not isinstance(examples, dict) or not isinstance(examples.get("bodies"), list):
        return None
    return {**pose, "examples": {**examples, "bodies": [*examples["bodies"], *bodies]}}


class PoseLibrary:
    def __init__(self, base_file: Path | None, data_dir: Path) -> None:
        self.base_file = base_file
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float | None, PoseSet]] = {}

    def custom_file(self, owner: str = "") -> Path:
        return self.data_dir / CUSTOM_FILE if not owner else self.data_dir / CUSTOM_DIR / _file_name(owner)

    def _base_data(self) -> dict[str, Any]:
        data, _ = read_definitions(self.base_file)
        return data

    def custom(self, owner: str = "") -> list[dict[str, Any]]:
        path = self.custom_file(owner)
        if not path.exists():
            return []
        try:
            data = load_yaml(path.read_text("utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DefinitionError(f"{path.name}: not valid YAML: {exc}") from exc
        return list(data.get("poses", []))

    def current(self, owner: str = "") -> PoseSet:
        """The owner's merged pose set; re-read when another process changed their file."""
        path = self.custom_file(owner)
        mtime = path.stat().st_mtime if path.exists() else None
        with self._lock:
            cached = self._cache.get(owner)
            if cached is None or cached[0] != mtime:
                custom = self.custom(owner)
                poses = self._merge_saved(custom, owner) if custom else load_definitions(self.base_file)
                cached = self._cache[owner] = (mtime, poses)
            return cached[1]

    def _merge(self, custom: list[dict[str, Any]]) -> PoseSet:
        base = self._base_data()
        return parse_definitions({**base, "poses": [*base["poses"], *custom]}, "poses (built-in + custom)")

    def _merge_saved(self, saved: list[dict[str, Any]], owner: str, new: Sequence[dict[str, Any]] = ()) -> PoseSet:
        """The built-in poses, the owner's ``saved`` ones that still fit, and ``new`` ones (which
        must fit: their error is raised). A saved pose from older rules (a longer name), or
        whose priority a newer built-in pose took, is left out with a warning rather than
        stopping the server or every analysis; it stays in the file, to be mended or deleted.
        One parse when everything fits; the pose-by-pose search only when something does not."""
        try:
            return self._merge([*saved, *new])
        except DefinitionError:
            if not saved:
                raise
        try:
            self._merge(saved)
            usable = saved  # the new poses are what does not fit: the merge below says where
        except DefinitionError:
            usable = []
            for pose in saved:
                try:
                    self._merge([*usable, pose])
                    usable.append(pose)
                except DefinitionError as exc:
                    log.warning("custom pose of owner %r left out: %s", owner, exc)
        return self._merge([*usable, *new])

    def add(self, poses: Any, owner: str = "") -> PoseSet:
        """Add or replace the owner's custom poses by name (``poses``: as parsed from the
        user's YAML); DefinitionError if they are not a list of poses or the result is invalid."""
        if not isinstance(poses, list) or not poses:
            raise DefinitionError("expected a 'poses' list with at least one pose")
        builtin = {p["name"] for p in self._base_data()["poses"]}
        for pose in poses:
            if isinstance(pose, dict) and pose.get("name") in builtin:
                raise DefinitionError(f"pose '{pose['name']}': a built-in pose has this name; choose another")
        names = {p.get("name") for p in poses if isinstance(p, dict)}
        with self._changing(owner):
            kept = [p for p in self.custom(owner) if p.get("name") not in names]
            merged = self._merge_saved(kept, owner, poses)  # raises with the place of the problem
            self._write(kept + poses, owner)
        return merged

    def add_example(self, name: str, body: list[float], owner: str = "") -> PoseSet:
        """One more body for the owner's pose known by its own examples (``examples: {bodies}``):
        a pose taught from several pictures carries to more people than from one. KeyError if
        the owner has no such pose; DefinitionError if it is not known by its own bodies or
        the result is invalid (more bodies than allowed)."""
        with self._changing(owner):
            custom = self.custom(owner)
            pose = next((p for p in custom if p.get("name") == name), None)
            if pose is None:
                raise KeyError(name)
            taught = with_more_bodies(pose, [body])
            if taught is None:
                raise DefinitionError(
                    f"pose '{name}' is not known by its own examples; learn it with by=likeness to add examples to it"
                )
            others = [p for p in custom if p is not pose]
            merged = self._merge_saved(others, owner, [taught])
            self._write([taught if p is pose else p for p in custom], owner)
        return merged

    def remove(self, name: str, owner: str = "") -> bool:
        with self._changing(owner):
            custom = self.custom(owner)
            kept = [p for p in custom if p.get("name") != name]
            if len(kept) == len(custom):
                return False
            self._write(kept, owner)
        return True

    @contextlib.contextmanager
    def _changing(self, owner: str) -> Iterator[None]:
        """Read, change and write the owner's file with no other change in between (any process)."""
        path = self.custom_file(owner)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(f".{path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def next_priority(self, owner: str = "") -> int:
        """Above every pose in use: a learned pose is specific, so it wins when it holds."""
        return max(p.priority for p in self.current(owner).poses) + 10

    def _write(self, custom: list[dict[str, Any]], owner: str) -> None:
        path = self.custom_file(owner)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".custom-", suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            dump_yaml({"poses": custom}, f)
        os.replace(tmp, path)

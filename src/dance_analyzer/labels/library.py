"""The poses in use: the built-in (or configured) file plus the user's own, kept under data_dir.

Users add poses without code: upload a definition (the same YAML as ``poses.yaml``),
or learn one from an example (:mod:`.learn`) and save it after reviewing it. The
custom poses live in ``data_dir/custom_poses.yaml``, which the API and the workers
share; every change is validated against the whole merged set first (unknown
features, empty ranges, duplicate names or priorities are refused with the message
that says where), then written atomically.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import yaml

from .definitions import DefinitionError, PoseSet, load_definitions, parse_definitions, read_definitions
from .safe_yaml import dump_yaml, load_yaml

CUSTOM_FILE = "custom_poses.yaml"


class PoseLibrary:
    def __init__(self, base_file: Path | None, data_dir: Path) -> None:
        self.base_file = base_file
        self.custom_file = data_dir / CUSTOM_FILE
        self._lock = threading.Lock()
        self._cache: tuple[float | None, PoseSet] | None = None

    def _base_data(self) -> dict[str, Any]:
        data, _ = read_definitions(self.base_file)
        return data

    def custom(self) -> list[dict[str, Any]]:
        if not self.custom_file.exists():
            return []
        try:
            data = load_yaml(self.custom_file.read_text("utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DefinitionError(f"{self.custom_file.name}: not valid YAML: {exc}") from exc
        return list(data.get("poses", []))

    def current(self) -> PoseSet:
        """The merged pose set; re-read when another process changed the custom file."""
        mtime = self.custom_file.stat().st_mtime if self.custom_file.exists() else None
        with self._lock:
            if self._cache is None or self._cache[0] != mtime:
                custom = self.custom()
                poses = self._merge(custom) if custom else load_definitions(self.base_file)
                self._cache = (mtime, poses)
            return self._cache[1]

    def _merge(self, custom: list[dict[str, Any]]) -> PoseSet:
        base = self._base_data()
        return parse_definitions({**base, "poses": [*base["poses"], *custom]}, "poses (built-in + custom)")

    def add(self, poses: Any) -> PoseSet:
        """Add or replace custom poses by name (``poses``: as parsed from the user's YAML);
        DefinitionError if they are not a list of poses or the result is invalid."""
        if not isinstance(poses, list) or not poses:
            raise DefinitionError("expected a 'poses' list with at least one pose")
        builtin = {p["name"] for p in self._base_data()["poses"]}
        for pose in poses:
            if isinstance(pose, dict) and pose.get("name") in builtin:
                raise DefinitionError(f"pose '{pose['name']}': a built-in pose has this name; choose another")
        names = {p.get("name") for p in poses if isinstance(p, dict)}
        custom = [p for p in self.custom() if p.get("name") not in names] + poses
        merged = self._merge(custom)  # raises with the place of the problem
        self._write(custom)
        return merged

    def remove(self, name: str) -> bool:
        custom = self.custom()
        kept = [p for p in custom if p.get("name") != name]
        if len(kept) == len(custom):
            return False
        self._write(kept)
        return True

    def next_priority(self) -> int:
        """Above every pose in use: a learned pose is specific, so it wins when it holds."""
        return max(p.priority for p in self.current().poses) + 10

    def _write(self, custom: list[dict[str, Any]]) -> None:
        self.custom_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.custom_file.parent, prefix=".custom-", suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            dump_yaml({"poses": custom}, f)
        os.replace(tmp, self.custom_file)

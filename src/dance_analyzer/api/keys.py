"""API keys and whose they are: every job, result, overlay and custom pose belongs to a key.

Keys come from ``DANCE_API_KEYS`` (``name:key`` entries, comma-separated; a bare key is
named after its hash) and from ``DANCE_API_KEYS_FILE``, a YAML file re-read whenever it
changes, so keys can be added, renamed or rotated without a restart::

    keys:
      - name: studio-a
        key: "a long random string"
      - name: studio-b
        sha256: "9f86d0..."             # the key's SHA-256, so the file holds no secret
      - name: ops
        key: "another one"
        admin: true                     # sees and manages every key's jobs

Without any key the server is open and single-tenant: everyone is the same anonymous
user. Keys are compared in constant time, against every entry, so the time a check takes
says nothing about which key (or how much of one) matched.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..labels.safe_yaml import load_yaml

log = logging.getLogger("dance_analyzer.keys")

# The file is looked at (one stat) at most this often.
RELOAD_CHECK_S = 1.0


@dataclass(frozen=True)
class Tenant:
    """Who is asking: ``name`` owns what they create; an admin sees everyone's."""

    name: str
    admin: bool = False


ANONYMOUS = Tenant("", admin=True)  # no keys configured: one user, who sees everything
NOBODY = Tenant("\x00nobody")  # keys configured, none offered (public pages only): owns nothing


@dataclass(frozen=True)
class _Entry:
    digest: bytes  # SHA-256 of the key
    tenant: Tenant


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _parse_env(items: list[str]) -> list[_Entry]:
    entries = []
    for item in items:
        name, sep, key = item.partition(":")
        if not sep:  # a bare key, as before names existed
            name, key = f"key-{hashlib.sha256(item.encode()).hexdigest()[:8]}", item
        entries.append(_Entry(_digest(key), Tenant(name.strip())))
    return entries


def _parse_file(data: Any, source: str) -> list[_Entry]:
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError(f"{source}: expected a mapping with a 'keys' list")
    entries = []
    for i, row in enumerate(data["keys"]):
        where = f"{source}: key #{i + 1}"
        if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not row["name"].strip():
            raise ValueError(f"{where} needs a name")
        if isinstance(row.get("key"), str) and row["key"]:
            digest = _digest(row["key"])
        elif isinstance(row.get("sha256"), str) and len(row["sha256"]) == 64:
            digest = bytes.fromhex(row["sha256"])
        else:
            raise ValueError(f"{where} ('{row['name']}') needs a 'key' or a 64-hex-digit 'sha256'")
        entries.append(_Entry(digest, Tenant(row["name"].strip(), admin=row.get("admin") is True)))
    return entries


class KeyRing:
    def __init__(self, env_keys: list[str] | None = None, keys_file: Path | None = None) -> None:
        """``env_keys``: DANCE_API_KEYS's entries (``Settings.api_key_list``)."""
        self._env = _parse_env(env_keys or [])
        self._file = keys_file
        self._file_entries: list[_Entry] = []
        self._file_mtime: float | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        if keys_file is not None:
            self._reload(force=True)

    @property
    def enabled(self) -> bool:
        """Whether a key is needed at all (with a keys file, even an empty one: closed)."""
        return bool(self._env) or self._file is not None

    def identify(self, offered: str) -> Tenant | None:
        """The tenant whose key this is, or None. ANONYMOUS when no keys are configured."""
        if not self.enabled:
            return ANONYMOUS
        self._reload()
        digest = _digest(offered)
        found: Tenant | None = None
        for entry in [*self._env, *self._file_entries]:  # every entry, always: constant time
            if hmac.compare_digest(digest, entry.digest) and found is None:
                found = entry.tenant
        return found

    def _reload(self, force: bool = False) -> None:
        """Re-read the keys file when it changed; a broken file keeps the last good keys."""
        if self._file is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < RELOAD_CHECK_S:
            return
        with self._lock:
            self._checked = now
            try:
                mtime = self._file.stat().st_mtime
            except OSError:
                mtime = None
            if mtime == self._file_mtime and not force:
                return
            self._file_mtime = mtime
            if mtime is None:
                log.error("API keys file %s is missing: only DANCE_API_KEYS are accepted", self._file)
                self._file_entries = []
                return
            try:
                entries = _parse_file(load_yaml(self._file.read_text("utf-8")), self._file.name)
            except (OSError, ValueError, yaml.YAMLError) as exc:
                log.error("API keys file not reloaded, keeping the previous keys: %s", exc)
                return
            self._file_entries = entries
            log.info("API keys loaded: %d from %s", len(entries), self._file.name)

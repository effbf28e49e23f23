"""A redis-server for tests: throwaway, or one a test can kill and start again on the same
port, with or without persistence."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from .processes import free_port, wait_for


class RestartableRedis:
    """``appendonly`` keeps every write in an append-only file (fsync'd at once), as the
    compose file's Redis does; without it a restart starts empty, as a cache-only Redis does."""

    def __init__(self, directory: Path, *, appendonly: bool) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server not installed (Debian package redis-server; scripts/test.sh installs it as root)")
        self.binary = binary
        self.directory = directory
        self.appendonly = appendonly
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.directory)]
            + persistence,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._up, 20, "redis-server to start")

    def kill(self) -> None:
        """SIGKILL: no chance to save anything more."""
        if self.process is not None:
            with suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None
        wait_for(lambda: not self._up(), 10, "redis-server to stop")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def restartable_redis(directory: Path, *, appendonly: bool) -> Iterator[RestartableRedis]:
    server = RestartableRedis(directory, appendonly=appendonly)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, keeping nothing; yields its URL."""
    with (
        tempfile.TemporaryDirectory(prefix="redis-") as directory,
        restartable_redis(Path(directory), appendonly=False) as server,
    ):
        yield server.url

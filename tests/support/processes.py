"""Real processes for tests: the server and Celery workers as users run them (redis-server: redis.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.2) -> Any:
    """Poll until ``condition()`` is truthy and return it; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANCE_")}
    return {**env, **extra}


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process and everything it started (worker pool included)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Run ``dance-analyzer <args>`` in its own process group; always cleaned up."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dance_analyzer.cli", *args],
            env=_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        kill_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_group(process)
            process.wait(timeout=10)
        kill_group(process)  # leftovers of the group, if any


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[httpx.Client]:
    """A real `dance-analyzer serve` on a free port; yields a client once /health answers."""
    port = free_port()
    with running(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log) as process:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)

        def healthy() -> bool:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}; see {log}")
            try:
                return client.get("/health").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(healthy, 90, "the server to start")
        client.process = process  # type: ignore[attr-defined]
        try:
            yield client
        finally:
            client.close()


def poll_job(client: Any, job_id: str, until: Callable[[dict], bool], timeout: float = 120) -> dict:
    """GET the job until ``until(job)``; the last view."""

    def check() -> dict | None:
        r = client.get(f"/jobs/{job_id}")
        assert r.status_code == 200, r.text
        job = r.json()
        return job if until(job) else None

    return wait_for(check, timeout, f"job {job_id} to reach the expected state", interval=0.25)


def finished(job: dict) -> bool:
    return job["status"] in ("done", "failed")

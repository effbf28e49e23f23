"""Mutants sent to a running server, and what its answers must be (the e2e fuzz test and
bench/fuzz.py share this).

A mutant goes to ``/analyze``, ``/jobs`` (submitted, waited for, deleted) or
``/poses/learn``, by its index. The answer must be a result, or a 4xx ``{"error": "..."}``
naming the problem; a job must finish, failing (if at all) for the video's reason,
never as ``Internal`` or ``WorkerLost``. Anything else is a problem, reported with the
mutant's name so it can be rebuilt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from tests.support.mutations import Mutant

# What a client may be told about a damaged upload (429: every slot busy, come back).
EXPECTED_STATUSES = {200, 202, 400, 413, 415, 422, 429}
NOT_THE_VIDEOS_FAULT = {"Internal", "WorkerLost"}
# /analyze and /jobs read every frame but run the model on one a second: the decoding,
# the part a damaged file can break, is all there, at a fraction of the inference.
ANALYSIS_QUERY = {"sample_fps": "1"}


@dataclass
class Answer:
    name: str
    endpoint: str
    status: int | None  # None: no answer (a hang or a dropped connection)
    seconds: float
    error: str | None = None
    job: str | None = None  # a job's outcome: "done" or its error_kind
    problem: str | None = None  # what is wrong with the answer; None if nothing


def endpoint_for(index: int) -> str:
    """Eight in ten mutants to /analyze, one to /jobs, one to /poses/learn."""
    return {8: "learn", 9: "jobs"}.get(index % 10, "analyze")


def send(client: httpx.Client, mutant: Mutant, endpoint: str, hang_after_s: float) -> Answer:
    """Upload ``mutant`` to ``endpoint``; a job is waited for (up to ``hang_after_s``) and deleted."""
    started = time.monotonic()
    url, query = {
        "analyze": ("/analyze", ANALYSIS_QUERY),
        "jobs": ("/jobs", ANALYSIS_QUERY),
        "learn": ("/poses/learn", {"name": "fuzzed"}),
    }[endpoint]
    files = {"file": (mutant.source.name, mutant.data, "application/octet-stream")}
    try:
        r = client.post(url, params=query, files=files, timeout=hang_after_s)
    except httpx.TimeoutException:
        return Answer(mutant.name, endpoint, None, time.monotonic() - started, problem="hang: no answer")
    except httpx.TransportError as exc:
        return Answer(mutant.name, endpoint, None, time.monotonic() - started, problem=f"connection: {exc!r}")
    answer = Answer(mutant.name, endpoint, r.status_code, time.monotonic() - started)
    answer.problem = _judge(r)
    if answer.problem is None and r.status_code >= 400:
        answer.error = r.json()["error"]
    if answer.problem is None and r.status_code == 202:
        _follow_job(client, r.json()["id"], answer, started + hang_after_s)
    return answer


def _judge(r: httpx.Response) -> str | None:
    if r.status_code not in EXPECTED_STATUSES:
        return f"status {r.status_code}: {r.text[:300]}"
    try:
        body = r.json()
    except ValueError:
        return f"status {r.status_code} without a JSON body: {r.text[:300]}"
    if r.status_code >= 400 and not (isinstance(body.get("error"), str) and body["error"]):
        return f"status {r.status_code} without an error message: {r.text[:300]}"
    return None


def _follow_job(client: httpx.Client, job_id: str, answer: Answer, deadline: float) -> None:
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            answer.problem = f"hang: job still {job['status']}"
            client.delete(f"/jobs/{job_id}")
            return
        time.sleep(0.2)
    answer.job = "done" if job["status"] == "done" else job.get("error_kind")
    if answer.job in NOT_THE_VIDEOS_FAULT:
        answer.problem = f"job failed as {answer.job}: {job.get('error')}"
    client.delete(f"/jobs/{job_id}")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (a server and its workers)."""
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def descendants(pid: int) -> set[int]:
    """The server's process ids below it: a worker that died is replaced under a new id."""
    return {process.pid for process in psutil.Process(pid).children(recursive=True)}


def files_left(data_dir: Path) -> list[Path]:
    """Uploads staged for a request (``tmp``), a job's upload or annotated video, still on
    disk; the running server's own multiprocessing directory (``tmp/pymp-*``) is not one."""
    directories = (data_dir / "tmp", data_dir / "uploads", data_dir / "overlays")
    found = (path for directory in directories if directory.is_dir() for path in directory.rglob("*"))
    return sorted(path for path in found if not any(part.startswith("pymp-") for part in path.parts))

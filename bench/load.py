"""A bounded load test: N concurrent clients send a fixed number of real clips, loopback only.

Every request must end in a 200, or in a 429/503 that carries Retry-After (back-pressure);
anything else (another status, an exception, a request still running after --timeout)
counts as lost. Prints requests/s, latency percentiles, the answers by status and the
peak RSS of the server's process tree, sampled every 0.2 s. Exits 1 if any request was
lost, so a script or a test can rely on it.

Usage:  .venv/bin/python bench/load.py --clip clip.mp4 [--clients 8] [--requests 32]
            [--sample-fps 2] [--endpoint analyze|jobs] [--url http://host:port] [--json out.json]
Without --url it starts `dance-analyzer serve` on a free loopback port (DANCE_* from the
environment apply) and stops it afterwards. Needs: pip install -e .[bench]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import psutil

BACK_PRESSURE = {429, 503}


@dataclass
class Outcome:
    status: int | None  # None: no answer (exception or timeout)
    seconds: float
    retry_after: str | None = None
    problem: str | None = None


def tree_rss_mb(root: psutil.Process) -> float:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


class RssSampler:
    def __init__(self, pid: int | None) -> None:
        self.peak = 0.0
        self._root = psutil.Process(pid) if pid else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while self._root is not None and not self._stop.wait(0.2):
            try:
                self.peak = max(self.peak, tree_rss_mb(self._root))
            except psutil.NoSuchProcess:
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def one_request(client: httpx.AsyncClient, args: argparse.Namespace, data: bytes) -> Outcome:
    started = time.perf_counter()
    params = {"sample_fps": args.sample_fps} if args.sample_fps else {}
    try:
        response = await client.post(f"/{args.endpoint}", params=params, files={"file": (args.clip.name, data)})
        if args.endpoint == "jobs" and response.status_code == 202:
            response = await wait_for_job(client, response.json()["status_url"])
    except (httpx.HTTPError, asyncio.TimeoutError) as exc:
        return Outcome(None, time.perf_counter() - started, problem=f"{type(exc).__name__}: {exc}")
    outcome = Outcome(response.status_code, time.perf_counter() - started, response.headers.get("retry-after"))
    if response.status_code in BACK_PRESSURE and not outcome.retry_after:
        outcome.problem = f"{response.status_code} without Retry-After"
    elif response.status_code != 200 and response.status_code not in BACK_PRESSURE:
        outcome.problem = f"unexpected {response.status_code}: {response.text[:200]}"
    return outcome


async def wait_for_job(client: httpx.AsyncClient, url: str) -> httpx.Response:
    while True:
        response = await client.get(url)
        job = response.json()
        if job["status"] == "done":
            return httpx.Response(200, json=job["result"], request=response.request)
        if job["status"] == "failed":
            return httpx.Response(422, json={"error": job["error"]}, request=response.request)
        await asyncio.sleep(0.5)


async def run_load(args: argparse.Namespace, base_url: str) -> list[Outcome]:
    data = args.clip.read_bytes()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(args.requests):
        queue.put_nowait(n)
    outcomes: list[Outcome] = []
    timeout = httpx.Timeout(args.timeout, connect=10)

    async def client_loop() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=timeout) as client:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    outcome = await asyncio.wait_for(one_request(client, args, data), args.timeout)
                except asyncio.TimeoutError:
                    outcome = Outcome(None, args.timeout, problem="no answer within --timeout")
                outcomes.append(outcome)

    await asyncio.gather(*(client_loop() for _ in range(args.clients)))
    return outcomes


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"DANCE_LOG_LEVEL": "warning", "DANCE_DATA_DIR": tempfile.mkdtemp(prefix="dance-load-"), **os.environ}
    cli = [sys.executable, "-m", "dance_analyzer.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).json().get("model_loaded"):
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.kill()
    raise SystemExit("the server did not become ready")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=32)
    parser.add_argument("--sample-fps", type=float, default=None)
    parser.add_argument("--endpoint", choices=["analyze", "jobs"], default="analyze")
    parser.add_argument("--url", default=None, help="an already running server (default: start one)")
    parser.add_argument("--pid", type=int, default=None, help="with --url: the server's pid, for memory")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a request counts as hung")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    server, url, pid = None, args.url, args.pid
    if url is None:
        server, url = start_server()
        pid = server.pid
    try:
        with RssSampler(pid) as memory:
            started = time.perf_counter()
            outcomes = asyncio.run(run_load(args, url))
            wall = time.perf_counter() - started
        healthy = httpx.get(f"{url}/health", timeout=10).status_code == 200
    finally:
        if server is not None:
            server.terminate()
            server.wait(60)

    latencies = [o.seconds for o in outcomes if o.status == 200]
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[str(o.status)] = statuses.get(str(o.status), 0) + 1
    lost = [o for o in outcomes if o.problem] + [Outcome(None, 0, problem="never sent")] * (
        args.requests - len(outcomes)
    )
    report = {
        "clip": args.clip.name,
        "endpoint": args.endpoint,
        "clients": args.clients,
        "requests": args.requests,
        "sample_fps": args.sample_fps,
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(outcomes) / wall, 3),
        "ok_per_s": round(len(latencies) / wall, 3),
        "p50_s": round(percentile(latencies, 50), 2) if latencies else None,
        "p95_s": round(percentile(latencies, 95), 2) if latencies else None,
        "max_s": round(max(latencies), 2) if latencies else None,
        "statuses": statuses,
        "lost": len(lost),
        "peak_rss_mb": round(memory.peak, 1) if pid else None,
        "healthy_after": healthy,
        "problems": [o.problem for o in lost][:10],
    }
    print(f"{report['requests']} requests by {report['clients']} clients to /{args.endpoint} ({args.clip.name})")
    print(f"  wall {report['wall_s']} s   {report['requests_per_s']} requests/s   answers {statuses}")
    print(f"  latency of 200s: p50 {report['p50_s']} s   p95 {report['p95_s']} s   max {report['max_s']} s")
    print(
        f"  peak RSS of the server tree: {report['peak_rss_mb']} MB   lost: {report['lost']}   healthy after: {healthy}"
    )
    for problem in report["problems"]:
        print(f"  lost: {problem}")
    if args.json:
        args.json.write_text(json.dumps({**report, "outcomes": [asdict(o) for o in outcomes]}, indent=2))
    return 0 if not lost and healthy else 1


if __name__ == "__main__":
    sys.exit(main())

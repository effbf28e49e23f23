"""A long fuzz run: thousands of seeded mutants of the shared clips uploaded to a real server.

The mutants are those of the test suite (tests/support/mutations.py: bit flips, overwritten
runs, truncation, MP4 atom sizes, types, header fields and sample tables, atoms removed),
sent as tests/e2e/test_mutated_uploads.py sends them (8 in 10 to /analyze, 1 to /jobs,
1 to /poses/learn; tests/support/fuzzing.py), from ``--clients`` clients at once. It prints
the answers by status, the 5xx (must be 0), the hangs (no answer, or a job not finished,
within ``--hang-s``), the worker processes that died, the RSS of the server's process tree
at the start, its peak and at the end, and the files left in the upload and job
directories. Exits 1 if any of those is wrong, so a script can rely on it.

Usage:  .venv/bin/python bench/fuzz.py [--count 10000] [--seed 20261202] [--clients 2]
            [--max-bytes N] [--hang-s 120] [--json out.json]
It starts `dance-analyzer serve` on a free loopback port with a fresh data directory
(uploads are staged in its tmp/, jobs keep theirs in uploads/; DANCE_* from the environment
do not apply) and stops it afterwards.
Needs the test extras (pip install -e .[test]) and ../shared/media beside the repo.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: tests.support

from tests.support.fuzzing import Answer, descendants, endpoint_for, files_left, send, tree_rss_mb  # noqa: E402
from tests.support.media import MEDIA  # noqa: E402
from tests.support.mutations import Mutant, mutants, shared_clips  # noqa: E402
from tests.support.processes import server  # noqa: E402

CRASHED = "could not be decoded: the decoder stopped unexpectedly"  # workers/pool.py's 422


class TreeWatch:
    """Samples the server's process tree every ``interval`` s: peak RSS, and every process
    that was seen and then vanished (a worker that died: the pool replaces it)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.start_mb = self.peak_mb = tree_rss_mb(pid)
        self.seen: set[int] = descendants(pid)
        self.vanished: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        now = descendants(self.pid)
        self.vanished |= self.seen - now
        self.seen |= now
        self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def run(
    api: httpx.Client, batch: Iterable[tuple[int, Mutant]], clients: int, hang_s: float, budget_s: float
) -> list[Answer]:
    """Send the mutants, ``clients`` at a time, printing progress every 500; no new one
    is sent after ``budget_s`` (the report then says how many were). Mutants are made as
    they are sent: ten thousand of them held at once would be gigabytes."""
    answers: list[Answer] = []
    pending = iter(batch)
    lock = threading.Lock()
    started = time.monotonic()

    def client() -> None:
        while time.monotonic() - started < budget_s:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            answer = send(api, item[1], endpoint_for(item[0]), hang_s)
            with lock:
                answers.append(answer)
                if len(answers) % 500 == 0:
                    statuses = dict(Counter(a.status for a in answers))
                    print(f"  {len(answers)} sent in {time.monotonic() - started:.0f} s: {statuses}", flush=True)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def report(answers: list[Answer], watch: TreeWatch, end_mb: float, left: list[Path], wall_s: float) -> dict:
    statuses = Counter(str(a.status) for a in answers)
    by_endpoint = {
        e: dict(Counter(str(a.status) for a in answers if a.endpoint == e)) for e in ("analyze", "jobs", "learn")
    }
    jobs = Counter(a.job for a in answers if a.job)
    seconds = sorted(a.seconds for a in answers)
    return {
        "files": len(answers),
        "wall_s": round(wall_s, 1),
        "statuses": dict(sorted(statuses.items())),
        "by_endpoint": by_endpoint,
        "jobs": dict(jobs),
        "server_errors_5xx": sum(1 for a in answers if a.status is not None and a.status >= 500),
        "hangs": sum(1 for a in answers if a.problem and a.problem.startswith("hang")),
        "problems": [f"{a.name} -> {a.endpoint}: {a.problem}" for a in answers if a.problem],
        "decoder_crash_answers": sum(1 for a in answers if a.error and CRASHED in a.error),
        "worker_processes_died": len(watch.vanished),
        "rss_mb": {"start": round(watch.start_mb), "peak": round(watch.peak_mb), "end": round(end_mb)},
        "seconds": {"p50": seconds[len(seconds) // 2], "p99": seconds[len(seconds) * 99 // 100], "max": seconds[-1]},
        "files_left": [str(p) for p in left],
    }


def print_report(r: dict) -> None:
    print(f"{r['files']} mutated files answered in {r['wall_s']} s")
    print(f"  answers by status: {r['statuses']}")
    for endpoint, statuses in r["by_endpoint"].items():
        print(f"    /{endpoint}: {statuses}")
    print(f"  jobs finished as: {r['jobs']}")
    print(f"  5xx: {r['server_errors_5xx']}   hangs (over --hang-s): {r['hangs']}   other problems: "
          f"{len(r['problems']) - r['hangs'] - r['server_errors_5xx']}")  # fmt: skip
    print(f"  worker processes died: {r['worker_processes_died']}   'decoder stopped' answers: "
          f"{r['decoder_crash_answers']}")  # fmt: skip
    rss = r["rss_mb"]
    print(f"  RSS of the server's process tree: start {rss['start']} MB, peak {rss['peak']} MB, end {rss['end']} MB")
    times = r["seconds"]
    print(f"  answer time: p50 {times['p50']:.2f} s, p99 {times['p99']:.2f} s, max {times['max']:.2f} s")
    print(f"  files left in the upload and job directories: {len(r['files_left'])}")
    for problem in r["problems"][:20]:
        print(f"  problem: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--first", type=int, default=0, help="index of the first mutant (to resume or split)")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--max-bytes", type=int, default=None, help="leave out clips larger than this")
    parser.add_argument("--hang-s", type=float, default=120.0, help="seconds before an answer counts as a hang")
    parser.add_argument("--workers", type=int, default=2, help="DANCE_WORKERS of the server")
    parser.add_argument("--budget-min", type=float, default=float("inf"), help="send no new mutant after this")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    clips = shared_clips(args.max_bytes)
    if not clips:
        raise SystemExit(f"no clips in {MEDIA}: clone the repo beside ../shared")
    print(f"{args.count} mutants of {len(clips)} clips, seed {args.seed}, {args.clients} clients", flush=True)
    with tempfile.TemporaryDirectory(prefix="dance-fuzz-") as tmp:
        data = Path(tmp) / "data"
        env = {"DANCE_DATA_DIR": str(data), "DANCE_WORKERS": str(args.workers), "DANCE_LOG_LEVEL": "warning"}
        with server(env, Path(tmp) / "server.log") as api:
            pid = api.process.pid  # type: ignore[attr-defined]
            while not api.get("/health").json()["model_loaded"]:
                time.sleep(0.5)
            batch = enumerate(mutants(clips, args.count, args.seed, args.first), start=args.first)
            started = time.monotonic()
            with TreeWatch(pid) as watch:
                answers = run(api, batch, args.clients, args.hang_s, args.budget_min * 60)
            wall = time.monotonic() - started
            time.sleep(2)  # let the last job's files go
            end_mb = tree_rss_mb(pid)
            left = files_left(data)
        result = report(answers, watch, end_mb, left, wall)
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps({**result, "answers": [asdict(a) for a in answers]}, indent=1))
    wrong = result["problems"] or result["worker_processes_died"] or result["files_left"]
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())

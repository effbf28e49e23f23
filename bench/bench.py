"""Benchmark dance-analyzer against the plain one-process loop, on this machine, in one run.

For each clip it times, as whole processes including start-up:
  plain        the typical implementation: OpenCV reads, converts, MediaPipe, repeat (one core)
  plain x2     two plain loops side by side: the practical limit for every-frame analysis here
  cli          `dance-analyzer analyze` with all workers, every frame (the full model)
  cli --model  the same with the lite and the heavy landmark model
  cli 1 proc   the same with --workers 1 (the reference for label agreement)
  cli sampled  `--sample-fps N`
  cli auto     `--precision auto`: the model on a coarse stride, refined where the answer could change
  server       a warm `dance-analyzer serve`, one POST /analyze (upload included)
  server auto  the same with precision=auto
and, in this process, decode-only and inference-only rates, so the pipeline can be
compared with the limits of the machine. Peak memory is the sum of the proportional
set size (PSS) over the whole process tree, so shared model pages count once, not
once per worker; it is sampled once a second, because reading PSS costs CPU that
would slow down what is being measured. The memory section runs the CLI on the same clip
looped to 5 s and to 60 s; the routine section loops it to three minutes (``--routine-s``)
and times the plain loop, every frame and precision=auto on it.

For precision=auto it also prints the frames the model ran on, the ratio to every frame
(same run), and how far its answer is from the every-frame one: labels per frame,
segment boundaries in frames, move counts (bench/adaptive.py does the same over every
shared clip, beside the noise floor of the every-frame analysis itself).

Each round runs every row once, back to back; wall times are medians over rounds and
"vs plain" is the median of the per-round ratios, because this VM's speed drifts.

Usage:  .venv/bin/python bench/bench.py [--clips a.mp4 b.mp4] [--repeat 3] [--json out.json]
Needs:  pip install -e .[bench]; ffmpeg (for the looped clips); ../shared/media.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from dance_analyzer.cores import usable_cores

ROOT = Path(__file__).resolve().parents[1]
MEDIA = ROOT.parent / "shared" / "media"
PYTHON = sys.executable
CLI = [PYTHON, "-m", "dance_analyzer.cli"]
QUIET_ENV = {**os.environ, "GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2"}

PLAIN_LOOP = """
import sys, cv2, mediapipe as mp
capture = cv2.VideoCapture(sys.argv[1])
pose = mp.solutions.pose.Pose(model_complexity=1)
frames = 0
while True:
    ok, bgr = capture.read()
    if not ok:
        break
    pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    frames += 1
print(frames)
"""


@dataclass
class Run:
    wall_s: float
    peak_mb: float
    stdout: str = ""


@dataclass
class Row:
    name: str
    frames: int
    runs: list[Run] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    def speedup(self, baseline: Row) -> float:
        """Frames/s against the baseline's, from the runs made in the same round.

        This VM's speed drifts by tens of percent over minutes (CPU steal), so a ratio
        of two medians can compare a fast minute with a slow one; each round runs
        every row back to back, and the median of the per-round ratios is shown.
        """
        return statistics.median(
            (self.frames / mine.wall_s) / (baseline.frames / theirs.wall_s)
            for mine, theirs in zip(self.runs, baseline.runs, strict=True)
        )

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)


def tree_pss_mb(root: psutil.Process) -> float:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            continue
    return total / 2**20


def measure(cmd: list[str], *, stdin: int | None = subprocess.DEVNULL) -> Run:
    """Run a command to completion; wall time and peak PSS of its whole process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=stdin, env=QUIET_ENV)
    peak = 0.0
    watched = psutil.Process(proc.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, tree_pss_mb(watched))
            except psutil.NoSuchProcess:
                return
            stop.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return Run(wall, peak, out.decode())


def measure_pair(cmd: list[str]) -> Run:
    """Two copies of a command side by side; wall time until both finish."""
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=QUIET_ENV) for _ in "ab"]
    for p in procs:
        p.wait()
    return Run(time.perf_counter() - started, 0.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real `dance-analyzer serve` on a loopback port, warm before timing starts."""

    def __init__(self, workers: int) -> None:
        import httpx

        self.port = free_port()
        env = {**QUIET_ENV, "DANCE_WORKERS": str(workers), "DANCE_LOG_LEVEL": "warning"}
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=600)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.client.get("/health").json().get("model_loaded"):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.close()
        raise SystemExit("server did not become ready")

    def analyze(self, clip: Path, **params: str) -> Run:
        root = psutil.Process(self.proc.pid)
        started = time.perf_counter()
        with open(clip, "rb") as f:
            response = self.client.post("/analyze", params=params, files={"file": (clip.name, f, "video/mp4")})
        wall = time.perf_counter() - started
        response.raise_for_status()
        return Run(wall, tree_pss_mb(root), response.text)

    def close(self) -> None:
        self.client.close()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def in_process_rates(clip: Path, sample: int = 120) -> dict[str, float]:
    """Decode-only and inference-only frames/s on one core, in this process: MediaPipe's own
    graph (what the plain loop runs) and the analysis's people tracker (landmark model,
    loaded without the segmentation mask nobody reads, and the detector every few frames)."""
    import av

    from dance_analyzer.media.video import iter_frames
    from dance_analyzer.pose.estimator import PoseEstimator
    from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE
    from dance_analyzer.pose.landmark_model import LandmarkModel
    from dance_analyzer.pose.models import MODELS
    from dance_analyzer.pose.people import PeopleTracker

    with av.open(str(clip)) as container:
        started = time.perf_counter()
        n = sum(1 for _ in container.decode(video=0))
        decode_fps = n / (time.perf_counter() - started)
    started = time.perf_counter()
    n = sum(1 for _ in iter_frames(clip, max_side=INFERENCE_MAX_SIDE))
    decode_convert_fps = n / (time.perf_counter() - started)
    images = [f.image for f, _ in zip(iter_frames(clip, max_side=INFERENCE_MAX_SIDE), range(sample), strict=False)]
    rates = {"decode": decode_fps, "decode+resize+convert": decode_convert_fps}
    for model in MODELS:
        with PoseEstimator(model) as estimator:
            estimator(images[0])
            started = time.perf_counter()
            for image in images[1:]:
                estimator(image)
            rates[f"inference {model} (MediaPipe)"] = (len(images) - 1) / (time.perf_counter() - started)
        tracker = PeopleTracker(LandmarkModel(model))
        tracker.step(images[0], 0.0, row=0)
        started = time.perf_counter()
        for row, image in enumerate(images[1:], 1):
            tracker.step(image, row / 30.0, row=row)
        rates[f"inference {model} (analysis)"] = (len(images) - 1) / (time.perf_counter() - started)
    return rates


def frame_labels(result_json: str) -> list[tuple[str, ...]]:
    return [tuple(f["poses"]) for f in json.loads(result_json)["frames"]]


def differences(every: dict, other: dict) -> dict[str, Any]:
    """How far ``other`` is from the every-frame result ``every`` (both with their frames):
    timeline pose and pose set per frame, segment boundaries (frames off), move counts."""
    fps = every["fps"] or 1.0
    timeline = [f["pose"] == g["pose"] for f, g in zip(every["frames"], other["frames"], strict=False)]
    poses = [f["poses"] == g["poses"] for f, g in zip(every["frames"], other["frames"], strict=False)]
    starts = [round(s["start_s"] * fps) for s in every["segments"]]
    theirs = [round(s["start_s"] * fps) for s in other["segments"]]
    off = max((min(abs(a - b) for b in theirs) for a in starts), default=0) if theirs else None
    count = lambda r: sorted((m["move"], m["count"]) for m in r.get("move_summary", []))  # noqa: E731
    return {
        "timeline_agree": sum(timeline) / max(1, len(every["frames"])),
        "poses_agree": sum(poses) / max(1, len(every["frames"])),
        "segments": (len(every["segments"]), len(other["segments"])),
        "boundary_frames_off": off,
        "moves_same": count(every) == count(other),
    }


def describe_differences(name: str, diff: dict[str, Any]) -> str:
    segments = diff["segments"]
    return (
        f"  {name}: timeline pose agrees on {100 * float(diff['timeline_agree']):.1f}% of frames, pose sets on "
        f"{100 * float(diff['poses_agree']):.1f}%; segments {segments[0]} vs {segments[1]}, "
        f"boundaries at most {diff['boundary_frames_off']} frame(s) off; move counts "
        f"{'identical' if diff['moves_same'] else 'DIFFER'}"
    )


def agreement(a: list[tuple[str, ...]], b: list[tuple[str, ...]]) -> float:
    if len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / max(1, len(a))


def loop_clip(clip: Path, seconds: float, out: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(clip), "-t", str(seconds)]
        + ["-c", "copy", "-an", str(out)],
        check=True,
    )
    return out


def frame_count(clip: Path) -> int:
    import av

    with av.open(str(clip)) as container:
        return sum(1 for p in container.demux(video=0) if p.size)


def print_table(title: str, rows: list[Row], baseline: Row, video_fps: float) -> None:
    print(f"\n{title}")
    print(f"  {'':22}{'frames/s':>10}{'x real':>9}{'wall s':>9}{'peak MB':>10}{'vs plain':>10}")
    for row in rows:
        fps = row.frames / row.wall_s
        realtime = fps / video_fps
        speedup = row.speedup(baseline)
        peak = f"{row.peak_mb:10.0f}" if row.peak_mb else f"{'':>10}"
        print(f"  {row.name:22}{fps:10.1f}{realtime:9.2f}{row.wall_s:9.2f}{peak}{speedup:9.2f}x")


def bench_round(
    clip: Path,
    args: argparse.Namespace,
    rows: dict[str, Row],
    labels: dict[str, list[tuple[str, ...]]],
    server: Server,
    results: dict[str, dict],
) -> None:
    """Every row once, back to back, so that their ratios compare like with like."""
    rows["plain"].runs.append(measure([PYTHON, "-c", PLAIN_LOOP, str(clip)]))
    rows["plain x2 (limit)"].runs.append(measure_pair([PYTHON, "-c", PLAIN_LOOP, str(clip)]))
    workers = ["--workers", str(args.workers)]
    run = measure([*CLI, "analyze", "-q", *workers, "--detail", "frames", "--compact", str(clip)])
    rows["cli"].runs.append(run)
    labels["cli"] = frame_labels(run.stdout)
    run = measure([*CLI, "analyze", "-q", "--workers", "1", "--detail", "frames", "--compact", str(clip)])
    rows["cli 1 proc"].runs.append(run)
    labels["single"] = frame_labels(run.stdout)
    run = measure([*CLI, "analyze", "-q", *workers, "--sample-fps", str(args.sample_fps), str(clip)])
    rows[f"cli sample_fps={args.sample_fps:g}"].runs.append(run)
    run = measure(
        [*CLI, "analyze", "-q", *workers, "--precision", "auto", "--detail", "frames", "--compact", str(clip)]
    )
    rows["cli auto"].runs.append(run)
    results["cli auto"] = json.loads(run.stdout)
    results["cli"] = json.loads(rows["cli"].runs[-1].stdout)
    for model in ("lite", "heavy"):
        rows[f"cli --model {model}"].runs.append(
            measure([*CLI, "analyze", "-q", *workers, "--model", model, str(clip)])
        )
    rows["server"].runs.append(server.analyze(clip))
    rows["server auto"].runs.append(server.analyze(clip, precision="auto"))


def bench_clip(clip: Path, args: argparse.Namespace) -> dict[str, object]:
    import av

    frames = frame_count(clip)
    with av.open(str(clip)) as container:
        video_fps = float(container.streams.video[0].average_rate)
    rows = {
        name: Row(name, frames)
        for name in [
            "plain",
            "plain x2 (limit)",
            "cli",
            "cli --model lite",
            "cli --model heavy",
            "cli 1 proc",
            f"cli sample_fps={args.sample_fps:g}",
            "cli auto",
            "server",
            "server auto",
        ]
    }
    rows["plain x2 (limit)"].frames = 2 * frames
    labels: dict[str, list[tuple[str, ...]]] = {}
    results: dict[str, dict] = {}
    server = Server(args.workers)  # warm and idle while the other rows run
    try:
        for _ in range(args.repeat):
            bench_round(clip, args, rows, labels, server, results)
    finally:
        server.close()
    rates = in_process_rates(clip)
    print_table(clip.name, list(rows.values()), rows["plain"], video_fps)
    print("  one core, in process:  " + ", ".join(f"{k} {v:.1f} frames/s" for k, v in rates.items()))
    agree = agreement(labels["cli"], labels["single"])
    print(
        f"  labels: parallel vs single-process, every frame: {100 * agree:.1f}% of {len(labels['single'])} frames agree"
    )
    auto = results["cli auto"]
    model_frames = auto["model_frames"]
    print(
        f"  precision=auto: the model ran on {model_frames} of {auto['processed_frames']} frames "
        f"({100 * model_frames / max(1, auto['processed_frames']):.0f}%); "
        f"{rows['cli auto'].speedup(rows['cli']):.2f}x every frame from the CLI, "
        f"{rows['server auto'].speedup(rows['server']):.2f}x warm"
    )
    diff = differences(results["cli"], auto)
    print(describe_differences("precision=auto vs every frame", diff))
    return {
        "clip": clip.name,
        "frames": frames,
        "rows": {
            r.name: {
                "wall_s": r.wall_s,
                "fps": r.frames / r.wall_s,
                "vs_plain": r.speedup(rows["plain"]),
                "peak_mb": r.peak_mb,
            }
            for r in rows.values()
        },
        "in_process_fps": rates,
        "label_agreement": agree,
        "auto": {"model_frames": model_frames, **{k: v for k, v in diff.items() if k != "segments"}},
    }


def bench_memory(clip: Path) -> dict[str, float]:
    if shutil.which("ffmpeg") is None:
        print("\nmemory: skipped (ffmpeg not installed)")
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        peaks = {}
        for seconds in (5, 60):
            looped = loop_clip(clip, seconds, Path(tmp) / f"loop{seconds}.mp4")
            run = measure([*CLI, "analyze", "-q", str(looped)])
            peaks[seconds] = run.peak_mb
            print(
                f"\nmemory: {clip.name} looped to {seconds:2d} s ({frame_count(looped)} frames): "
                f"peak {run.peak_mb:.0f} MB, wall {run.wall_s:.1f} s"
            )
    ratio = peaks[60] / peaks[5]
    print(f"memory: 60 s / 5 s peak = {ratio:.2f} (target <= 1.25)")
    return {"peak_5s_mb": peaks[5], "peak_60s_mb": peaks[60], "ratio": ratio}


def bench_routine(clip: Path, seconds: float, workers: int) -> dict[str, float]:
    """A whole routine: the clip looped to ``seconds``; plain loop, every frame, auto."""
    if shutil.which("ffmpeg") is None:
        print("\nroutine: skipped (ffmpeg not installed)")
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        looped = loop_clip(clip, seconds, Path(tmp) / "routine.mp4")
        short = loop_clip(clip, 5, Path(tmp) / "short.mp4")
        frames = frame_count(looped)
        plain = measure([PYTHON, "-c", PLAIN_LOOP, str(looped)])
        every = measure([*CLI, "analyze", "-q", "--workers", str(workers), "--compact", str(looped)])
        auto = measure(
            [*CLI, "analyze", "-q", "--workers", str(workers), "--precision", "auto", "--compact", str(looped)]
        )
        auto_short = measure([*CLI, "analyze", "-q", "--workers", str(workers), "--precision", "auto", str(short)])
    body = json.loads(auto.stdout)
    print(f"\nroutine: {clip.name} looped to {seconds:g} s ({frames} frames)")
    for name, run in (("plain", plain), ("cli", every), ("cli auto", auto)):
        print(
            f"  {name:10}{frames / run.wall_s:8.1f} frames/s{run.wall_s:8.1f} s{run.peak_mb:8.0f} MB"
            f"{plain.wall_s / run.wall_s:8.2f}x plain"
        )
    print(
        f"  auto: model on {body['model_frames']} of {body['processed_frames']} frames; "
        f"{every.wall_s / auto.wall_s:.2f}x every frame; peak {auto.peak_mb:.0f} MB against "
        f"{auto_short.peak_mb:.0f} MB on 5 s of it"
    )
    return {
        "frames": frames,
        "plain_s": plain.wall_s,
        "every_frame_s": every.wall_s,
        "auto_s": auto.wall_s,
        "auto_vs_plain": plain.wall_s / auto.wall_s,
        "auto_peak_mb": auto.peak_mb,
        "auto_short_peak_mb": auto_short.peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", nargs="+", default=["taichi_solo_1.mp4", "dance_solo_1.mp4"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; medians are shown")
    parser.add_argument("--sample-fps", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=usable_cores(), help="for the CLI runs and the server")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--routine-s", type=float, default=180.0, help="the routine's length; 0 skips it")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    print(
        f"{usable_cores()} cores, {args.workers} workers, {args.repeat} run(s) each; "
        f"times are whole processes including start-up, except 'server' (warm)"
    )
    clips = [Path(name) if Path(name).exists() else MEDIA / name for name in args.clips]
    results: dict[str, object] = {"clips": [bench_clip(clip, args) for clip in clips]}
    if not args.no_memory:
        results["memory"] = bench_memory(clips[0])
    if args.routine_s:
        results["routine"] = bench_routine(clips[-1], args.routine_s, args.workers)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""How many live dancers one server process holds: simulated sessions over real WebSockets.

Each session streams a recorded landmark track (the move corpus: the model's real output
on real clips, looped) at 30 frames/s in real time, as a browser running the model would,
to a real `dance-analyzer serve` (one process). Per number of sessions: the frames
answered per second (against the frames offered), the answer latency (send to answer
received; median and p95), the server's CPU per frame and its share of one core, and the
server's peak memory, and "on time": the share of frames each session could send when due
(within one frame interval), i.e. whether every session kept its full rate (answered/s also
counts the sessions' start and end). Then, for the same frames in the same run, the plain loop: one
LiveSession fed directly in this process, frame by frame (the cost of the analysis
without the network or batching), and its ratio to the server's CPU per frame.

With --server-model, the sessions instead send camera pictures (JPEG, 640 px, 15 frames/s,
from a shared clip) and the server runs the landmark model for each: how many real-time
sessions of that kind one machine holds, with the picture-to-answer latency.

Usage:  .venv/bin/python bench/live.py [--sessions 1 10 20 30] [--seconds 10]
        .venv/bin/python bench/live.py --server-model [--sessions 1 2 3 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil
import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from dance_analyzer.labels.definitions import load_definitions  # noqa: E402
from dance_analyzer.labels.move_corpus import load_move_corpus  # noqa: E402
from dance_analyzer.labels.moves import load_moves  # noqa: E402
from dance_analyzer.live import LiveSession  # noqa: E402

FPS = 30.0
CLIPS = ["real-virtual-dancing/videos/dance.mp4", "3d-pose-kick-analysis/input/Insane Taekwondo Skills.mp4"]


def frames(seconds: float) -> list[bytes]:
    """Binary frames (t, 33x4 image, 33x3 world as float32) at 30 frames/s, from real tracks."""
    corpus = load_move_corpus(REPO / "corpus" / "moves")
    image = np.concatenate([corpus.track(c, "full").image for c in CLIPS])
    world = np.concatenate([corpus.track(c, "full").world for c in CLIPS])
    out = []
    for k in range(int(seconds * FPS)):
        j = k % len(image)
        out.append(np.concatenate([[k / FPS], image[j].ravel(), world[j].ravel()]).astype("<f4").tobytes())
    return out


def pictures(seconds: float, fps: float) -> list[bytes]:
    """Camera frames for the server-side model: t (float64) and a JPEG, from a shared clip."""
    import cv2

    from dance_analyzer.media.video import iter_frames

    clip = REPO.parent / "shared" / "media" / "dance_solo_1.mp4"
    jpegs = []
    for frame in iter_frames(clip, max_side=640, sample_fps=fps):
        if frame.image is not None:
            jpegs.append(cv2.imencode(".jpg", frame.image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes())
    return [np.array([k / fps], "<f8").tobytes() + jpegs[k % len(jpegs)] for k in range(int(seconds * fps))]


async def session(
    url: str, stream: list[bytes], latencies: list[float], late: list[float], offset: float, start: dict
) -> int:
    answered = 0
    async with websockets.connect(url, max_size=2**24) as ws:
        await ws.send(json.dumps(start))
        json.loads(await ws.recv())
        await asyncio.sleep(offset)  # sessions start spread over one frame
        begin = time.perf_counter()
        for k, data in enumerate(stream):
            due = begin + k / start["fps"]
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent = time.perf_counter()
            late.append(sent - due)  # over one frame interval: the session could not keep up
            await ws.send(data)
            answer = json.loads(await ws.recv())
            latencies.append(time.perf_counter() - sent)
            answered += answer["type"] == "pose"
        await ws.send(json.dumps({"type": "stop"}))
        json.loads(await ws.recv())
    return answered


async def run(url: str, n: int, stream: list[bytes], start: dict) -> tuple[int, list[float], list[float], float]:
    latencies: list[float] = []
    late: list[float] = []
    began = time.perf_counter()
    answered = await asyncio.gather(
        *(session(url, stream, latencies, late, k / start["fps"] / n, start) for k in range(n))
    )
    return sum(answered), latencies, late, time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def plain_loop(stream: list[bytes]) -> float:
    """CPU seconds per frame of one session fed directly, frame by frame."""
    from dance_analyzer.live import parse_binary_frame

    live = LiveSession(load_definitions(), load_moves(), width=1280, height=720)
    start = time.process_time()
    for data in stream:
        live.add(*parse_binary_frame(data))
    live.finish()
    return (time.process_time() - start) / len(stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 20, 30])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--server-model", action="store_true", help="send pictures; the server runs the model")
    args = parser.parse_args()
    if args.server_model:
        stream = pictures(args.seconds, 15.0)
        start = {"type": "start", "width": 1080, "height": 1920, "mode": "server", "model": "full", "fps": 15.0}
    else:
        stream = frames(args.seconds)
        start = {"type": "start", "width": 1280, "height": 720, "fps": FPS}
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "DANCE_DATA_DIR": data, "DANCE_WORKERS": "1", "DANCE_LOG_LEVEL": "warning",
               "DANCE_MAX_LIVE_SESSIONS": "100", "DANCE_MAX_SERVER_LIVE_SESSIONS": "100"}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "dance_analyzer.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            proc = psutil.Process(server.pid)
            url = f"ws://127.0.0.1:{port}/live"
            print(f"{'sessions':>8} {'offered/s':>9} {'answered/s':>10} {'on time %':>9} {'p50 ms':>7} {'p95 ms':>7} "
                  f"{'CPU ms/frame':>12} {'core %':>7} {'server RSS MB':>13}")  # fmt: skip
            for n in args.sessions:
                cpu0 = proc.cpu_times()
                answered, latencies, late, wall = asyncio.run(run(url, n, stream, start))
                on_time = 100 * float(np.mean(np.array(late) <= 1 / start["fps"]))
                cpu1 = proc.cpu_times()
                cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
                rss = proc.memory_info().rss / 2**20
                ms = 1000 * np.array(latencies)
                print(f"{n:>8} {n * start['fps']:>9.0f} {answered / wall:>10.1f} {on_time:>9.1f} {np.median(ms):>7.1f} "
                      f"{np.percentile(ms, 95):>7.1f} {1000 * cpu / answered:>12.2f} {100 * cpu / wall:>7.0f} "
                      f"{rss:>13.0f}")  # fmt: skip
            served = 1000 * cpu / answered
        finally:
            server.terminate()
            server.wait(30)
    if args.server_model:
        return
    plain = 1000 * plain_loop(stream)
    print(f"plain loop (one session in this process, frame by frame): {plain:.2f} CPU ms/frame; "
          f"server at {args.sessions[-1]} sessions: {served:.2f} ({served / plain:.2f}x the plain loop)")  # fmt: skip


if __name__ == "__main__":
    main()

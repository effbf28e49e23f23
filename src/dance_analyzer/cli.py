"""Command line: ``dance-analyzer analyze | compare | serve | worker | poses``.

A thin shell: it parses arguments, calls the pipeline, prints JSON to stdout and
keeps everything meant for a person (progress, errors) on stderr so the output can
be piped.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    AnalysisError,
    CorruptVideo,
    EmptyFile,
    NoPersonFound,
    NotAVideo,
    TimeLimitExceeded,
    TooLarge,
    TooLong,
)

# Heavier modules (pydantic settings, the pipeline) are imported inside the commands:
# worker processes import this module too (it is __main__), and should not pay for them.
if TYPE_CHECKING:
    from .config import Settings
    from .pipeline import AnalysisOptions

# Exit codes a script can branch on (64+ follow sysexits.h in spirit).
EXIT_CODES: dict[type[AnalysisError], int] = {
    EmptyFile: 65,
    NotAVideo: 66,
    CorruptVideo: 67,
    NoPersonFound: 67,
    TooLarge: 68,
    TooLong: 69,
    TimeLimitExceeded: 69,
}


def silence_native_stderr() -> None:
    """Send native (C++) writes to fd 2 to /dev/null, keeping Python's ``sys.stderr``.

    MediaPipe and TFLite print start-up notices straight to file descriptor 2 from
    their own threads, whenever a model is first used. They mean nothing to users and
    bury a command's progress and errors, so front ends call this once at start-up;
    Python messages and tracebacks still reach the terminal through a duplicate.
    """
    sys.stderr.flush()
    kept = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(kept, "w", buffering=1, encoding="utf-8", errors="replace")


class ProgressBar:
    """One self-rewriting line on stderr: frames done, frames/s and time left."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.started = time.monotonic()
        self._last_draw = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last_draw < 0.1 and done != total):
            return
        self._last_draw = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        if total:
            fraction = min(done / total, 1.0)
            filled = int(fraction * 30)
            eta = (total - done) / rate if rate > 0 else 0.0
            text = (
                f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} frames "
                f"{rate:5.1f} fps  ETA {eta:4.0f}s"
            )
        else:
            text = f"\r{self.label} {done} frames {rate:5.1f} fps"
        sys.stderr.write(text)
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _start_command(args: argparse.Namespace, paths: list[Path]) -> tuple[Settings, int] | None:
    """What every analysing command does first: quiet native logs, check the inputs,
    start the worker processes early, read the settings; None (after saying why) if an
    input is missing."""
    if not args.verbose:
        silence_native_stderr()
    for path in paths:
        if not path.is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return None
    # Before the settings, which take 0.3 s to import (pydantic), so that the workers are
    # ready as soon as this process is. Their number is a guess until the settings are
    # read (the default: one process per core, this one included); if the settings ask
    # for another, these exit and the pool starts its own.
    expected_workers = args.workers or os.cpu_count() or 1
    if expected_workers > 1:
        from .workers import start_workers_early

        start_workers_early(processes=expected_workers - 1)
    from .config import get_settings

    settings = get_settings()
    return settings, args.workers or settings.workers


def _analyze(args: argparse.Namespace) -> int:
    path = Path(args.video)
    started = _start_command(args, [path])
    if started is None:
        return 66
    settings, workers = started
    from .pipeline import AnalysisOptions

    options = AnalysisOptions(
        sample_fps=args.sample_fps or settings.sample_fps,
        include_frames=args.detail == "frames" or args.overlay is not None,  # the overlay draws the landmarks
        rhythm=args.rhythm,
        min_segment_s=settings.min_segment_s,
    )
    progress = ProgressBar(path.name, enabled=not args.quiet and sys.stderr.isatty() or args.progress)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: workers stopped, nothing left running
    try:
        result = _run_analysis(path, options, settings, workers, progress)
    except KeyboardInterrupt:
        progress.finish()
        print("interrupted", file=sys.stderr)
        return 130
    except AnalysisError as exc:
        progress.finish()
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_CODES.get(type(exc), 1)
    progress.finish()
    result["filename"] = path.name
    if args.overlay is not None:
        from .pipeline import limits_from
        from .render import render_overlay

        render_progress = ProgressBar(f"{path.name} overlay", enabled=progress.enabled)
        try:
            render_overlay(path, result, Path(args.overlay), limits=limits_from(settings), on_progress=render_progress)
        except (AnalysisError, OSError) as exc:
            render_progress.finish()
            print(f"error: could not write the annotated video: {getattr(exc, 'message', exc)}", file=sys.stderr)
            return 73  # EX_CANTCREAT
        render_progress.finish()
        if args.detail != "frames":
            result.pop("frames", None)
    _print_json(result, compact=args.compact)
    return 0


def _print_json(result: dict[str, Any], *, compact: bool) -> None:
    try:
        json.dump(result, sys.stdout, indent=None if compact else 2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stdout = None  # type: ignore[assignment]


def _run_analysis(
    path: Path, options: AnalysisOptions, settings: Settings, workers: int, progress: ProgressBar
) -> dict[str, Any]:
    """One worker: analyse in this process. More: split the video across a process pool."""
    from .definitions import load_definitions
    from .pipeline import limits_from

    poses = load_definitions(settings.poses_file)
    limits = limits_from(settings)
    if workers > 1:
        from .workers import AnalysisPool

        pool = AnalysisPool(workers, poses=poses, limits=limits, trusted=True)
        try:
            return pool.analyze(path, options, on_progress=progress)
        finally:
            pool.close()

    from .pipeline import analyze
    from .pose.estimator import PoseEstimator

    with PoseEstimator() as estimator:
        return analyze(path, options, estimator=estimator, poses=poses, limits=limits, on_progress=progress)


def _compare(args: argparse.Namespace) -> int:
    """Score an attempt against a reference: both extracted, aligned and compared."""
    paths = [Path(args.reference), Path(args.attempt)]
    started = _start_command(args, paths)
    if started is None:
        return 66
    settings, workers = started
    from .compare import compare_tracks, with_names
    from .pipeline import AnalysisOptions, extract_landmarks, limits_from

    options = AnalysisOptions(sample_fps=args.sample_fps or settings.sample_fps)
    limits = limits_from(settings)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if workers > 1:
            from .workers import AnalysisPool

            pool = AnalysisPool(workers, limits=limits, trusted=True)
            try:
                tracks = [pool.extract(path, options) for path in paths]
            finally:
                pool.close()
        else:
            from .pose.estimator import PoseEstimator

            with PoseEstimator() as estimator:
                tracks = [
                    extract_landmarks(path, estimator, sample_fps=options.sample_fps, limits=limits) for path in paths
                ]
        result = compare_tracks(*tracks, mirror=args.mirror)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except AnalysisError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_CODES.get(type(exc), 1)
    _print_json(with_names(result, paths[0].name, paths[1].name), compact=args.compact)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .config import get_settings

    settings = get_settings()
    uvicorn.run(
        "dance_analyzer.api:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=settings.log_level,
        access_log=False,  # the app logs each request itself (JSON, with its request id)
        # Long uploads and analyses: keep idle connections long enough for slow clients.
        timeout_keep_alive=30,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    """A Celery worker: one job at a time, split across this machine's cores."""
    from .config import get_settings

    settings = get_settings()
    if not settings.broker_url:
        print("error: set DANCE_BROKER_URL (e.g. redis://localhost:6379/0) to run a worker", file=sys.stderr)
        return 2
    from .workers import start_workers_early

    start_workers_early()
    from .definitions import load_definitions
    from .jobs.celery_app import WorkerRuntime, create_celery, install_runtime
    from .pipeline import limits_from
    from .workers import AnalysisPool

    pool = AnalysisPool(
        args.workers or settings.workers,
        poses=load_definitions(settings.poses_file),
        limits=limits_from(settings),
        time_limit_s=settings.analysis_time_limit_s,
    )
    try:
        pool.warm_up()
        from .pose_library import PoseLibrary

        pool.pose_source = PoseLibrary(settings.poses_file, settings.data_dir).current  # custom poses too
        install_runtime(WorkerRuntime(settings, pool))
        argv = ["worker", "--pool=threads", "--concurrency=1", f"--loglevel={settings.log_level.upper()}"]
        if args.name:
            argv += ["--hostname", args.name]
        create_celery(settings).worker_main(argv)
    finally:
        pool.close()
    return 0


def _poses(args: argparse.Namespace) -> int:
    from .config import get_settings
    from .definitions import load_definitions
    from .features import FEATURES

    pose_set = load_definitions(Path(args.file) if args.file else get_settings().poses_file)
    for pose in pose_set.poses:
        print(f"{pose.name:14} priority {pose.priority:3}  {pose.description}")
        for cond in pose.conditions:
            print(f"{'':18}{cond.describe()}")
        if pose.unless:
            print(f"{'':18}unless: {', '.join(pose.unless)}")
    print("\nfeatures:")
    for spec in FEATURES.values():
        side = "per side" if spec.sided else "whole body"
        print(f"  {spec.name:20} {side:10} {spec.unit:20} {spec.description}")
    return 0


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dance-analyzer", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", help="analyse a video file and print the result JSON")
    p.add_argument("video")
    p.add_argument("--detail", choices=["summary", "frames"], default="summary")
    p.add_argument("--sample-fps", type=_positive_float, default=None, help="analyse at most N frames per second")
    p.add_argument(
        "--workers", type=_positive_int, default=None, help="processes to use (default: DANCE_WORKERS or all cores)"
    )
    p.add_argument("--rhythm", action="store_true", help="find the music's beats and score the timing")
    p.add_argument("--overlay", metavar="OUT.mp4", default=None, help="also write the annotated video (H.264 MP4)")
    p.add_argument("--compact", action="store_true", help="print JSON on one line")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--progress", action="store_true", help="show progress even when stderr is not a terminal")
    p.add_argument("--verbose", "-v", action="store_true", help="keep MediaPipe's native log messages")
    p.set_defaults(run=_analyze)

    p = sub.add_parser("compare", help="score an attempt against a reference dance (JSON on stdout)")
    p.add_argument("reference")
    p.add_argument("attempt")
    p.add_argument("--mirror", action="store_true", help="compare the attempt's left side with the reference's right")
    p.add_argument("--sample-fps", type=_positive_float, default=None, help="analyse at most N frames per second")
    p.add_argument(
        "--workers", type=_positive_int, default=None, help="processes to use (default: DANCE_WORKERS or all cores)"
    )
    p.add_argument("--compact", action="store_true", help="print JSON on one line")
    p.add_argument("--verbose", "-v", action="store_true", help="keep MediaPipe's native log messages")
    p.set_defaults(run=_compare)

    p = sub.add_parser("serve", help="run the HTTP server")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(run=_serve)

    p = sub.add_parser("worker", help="run a Celery worker for /jobs (needs DANCE_BROKER_URL)")
    p.add_argument(
        "--workers", type=_positive_int, default=None, help="processes (default: DANCE_WORKERS or all cores)"
    )
    p.add_argument("--name", default=None, help="Celery node name (default: celery@hostname)")
    p.set_defaults(run=_worker)

    p = sub.add_parser("poses", help="print the pose definitions and features")
    p.add_argument("--file", default=None, help="a pose file to validate and show (default: the one in use)")
    p.set_defaults(run=_poses)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


def run() -> None:
    """The console entry point: :func:`main`, then a quick exit.

    Once a command has returned, its output is written and its workers are stopped.
    The atexit handlers still run (multiprocessing's clean-up, logging), but the rest of
    a normal exit is the interpreter freeing MediaPipe's, NumPy's and PyAV's modules one
    by one: 0.17 s that every CLI run made its user wait, for nothing.
    """
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()

"""What each media command does: read the settings, choose where videos are read, call the
pipeline, print its result or say what went wrong (with an exit code a script can use)."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cores import usable_cores
from ..errors import (
    AnalysisError,
    CorruptVideo,
    EmptyFile,
    ModelNotInstalled,
    NoFrameAt,
    NoPersonFound,
    NotAVideo,
    OverlayNotWritten,
    TimeLimitExceeded,
    TooLarge,
    TooLong,
)
from ..pose.models import available_models, check_installed
from .console import ProgressBar, silence_native_stderr
from .files import (
    EXIT_CANNOT_WRITE,
    EXIT_CONFIG,
    EXIT_MISSING_INPUT,
    EXIT_TOO_LARGE,
    STDIN,
    AnnotatedCopies,
    InputProblem,
    as_file,
    data_dir_problem,
    error,
    moves_from,
    poses_from,
    readable_input,
    write_output,
)
from .output import chosen_format, rendered, rendered_comparison

if TYPE_CHECKING:
    from ..config import Settings
    from ..labels.definitions import PoseSet
    from ..labels.moves import MoveSet
    from ..options import AnalysisOptions
    from ..pipeline import Reader

# Exit codes a script can branch on (64+ follow sysexits.h in spirit).
EXIT_CODES: dict[type[AnalysisError], int] = {
    NoFrameAt: 64,  # a time (--time) past the video's end: the argument is wrong
    EmptyFile: 65,
    NotAVideo: 66,
    CorruptVideo: 67,
    NoPersonFound: 67,
    TooLarge: EXIT_TOO_LARGE,
    TooLong: 69,
    TimeLimitExceeded: 69,
    ModelNotInstalled: EXIT_CONFIG,
}
EXIT_INTERRUPTED = 130
EXIT_USAGE = 2  # as argparse's own usage errors


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _start(args: argparse.Namespace, paths: list[Path]) -> tuple[Settings, int] | None:
    """What every analysing command does first: quiet native logs, check the inputs,
    start the worker processes early, read the settings; None (after saying why) if an
    input is missing."""
    if not args.verbose:
        silence_native_stderr()
    for path in paths:
        if not readable_input(path):
            error(f"{path}: is a directory, not a video" if path.is_dir() else f"{path}: no such file")
            return None
    if sum(str(path) == STDIN for path in paths) > 1:
        error("-: standard input is named twice: pipe one video into it, give the other's file")
        return None
    # Before the settings, which take 0.3 s to import (pydantic), so that the workers are
    # ready as soon as this process is. Their number is a guess until the settings are
    # read (the default: one process per core); if the settings ask for another, these
    # exit and the pool starts its own.
    expected_workers = args.workers or usable_cores()
    if expected_workers > 1:
        from ..pose.models import DEFAULT_MODEL
        from ..workers.processes import start_workers_early

        start_workers_early(processes=expected_workers, model=args.model or DEFAULT_MODEL)
    from ..config import get_settings

    settings = get_settings()
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: workers stopped, nothing left running
    return settings, args.workers or settings.workers


@contextmanager
def _reader(settings: Settings, workers: int, model: str) -> Iterator[Reader]:
    """One worker: read videos in this process. More: split each one across that many
    worker processes, this one planning them (the files are the user's own)."""
    from ..media.video import Limits

    if workers > 1:
        from ..workers.pool import AnalysisPool

        pool = AnalysisPool(workers, model=model, limits=Limits.from_settings(settings), trusted=True)
        try:
            yield pool
        finally:
            pool.close()
    else:
        from ..workers.inline import InlineReader
        from ..workers.processes import stop_early_workers

        stop_early_workers()  # forked for the default worker count, which the settings overrode

        with InlineReader(limits=Limits.from_settings(settings)) as inline:
            yield inline


def failed(exc: AnalysisError, path: Path | None = None) -> int:
    error(f"{path}: {exc.message}" if path is not None else exc.message)
    return EXIT_CODES.get(type(exc), 1)


def analyze(args: argparse.Namespace) -> int:
    """Each file given, one after the other on the same workers: one file's output as it
    always was; several files' outputs together (a JSON list, the tables one after the
    other, one CSV with a ``file`` column). A file that fails is said on stderr (and in
    the JSON list) and the others go on; the exit code is then the first failure's."""
    paths = [Path(name) for name in args.video]
    overlays = AnnotatedCopies(args.overlay)
    if len(paths) > 1 and args.overlay is not None and overlays.folder is None:
        error(f"--overlay {args.overlay}: with several files, name a folder to write each annotated copy in")
        return EXIT_USAGE
    started = _start(args, paths)
    if started is None:
        return EXIT_MISSING_INPUT
    settings, workers = started
    output_format = chosen_format(args)
    options = _analysis_options(args, settings, output_format)
    results: list[dict[str, Any]] = []
    code = 0
    try:
        # In the pool's block, which stops the workers started early even when the pose
        # file is refused.
        with _reader(settings, workers, options.model) as reader:
            poses, moves = poses_from(settings.poses_file), moves_from(settings.moves_file)
            for path in paths:
                try:
                    result = _analyse_file(path, args, settings, reader, options, poses, moves, overlays)
                    results.append({**result, "filename": path.name})
                except InputProblem as exc:
                    error(str(exc))
                    code = code or exc.code
                    results.append({"filename": path.name, "error": str(exc)})
                except OverlayNotWritten as exc:
                    print(f"error: {overlays.last or args.overlay}: {exc.message}", file=sys.stderr)
                    return EXIT_CANNOT_WRITE
                except AnalysisError as exc:
                    failure = failed(exc, path)
                    code = code or failure
                    results.append({"filename": path.name, "error": exc.message})
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except InputProblem as exc:  # the pose or move file
        error(str(exc))
        return exc.code
    except AnalysisError as exc:
        return failed(exc)
    if not any("error" not in result for result in results) and (len(paths) == 1 or output_format != "json"):
        return code  # nothing to show (a JSON list still names each failure)
    written = write_output(rendered(results, output_format, compact=args.compact), args.output)
    return code or written


def _analyse_file(
    path: Path,
    args: argparse.Namespace,
    settings: Settings,
    reader: Reader,
    options: AnalysisOptions,
    poses: PoseSet,
    moves: MoveSet,
    overlays: AnnotatedCopies,
) -> dict[str, Any]:
    """One file's result, with its progress bars (and the annotated video's)."""
    from ..pipeline import analyze as analyze_video

    progress = ProgressBar(path.name, enabled=not args.quiet and sys.stderr.isatty() or args.progress)
    overlay_progress = ProgressBar(f"{path.name} overlay", enabled=progress.enabled)

    def on_overlay_progress(done: int, total: int | None) -> None:
        progress.finish()  # the analysis is done: its bar keeps its line
        overlay_progress(done, total)

    try:
        with as_file(path, settings.max_upload_bytes) as video:
            return analyze_video(
                video,
                options,
                reader=reader,
                poses=poses,
                moves=moves,
                on_progress=progress,
                overlay_to=overlays.path_for(path, video),
                on_overlay_progress=on_overlay_progress,
            )
    finally:
        progress.finish()
        overlay_progress.finish()


def _analysis_options(args: argparse.Namespace, settings: Settings, output_format: str) -> AnalysisOptions:
    from ..options import AnalysisOptions

    return AnalysisOptions.from_settings(
        settings,
        sample_fps=args.sample_fps,
        include_frames=args.detail == "frames" or output_format == "csv",  # a row per frame
        rhythm=args.rhythm,
        model=args.model,
        people=args.people == "all",
        max_people=args.max_people,
        angle_filter=args.filter,
        precision=args.precision,
    )


def compare(args: argparse.Namespace) -> int:
    """Score an attempt against a reference: both extracted, aligned and compared."""
    paths = [Path(args.reference), Path(args.attempt)]
    started = _start(args, paths)
    if started is None:
        return EXIT_MISSING_INPUT
    settings, workers = started
    from ..options import AnalysisOptions
    from ..pipeline import compare as compare_videos
    from ..reports.compare import with_names

    options = AnalysisOptions.from_settings(
        settings, sample_fps=args.sample_fps, model=args.model, precision=args.precision
    )
    shown = not args.quiet and sys.stderr.isatty() or args.progress
    bars = [
        ProgressBar(f"{role} {p.name}", enabled=shown) for role, p in zip(("reference", "attempt"), paths, strict=True)
    ]

    def reference_progress(done: int, total: int | None) -> None:
        bars[0](done, total)

    def attempt_progress(done: int, total: int | None) -> None:
        bars[0].finish()  # the reference is read: its bar keeps its line
        bars[1](done, total)

    try:
        limit = settings.max_upload_bytes  # what a pipe may bring in
        with (
            _reader(settings, workers, options.model) as reader,
            as_file(paths[0], limit) as ref,
            as_file(paths[1], limit) as att,
        ):
            result = compare_videos(
                ref,
                att,
                options,
                reader=reader,
                mirror=args.mirror,
                reference_person=args.reference_person,
                attempt_person=args.attempt_person,
                on_progress=attempt_progress,
                on_reference_progress=reference_progress,
            )
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except InputProblem as exc:
        error(str(exc))
        return exc.code
    except AnalysisError as exc:
        return failed(exc)
    finally:
        for bar in bars:
            bar.finish()
    named = with_names(result, paths[0].name, paths[1].name)
    return write_output(rendered_comparison(named, chosen_format(args), compact=args.compact), args.output)


def _cannot_serve(settings: Settings) -> int | None:
    """Say in one line what in the settings keeps a server or a worker from starting (its
    data folder, its model, its pose or move file), and the exit code; None when all is well."""
    problem = data_dir_problem(settings)
    if problem is not None:
        error(problem)
        return EXIT_CONFIG
    try:
        check_installed(settings.model)
    except ModelNotInstalled as exc:
        error(str(exc))
        return EXIT_CONFIG
    try:
        poses_from(settings.poses_file)
        moves_from(settings.moves_file)
    except InputProblem as exc:
        error(str(exc))
        return exc.code
    return None


def check(args: argparse.Namespace) -> int:
    """What ``serve`` and ``worker`` check before they start, alone: the container's entry
    point runs it before gunicorn (or a worker), so a wrong setting is one line in its log
    rather than a traceback."""
    from ..config import get_settings

    settings = get_settings()
    problem = _cannot_serve(settings)
    if problem is not None:
        return problem
    print(f"ok: model {settings.model}, data in {settings.data_dir}, models installed: {', '.join(available_models())}")
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..api.server import uvicorn_options
    from ..config import get_settings

    settings = get_settings()
    problem = _cannot_serve(settings)
    if problem is not None:
        return problem
    # Uvicorn stops gracefully on SIGTERM, then raises the signal again to die of it: with
    # the default handler the process was killed before its exit handlers ran, leaving
    # multiprocessing's temp dir and semaphores behind. Raised here, it ends run() instead.
    signal.signal(signal.SIGTERM, _interrupt)
    with suppress(KeyboardInterrupt):  # SIGTERM or Ctrl-C, after the graceful stop
        uvicorn.run(
            "dance_analyzer.api:create_app",
            factory=True,
            host=args.host or settings.host,
            port=args.port or settings.port,
            log_level=settings.log_level,
            access_log=False,  # the app logs each request itself (JSON, with its request id)
            **uvicorn_options(settings),  # connection cap, header timeout, keep-alive
        )
    return 0


def worker(args: argparse.Namespace) -> int:
    """A Celery worker: one job at a time, split across this machine's cores."""
    from ..config import get_settings

    settings = get_settings()
    if not settings.broker_url:
        print("error: set DANCE_BROKER_URL (e.g. redis://localhost:6379/0) to run a worker", file=sys.stderr)
        return 2
    problem = _cannot_serve(settings)
    if problem is not None:
        return problem
    from ..workers.processes import start_workers_early

    start_workers_early()
    from ..jobs.celery_app import WorkerRuntime, create_celery, install_runtime
    from ..labels.library import PoseLibrary
    from ..media.video import Limits
    from ..workers.pool import AnalysisPool

    library = PoseLibrary(settings.poses_file, settings.data_dir)  # custom poses too
    library.current()  # a broken pose file stops the worker now, not at its first job
    pool = AnalysisPool(
        args.workers or settings.workers,
        model=settings.model,
        limits=Limits.from_settings(settings),
        time_limit_s=settings.analysis_time_limit_s,
    )
    try:
        pool.warm_up()
        install_runtime(WorkerRuntime(settings, pool, library))
        argv = ["worker", "--pool=threads", "--concurrency=1", f"--loglevel={settings.log_level.upper()}"]
        if args.name:
            argv += ["--hostname", args.name]
        create_celery(settings).worker_main(argv)
    finally:
        pool.close()
    return 0

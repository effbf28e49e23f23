"""Command line: ``dance-analyzer analyze | compare | learn | serve | worker | poses | moves``.

A thin shell: it parses arguments, hands the files to the pipeline, prints JSON to
stdout and keeps everything meant for a person (progress, errors) on stderr so the
output can be piped. ``parser`` declares the commands, ``commands`` runs those that
read media and serve, ``definitions`` those about poses and moves (show them, learn a
pose), and ``console`` holds the terminal plumbing.

Heavier modules (pydantic settings, the pipeline) are imported inside the commands:
worker processes import this package too (it holds ``__main__``), and should not pay
for them.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

from ..errors import InvalidSettings
from .files import EXIT_CONFIG, error
from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InvalidSettings as exc:
        error(str(exc))
        return EXIT_CONFIG
    finally:
        # Worker processes forked at start-up (see ``commands._start``) that no pool took,
        # if the command stopped before its pool (bad settings, say): the exit would wait
        # for them. Only a command that imported the module can have forked any.
        processes = sys.modules.get("dance_analyzer.workers.processes")
        if processes is not None:
            processes.stop_early_workers()


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


__all__ = ["build_parser", "main", "run"]

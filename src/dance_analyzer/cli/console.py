"""The terminal side of the CLI: native log noise kept off stderr, progress bars, JSON output."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any


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
    """One self-rewriting line on stderr (tqdm): frames done, frames/s and time left.

    A callable with the pipeline's progress signature. Reports may come from two threads
    at once (the caller's own span and the pool's relay of the others), hence the lock.
    """

    BAR_FORMAT = "{desc} [{bar:30}] {n_fmt}/{total_fmt} frames {rate_fmt} ETA {remaining}"

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self._bar: Any = None
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        with self._lock:
            if self._bar is None:
                from tqdm import tqdm  # only when a bar is shown

                self._bar = tqdm(
                    desc=self.label,
                    total=total,
                    unit=" frames",
                    bar_format=self.BAR_FORMAT if total else "{desc} {n_fmt} frames {rate_fmt}",
                    ascii=".#",
                    file=sys.stderr,
                    mininterval=0.1,
                    **_screen(sys.stderr),
                )
            elif total and self._bar.total != total:
                self._bar.total = total
            self._bar.update(done - self._bar.n)

    def finish(self) -> None:
        """End the line (once; later calls do nothing)."""
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None
                self.enabled = False


def _screen(stream: Any) -> dict[str, int]:
    """The terminal's size for tqdm, which cuts the line to its width. A pseudo-terminal
    nobody sized says 0 by 0, and tqdm would then hide the bar altogether."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        return {"ncols": 200, "nrows": 50}
    return {"ncols": size.columns or 200, "nrows": size.lines or 50}


def print_text(text: str) -> None:
    """A person's output on stdout, ending in a newline (quietly, when the pipe closed)."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stdout = None

"""Decoding untrusted files in a child process, one at a time, as a worker would.

A decoder fed damaged bytes can crash or loop inside native code. In the test process
that would end the run without saying which file did it; here the child dies or stops
answering instead, and the file it was given is named. The child stays up between
files, so thousands of them cost one interpreter start.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import traceback
from pathlib import Path

from tests.support.media import REPO

# What the product decodes with by default (DANCE_MAX_DURATION_S, _MAX_FRAMES, _MAX_PIXELS).
DEFAULT_LIMITS = {"max_duration_s": 600.0, "max_frames": 36_000, "max_pixels": 4096 * 4096}


def read_like_a_worker(path: Path, kind: str) -> str:
    """Read ``path`` as the product does; the outcome: ``decoded`` or the analysis error's
    class name. Anything else raised is a bug and propagates."""
    from dance_analyzer.errors import AnalysisError
    from dance_analyzer.media.still import read_picture
    from dance_analyzer.media.video import Limits, index_packets, iter_frames, probe

    limits = Limits(**DEFAULT_LIMITS)  # type: ignore[arg-type]
    try:
        if kind == "still":
            read_picture(path, 640, limits.max_pixels)
            return "decoded"
        probe(path, limits)
        index_packets(path, limits)
        for _ in iter_frames(path, sample_fps=5, max_side=640, limits=limits, decoder_threads=1):
            pass
        return "decoded"
    except AnalysisError as exc:
        return type(exc).__name__


def serve() -> None:
    """The child: one JSON request a line (path, kind), one JSON answer a line."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"outcome": read_like_a_worker(Path(request["path"]), request["kind"])}
        except Exception as exc:
            answer = {"outcome": "bug", "detail": "".join(traceback.format_exception(exc))[-3000:]}
        print(json.dumps(answer), flush=True)


class DecodingChild:
    """The parent's end: ``read(path, kind)`` gives the outcome, ``crash`` or ``hang``."""

    def __init__(self, hang_after_s: float) -> None:
        self.hang_after_s = hang_after_s
        self.restarts = 0
        self._process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", "from tests.support.decoding import serve; serve()"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # FFmpeg's complaints about the damage
            text=True,
        )

    def read(self, path: Path, kind: str = "video") -> tuple[str, str]:
        """(outcome, detail): the outcome is ``decoded``, an error class name, ``bug``,
        ``crash`` (the child died) or ``hang`` (no answer within ``hang_after_s``)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            self._process.stdin.write(json.dumps({"path": str(path), "kind": kind}) + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            return self._restart("crash", "the child had died")
        ready, _, _ = select.select([self._process.stdout], [], [], self.hang_after_s)
        if not ready:
            return self._restart("hang", f"no answer after {self.hang_after_s:g} s")
        line = self._process.stdout.readline()
        if not line:
            return self._restart("crash", f"the child exited with {self._process.wait()}")
        answer = json.loads(line)
        return answer["outcome"], answer.get("detail", "")

    def _restart(self, outcome: str, detail: str) -> tuple[str, str]:
        self.close()
        self.restarts += 1
        self._process = self._start()
        return outcome, detail

    def close(self) -> None:
        self._process.kill()
        self._process.wait()

    def __enter__(self) -> DecodingChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

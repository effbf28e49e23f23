"""The files a command reads and writes besides videos: pose and move files in, results
out. A problem with one is said in one line that names the file, with an exit code."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from .console import print_text

if TYPE_CHECKING:
    from ..config import Settings
    from ..labels.definitions import PoseSet
    from ..labels.moves import MoveSet

T = TypeVar("T")

EXIT_BAD_DEFINITIONS = 65  # EX_DATAERR: a pose or move file that is not valid
EXIT_MISSING_INPUT = 66
EXIT_TOO_LARGE = 68  # as a video over the frame size limit
EXIT_CANNOT_WRITE = 73  # EX_CANTCREAT
EXIT_CONFIG = 78  # EX_CONFIG: the installation lacks a model, or a DANCE_* setting is wrong


class InputProblem(Exception):
    """Said in one line naming the file, and the command exits with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def error(message: str) -> None:
    print(f"dance-analyzer: error: {message}", file=sys.stderr)


def os_problem(path: Path, exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"{path}: not a text file"
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        return f"{path}: is a directory, not a file"
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such file"
    return f"{path}: {exc.strerror or exc}"


def data_dir_problem(settings: Settings) -> str | None:
    """What keeps a server or a worker from using ``DANCE_DATA_DIR`` (it cannot be created,
    is a file, is read-only), said in one line before anything starts; None if it is usable."""
    try:
        settings.temp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=settings.temp_dir):
            pass
    except OSError as exc:
        return f"DANCE_DATA_DIR={settings.data_dir}: cannot use it: {exc.strerror or exc}"
    return None


STDIN = "-"


def readable_input(path: Path) -> bool:
    """A file, or what can be copied into one: standard input (``-``), a pipe, a device."""
    return path.is_file() or str(path) == STDIN or (path.exists() and not path.is_dir())


@contextmanager
def as_file(path: Path, max_bytes: int) -> Iterator[Path]:
    """``path`` itself when it is a file; standard input or a pipe copied into a temporary
    file first (the analysis reads a video more than once, from several processes), at most
    ``max_bytes`` of it (``DANCE_MAX_UPLOAD_MB``, as an upload: ``/dev/zero`` must not fill
    the disk), deleted afterwards whatever happens."""
    if path.is_file():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dance-analyzer-") as folder:
        copy = Path(folder) / ("stdin" if str(path) == STDIN else path.name)
        try:
            with _source(path) as source, open(copy, "wb") as sink:
                while chunk := source.read(1 << 20):
                    if sink.tell() + len(chunk) > max_bytes:
                        raise InputProblem(
                            f"{path}: more than {max_bytes // (1024 * 1024)} MB came in (DANCE_MAX_UPLOAD_MB): "
                            "save the video to a file, or raise the limit",
                            EXIT_TOO_LARGE,
                        )
                    sink.write(chunk)
        except OSError as exc:
            problem = f"{path}: cannot copy it into {folder}: {exc.strerror or exc}"
            raise InputProblem(problem, EXIT_CANNOT_WRITE) from None
        yield copy


def _source(path: Path) -> BinaryIO:
    if str(path) == STDIN:
        source = sys.stdin.buffer
    else:
        try:
            source = open(path, "rb")  # noqa: SIM115 (the caller's ``with`` closes it)
        except OSError as exc:
            raise InputProblem(os_problem(path, exc), EXIT_MISSING_INPUT) from None
    if source.isatty():  # standard input, /dev/stdin or /dev/tty with nothing piped in: it would wait for typing
        source.close()
        raise InputProblem(f"{path}: is a terminal: pipe the file into it (cat clip.mp4 | … -)", EXIT_MISSING_INPUT)
    return source


def poses_from(path: Path | None) -> PoseSet:
    """The pose set of ``path`` (None: the built-in one); InputProblem when it cannot be."""
    from ..labels.definitions import load_definitions

    return _definitions(path, load_definitions)


def moves_from(path: Path | None) -> MoveSet:
    """The move set of ``path`` (None: the built-in one); InputProblem when it cannot be."""
    from ..labels.moves import load_moves

    return _definitions(path, load_moves)


def _definitions(path: Path | None, load: Callable[[Path | None], T]) -> T:
    from ..labels.definitions import DefinitionError

    try:
        return load(path)
    except (OSError, UnicodeDecodeError) as exc:
        assert path is not None
        raise InputProblem(os_problem(path, exc), EXIT_MISSING_INPUT) from None
    except DefinitionError as exc:
        raise InputProblem(
            str(exc) if path is None else f"{path}: {after_name(str(exc), path)}", EXIT_BAD_DEFINITIONS
        ) from None


def after_name(message: str, path: Path) -> str:
    """A definition error's text without the file name it starts with (said once, in front)."""
    return message.removeprefix(f"{path.name}: ")


def write_output(text: str, out: str | None) -> int:
    """Print ``text``, or write it to ``out`` whole (a temporary file renamed into place:
    a failed run leaves no half-written file)."""
    if out is None:
        print_text(text)
        return 0
    target = Path(out)
    try:
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.replace(partial, target)
    except OSError as exc:
        with suppress(UnboundLocalError, OSError):
            os.unlink(partial)
        error(f"{target}: cannot write it: {exc.strerror or exc}")
        return EXIT_CANNOT_WRITE
    print(f"wrote {target}", file=sys.stderr)
    return 0


class AnnotatedCopies:
    """Where each file's annotated copy goes: the ``--overlay`` path given for one file, or,
    given a folder, ``<name>-annotated.mp4`` (a photo's ``.jpg``) in it for each file, never
    two of a run under one name (``clip-annotated-2.mp4`` for a second ``clip``)."""

    def __init__(self, overlay: str | None) -> None:
        self.given = None if overlay is None else Path(overlay)
        self.folder = self.given if self.given is not None and self.given.is_dir() else None
        self.last: Path | None = None  # the path asked for last, which an error then names
        self._taken: set[str] = set()

    def path_for(self, given: Path, readable: Path) -> Path | None:
        """``readable``: the file as the analysis reads it (``given`` may be a pipe)."""
        from ..media.still import is_picture

        if self.folder is None:
            self.last = self.given
        else:
            stem = "stdin" if str(given) == STDIN else given.stem
            suffix = ".jpg" if is_picture(readable) else ".mp4"
            name, n = f"{stem}-annotated{suffix}", 1
            while name.lower() in self._taken:
                n += 1
                name = f"{stem}-annotated-{n}{suffix}"
            self._taken.add(name.lower())
            self.last = self.folder / name
        return self.last

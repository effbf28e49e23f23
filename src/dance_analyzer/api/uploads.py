"""Receive a multipart video upload straight to a temporary file.

The body is parsed as it streams in, so a large upload never sits in memory and an
oversized one is refused as soon as it crosses the limit rather than after it has
been read. The caller owns the staged file and must delete it (``StagedUpload`` is a
context manager that does).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fastapi import Request
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from .errors import UploadError

FILE_FIELDS = ("file", "video")
MAX_PARTS = 16
MAX_FILENAME_CHARS = 255
# Room for multipart boundaries and headers on top of the file's own bytes.
_ENVELOPE_BYTES = 64 * 1024


@dataclass
class StagedUpload:
    path: Path
    filename: str
    size: int

    def __enter__(self) -> StagedUpload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def clean_filename(raw: bytes | str | None) -> str:
    """The client's file name, reduced to a safe display name (no directories)."""
    if raw is None:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:MAX_FILENAME_CHARS]


class _FilePart:
    def __init__(self, path: Path, file: IO[bytes], filename: str) -> None:
        self.path, self.file, self.filename = path, file, filename
        self.size = 0
        self.complete = False  # its closing boundary arrived


class _UploadSink:
    """Multipart callbacks: stage the first file part of each wanted field, skip the rest.

    ``wanted`` maps a field name to the upload it fills, so aliases share one slot
    (``file`` and ``video`` both fill ``video``); the total size of all staged files
    counts against the limit.
    """

    def __init__(self, directory: Path, max_bytes: int, wanted: dict[str, str]) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.wanted = wanted
        self.parts = 0
        self.files: dict[str, _FilePart] = {}
        self.total = 0
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._current: _FilePart | None = None

    # header assembly
    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise UploadError(400, f"Too many parts in the multipart body (at most {MAX_PARTS})")
        self._headers = {}
        self._current = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", errors="replace")
        slot = self.wanted.get(name)
        if slot is not None and slot not in self.files and b"filename" in params:
            fd, path = tempfile.mkstemp(prefix="upload-", suffix=".video", dir=self.directory)
            self._current = _FilePart(Path(path), os.fdopen(fd, "wb"), clean_filename(params[b"filename"]))
            self.files[slot] = self._current

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current is None:
            return
        self._current.size += end - start
        self.total += end - start
        if self.total > self.max_bytes:
            raise UploadError(413, f"The file is over the upload limit of {self.max_bytes // (1024 * 1024)} MB")
        self._current.file.write(data[start:end])

    def on_part_end(self) -> None:
        if self._current is not None:
            self._current.complete = True
        self._current = None

    def close(self) -> None:
        for part in self.files.values():
            if not part.file.closed:
                part.file.close()

    def discard(self) -> None:
        self.close()
        for part in self.files.values():
            part.path.unlink(missing_ok=True)


INSUFFICIENT_STORAGE = 507
NO_ROOM = {errno.ENOSPC, errno.EDQUOT}  # the disk, or this user's quota on it, is full


def no_room() -> UploadError:
    """The server's disk is full: the operator's problem, said so that the client may retry."""
    return UploadError(INSUFFICIENT_STORAGE, "The server has no room left to store the upload; try again later")


_CALLBACKS = (
    "on_part_begin",
    "on_header_field",
    "on_header_value",
    "on_header_end",
    "on_headers_finished",
    "on_part_data",
    "on_part_end",
)


async def receive_video_upload(request: Request, *, upload_dir: Path, max_bytes: int) -> StagedUpload:
    """The one video of an /analyze or /jobs request, in the ``file`` or ``video`` field."""
    staged = await receive_video_uploads(
        request, upload_dir=upload_dir, max_bytes=max_bytes, wanted={name: "video" for name in FILE_FIELDS}
    )
    return staged["video"]


async def receive_video_uploads(
    request: Request, *, upload_dir: Path, max_bytes: int, wanted: dict[str, str]
) -> dict[str, StagedUpload]:
    """Every wanted upload, staged; a missing, empty or cut-off one is a 400 and stages nothing."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UploadError(400, "No file part in the request")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + _ENVELOPE_BYTES:
        raise UploadError(413, f"The file is over the upload limit of {max_bytes // (1024 * 1024)} MB")

    sink = _UploadSink(upload_dir, max_bytes, wanted)
    parser = MultipartParser(params[b"boundary"], {name: getattr(sink, name) for name in _CALLBACKS})  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        sink.close()  # flushes what is buffered: a full disk may show only here
    except UploadError:
        sink.discard()
        raise
    except MultipartParseError as exc:
        sink.discard()
        raise UploadError(400, "The multipart body is malformed") from exc
    except OSError as exc:
        sink.discard()
        if exc.errno in NO_ROOM:
            raise no_room() from exc
        raise
    except BaseException:
        sink.discard()
        raise

    slots = list(dict.fromkeys(wanted.values()))
    try:
        for slot in slots:
            part = sink.files.get(slot)
            label = "" if slots == ["video"] else f" '{slot}'"
            if part is None:
                raise UploadError(400, "No file part in the request" if not label else f"No file part{label}")
            if not part.complete:
                raise UploadError(400, "The multipart body is malformed: it ends in the middle of the file part")
            if not part.filename:
                raise UploadError(400, f"No file selected: the file part{label} has an empty filename")
            if part.size == 0:
                raise UploadError(400, f"The uploaded file{label} is empty")
    except UploadError:
        sink.discard()
        raise
    return {
        slot: StagedUpload(sink.files[slot].path, sink.files[slot].filename, sink.files[slot].size) for slot in slots
    }

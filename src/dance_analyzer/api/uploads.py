"""Receive a multipart video upload straight to a temporary file.

The body is parsed as it streams in, so a large upload never sits in memory and an
oversized one is refused as soon as it crosses the limit rather than after it has
been read. The caller owns the staged file and must delete it (``StagedUpload`` is a
context manager that does).
"""

from __future__ import annotations

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


class _UploadSink:
    """Multipart callbacks: keep the first file part named file/video, skip the rest."""

    def __init__(self, directory: str | None, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.parts = 0
        self.file: IO[bytes] | None = None
        self.path: Path | None = None
        self.filename: str | None = None
        self.size = 0
        self.other_fields: list[str] = []
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._writing = False
        self.file_complete = False  # the file part's closing boundary arrived

    # header assembly
    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise UploadError(400, f"Too many parts in the multipart body (at most {MAX_PARTS})")
        self._headers = {}
        self._writing = False

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
        if name in FILE_FIELDS and self.file is None and b"filename" in params:
            self.filename = clean_filename(params[b"filename"])
            fd, path = tempfile.mkstemp(prefix="upload-", suffix=".video", dir=self.directory)
            self.path = Path(path)
            self.file = os.fdopen(fd, "wb")
            self._writing = True
        elif name:
            self.other_fields.append(name)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._writing or self.file is None:
            return
        self.size += end - start
        if self.size > self.max_bytes:
            raise UploadError(413, f"The file is over the upload limit of {self.max_bytes // (1024 * 1024)} MB")
        self.file.write(data[start:end])

    def on_part_end(self) -> None:
        if self._writing:
            self.file_complete = True
        self._writing = False

    def close(self) -> None:
        if self.file is not None and not self.file.closed:
            self.file.close()

    def discard(self) -> None:
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


async def receive_video_upload(request: Request, *, upload_dir: Path | None, max_bytes: int) -> StagedUpload:
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UploadError(400, "No file part in the request")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + _ENVELOPE_BYTES:
        raise UploadError(413, f"The file is over the upload limit of {max_bytes // (1024 * 1024)} MB")

    sink = _UploadSink(str(upload_dir) if upload_dir else None, max_bytes)
    callbacks = {
        name: getattr(sink, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(params[b"boundary"], callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadError:
        sink.discard()
        raise
    except MultipartParseError as exc:
        sink.discard()
        raise UploadError(400, "The multipart body is malformed") from exc
    except BaseException:
        sink.discard()
        raise
    sink.close()

    if sink.path is None:
        raise UploadError(400, "No file part in the request")
    if not sink.file_complete:
        sink.discard()
        raise UploadError(400, "The multipart body is malformed: it ends in the middle of the file part")
    staged = StagedUpload(path=sink.path, filename=sink.filename or "", size=sink.size)
    if not staged.filename:
        staged.discard()
        raise UploadError(400, "No file selected: the file part has an empty filename")
    if staged.size == 0:
        staged.discard()
        raise UploadError(400, "The uploaded file is empty")
    return staged

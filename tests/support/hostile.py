"""A corpus of hostile and broken uploads, generated (never checked in).

Each case is a name, the multipart ``files``/raw body to send, and what must happen:
the statuses allowed (a 4xx JSON error, or 200 where the file is in fact a valid video)
and words the error must contain, so the message names the problem.
"""

from __future__ import annotations

import os
import random
import struct
import zlib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from tests.support.h264 import write_resized_h264
from tests.support.mutations import atoms


@dataclass
class Case:
    name: str
    filename: str | bytes
    data: bytes
    allowed: set[int]
    words: tuple[str, ...] = ()  # any of these in the error (lower case)
    part_content_type: str = "video/mp4"
    raw: bytes | None = None  # a complete multipart body, sent as is
    headers: dict[str, str] = field(default_factory=dict)


def _encode(path: Path, *, width=32, height=32, frames=8, rate: Fraction | int = 10, pts_ms=None, codec="libx264"):
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if pts_ms is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        for i in range(frames):
            image = np.full((height, width, 3), (37 * i) % 256, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            if pts_ms is not None:
                frame.pts, frame.time_base = pts_ms[i], Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path.read_bytes()


def _png() -> bytes:
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", (4).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def huge_png(width: int, height: int) -> bytes:
    """A real ``width`` x ``height`` PNG of one colour: 200 KB at 8192x8192, 192 MB decoded."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * 3 * width
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _audio_only(path: Path) -> bytes:
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        samples = (np.sin(np.arange(16000) / 5) * 0.3).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 16000
        container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path.read_bytes()


def _no_frames(path: Path) -> bytes:
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        container.start_encoding()  # the header is written; no frame ever follows
    return path.read_bytes()


def _unidentified_codec(path: Path) -> bytes:
    """A video track FFmpeg cannot name the codec of: its `vmhd` atom's size field says 10."""
    data = bytearray(_encode(path, frames=8))
    vmhd = next(atom for atom in atoms(bytes(data)) if atom.kind == b"vmhd")
    struct.pack_into(">I", data, vmhd.offset, 10)
    return bytes(data)


def _multipart(boundary: bytes, parts: list[tuple[bytes, bytes]]) -> bytes:
    body = b""
    for disposition, content in parts:
        body += b"--" + boundary + b"\r\nContent-Disposition: " + disposition + b"\r\n"
        body += b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


RANDOM_BYTES = random.Random(20261207).randbytes(64 * 1024)

CASE_NAMES = (
    "zero_bytes", "random_bytes", "png_named_mp4", "png_8192_square", "png_8000x1_strip", "text_named_mp4",
    "truncated_5pct", "truncated_30pct", "truncated_60pct", "truncated_95pct", "corrupt_middle", "audio_only",
    "no_frames",
    "huge_dimensions", "very_long_tiny", "absurd_low_fps", "absurd_high_fps", "valid_with_wrong_part_type",
    "path_traversal_name", "huge_filename", "non_utf8_filename", "many_parts", "wrong_content_type",
    "unterminated_multipart", "unidentified_codec", "huge_frame_header", "frames_grow_past_limit",
)  # fmt: skip


def corpus(tmp: Path) -> list[Case]:
    video = _encode(tmp / "valid.mp4", frames=20)
    ok = {200}
    return [
        Case("zero_bytes", "empty.mp4", b"", {400}, ("empty",)),
        # Random bytes, the same ones every run: fresh ones were now and then (1 in 300 of them,
        # measured) taken for a damaged video or a stream that fails to decode, a 422, so the
        # case's outcome was luck.
        Case("random_bytes", "random.mp4", RANDOM_BYTES, {415}, ("not a video", "no video stream")),
        # A photo, whatever its name: analysed as one (a 4x4 red square: nobody in it).
        Case("png_named_mp4", "photo.mp4", _png(), {200}),
        Case("png_8192_square", "big.png", huge_png(8192, 8192), {413}, ("8192x8192",)),
        # A picture one pixel high: read as a photo (a wide one is looked at in squares, a
        # bounded number of them), nobody in it.
        Case("png_8000x1_strip", "strip.png", huge_png(8000, 1), {200}),
        Case("text_named_mp4", "notes.mp4", b"just text, not a video\n" * 100, {415}, ("not a video",)),
        *[
            Case(
                f"truncated_{pct}pct",
                "cut.mp4",
                video[: len(video) * pct // 100],
                {200, 415, 422},
                ("damaged", "truncated", "not a video", "decodable"),
            )
            for pct in (5, 30, 60, 95)
        ],
        Case(
            "corrupt_middle",
            "corrupt.mp4",
            video[: len(video) // 3] + os.urandom(len(video) // 3) + video[2 * len(video) // 3 :],
            {200, 422},
            ("damaged", "decodable"),
        ),
        Case("audio_only", "tone.mp4", _audio_only(tmp / "tone.m4a"), {415}, ("no video stream",)),
        Case(
            "no_frames",
            "hollow.mp4",
            _no_frames(tmp / "hollow.mp4"),
            {415, 422},
            ("decodable", "not a video", "no video stream", "damaged"),
        ),
        Case(
            "huge_dimensions",
            "huge.mp4",
            _encode(tmp / "huge.mp4", width=4112, height=4112, frames=1),
            {413},
            ("frame size",),
        ),
        Case(
            "unidentified_codec",
            "vmhd.mp4",
            _unidentified_codec(tmp / "vmhd.mp4"),
            {422},
            ("damaged",),
        ),
        Case(  # a 4 KB H.264 file whose parameter sets declare 16000x16000 pictures
            "huge_frame_header",
            "huge.mp4",
            write_resized_h264(tmp / "declared.mp4", declared=(16000, 16000)).read_bytes(),
            {413},
            ("frame size",),
        ),
        Case(  # 6 s of 64x64, then pictures declared 16000x16000: only the decoder sees them
            "frames_grow_past_limit",
            "grows.mp4",
            write_resized_h264(
                tmp / "grows.mp4", declared=(16000, 16000), from_keyframe=2, frames=90, gop=30
            ).read_bytes(),
            {413},
            ("frame size",),
        ),
        Case(
            "very_long_tiny",
            "long.mp4",
            _encode(tmp / "long.mp4", width=16, height=16, frames=3, pts_ms=[0, 3_600_000, 7_200_000]),
            {413},
            ("longer than", "limit"),
        ),
        Case(
            "absurd_low_fps",
            "slow.mp4",
            _encode(tmp / "slow.mp4", frames=3, rate=Fraction(1, 1000)),
            {413},
            ("longer than", "limit"),
        ),
        Case("absurd_high_fps", "fast.mp4", _encode(tmp / "fast.mp4", frames=8, rate=120_000), {200, 413, 422}),
        Case("valid_with_wrong_part_type", "clip.mp4", video, ok, part_content_type="text/plain"),
        Case("path_traversal_name", "../../etc/passwd.mp4", video, ok),
        Case("huge_filename", "x" * 20_000 + ".mp4", video, {200, 400}, ("malformed",)),
        Case(
            "non_utf8_filename",
            b"",
            video,
            ok,
            raw=_multipart(b"BOUNDARY", [(b'form-data; name="file"; filename="\xff\xfe\xc0\xaf.mp4"', video)]),
            headers={"content-type": "multipart/form-data; boundary=BOUNDARY"},
        ),
        Case(
            "many_parts",
            b"",
            b"",
            {400},
            ("too many parts",),
            raw=_multipart(b"B", [(b'form-data; name="x%d"' % i, b"v") for i in range(200)]),
            headers={"content-type": "multipart/form-data; boundary=B"},
        ),
        Case(
            "wrong_content_type",
            b"",
            b"",
            {400},
            ("no file part",),
            raw=b'{"file": "clip.mp4"}',
            headers={"content-type": "application/json"},
        ),
        Case(
            "unterminated_multipart",
            b"",
            b"",
            {400},
            ("malformed", "no file part"),
            raw=b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc',
            headers={"content-type": "multipart/form-data; boundary=B"},
        ),
    ]

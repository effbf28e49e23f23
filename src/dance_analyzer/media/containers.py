"""Opening untrusted video files: telling damaged videos from non-videos, and probing them
under the frame size guard.

FFmpeg decodes the first frames of a file while it probes its streams, before anything
else can look at it; the guard has to be in place by then.
"""

from __future__ import annotations

from pathlib import Path

import av

from ..errors import CorruptVideo, EmptyFile, NotAVideo

# Leading bytes of the containers a video is likely to arrive in. A file that starts
# like one of these but will not open is a damaged video (422), not a non-video (415).
_CONTAINER_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),  # MP4, MOV, 3GP
    (4, b"moov"),
    (4, b"mdat"),
    (4, b"wide"),
    (4, b"free"),
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM
    (0, b"RIFF"),  # AVI
    (0, b"OggS"),
    (0, b"FLV"),
    (0, b"\x00\x00\x01\xba"),  # MPEG-PS
)


# FFmpeg's own frame size guard (the decoders' ``max_pixels`` option) is an int, and it
# counts each row padded to its SIMD alignment (up to 64 pixels more). Set to twice the
# limit, it refuses no frame within the limit that is at least 64 pixels wide, and still
# bounds what one frame can make a decoder allocate; the exact limit is checked on every
# frame (see video.py).
_FFMPEG_MAX_PIXELS = 2**31 - 1


def looks_like_video_container(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(16)
    return any(head[offset : offset + len(sig)] == sig for offset, sig in _CONTAINER_SIGNATURES) or (
        len(head) > 0 and head[0] == 0x47  # MPEG-TS sync byte
    )


def open_video(path: Path, max_pixels: int) -> av.container.InputContainer:
    """The container of a file that has a video stream, or the error saying what the file is."""
    if path.stat().st_size == 0:
        raise EmptyFile("The uploaded file is empty")
    try:
        container = _open_guarded(path, max_pixels)
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        if looks_like_video_container(path):
            raise CorruptVideo("The video file is damaged or truncated and cannot be opened") from exc
        raise NotAVideo("The file is not a video or a photo in a supported format") from exc
    if _is_still_image(container.format.name):
        container.close()
        raise NotAVideo(
            "The file is a still image in a format not read here (photos are read as JPEG, PNG, WebP, BMP, PNM or HEIC)"
        )
    if not container.streams.video:
        has_streams = len(list(container.streams)) > 0
        container.close()
        if not has_streams and looks_like_video_container(path):  # e.g. an MP4 cut before its index
            raise CorruptVideo("The video file is damaged or truncated: no stream in it can be read")
        raise NotAVideo("The file contains no video stream")
    return container


def decoder_guard(max_pixels: int) -> dict[str, str]:
    """Decoder options that make FFmpeg refuse to allocate frames far over ``max_pixels``."""
    return {"max_pixels": str(min(2 * max_pixels, _FFMPEG_MAX_PIXELS))}


def _open_guarded(path: Path, max_pixels: int) -> av.container.InputContainer:
    """Open the file with the frame size guard on the decoders FFmpeg runs while it probes.

    Probing decodes the first frames of each stream (up to 7 for H.264) at whatever size
    the file declares, before any check of ours: a 4 KB file declaring 16000x16000 costs
    680 MB there. Formats that declare their streams up front (MP4, Matroska, AVI, MPEG-TS,
    raw H.264) take the guard as a per-stream option. Those that find their streams only
    while reading packets (MPEG-PS, FLV) cannot take one (PyAV refuses with a ValueError
    before probing), so they are probed without decoding (no decoder is on the whitelist):
    their frames are decoded later, by probe and iter_frames, under the guard.
    """
    guard = decoder_guard(max_pixels)
    try:
        # PyAV's stub types stream_options as strings; it takes a dict per stream.
        per_stream: list = [guard]
        return av.open(str(path), metadata_errors="ignore", options=guard, stream_options=per_stream)
    except av.FFmpegError:
        raise
    except ValueError as exc:
        if "stream_options" not in str(exc):
            raise
    return av.open(str(path), metadata_errors="ignore", container_options={"codec_whitelist": "none"})


def _is_still_image(format_name: str) -> bool:
    """FFmpeg opens single images (PNG, JPEG, ...) as one-frame videos: refuse them as such."""
    return format_name == "image2" or any(name.endswith("_pipe") for name in format_name.split(","))

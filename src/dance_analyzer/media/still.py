"""Still pictures (a photo to analyse or to learn a pose from), decoded with OpenCV (HEIF
with libheif, :mod:`.heif`) within the frame size limit.

The limit is applied to the size the file's header declares, before decoding: a 200 KB
PNG can declare 8192x8192 pixels, 192 MB once decoded. The headers of the usual photo
formats (JPEG, PNG, WebP, BMP, PNM, HEIF) are read here; a picture in another format OpenCV
reads (TIFF, JPEG 2000, ...) is checked once decoded, its decoding bounded meanwhile by
OpenCV's own limit ``OPENCV_IO_MAX_IMAGE_PIXELS``, which the worker set-up sets
(:mod:`dance_analyzer.workers.process_setup`).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..errors import CorruptVideo, NotAVideo, OverlayNotWritten, TooLarge
from .heif import decode_heif, heif_size, is_heif

Size = tuple[int, int]  # width, height
PICTURE_CODEC = "picture"  # what a photo's VideoInfo says it was encoded as: it is no video
# The annotated copy of a photo is a picture, in the format its name says (suffix: encoding).
PICTURE_OUTPUTS = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png", ".webp": ".webp"}


def check_overlay_name(out: Path, *, photo: bool) -> None:
    """Refuse ``out`` as the annotated copy's name when it says the wrong kind: a photo's copy
    is a picture and a video's an MP4, and a name saying otherwise would mislead whoever opens it."""
    picture = out.suffix.lower() in PICTURE_OUTPUTS
    if photo and not picture:
        raise OverlayNotWritten(
            f"The file is a photo: its annotated copy is a picture; name it .jpg, .png or .webp, not {out.name}"
        )
    if picture and not photo:
        raise OverlayNotWritten(
            f"The file is a video: its annotated copy is an MP4 video; name it .mp4, not {out.name}"
        )


def read_picture(path: Path, max_side: int, max_pixels: int) -> np.ndarray:
    """The RGB picture in ``path``, shrunk so that its longer side is at most ``max_side``."""
    return sized_picture(path.read_bytes(), max_side, max_pixels)[0]


def decode_picture(data: bytes, max_side: int, max_pixels: int) -> np.ndarray:
    """The RGB picture encoded in ``data`` (a photo file, or a live camera's JPEG frame),
    shrunk so that its longer side is at most ``max_side``."""
    return sized_picture(data, max_side, max_pixels)[0]


def sized_picture(data: bytes, max_side: int, max_pixels: int) -> tuple[np.ndarray, Size]:
    """:func:`decode_picture`, and the picture's size before it was shrunk: upright, as its
    EXIF orientation says (OpenCV turns a phone's portrait photo, stored landscape)."""
    declared = declared_size(data)
    if declared is not None:
        _check_size(declared, max_pixels)
    decoded = _decode(data)
    size = (decoded.shape[1], decoded.shape[0])
    _check_size(size, max_pixels)
    return _shrunk_rgb(decoded, max_side), size


def is_picture(path: Path) -> bool:
    """Whether the file starts as a photo in one of the formats whose header is read here
    (JPEG, PNG, WebP, BMP, PNM, HEIF/HEIC): what it is, whatever its name says."""
    with open(path, "rb") as f:
        return starts_as_picture(f.read(16))


def sniffed_picture(path: Path) -> bool | None:
    """:func:`is_picture`, or None when the file cannot be opened (whoever reads it next
    says why): to name a file nobody could read, or a copy's format before reading it."""
    try:
        return is_picture(path)
    except OSError:
        return None


def starts_as_picture(head: bytes) -> bool:
    if head.startswith(b"RIFF"):  # also AVI and WAV
        return head[8:12] == b"WEBP"
    if is_heif(head):
        return True
    return any(head.startswith(signature) for signature, _ in _HEADER_READERS)


def check_declared_size(path: Path, max_pixels: int) -> None:
    """Refuse a picture whose header declares more than ``max_pixels``, without decoding it
    (its first megabyte: a JPEG's frame header may follow large metadata; where it does not
    come that early, the decoding checks the size as it always does)."""
    with open(path, "rb") as f:
        declared = declared_size(f.read(1 << 20))
    if declared is not None:
        _check_size(declared, max_pixels)


def declared_size(data: bytes) -> Size | None:
    """The (width, height) the header of a JPEG, PNG, WebP, BMP, PNM or HEIF file declares;
    None for other formats and for headers too damaged to say."""
    if is_heif(data[:16]):
        return heif_size(data)
    for signature, reader in _HEADER_READERS:
        if data.startswith(signature):
            try:
                return reader(data)
            except (struct.error, ValueError, IndexError):
                return None
    return None


def _check_size(size: Size, max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise TooLarge(f"Image size {width}x{height} is over the limit of {max_pixels} pixels")


def _decode(data: bytes) -> np.ndarray:
    import cv2

    if is_heif(data[:16]):
        heif = decode_heif(data)
        if heif is None:
            raise _undecodable(data)
        return heif
    try:
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:  # OpenCV raises, rather than returning None, for sizes over its limit
        if "CV_IO_MAX_IMAGE_PIXELS" in str(exc):
            raise TooLarge("The image is over the image decoder's size limit") from exc
        raise _undecodable(data) from exc
    if decoded is None:
        raise _undecodable(data)
    return np.asarray(decoded)


def _undecodable(data: bytes) -> CorruptVideo | NotAVideo:
    """A photo's header and then nothing OpenCV can decode is a damaged photo (422, as a
    damaged video is); other bytes are no picture at all (415)."""
    if starts_as_picture(data[:16]):
        return CorruptVideo("The image is damaged or truncated and cannot be decoded")
    return NotAVideo("The file is not a video or a photo in a supported format")


def _shrunk_rgb(decoded: np.ndarray, max_side: int) -> np.ndarray:
    import cv2

    height, width = decoded.shape[:2]
    scale = max_side / max(height, width)
    if scale < 1 and min(height, width) * scale < 1:
        # A strip keeps a pixel across: shrunk by the scale alone it would have no size,
        # which OpenCV refuses. Every other picture is shrunk by the scale itself, not to a
        # rounded size (a slightly different one for INTER_AREA): as the corpus's photos were.
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        decoded = cv2.resize(decoded, size, interpolation=cv2.INTER_AREA)
    elif scale < 1:
        decoded = cv2.resize(decoded, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(decoded[:, :, ::-1])


# ------------------------------------------------------------------------- headers


def _png_size(data: bytes) -> Size:
    if data[12:16] != b"IHDR":
        raise ValueError("no IHDR chunk first")
    width, height = struct.unpack_from(">II", data, 16)
    return width, height


# Start-of-frame markers (every JPEG coding process); C4, C8 and CC are other segments.
_JPEG_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> Size | None:
    """The size in the first start-of-frame segment, walking the segments before it."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError("not at a marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        if marker in _JPEG_SOF:
            height, width = struct.unpack_from(">HH", data, at + 5)
            return width, height
        if marker == 0xDA:  # the picture data starts before any frame header: nothing to say
            return None
        (length,) = struct.unpack_from(">H", data, at + 2)
        at += 2 + length
    return None


def _webp_size(data: bytes) -> Size | None:
    if data[8:12] != b"WEBP":  # another RIFF file (AVI, WAV)
        return None
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: 14-bit sizes after the key frame's start code
        if data[23:26] != b"\x9d\x01\x2a":
            raise ValueError("no VP8 start code")
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: 14-bit sizes minus one after the signature byte
        (bits,) = struct.unpack_from("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: 24-bit canvas sizes minus one
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def _bmp_size(data: bytes) -> Size:
    (header_size,) = struct.unpack_from("<I", data, 14)
    if header_size == 12:  # OS/2 core header: 16-bit sizes
        width, height = struct.unpack_from("<HH", data, 18)
        return width, height
    width, height = struct.unpack_from("<ii", data, 18)
    return abs(width), abs(height)  # a negative height means rows top-down


def _pnm_size(data: bytes) -> Size:
    """P1-P6 and PF/Pf: the magic, then width and height as text (comments start with #)."""
    text = data[2:256].decode("ascii", errors="replace")
    words = [line.split("#")[0] for line in text.splitlines()]
    width, height = " ".join(words).split()[:2]
    return int(width), int(height)


_HEADER_READERS: tuple[tuple[bytes, Callable[[bytes], Size | None]], ...] = (
    (b"\x89PNG\r\n\x1a\n", _png_size),
    (b"\xff\xd8", _jpeg_size),
    (b"BM", _bmp_size),
    *((b"P%d" % n, _pnm_size) for n in range(1, 7)),
    (b"PF", _pnm_size),
    (b"Pf", _pnm_size),
    (b"RIFF", _webp_size),
)

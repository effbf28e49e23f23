"""Photos as cameras write them (a portrait stored landscape, with the EXIF tag to turn it;
an iPhone's HEIC), and group photos made of photos whose poses are known."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest


def stored_turned(jpeg: bytes) -> bytes:
    """The same photo as a phone stores a portrait shot: the pixels a quarter turn
    anticlockwise, and EXIF orientation 6 (turn clockwise to show)."""
    picture = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    stored = cv2.rotate(picture, cv2.ROTATE_90_COUNTERCLOCKWISE)
    ok, buffer = cv2.imencode(".jpg", stored, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    data = buffer.tobytes()
    # TIFF header (big-endian), one IFD entry: tag 0x0112 (orientation), SHORT, count 1, value 6.
    tiff = b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0)
    tiff += struct.pack(">I", 0)
    body = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    return data[:2] + app1 + data[2:]


def heic(photo: Path, out: Path, *, quality: int = 80) -> Path:
    """``photo`` encoded as HEIC (HEVC in HEIF, as an iPhone stores photos), by libheif's own
    encoder; the test skips, saying so, where it is not installed."""
    encoder = shutil.which("heif-enc")
    if encoder is None:
        pytest.skip("heif-enc not installed (Debian package libheif-examples; scripts/test.sh installs it as root)")
    subprocess.run([encoder, "-q", str(quality), str(photo), "-o", str(out)], check=True, capture_output=True)
    return out


def side_by_side(*photos: Path | tuple[Path, bool], height: int = 640) -> bytes:
    """One JPEG of several photos set side by side at one height, left to right: a group
    photo of people whose poses are known. ``(path, True)`` puts a photo in mirrored."""
    parts = []
    for photo in photos:
        path, flip = photo if isinstance(photo, tuple) else (photo, False)
        picture = cv2.imread(str(path), cv2.IMREAD_COLOR)
        picture = cv2.resize(picture, (round(picture.shape[1] * height / picture.shape[0]), height))
        parts.append(picture[:, ::-1] if flip else picture)
    ok, buffer = cv2.imencode(".jpg", np.hstack(parts), [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    return buffer.tobytes()

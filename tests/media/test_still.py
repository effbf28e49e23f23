"""Still pictures (a photo to analyse, or to learn a pose from): decoded within the frame size limit.

Each format's header is made to declare a size the picture does not have, as a hostile
file would: the limit must be applied to what the header says, before any decoding.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np
import pytest

from dance_analyzer.errors import CorruptVideo, NotAVideo, TooLarge
from dance_analyzer.media.still import check_declared_size, decode_picture, is_picture, read_picture, sized_picture
from tests.support.hostile import huge_png
from tests.support.memory import peak_memory_of
from tests.support.pictures import stored_turned

LIMIT = 4096 * 4096


def encoded(extension: str, width: int = 80, height: int = 60) -> bytes:
    picture = np.zeros((height, width, 3), np.uint8)
    picture[: height // 2] = (200, 30, 30)  # BGR: a blue top half
    ok, buffer = cv2.imencode(extension, picture)
    assert ok
    return buffer.tobytes()


def declaring(extension: str, width: int, height: int) -> bytes:
    """An 80x60 picture whose header says ``width`` x ``height``."""
    data = bytearray(encoded(extension))
    if extension == ".png":
        struct.pack_into(">II", data, 16, width, height)
    elif extension == ".jpg":
        sof = data.index(b"\xff\xc0")
        struct.pack_into(">HH", data, sof + 5, height, width)
    elif extension == ".bmp":
        struct.pack_into("<ii", data, 18, width, height)
    elif extension == ".webp":  # lossless (VP8L): 14-bit width-1 and height-1 after the signature byte
        assert data[12:16] == b"VP8L"
        bits = struct.unpack_from("<I", data, 21)[0] & ~((1 << 28) - 1)
        struct.pack_into("<I", data, 21, bits | (width - 1) | (height - 1) << 14)
    elif extension == ".ppm":
        return b"P6\n%d %d\n255\n" % (width, height) + bytes(data[data.index(b"255\n") + 4 :])
    return bytes(data)


@pytest.mark.parametrize("extension", [".png", ".jpg", ".bmp", ".webp", ".ppm", ".tiff"])
def test_a_picture_within_the_limit_is_read_upright_in_rgb(tmp_path, extension):
    path = tmp_path / f"photo{extension}"
    path.write_bytes(encoded(extension))
    picture = read_picture(path, max_side=40, max_pixels=80 * 60)
    assert picture.shape == (30, 40, 3)
    assert tuple(picture[2, 20]) == pytest.approx((30, 30, 200), abs=8)  # RGB, top half blue


@pytest.mark.parametrize("extension", [".png", ".jpg", ".bmp", ".webp", ".ppm"])
def test_the_size_a_header_declares_is_refused_before_decoding(tmp_path, extension):
    path = tmp_path / f"photo{extension}"
    path.write_bytes(declaring(extension, 8192, 8192))
    with pytest.raises(TooLarge, match="8192x8192"):
        read_picture(path, max_side=640, max_pixels=LIMIT)


def test_a_strip_too_thin_to_shrink_by_its_scale_keeps_a_pixel_across():
    picture, size = sized_picture(huge_png(8000, 1), 640, 10**8)
    assert picture.shape == (1, 640, 3) and size == (8000, 1)
    tall, _ = sized_picture(huge_png(3, 4000), 640, 10**8)
    assert tall.shape == (640, 1, 3)


def test_a_format_without_a_header_read_here_is_checked_once_decoded(tmp_path):
    path = tmp_path / "photo.tiff"
    path.write_bytes(encoded(".tiff"))
    with pytest.raises(TooLarge, match="80x60"):
        read_picture(path, max_side=640, max_pixels=80 * 60 - 1)


def test_an_8192_square_png_is_refused_without_decoding_it(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(huge_png(8192, 8192))  # 200 KB; 192 MB once decoded
    cost = peak_memory_of(f"still.read_picture(Path({str(path)!r}), 640, {LIMIT})")
    assert (cost.error, cost.grown_mb < 50) == ("TooLarge", True), cost
    assert "8192x8192" in cost.message


def test_a_photo_is_told_by_its_bytes_whatever_its_name(tmp_path):
    for extension in (".png", ".jpg", ".bmp", ".webp", ".ppm"):
        path = tmp_path / f"photo{extension}.mp4"
        path.write_bytes(encoded(extension))
        assert is_picture(path), extension
    avi = tmp_path / "clip.avi"  # RIFF too, as WebP is
    avi.write_bytes(b"RIFF\x00\x00\x00\x00AVI LIST" + bytes(64))
    text = tmp_path / "notes.jpg"
    text.write_bytes(b"not a picture at all\n")
    assert not is_picture(avi) and not is_picture(text)


def test_a_portrait_stored_turned_is_read_upright_with_its_upright_size():
    upright = encoded(".jpg", width=60, height=80)
    picture, size = sized_picture(stored_turned(upright), max_side=640, max_pixels=LIMIT)
    assert size == (60, 80) and picture.shape == (80, 60, 3)
    # the blue half on top, as in the upright original
    assert picture[:40, :, 2].mean() > 150 > picture[40:, :, 2].mean()


def test_a_declared_size_over_the_limit_is_refused_without_decoding(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(huge_png(8192, 8192))
    with pytest.raises(TooLarge, match="8192x8192"):
        check_declared_size(path, LIMIT)
    check_declared_size(path, 8192 * 8192)  # at the limit: for the decoding to decide


def test_a_photo_cut_short_is_named_damaged_and_other_bytes_are_no_picture(tmp_path):
    for extension in (".png", ".jpg"):
        data = encoded(extension, width=400, height=300)
        with pytest.raises(CorruptVideo, match="image is damaged or truncated"):
            decode_picture(data[: len(data) // 3], 640, LIMIT)
    with pytest.raises(NotAVideo, match="not a video or a photo"):
        decode_picture(b"just some words, no picture\n" * 10, 640, LIMIT)

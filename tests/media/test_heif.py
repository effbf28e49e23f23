"""HEIC photos (an iPhone's): told from a video by their brand, sized from their metadata,
decoded upright in OpenCV's channel order; made from the shared photos by libheif's encoder."""

from __future__ import annotations

import struct

import cv2
import numpy as np
import pytest

from dance_analyzer.errors import CorruptVideo, TooLarge
from dance_analyzer.media.heif import decode_heif, heif_size, is_heif
from dance_analyzer.media.still import check_declared_size, is_picture, read_picture, sized_picture
from tests.support.media import media
from tests.support.pictures import heic


@pytest.fixture(scope="module")
def warrior(tmp_path_factory):
    return heic(media("warrior2_arms_out.jpg"), tmp_path_factory.mktemp("heic") / "warrior.heic")


def ftyp(brand: bytes) -> bytes:
    return struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1" + brand


def test_a_heif_still_is_told_from_an_iso_video_by_its_brand(tmp_path, warrior):
    assert is_heif(warrior.read_bytes()[:16]) and is_picture(warrior)
    for brand in (b"heic", b"heix", b"mif1"):
        assert is_heif(ftyp(brand)), brand
    for brand in (b"isom", b"mp42", b"qt  ", b"msf1", b"hevc"):  # videos, and image sequences
        assert not is_heif(ftyp(brand)), brand
    mp4 = tmp_path / "clip.heic"  # a video named as a photo is a video
    mp4.write_bytes(media("squat_band_1.mp4").read_bytes())
    assert not is_picture(mp4)


def test_a_heic_reads_as_the_photo_it_was_made_from(warrior):
    source = cv2.imread(str(media("warrior2_arms_out.jpg")))
    assert heif_size(warrior.read_bytes()) == (source.shape[1], source.shape[0])
    decoded = decode_heif(warrior.read_bytes())
    assert decoded is not None and decoded.shape == source.shape and decoded.dtype == np.uint8
    # The same colours in the same channel order (a swap of red and blue is far off).
    assert np.abs(decoded.astype(int) - source.astype(int)).mean() < 6
    assert np.abs(decoded[:, :, ::-1].astype(int) - source.astype(int)).mean() > 10
    rgb = read_picture(warrior, max_side=640, max_pixels=2**62)
    assert rgb.shape == (427, 640, 3)  # shrunk as every photo is, RGB out


def test_a_heic_over_the_size_limit_or_cut_short_is_named(warrior):
    data = warrior.read_bytes()
    with pytest.raises(TooLarge, match="1000x667"):
        sized_picture(data, 640, max_pixels=500_000)
    with pytest.raises(TooLarge, match="1000x667"):
        check_declared_size(warrior, max_pixels=500_000)
    assert decode_heif(data[: len(data) // 2]) is None and heif_size(data[:20]) is None
    with pytest.raises(CorruptVideo, match="damaged"):
        sized_picture(data[: len(data) // 2], 640, max_pixels=2**62)

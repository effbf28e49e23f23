"""HEIF photos (HEIC: what iPhones take), which OpenCV cannot decode: read with libheif
(``pi-heif``, its decoding-only build), as the other photo formats are read with OpenCV.

A HEIF file is an ISO media file, as an MP4 is: it is told from a video by its brand
(``ftyp``), so an iPhone's still photo is read as a photo and its movie as a video.
"""

from __future__ import annotations

import numpy as np

# Brands of HEIF still images (ISO/IEC 23008-12): HEVC-coded, and the generic image brand.
# Image sequences (msf1, hevc) are left to the video reader.
STILL_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1")


def is_heif(head: bytes) -> bool:
    """Whether the file's first 12 bytes open a HEIF still image (its ``ftyp`` box)."""
    return head[4:8] == b"ftyp" and head[8:12] in STILL_BRANDS


def heif_size(data: bytes) -> tuple[int, int] | None:
    """The primary image's (width, height) as the file's metadata declares it, read without
    decoding a pixel (the first megabyte of a file holds it); None if it cannot be read."""
    import pi_heif

    try:
        width, height = pi_heif.open_heif(data).size
    except ValueError:
        return None
    return int(width), int(height)


def decode_heif(data: bytes) -> np.ndarray | None:
    """The primary image as BGR, upright (libheif applies the file's rotation and mirroring),
    8 bits a channel; None when libheif cannot decode it (damaged, cut short)."""
    import pi_heif

    try:
        heif = pi_heif.open_heif(data, convert_hdr_to_8bit=True)
        rgb = np.asarray(heif)  # a view of libheif's buffer, which lives only as long as ``heif``
    except ValueError:
        return None
    bgr = np.array(rgb[:, :, 2::-1], order="C")  # copied, RGB (or RGBA) to BGR as OpenCV gives
    del heif
    return bgr

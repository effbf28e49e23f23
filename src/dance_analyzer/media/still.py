"""Still pictures (a photo to learn a pose from), decoded with OpenCV.

OpenCV reads the frame size limit ``OPENCV_IO_MAX_IMAGE_PIXELS`` once, when it is first
imported: the worker set-up (:mod:`dance_analyzer.workers.setup`) sets it, so a small
file declaring a huge picture cannot allocate gigabytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import NotAVideo


def read_picture(path: Path, max_side: int) -> np.ndarray:
    """The RGB picture in ``path``, shrunk so that its longer side is at most ``max_side``."""
    import cv2

    data = np.frombuffer(path.read_bytes(), np.uint8)
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if decoded is None:
        raise NotAVideo("The file is neither a video nor an image in a supported format")
    scale = max_side / max(decoded.shape[:2])
    if scale < 1:
        decoded = cv2.resize(decoded, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(decoded[:, :, ::-1])

"""Fixtures every test directory can use; the helpers themselves live in ``tests.support``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.media import write_video

VideoFactory = Callable[..., Path]


@pytest.fixture
def make_video(tmp_path: Path) -> VideoFactory:
    """``make_video(name="clip.mp4", **shape)``: a generated video in the test's temporary
    directory (see :func:`tests.support.media.write_video` for the shape arguments)."""

    def make(name: str = "clip.mp4", **shape: Any) -> Path:
        return write_video(tmp_path / name, **shape)

    return make

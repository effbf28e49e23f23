"""The frame size limit holds for every frame, and a refusal costs no memory.

The videos are 64x64 H.264 whose parameter sets declare another size (see
tests/support/h264.py): a 4-10 KB file that makes a decoder allocate whatever frame size
it declares. Memory is measured in a fresh process (tests/support/memory.py): the limit is
only real if refusing the file does not first allocate what the limit forbids.
"""

from __future__ import annotations

import pytest

from dance_analyzer.errors import TooLarge
from dance_analyzer.media.video import Limits, index_packets, iter_frames, probe
from tests.support.h264 import write_resized_h264
from tests.support.memory import peak_memory_of

CONTAINERS = ["mp4", "matroska", "mpegts", "flv", "mpeg"]
LIMIT = 4096 * 4096  # the default DANCE_MAX_PIXELS
# A 16000x16000 frame is 384 MB of YUV before any conversion; what the decoder may still
# spend to find out the size (its per-macroblock tables, about 85 MB at this size) is well
# under this. That is per decoder thread: untrusted files are decoded single-threaded
# (pool workers, learning from an example), as measured here.
MAX_GROWTH_MB = 200


def grows_mid_stream(tmp_path, container: str, declared: tuple[int, int]):
    """Two 3 s keyframe intervals of 64x64, then one declaring ``declared``: past what
    the container's probing reads, so only the decoder meets the new size."""
    path = tmp_path / f"grows.{container}"
    return write_resized_h264(path, declared=declared, from_keyframe=2, frames=90, gop=30, container_format=container)


@pytest.mark.parametrize("container", CONTAINERS)
def test_every_frame_is_checked_not_only_the_header(tmp_path, container):
    path = grows_mid_stream(tmp_path, container, declared=(128, 128))
    limits = Limits(max_pixels=64 * 64)
    assert (probe(path, limits).width, probe(path, limits).height) == (64, 64)  # the header is within the limit
    with pytest.raises(TooLarge, match="128x128"):
        list(iter_frames(path, limits=limits))


@pytest.mark.parametrize("container", CONTAINERS)
def test_a_frame_size_over_the_limit_in_the_header_is_refused_by_every_reader(tmp_path, container):
    path = write_resized_h264(tmp_path / f"big.{container}", declared=(128, 128), container_format=container)
    limits = Limits(max_pixels=64 * 64)
    with pytest.raises(TooLarge, match="128x128"):
        probe(path, limits)
    with pytest.raises(TooLarge, match="128x128"):
        next(iter_frames(path, limits=limits))  # as learning from a video frame reads it: no probe first
    assert index_packets(path, limits).packets == 30  # reads no pixels: nothing to refuse


@pytest.mark.parametrize(
    "statement",
    [
        "video.probe(Path({path!r}), video.Limits(max_pixels={limit}))",
        "list(video.iter_frames(Path({path!r}), limits=video.Limits(max_pixels={limit}), decoder_threads=1))",
        "video.index_packets(Path({path!r}), video.Limits(max_pixels={limit}))",
    ],
    ids=["probe", "frames", "packets"],
)
@pytest.mark.parametrize("when", ["header", "mid_stream"])
def test_refusing_a_16000_square_video_costs_no_gigabytes(tmp_path, statement, when):
    if when == "header":
        path = write_resized_h264(tmp_path / "huge.mp4", declared=(16000, 16000))
    else:
        path = grows_mid_stream(tmp_path, "mp4", declared=(16000, 16000))
    cost = peak_memory_of(statement.format(path=str(path), limit=LIMIT))
    assert cost.grown_mb < MAX_GROWTH_MB, cost
    if "index_packets" not in statement and (when == "header" or "probe" not in statement):
        assert cost.error == "TooLarge" and "16000x16000" in cost.message, cost

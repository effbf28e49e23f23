"""H.264 videos whose parameter sets declare another frame size than their pictures have.

A hostile file does not need big pictures to make a decoder allocate big frames: it is
enough that a sequence parameter set (SPS) says so. Encoding a real 16000x16000 video
takes seconds and gigabytes; rewriting the SPS of a 64x64 one takes microseconds and
gives the decoder the same frame size to allocate, from a 4 KB file. The slices still
cover 64x64; the decoder conceals the rest, as it would for a damaged real video.
"""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# profile_idc values whose SPS carries chroma format and bit depths (H.264 7.3.2.1.1).
_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


class _BitReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def u(self, n: int) -> int:
        value = 0
        for _ in range(n):
            value = (value << 1) | (self.data[self.pos >> 3] >> (7 - (self.pos & 7))) & 1
            self.pos += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.u(zeros)


class _BitWriter:
    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, n: int, value: int) -> None:
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def ue(self, value: int) -> None:
        length = (value + 1).bit_length()
        self.u(length - 1, 0)
        self.u(length, value + 1)

    def rbsp(self) -> bytes:
        bits = [*self.bits, 1]  # the stop bit
        bits += [0] * (-len(bits) % 8)
        return bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))


def _unescape(payload: bytes) -> bytes:
    return payload.replace(b"\x00\x00\x03", b"\x00\x00")


def _escape(rbsp: bytes) -> bytes:
    out = bytearray()
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def resize_sps(nal: bytes, width: int, height: int) -> bytes:
    """The SPS NAL unit ``nal`` declaring ``width`` x ``height`` (multiples of 16), without
    cropping or VUI. Supports what libx264 writes: no scaling lists, POC type 0 or 2."""
    r, w = _BitReader(_unescape(nal[1:])), _BitWriter()
    profile = r.u(8)
    w.u(8, profile)
    w.u(16, r.u(16))  # constraint flags, level
    w.ue(r.ue())  # seq_parameter_set_id
    if profile in _HIGH_PROFILES:
        chroma_format = r.ue()
        w.ue(chroma_format)
        if chroma_format == 3:
            w.u(1, r.u(1))
        w.ue(r.ue())  # bit depths
        w.ue(r.ue())
        w.u(1, r.u(1))
        if r.u(1):
            raise ValueError("SPS with scaling lists: not supported here")
        w.u(1, 0)
    w.ue(r.ue())  # log2_max_frame_num_minus4
    poc_type = r.ue()
    w.ue(poc_type)
    if poc_type == 0:
        w.ue(r.ue())
    elif poc_type == 1:
        raise ValueError("SPS with POC type 1: not supported here")
    w.ue(r.ue())  # max_num_ref_frames
    w.u(1, r.u(1))
    r.ue(), r.ue()
    w.ue(width // 16 - 1)
    w.ue(height // 16 - 1)
    if not r.u(1):
        raise ValueError("interlaced SPS: not supported here")
    w.u(1, 1)  # frame_mbs_only
    w.u(1, r.u(1))  # direct_8x8_inference
    w.u(1, 0)  # no cropping
    w.u(1, 0)  # no VUI
    return nal[:1] + _escape(w.rbsp())


def _nal_units(stream: bytes) -> list[bytes]:
    """The NAL units of an Annex B byte stream (start codes removed)."""
    starts = []
    at = stream.find(b"\x00\x00\x01")
    while at >= 0:
        starts.append(at + 3)
        at = stream.find(b"\x00\x00\x01", at + 3)
    ends = [s - 3 for s in starts[1:]] + [len(stream)]
    return [stream[s:e].rstrip(b"\x00") if e < len(stream) else stream[s:e] for s, e in zip(starts, ends, strict=True)]


def _encode_annexb(frames: int, side: int, gop: int) -> bytes:
    """A ``side`` x ``side`` H.264 stream with its parameter sets repeated at every keyframe."""
    with tempfile.TemporaryDirectory() as tmp:  # PyAV's raw muxer writes to a path
        path = Path(tmp) / "raw.h264"
        with av.open(str(path), "w", format="h264") as container:
            stream = container.add_stream("libx264", rate=10)
            stream.width = stream.height = side
            stream.pix_fmt = "yuv420p"
            stream.options = {"g": str(gop), "bf": "0", "preset": "ultrafast", "x264-params": "repeat-headers=1"}
            for i in range(frames):
                image = np.full((side, side, 3), (10 * i) % 256, np.uint8)
                container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
            container.mux(stream.encode())
        return path.read_bytes()


def _remux(stream: bytes, path: Path, container_format: str, fps: int) -> None:
    """Put an Annex B stream into ``container_format``, one packet a frame at ``fps``."""
    raw = path.with_suffix(".h264-raw")
    raw.write_bytes(stream)
    try:
        with av.open(str(raw), format="h264") as source, av.open(str(path), "w", format=container_format) as out:
            video = out.add_stream_from_template(source.streams.video[0])
            for n, packet in enumerate(p for p in source.demux() if p.size):
                packet.stream = video
                packet.pts = packet.dts = n
                packet.duration = 1
                packet.time_base = Fraction(1, fps)
                out.mux(packet)
    finally:
        raw.unlink(missing_ok=True)


def write_resized_h264(
    path: Path,
    *,
    declared: tuple[int, int],
    from_keyframe: int = 0,
    frames: int = 30,
    side: int = 64,
    gop: int = 10,
    container_format: str = "mp4",
    fps: int = 10,
) -> Path:
    """A video of ``frames`` 64x64 pictures whose SPS declares ``declared`` (width, height)
    from keyframe ``from_keyframe`` on (0: from the header on; 1: after ``gop`` frames...)."""
    nals = []
    sps_seen = 0
    for nal in _nal_units(_encode_annexb(frames, side, gop)):
        if nal[0] & 0x1F == 7:
            if sps_seen >= from_keyframe:
                nal = resize_sps(nal, *declared)
            sps_seen += 1
        nals.append(b"\x00\x00\x00\x01" + nal)
    _remux(b"".join(nals), path, container_format, fps)
    return path

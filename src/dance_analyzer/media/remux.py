"""The source's soundtrack carried into a new video file (the annotated copy).

A dance is danced to music: an annotated copy without its sound is half the video. The
first audio stream is copied packet by packet where it is AAC or MP3 (what MP4 files
carry, and every browser plays), and re-encoded to AAC otherwise (PCM from a camera's
MOV, Opus or Vorbis from a WebM). It is fed to the muxer in step with the video frames, so that the muxer holds a
frame's worth of sound at a time however long the video is.

The copy lines up with the video's first frame (time 0 of the annotated copy) and stops
at its last: sound before the picture starts, or after it ends, is left out. A damaged
soundtrack ends the sound where the damage starts; the picture is written whatever
happens to the sound.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

# Carried as they are: an MP4 takes other codecs too (AC-3, FLAC, Opus), but not every
# browser plays them, and the annotated copy is played in the page.
COPIED_CODECS = frozenset({"aac", "mp3"})
AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)


class SoundtrackCopy:
    """Carries ``source``'s first audio stream into ``output``: call :meth:`until` with each
    video frame's time, then :meth:`finish` with the video's end. Made before anything is
    muxed: the output's streams are fixed when its header is written."""

    def __init__(self, source: Path, output: Any) -> None:
        self._output = output
        self._origin_s = 0.0  # where the video's first frame is on the source's clock
        self._input: Any = None
        self._packets: Iterator[Any] | None = None
        self._encoder: Any = None
        self._resampler: Any = None
        self._samples: int | None = None  # re-encoding: samples written, once the first is
        self._pending: Any = None  # the next packet, read ahead: not yet due
        try:
            self._input = av.open(str(source), metadata_errors="ignore")
            if not self._input.streams.audio:
                self.close()
                return
            if self._input.streams.video:  # the frames' times start from the video's start (media.video)
                video = self._input.streams.video[0]
                self._origin_s = float((video.start_time or 0) * video.time_base) if video.time_base else 0.0
            stream = self._input.streams.audio[0]
            if stream.codec_context.codec.canonical_name in COPIED_CODECS:  # mp3, not the mp3float decoder
                self._out = output.add_stream_from_template(stream)
            else:
                rate = _aac_rate(stream.codec_context.sample_rate or 44100)
                layout = "stereo" if (stream.codec_context.channels or 2) >= 2 else "mono"
                self._out = output.add_stream("aac", rate=rate, layout=layout)
                self._encoder = self._out
                self._resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
            self._packets = self._input.demux(stream)
        except (av.FFmpegError, ValueError):
            self.close()  # no sound we can carry: the picture is written without it

    def until(self, t_s: float) -> None:
        """Mux the sound that starts before ``t_s`` (seconds on the copy's clock)."""
        while self._packets is not None:
            packet = self._pending or self._next()
            self._pending = None
            if packet is None:
                return
            start = _seconds(packet) - self._origin_s
            if start >= t_s:
                self._pending = packet
                return
            if start >= 0:
                self._carry(packet, start)

    def finish(self, end_s: float) -> None:
        """The sound up to the video's end, the encoder's tail, and the source closed."""
        try:
            self.until(end_s)
            if self._encoder is not None and self._samples is not None:
                self._encode(self._resampler.resample(None))  # what the resampler still holds
                self._mux(self._encoder.encode(None))
        except av.FFmpegError:
            pass
        finally:
            self.close()

    def close(self) -> None:
        self._packets = None
        if self._input is not None:
            self._input.close()
            self._input = None

    def _next(self) -> Any:
        assert self._packets is not None
        try:
            for packet in self._packets:
                if packet.pts is not None and packet.size:
                    return packet
        except av.FFmpegError:
            pass  # damaged from here on: the sound ends
        self._packets = None
        return None

    def _carry(self, packet: Any, start_s: float) -> None:
        try:
            if self._encoder is None:
                shift = round(self._origin_s / packet.time_base)
                packet.pts -= shift
                packet.dts = packet.pts if packet.dts is None else packet.dts - shift
                packet.stream = self._out
                self._output.mux(packet)
                return
            if self._samples is None:  # the first sound kept: where it starts on the copy's clock
                self._samples = round(start_s * self._encoder.codec_context.sample_rate)
            for frame in packet.decode():
                self._encode(self._resampler.resample(frame))
        except av.FFmpegError:
            self._packets = None  # a packet that does not decode or mux: the sound ends here

    def _encode(self, frames: Any) -> None:
        for frame in frames:
            frame.pts, frame.time_base = self._samples, Fraction(1, frame.sample_rate)
            self._samples = (self._samples or 0) + frame.samples
            self._mux(self._encoder.encode(frame))

    def _mux(self, packets: Any) -> None:
        for packet in packets:
            self._output.mux(packet)


def _seconds(packet: Any) -> float:
    return float(packet.pts * packet.time_base) if packet.time_base else math.inf


def _aac_rate(rate: int) -> int:
    """The AAC sample rate nearest ``rate`` (the encoder takes only these)."""
    return min(AAC_RATES, key=lambda r: abs(r - rate))

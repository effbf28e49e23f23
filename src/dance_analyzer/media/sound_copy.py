"""The source's soundtrack carried into a new video file (the annotated copy).

A dance is danced to music: an annotated copy without its sound is half the video. The
first audio stream is decoded and encoded again as AAC (what MP4 files carry and every
browser plays), whatever it was (AAC, MP3, a camera's PCM, Opus or Vorbis from a WebM).
Copying AAC packets as they are would save a little time, but an MP4 lays its sound end
to end: packets lost from the source would pull everything after them early. Decoded,
each frame goes where its own timestamp says, with silence over any gap.

It is fed to the muxer in step with the video frames, so that the muxer holds a frame's
worth of sound at a time however long the video is. The copy lines up with the video's
first frame (time 0 of the annotated copy) and stops at its last: sound before the picture
starts, or after it ends, is left out. A damaged soundtrack ends the sound where the
decoder gives up on it; the picture is written whatever happens to the sound.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
MAX_GAP_S = 0.001  # a frame starting this much later than the sound before it: packets were lost


class SoundtrackCopy:
    """Carries ``source``'s first audio stream into ``output``: call :meth:`until` with each
    video frame's time, then :meth:`finish` with the video's end. Made before anything is
    muxed: the output's streams are fixed when its header is written."""

    def __init__(self, source: Path, output: Any) -> None:
        self._output = output
        self._origin_s = 0.0  # where the video's first frame is on the source's clock
        self._input: Any = None
        self._packets: Iterator[Any] | None = None
        self._pending: Any = None  # the next packet, read ahead: not yet due
        self._out: Any = None  # the copy's audio stream, once added
        self._written = 0  # samples encoded so far, from the copy's time 0
        self._heard = 0.0  # where the source's sound decoded so far ends, on the copy's clock
        self._drop = 0  # samples still to leave out: the part of a frame from before the picture
        try:
            self._input = av.open(str(source), metadata_errors="ignore")
            if not self._input.streams.audio:
                self.close()
                return
            if self._input.streams.video:  # the frames' times count from the video's start (media.video)
                video = self._input.streams.video[0]
                self._origin_s = float((video.start_time or 0) * video.time_base) if video.time_base else 0.0
            stream = self._input.streams.audio[0]
            self._rate = _aac_rate(stream.codec_context.sample_rate or 44100)
            self._layout = "stereo" if (stream.codec_context.channels or 2) >= 2 else "mono"
            self._resampler = av.AudioResampler(format="fltp", layout=self._layout, rate=self._rate)
            self._out = output.add_stream("aac", rate=self._rate, layout=self._layout)
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
            if _seconds(packet) - self._origin_s >= t_s:
                self._pending = packet
                return
            self._carry(packet)

    def finish(self, end_s: float) -> None:
        """The sound up to the video's end, the encoder's tail, and the source closed."""
        try:
            self.until(end_s)
            if self._out is not None:  # the sound's tail, though the source may have ended before
                self._encode(self._resampler.resample(None))  # what the resampler still holds
                self._mux(self._out.encode(None))
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

    def _carry(self, packet: Any) -> None:
        try:
            for frame in packet.decode():
                if frame.pts is None or not frame.time_base:
                    continue
                start = float(frame.pts * frame.time_base) - self._origin_s
                end = start + frame.samples / frame.sample_rate
                if end <= 0:  # before the picture starts
                    continue
                if start - self._heard > MAX_GAP_S:
                    self._encode(self._silence(round((start - self._heard) * self._rate)))
                # A frame that straddles the first picture (a phone's sound often starts a
                # few milliseconds before it) keeps its part from the picture on.
                if start < 0:
                    self._drop = round(-start * self._rate)
                self._heard = end
                self._encode(self._resampler.resample(frame))
        except av.FFmpegError:
            self._packets = None  # a packet that does not decode or mux: the sound ends here

    def _silence(self, samples: int) -> Iterator[av.AudioFrame]:
        """``samples`` of silence, a second at a time (a long gap is not one huge frame)."""
        channels = 2 if self._layout == "stereo" else 1
        for done in range(0, samples, self._rate):
            yield self._frame(np.zeros((channels, min(self._rate, samples - done)), np.float32))

    def _encode(self, frames: Iterable[av.AudioFrame]) -> None:
        for whole in frames:
            frame = self._without_dropped(whole)
            if frame is None:
                continue
            frame.pts, frame.time_base = self._written, Fraction(1, self._rate)
            self._written += frame.samples
            self._mux(self._out.encode(frame))

    def _without_dropped(self, frame: av.AudioFrame) -> av.AudioFrame | None:
        """``frame`` less the samples still to be left out (None if that is all of it)."""
        if self._drop <= 0:
            return frame
        if frame.samples <= self._drop:
            self._drop -= frame.samples
            return None
        kept = frame.to_ndarray()[:, self._drop :]  # fltp: (channels, samples)
        self._drop = 0
        return self._frame(np.ascontiguousarray(kept))

    def _frame(self, samples: np.ndarray) -> av.AudioFrame:
        """(channels, n) float32 samples as a frame of the copy's format, layout and rate."""
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout=self._layout)
        frame.sample_rate = self._rate
        return frame

    def _mux(self, packets: Iterable[Any]) -> None:
        for packet in packets:
            self._output.mux(packet)


def _seconds(packet: Any) -> float:
    return float(packet.pts * packet.time_base) if packet.time_base else float("inf")


def _aac_rate(rate: int) -> int:
    """The AAC sample rate nearest ``rate`` (the encoder takes only these)."""
    return min(AAC_RATES, key=lambda r: abs(r - rate))

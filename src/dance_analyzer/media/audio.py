"""The soundtrack: decoded with PyAV like the video, and its beats found with librosa.

Beat tracking is librosa's (a dynamic-programming beat tracker over onset strength).
It runs here, beside the decoding, so that only the beats leave the process that read
the untrusted file: a worker returns a few numbers, not minutes of samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

SAMPLE_RATE = 22050
MAX_AUDIO_S = 900.0
# Shorter soundtracks carry too few onsets for a tempo.
MIN_AUDIO_S = 1.0


@dataclass(frozen=True)
class Soundtrack:
    """What the audio says about the beat; ``beats`` is empty when there is no audio or too little."""

    has_audio: bool
    tempo_bpm: float | None = None
    beats: np.ndarray = field(default_factory=lambda: np.empty(0))


def load_audio(path: Path) -> np.ndarray | None:
    """Mono float32 samples at SAMPLE_RATE, or None when the file has no audio."""
    with av.open(str(path), metadata_errors="ignore") as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        total = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if total > MAX_AUDIO_S * SAMPLE_RATE:
                    break
        except av.FFmpegError:
            pass  # a damaged audio track: keep what decoded
    if not chunks:
        return None
    return np.concatenate(chunks).astype(np.float32)


def beat_times(samples: np.ndarray) -> tuple[float, np.ndarray]:
    """The tempo (beats per minute) and the beat times (seconds) of the samples."""
    import librosa  # imported here: it is heavy and only rhythm needs it

    # Onset strength averaged over frequencies (beat_track's own default takes the median,
    # which misses narrow-band percussion such as clicks and claps).
    envelope = librosa.onset.onset_strength(y=samples, sr=SAMPLE_RATE, aggregate=np.mean)
    tempo, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=SAMPLE_RATE, units="time")
    return float(np.atleast_1d(tempo)[0]), np.asarray(beats, dtype=np.float64)


def read_soundtrack(path: Path) -> Soundtrack:
    """Decode the audio of ``path`` and find its beats."""
    samples = load_audio(path)
    if samples is None:
        return Soundtrack(has_audio=False)
    if len(samples) < MIN_AUDIO_S * SAMPLE_RATE:
        return Soundtrack(has_audio=True)
    tempo, beats = beat_times(samples)
    if not tempo > 0 or len(beats) < 2:  # sound without a beat (speech, wind, silence): no music to count
        return Soundtrack(has_audio=True)
    return Soundtrack(has_audio=True, tempo_bpm=tempo, beats=beats)

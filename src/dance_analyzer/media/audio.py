"""The soundtrack: decoded with PyAV like the video, and its beats found with librosa.

Beat tracking is librosa's (a dynamic-programming beat tracker over onset strength).
It runs here, beside the decoding, so that only the beats leave the process that read
the untrusted file: a worker returns a few numbers, not minutes of samples.

The tracker finds a tempo and beats in any sound: in speech, in room noise, in a
teacher talking over the dancing. Counting a dance in eights to those would be made
up, so a soundtrack has beats only where they are clear: its onsets repeat at the
beat's period (the onset strength's autocorrelation at that lag, the "pulse clarity" of
music-information retrieval), which music with a beat does and speech and noise do not
(``bench/beat_clarity.py`` measures both).
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
# Below this pulse clarity no beat is heard: nothing to count to. A short excerpt of speech
# or noise repeats by chance more than a long one (about as 1 / sqrt(seconds)), so a short
# soundtrack needs a clearer beat.
MIN_CLARITY = 0.2
CHANCE_CLARITY_S = 0.6  # times 1 / sqrt(seconds)
# A steady tone (mains hum, a test tone) has no onsets, and its flat onset strength repeats
# at every lag: a beat needs onsets this strong (the envelope's 99th percentile; the onset
# strength is in decibels, so the sound's volume does not change it).
MIN_ONSETS = 2.0
HOP = 512  # librosa's default hop between onset-strength frames


@dataclass(frozen=True)
class Soundtrack:
    """What the audio says about the beat; ``beats`` is empty when there is no audio, too
    little, or no clear beat in it (``clarity``)."""

    has_audio: bool
    tempo_bpm: float | None = None
    beats: np.ndarray = field(default_factory=lambda: np.empty(0))
    clarity: float | None = None  # how clearly a beat is heard, 0-1 (None: too little sound to tell)


def load_audio(path: Path) -> np.ndarray | None:
    """Mono float32 samples at SAMPLE_RATE, or None when the file has no audio."""
    decoded = decode_audio(path)
    return None if decoded is None else decoded[0]


def decode_audio(path: Path) -> tuple[np.ndarray, float] | None:
    """Mono float32 samples at SAMPLE_RATE and when they begin, in seconds after the video's
    first frame (a soundtrack can start later, or earlier, than the pictures); None when the
    file has no audio."""
    with av.open(str(path), metadata_errors="ignore") as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        total = 0
        first: float | None = None
        try:
            for frame in container.decode(stream):
                if first is None and frame.time is not None:
                    first = float(frame.time)
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if total > MAX_AUDIO_S * SAMPLE_RATE:
                    break
        except av.FFmpegError:
            pass  # a damaged audio track: keep what decoded
        start_s = (first or 0.0) - _video_start(container)
    if not chunks:
        return None
    samples = np.concatenate(chunks).astype(np.float32)
    # A float track may carry NaN or infinite samples (damaged, or made so): silence there.
    samples[~np.isfinite(samples)] = 0.0
    return samples, start_s


def _video_start(container: av.container.InputContainer) -> float:
    """Where the video's time 0 is (its first stream's start), in the container's seconds."""
    if not container.streams.video:
        return 0.0
    video = container.streams.video[0]
    if video.start_time is None or not video.time_base:
        return 0.0
    return float(video.start_time * video.time_base)


def beat_times(samples: np.ndarray) -> tuple[float, np.ndarray]:
    """The tempo (beats per minute) and the beat times (seconds) of the samples."""
    return track_beats(onset_envelope(samples))


def onset_envelope(samples: np.ndarray) -> np.ndarray:
    """Onset strength per frame, averaged over frequencies (beat_track's own default takes
    the median, which misses narrow-band percussion such as clicks and claps)."""
    import librosa  # imported here: it is heavy and only rhythm needs it

    return np.asarray(librosa.onset.onset_strength(y=samples, sr=SAMPLE_RATE, hop_length=HOP, aggregate=np.mean))


def track_beats(envelope: np.ndarray) -> tuple[float, np.ndarray]:
    """The tempo and beat times librosa's tracker finds in an onset envelope (in any sound)."""
    import librosa

    tempo, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=SAMPLE_RATE, hop_length=HOP, units="time")
    return float(np.atleast_1d(tempo)[0]), np.asarray(beats, dtype=np.float64)


def pulse_clarity(envelope: np.ndarray, tempo_bpm: float) -> float:
    """How clearly the onsets repeat at the beat's period: the onset strength's normalised
    autocorrelation at that lag (1: every beat alike, 0: no relation; 0 without onsets)."""
    if not tempo_bpm > 0 or len(envelope) == 0 or np.percentile(envelope, 99) < MIN_ONSETS:
        return 0.0
    lag = int(round(60.0 / tempo_bpm * SAMPLE_RATE / HOP))
    spread = float(envelope.std())
    if lag < 1 or lag >= len(envelope) or spread <= 0:
        return 0.0
    centred = (envelope - envelope.mean()) / spread
    return float(np.clip((centred[:-lag] * centred[lag:]).mean(), 0.0, 1.0))


def clarity_needed(seconds: float) -> float:
    """The pulse clarity a soundtrack this long needs for its beats to be counted to."""
    return max(MIN_CLARITY, CHANCE_CLARITY_S / float(np.sqrt(max(seconds, 1e-9))))


def read_soundtrack(path: Path) -> Soundtrack:
    """Decode the audio of ``path`` and find its beats, where a beat is clearly heard."""
    decoded = decode_audio(path)
    if decoded is None:
        return Soundtrack(has_audio=False)
    samples, start_s = decoded
    if len(samples) < MIN_AUDIO_S * SAMPLE_RATE:
        return Soundtrack(has_audio=True)
    envelope = onset_envelope(samples)
    tempo, beats = track_beats(envelope)
    clarity = round(pulse_clarity(envelope, tempo), 2)
    beats = beats + start_s  # on the video's clock
    beats = beats[beats >= 0.0]  # the music before the first frame is not danced to
    if clarity < clarity_needed(len(samples) / SAMPLE_RATE) or len(beats) < 2:  # speech, noise, silence
        return Soundtrack(has_audio=True, clarity=clarity)
    return Soundtrack(has_audio=True, tempo_bpm=tempo, beats=beats, clarity=clarity)

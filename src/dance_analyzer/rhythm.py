"""Rhythm: the music's beats from the audio track, and how the movement lines up with them.

Beat tracking is librosa's (a dynamic-programming beat tracker over onset strength);
the audio is decoded with PyAV like the video, so any container the analysis reads
works. Movement accents are the peaks of the motion energy (see :mod:`movement`); an
accent is on the beat when it falls within ON_BEAT_FRACTION of a beat period of the
nearest beat.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from .movement import accents

SAMPLE_RATE = 22050
ON_BEAT_FRACTION = 0.15
MAX_AUDIO_S = 900.0


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
    import librosa  # imported here: it is heavy and only rhythm needs it

    # Onset strength averaged over frequencies (beat_track's own default takes the median,
    # which misses narrow-band percussion such as clicks and claps).
    envelope = librosa.onset.onset_strength(y=samples, sr=SAMPLE_RATE, aggregate=np.mean)
    tempo, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=SAMPLE_RATE, units="time")
    return float(np.atleast_1d(tempo)[0]), np.asarray(beats, dtype=np.float64)


def alignment(accent_times: np.ndarray, beats: np.ndarray) -> dict[str, float] | None:
    """On-beat share of the accents (0-100) and their mean offset from the nearest beat."""
    if len(accent_times) == 0 or len(beats) < 2:
        return None
    period = float(np.median(np.diff(beats)))
    nearest = beats[np.clip(np.searchsorted(beats, accent_times), 1, len(beats) - 1)]
    previous = beats[np.clip(np.searchsorted(beats, accent_times) - 1, 0, len(beats) - 1)]
    offsets = np.where(np.abs(accent_times - previous) < np.abs(accent_times - nearest), accent_times - previous,
                       accent_times - nearest)  # fmt: skip
    on_beat = np.abs(offsets) <= ON_BEAT_FRACTION * period
    return {
        "on_beat_score": round(100.0 * float(on_beat.mean()), 1),
        "mean_offset_ms": round(1000.0 * float(offsets[on_beat].mean()) if on_beat.any() else float("nan"), 1),
        "accents": int(len(accent_times)),
    }


def rhythm_report(path: Path, grid: np.ndarray, energy: np.ndarray, movement_tempo: dict | None) -> dict[str, Any]:
    samples = load_audio(path)
    report: dict[str, Any] = {"audio": samples is not None, "movement_tempo_bpm": (movement_tempo or {}).get("bpm")}
    if samples is None or len(samples) < SAMPLE_RATE:
        return report
    tempo, beats = beat_times(samples)
    report.update({"audio_tempo_bpm": round(tempo, 1), "beats": [round(float(b), 3) for b in beats]})
    matched = alignment(accents(grid, energy), beats)
    if matched is not None:
        report.update(matched)
    return report

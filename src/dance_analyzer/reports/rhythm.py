"""Rhythm: how the movement lines up with the music's beats.

The beats come from the soundtrack (:mod:`dance_analyzer.media.audio`). Movement accents
are the peaks of the motion energy (:mod:`.movement`); an accent is on the beat when it
falls within ON_BEAT_FRACTION of a beat period of the nearest beat.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..media.audio import Soundtrack
from .movement import Energy

ON_BEAT_FRACTION = 0.15


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


def rhythm_report(soundtrack: Soundtrack, energy: Energy, movement_tempo: dict[str, Any] | None) -> dict[str, Any]:
    """The ``rhythm`` section: the music's tempo and beats, and the accents against them."""
    report: dict[str, Any] = {
        "audio": soundtrack.has_audio,
        "movement_tempo_bpm": (movement_tempo or {}).get("bpm"),
    }
    if soundtrack.tempo_bpm is None:
        return report
    beats = soundtrack.beats
    report.update({"audio_tempo_bpm": round(soundtrack.tempo_bpm, 1), "beats": [round(float(b), 3) for b in beats]})
    matched = alignment(energy.accents(), beats)
    if matched is not None:
        report.update(matched)
    return report

"""Movement accents against the music's beats, with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.media.audio import Soundtrack
from dance_analyzer.reports.movement import GRID_HZ, Energy
from dance_analyzer.reports.rhythm import alignment, rhythm_report

TEMPO = {"bpm": 90.0, "confidence": 0.5}


def test_accents_on_the_beat_score_high_and_off_beat_low():
    beats = np.arange(0, 10, 0.5)
    on = alignment(beats[1:-1] + 0.03, beats)
    assert on["on_beat_score"] == 100.0 and on["mean_offset_ms"] == pytest.approx(30, abs=1)
    off = alignment(beats[1:-1] + 0.25, beats)
    assert off["on_beat_score"] == 0.0


def pulses(every_s: float, seconds: float = 8.0, lag_s: float = 0.0) -> Energy:
    """Motion energy that peaks every ``every_s`` seconds, ``lag_s`` after each beat."""
    grid = np.arange(0, seconds, 1 / GRID_HZ)
    phase = ((grid - lag_s) % every_s) / every_s
    return Energy(grid, np.exp(-(np.minimum(phase, 1 - phase) ** 2) / 0.005))


def test_movement_on_the_beat_of_the_music_scores_on_the_beat():
    beats = np.arange(0.5, 8.0, 0.5)
    report = rhythm_report(Soundtrack(True, 120.0, beats), pulses(0.5, lag_s=0.5), TEMPO)
    assert report["audio"] is True and report["audio_tempo_bpm"] == 120.0 and report["movement_tempo_bpm"] == 90.0
    assert report["beats"][:3] == [0.5, 1.0, 1.5]
    assert report["on_beat_score"] == 100.0 and abs(report["mean_offset_ms"]) < 40
    late = rhythm_report(Soundtrack(True, 120.0, beats), pulses(0.5, lag_s=0.25), TEMPO)
    assert late["on_beat_score"] == 0.0


def test_without_audio_only_the_movement_tempo_is_reported():
    energy = Energy(np.arange(0, 1, 1 / 30), np.zeros(30))
    assert rhythm_report(Soundtrack(has_audio=False), energy, TEMPO) == {"audio": False, "movement_tempo_bpm": 90.0}
    too_short = rhythm_report(Soundtrack(has_audio=True), energy, None)
    assert too_short == {"audio": True, "movement_tempo_bpm": None}

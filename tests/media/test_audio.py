"""The soundtrack: decoded from real containers generated here, and its beats found."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from dance_analyzer.media.audio import SAMPLE_RATE, beat_times, load_audio, read_soundtrack
from tests.support.media import click_video


@pytest.mark.parametrize("bpm", [100, 128])
def test_beats_of_a_click_track_at_a_known_tempo(tmp_path, bpm):
    samples = load_audio(click_video(tmp_path / "clicks.mp4", bpm))
    assert samples is not None and len(samples) > 6 * SAMPLE_RATE
    tempo, beats = beat_times(samples)
    assert tempo == pytest.approx(bpm, rel=0.04)
    assert np.median(np.diff(beats)) == pytest.approx(60 / bpm, rel=0.04)


def test_the_soundtrack_carries_the_tempo_and_beats(tmp_path):
    soundtrack = read_soundtrack(click_video(tmp_path / "clicks.mp4", 120, seconds=6))
    assert soundtrack.has_audio and soundtrack.tempo_bpm == pytest.approx(120, rel=0.04)
    assert np.median(np.diff(soundtrack.beats)) == pytest.approx(0.5, rel=0.04)


def test_a_video_without_audio_has_no_soundtrack(make_video):
    assert load_audio(make_video()) is None
    soundtrack = read_soundtrack(make_video())
    assert not soundtrack.has_audio and soundtrack.tempo_bpm is None and len(soundtrack.beats) == 0


def test_half_a_second_of_audio_is_too_little_for_a_tempo(tmp_path):
    soundtrack = read_soundtrack(click_video(tmp_path / "short.mp4", 120, seconds=0.5))
    assert soundtrack.has_audio and soundtrack.tempo_bpm is None and len(soundtrack.beats) == 0


def test_a_silent_soundtrack_has_no_tempo_rather_than_a_tempo_of_zero(tmp_path):
    silent = tmp_path / "silent.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=gray:s=64x48:r=10", "-f", "lavfi", "-i"]
        + ["anullsrc=r=22050:cl=mono", "-t", "6", "-c:v", "libx264", "-c:a", "aac", str(silent)],
        check=True,
    )
    assert beat_times(load_audio(silent))[0] == 0.0  # what the beat tracker makes of silence
    soundtrack = read_soundtrack(silent)
    assert soundtrack.has_audio and soundtrack.tempo_bpm is None and len(soundtrack.beats) == 0

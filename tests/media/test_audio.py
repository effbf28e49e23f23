"""The soundtrack: decoded from real containers generated here, and its beats found."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from dance_analyzer.media.audio import (
    MIN_CLARITY,
    SAMPLE_RATE,
    beat_times,
    clarity_needed,
    load_audio,
    read_soundtrack,
)
from tests.support.media import CLICK_RATE, click_track, click_video, media, sound_video, taps_at_random


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
    assert soundtrack.clarity >= 0.5  # a metronome: every beat alike
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


@pytest.mark.parametrize("sound", ["white noise", "taps at random", "a steady hum"])
def test_sound_without_a_beat_has_no_tempo_though_the_tracker_finds_one(tmp_path, sound):
    seconds = 10.0
    rng = np.random.default_rng(7)
    samples = {
        "white noise": lambda: rng.normal(0, 0.2, int(seconds * CLICK_RATE)),
        "taps at random": lambda: taps_at_random(seconds),
        "a steady hum": lambda: 0.3 * np.sin(2 * np.pi * 50 * np.arange(int(seconds * CLICK_RATE)) / CLICK_RATE),
    }[sound]()
    video = sound_video(tmp_path / "no-beat.mp4", samples, seconds)
    tempo, beats = beat_times(load_audio(video))
    assert tempo > 0 and len(beats) >= 1  # the tracker names a tempo in anything
    soundtrack = read_soundtrack(video)
    assert soundtrack.has_audio and soundtrack.clarity < MIN_CLARITY
    assert soundtrack.tempo_bpm is None and len(soundtrack.beats) == 0


def test_a_teacher_talking_is_no_music_and_a_song_is():
    """The tai chi clip's sound is a man speaking (bursts of voice, no beat); the dance
    clip's a children's song."""
    speech, song = read_soundtrack(media("taichi_solo_1.mp4")), read_soundtrack(media("dance_solo_1.mp4"))
    assert speech.has_audio and speech.tempo_bpm is None and speech.clarity < MIN_CLARITY
    assert song.tempo_bpm == pytest.approx(117.5, abs=2) and song.clarity >= 2 * MIN_CLARITY


def test_a_short_soundtrack_needs_a_clearer_beat_as_chance_repeats_more_in_it():
    assert clarity_needed(3.0) > clarity_needed(5.0) > clarity_needed(12.0) == clarity_needed(60.0) == MIN_CLARITY


def test_nan_and_infinite_samples_are_silence_not_a_crash(tmp_path):
    seconds = 6.0
    samples = click_track(120, seconds)
    samples[CLICK_RATE : 2 * CLICK_RATE] = np.nan  # a float track can carry them
    samples[3 * CLICK_RATE : 3 * CLICK_RATE + 500] = np.inf
    video = sound_video(tmp_path / "damaged.mov", samples, seconds, codec="pcm_f32le")
    decoded = load_audio(video)
    assert decoded is not None and np.isfinite(decoded).all() and (decoded[CLICK_RATE : 2 * CLICK_RATE] == 0).all()
    assert read_soundtrack(video).tempo_bpm == pytest.approx(120, rel=0.04)  # the clicks either side still count


def test_a_soundtrack_that_starts_after_the_pictures_has_its_beats_on_the_videos_clock(tmp_path):
    on_time = click_video(tmp_path / "clicks.mp4", 120, seconds=8)
    late = tmp_path / "late.mp4"  # the same pictures, the same sound a second later
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(on_time), "-itsoffset", "1.0", "-i", str(on_time)]
        + ["-map", "0:v", "-map", "1:a", "-c", "copy", str(late)],
        check=True,
    )
    first, later = read_soundtrack(on_time).beats, read_soundtrack(late).beats
    assert first[0] == pytest.approx(0.5, abs=0.06)  # the first click
    assert later[0] == pytest.approx(first[0] + 1.0, abs=0.06)  # two beats later, on the same point of the beat

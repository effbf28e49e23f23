"""Movement accents against the music's beats, with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.media.audio import Soundtrack
from dance_analyzer.reports.movement import GRID_HZ, Energy
from dance_analyzer.reports.rhythm import (
    BOUNCE_DIP,
    alignment,
    bounce_timing,
    bounce_words,
    count_now,
    dance_counts,
    held_for_counts,
    on_counts,
    rhythm_report,
)

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


def bouncing(every_s: float, low_after_s: float = 0.0, seconds: float = 8.0, depth: float = 0.1) -> tuple:
    """The hips' height (torso lengths, y up) of a dancer bouncing every ``every_s`` seconds,
    lowest ``low_after_s`` after each multiple of it, on the movement grid."""
    grid = np.arange(0, seconds, 1 / GRID_HZ)
    return grid, 1.0 - depth * np.cos(2 * np.pi * (grid - low_after_s) / every_s) / 2


def test_a_bounce_down_just_after_every_beat_is_in_time_and_says_how_far_after():
    beats = np.arange(0.5, 8.0, 0.5)
    grid, hips = bouncing(0.5, low_after_s=0.05)
    timing = bounce_timing(grid, hips, beats)
    assert timing["in_time"] and timing["steadiness"] >= 95 and timing["bounces"] >= 13
    assert timing["after_beat_ms"] == pytest.approx(50, abs=20) and timing["where"] == "on the beat"
    early = bounce_timing(*bouncing(0.5, low_after_s=0.4), beats)  # a tenth of a second before each beat
    assert early["in_time"] and early["after_beat_ms"] == pytest.approx(-100, abs=20)
    assert early["where"] == f"{-early['after_beat_ms']} ms before the beat"
    offbeat = bounce_timing(*bouncing(0.5, low_after_s=0.25), beats)  # half-way between the beats
    assert offbeat["in_time"] and offbeat["where"] == "between the beats (on the and)"
    report = rhythm_report(Soundtrack(True, 120.0, beats), Energy(grid, np.zeros(len(grid)), hips), TEMPO)
    assert report["bounce"] == timing


def test_a_bounce_at_its_own_tempo_is_not_in_time_and_standing_still_is_no_bounce():
    beats = np.arange(0.5, 8.0, 0.5)
    drifting = bounce_timing(*bouncing(0.37), beats)  # steady, but not with this music
    assert not drifting["in_time"] and drifting["where"] is None
    grid, still = bouncing(0.5, depth=BOUNCE_DIP / 2)  # sways less than a bounce
    assert bounce_timing(grid, still + np.random.default_rng(0).normal(0, 0.002, len(grid)), beats) is None
    assert "bounce" not in rhythm_report(Soundtrack(True, 120.0, beats), Energy(grid, np.zeros(len(grid))), TEMPO)


def test_bounce_words_put_the_beat_and_its_and_in_a_dancers_words():
    assert bounce_words(0.1, 50) == "on the beat" and bounce_words(-0.15, -75) == "on the beat"
    assert bounce_words(0.2, 100) == "100 ms after the beat" and bounce_words(-0.3, -150) == "150 ms before the beat"
    assert bounce_words(0.4, 200) == bounce_words(-0.5, -250) == "between the beats (on the and)"


def test_without_audio_only_the_movement_tempo_is_reported():
    energy = Energy(np.arange(0, 1, 1 / 30), np.zeros(30))
    assert rhythm_report(Soundtrack(has_audio=False), energy, TEMPO) == {"audio": False, "movement_tempo_bpm": 90.0}
    too_short = rhythm_report(Soundtrack(has_audio=True), energy, None)
    assert too_short == {"audio": True, "movement_tempo_bpm": None}


def test_moments_are_counted_in_eights_from_the_first_beat_with_and_half_way():
    beats = np.arange(0.5, 10.0, 0.5)  # 19 beats at 120 bpm
    on_beats = dance_counts(beats, beats)
    assert on_beats[:9] == [(1, str(k)) for k in range(1, 9)] + [(2, "1")]
    assert on_beats[-1] == (3, "3")  # the 19th beat
    assert dance_counts(beats[:3] + 0.25, beats) == [(1, "1&"), (1, "2&"), (1, "3&")]
    # The nearest half-beat: 0.06 s after a beat is the beat, 0.19 s after it its "and".
    assert dance_counts(np.array([2.56, 2.69]), beats) == [(1, "5"), (1, "5&")]


def test_there_is_no_count_before_the_music_or_after_it_or_without_a_beat():
    beats = np.arange(1.0, 5.0, 0.5)  # 1.0 ... 4.5 s
    times = np.array([0.2, 0.8, 0.9, 4.7, 4.9, 6.0])
    assert dance_counts(times, beats) == [None, None, (1, "1"), (1, "8&"), None, None]
    assert dance_counts(np.array([1.0, 2.0]), np.array([1.0])) == [None, None]
    assert dance_counts(np.array([1.0]), np.empty(0)) == [None]


def test_a_tempo_that_drifts_is_counted_by_the_beats_themselves():
    beats = np.cumsum(np.linspace(0.4, 0.6, 12))  # slowing down
    assert [c for _, c in dance_counts(beats[8:], beats)] == ["1", "2", "3", "4"]
    halfway = (beats[9:11] + beats[10:12]) / 2
    assert dance_counts(halfway, beats) == [(2, "2&"), (2, "3&")]


def test_moves_gain_their_count_only_where_there_is_music():
    moves = [{"move": "jump", "start_s": 2.0, "end_s": 2.3}, {"move": "turn", "start_s": 30.0, "end_s": 31.0}]
    counted = on_counts(moves, np.arange(0.5, 10.0, 0.5))
    assert counted[0] == {**moves[0], "eight": 1, "on_count": "4"} and counted[1] == moves[1]
    assert on_counts(moves, np.empty(0)) == moves and "eight" not in moves[0]  # the input is left as it was


def test_the_count_being_danced_ticks_on_each_beat_while_the_music_lasts():
    beats = np.arange(1.0, 6.0, 0.5)  # 10 beats: 1.0 ... 5.5 s
    at = lambda t: count_now(t, beats)  # noqa: E731
    assert [at(t) for t in (1.0, 1.2, 1.49, 1.5, 4.5, 4.99, 5.5, 5.99)] == ["1", "1", "1", "2", "8", "8", "2", "2"]
    assert at(0.99 - 0.01) is None and at(6.0) is None  # before the first beat; a beat after the last
    assert count_now(2.0, np.array([1.0])) is None


def test_a_pose_held_to_music_says_its_first_count_and_how_many_counts_it_lasts():
    beats = np.arange(1.0, 9.0, 0.5)  # 16 beats: two eights, music until 9.0 s
    segments = [
        {"pose": "standing", "start_s": 0.0, "end_s": 1.5, "frames": 15},  # starts before the music
        {"pose": "plie", "start_s": 1.5, "end_s": 3.5, "frames": 20},  # 2 to 6: 4 counts
        {"pose": "passe", "start_s": 3.5, "end_s": 3.8, "frames": 3},  # a short one: half a count
        {"pose": "arabesque", "start_s": 3.8, "end_s": 9.0, "frames": 52},  # to the music's end
        {"pose": "standing", "start_s": 9.0, "end_s": 12.0, "frames": 30},  # after it
    ]
    held = held_for_counts(segments, beats)
    assert held[0] == segments[0] and held[4] == segments[4]
    assert [(s["eight"], s["on_count"], s["counts"]) for s in held[1:4]] == [
        (1, "2", 4.0),
        (1, "6", 0.5),
        (1, "6&", 10.5),
    ]
    lasting_past = held_for_counts([{**segments[3], "end_s": 9.6}], beats)[0]
    assert lasting_past["on_count"] == "6&" and "counts" not in lasting_past  # no counting past the music
    assert held_for_counts(segments, np.empty(0)) == segments and held_for_counts([], beats) == []

"""The words the overlay and the CLI show for moves."""

from __future__ import annotations

import pytest

from dance_analyzer.reports.captions import move_caption, music_caption, summary_line, summary_text


@pytest.mark.parametrize(
    ("move", "caption"),
    [
        ({"move": "turn", "rotations": 2.0, "direction": "clockwise", "kind": "pirouette"}, "turn 2x clockwise"),
        ({"move": "turn", "rotations": 1.5, "direction": "counter-clockwise"}, "turn 1.5x counter-clockwise"),
        ({"move": "jump", "airtime_s": 0.4, "height": 0.3, "shape": None}, "jump 0.40 s"),
        ({"move": "jump", "airtime_s": 0.333, "shape": "tuck"}, "jump 0.33 s tuck"),
        ({"move": "kick", "direction": "front", "height_deg": 95, "side": "left"}, "kick front 95 deg"),
        ({"move": "step", "foot": "left", "direction": "in place"}, "step in place"),
        ({"move": "sway", "cycles": 2.5, "period_s": 0.8}, "sway 2.5 cycles"),
        ({"move": "floor_work", "lowest": "sit"}, "floor work (sit)"),
        ({"move": "floor_work", "lowest": None}, "floor work"),
        ({"move": "jump", "airtime_s": 0.3, "eight": 2, "on_count": "5"}, "jump 0.30 s on 5"),  # counted to music
        ({"move": "step", "direction": "right", "eight": 1, "on_count": "7&"}, "step right on 7&"),
    ],
)
def test_a_moves_caption_is_its_name_and_key_measure(move, caption):
    assert move_caption({"start_s": 0.0, "end_s": 1.0, **move}) == caption


def test_the_summary_uses_the_results_sentence_and_falls_back_to_the_count():
    summary = [
        {"move": "jump", "count": 2, "mean_airtime_s": 0.3},
        {"move": "turn", "count": 1, "rotations": 2.0, "text": "1 double pirouette clockwise"},
        {"move": "step", "count": 1},
        {"move": "floor_work", "count": 2, "total_s": 3.0},
    ]
    assert summary_text(summary[1]) == "1 double pirouette clockwise"
    assert summary_line(summary) == "2 jumps · 1 double pirouette clockwise · 1 step · 2 floor work"


def test_the_music_line_gives_the_tempo_where_counting_starts_and_the_bounce_in_a_dancers_words():
    beats = [1.44, 1.95, 2.46]
    bounce = {"in_time": True, "after_beat_ms": 20, "where": "on the beat", "steadiness": 62, "bounces": 21}
    line = music_caption({"audio_tempo_bpm": 117.5, "beats": beats, "bounce": bounce})
    assert line == "Music: 118 bpm, counted from 1.44 s, bounce in time: down on the beat, steady 62/100"
    at_120 = {"audio_tempo_bpm": 120.0, "beats": beats}
    late = {**bounce, "after_beat_ms": 100, "where": "100 ms after the beat"}
    assert "bounce in time: down 100 ms after the beat," in music_caption({**at_120, "bounce": late})
    off = music_caption({**at_120, "bounce": {**bounce, "in_time": False, "where": None, "steadiness": 12}})
    assert off.endswith("no steady bounce to the beat, steady 12/100")
    assert music_caption({"audio_tempo_bpm": 120.0, "beats": beats}) == "Music: 120 bpm, counted from 1.44 s"
    assert music_caption({"audio": False, "movement_tempo_bpm": 90.0}) is None
    speech = {"audio": True, "movement_tempo_bpm": None, "beat_clarity": 0.02}  # a soundtrack without a beat
    assert music_caption(speech) == "Music: no steady beat heard, nothing to count to"

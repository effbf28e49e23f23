import numpy as np
import pytest

from dance_analyzer.labels.moves import Move, detect_moves, load_moves, motion_of, move_summary
from tests.support.motions import clip, motion, standing


def test_the_summary_counts_each_kind_and_says_it_in_words():
    still = motion(*clip(3.0, lambda t: standing()))
    turn = {"rotations": 2.0, "degrees": 720, "direction": "clockwise", "support": "one_leg", "kind": "pirouette"}
    found = [
        Move("turn", 0.5, 1.5, turn),
        Move("jump", 1.6, 2.0, {"airtime_s": 0.4, "height": 0.5}),
        Move("jump", 2.1, 2.4, {"airtime_s": 0.3, "height": 0.4}),
    ]
    summary = {entry["move"]: entry for entry in move_summary(found, still)}
    assert list(summary) == ["turn", "jump"]
    assert summary["turn"]["text"] == "1 double pirouette clockwise"
    assert (summary["jump"]["count"], summary["jump"]["mean_airtime_s"]) == (2, 0.35)
    assert summary["jump"]["text"] == "2 jumps (airtime 0.35 s on average)"


def test_one_jump_has_its_airtime_not_an_average():
    still = motion(*clip(3.0, lambda t: standing()))
    (entry,) = move_summary([Move("jump", 1.6, 2.0, {"airtime_s": 0.4, "height": 0.5})], still)
    assert entry["text"] == "1 jump (airtime 0.40 s)"


def test_steps_are_counted_per_minute_in_whole_steps_in_words():
    still = motion(*clip(3.0, lambda t: standing()))
    steps = [Move("step", 0.0, 0.3, {}), Move("step", 0.5, 0.8, {}), Move("step", 1.0, 1.1, {})]
    (entry,) = move_summary(steps, still)
    assert entry["per_minute"] == 163.6  # 3 steps in 1.1 s
    assert entry["text"] == "3 steps, 164 per minute"


@pytest.mark.parametrize("frames", [0, 1, 2, 5])
def test_a_clip_of_a_few_frames_or_nobody_at_all_has_no_moves(frames):
    times = np.arange(frames) / 30.0
    nobody = motion_of(times, frames / 30.0, np.full((frames, 33, 4), np.nan), np.full((frames, 33, 3), np.nan), 1.0)
    assert detect_moves(nobody, load_moves()) == [] and move_summary([], nobody) == []

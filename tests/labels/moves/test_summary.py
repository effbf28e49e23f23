from dance_analyzer.labels.moves import Move, move_summary
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

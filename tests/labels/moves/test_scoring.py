from dance_analyzer.labels.moves import Move
from dance_analyzer.labels.moves.scoring import overlap, score_clip


def test_overlap_is_a_share_of_the_shorter_interval():
    assert overlap(0, 1, 0.5, 1.5) == 0.5
    assert overlap(0, 1, 0.2, 0.4) == 1.0
    assert overlap(0, 1, 2, 3) == 0.0


def test_matches_are_one_to_one_and_unsure_labels_excuse_detections():
    labelled = [Move("jump", 1.0, 1.4), Move("jump", 2.0, 2.4), Move("turn", 3.0, 4.0)]
    unsure = [Move("jump", 5.0, 5.3)]
    detected = [
        Move("jump", 1.05, 1.45),  # matches the first jump
        Move("jump", 1.1, 1.3),  # a second detection of the same jump: a false alarm
        Move("jump", 5.0, 5.2),  # over an unsure label: neither way
        Move("kick", 3.0, 3.5),  # kicks are not labelled in this clip: ignored
    ]
    scores = score_clip(labelled, unsure, detected, ["jump", "turn"])
    jump, turn = scores["jump"], scores["turn"]
    assert (jump.labelled, jump.detected, jump.matched) == (2, 2, 1)
    assert (jump.precision, jump.recall) == (0.5, 0.5)
    assert (turn.labelled, turn.detected, turn.matched, turn.recall) == (1, 0, 0, 0.0)
    assert "kick" not in scores

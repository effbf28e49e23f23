from dance_analyzer.labels.moves import Move
from dance_analyzer.labels.moves.scoring import overlap, score_clip


def test_overlap_is_a_share_of_the_shorter_interval():
    one = Move("jump", 0, 1)
    assert overlap(one, Move("jump", 0.5, 1.5)) == 0.5
    assert overlap(one, Move("jump", 0.2, 0.4)) == 1.0
    assert overlap(one, Move("jump", 2, 3)) == 0.0


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
    assert jump.excused == [detected[2]]  # listed apart, so a reader of the misses can tell it from a false alarm
    assert (turn.labelled, turn.detected, turn.matched, turn.recall) == (1, 0, 0, 0.0)
    assert "kick" not in scores


def test_counts_are_kept_per_clip_and_their_errors_are_shares_of_the_labelled_count():
    steps = [Move("step", t, t + 0.3) for t in (0.0, 1.0, 2.0, 3.0)]
    first = score_clip(steps, [Move("step", 5.0, 5.3)], steps[:3] + [Move("step", 5.0, 5.2)], ["step"])["step"]
    second = score_clip(steps[:2], [], steps[:2] + [Move("step", 4.0, 4.3)], ["step"])["step"]
    assert first.counts == [(4, 3)]  # the detection over an unsure step counts neither way
    first.add(second)
    assert first.counts == [(4, 3), (2, 3)]
    assert first.count_errors() == [0.25, 0.5]

"""Precision, recall and F1 per pose, with a person's undecided labels left out."""

import pytest

from dance_analyzer.labels.scoring import Labelled, confusions, macro_f1, score


def item(truth=(), found=(), unsure=()):
    return Labelled(frozenset(truth), frozenset(unsure), frozenset(found))


def test_counts_per_pose_leave_out_what_the_person_could_not_decide():
    examples = [
        item({"squat"}, {"squat"}),  # found
        item({"squat"}, {"lunge"}),  # missed, and a lunge nobody saw
        item(set(), {"squat"}),  # found where nobody saw it
        item(set(), {"squat"}, unsure={"squat"}),  # undecided: not counted
        item({"lunge"}, {"lunge"}),
    ]
    scores = score(examples, ["squat", "lunge", "t_pose"])
    squat, lunge, t_pose = scores["squat"], scores["lunge"], scores["t_pose"]
    assert (squat.true_positives, squat.false_positives, squat.false_negatives) == (1, 1, 1)
    assert squat.precision == squat.recall == squat.f1 == 0.5
    assert (lunge.precision, lunge.recall) == (0.5, 1.0) and lunge.f1 == pytest.approx(2 / 3)
    assert (t_pose.support, t_pose.f1) == (0, 1.0)  # never present, never found: nothing wrong
    assert macro_f1(scores) == pytest.approx((0.5 + 2 / 3 + 1.0) / 3)


def test_confusions_say_what_a_missed_pose_was_taken_for():
    examples = [item({"squat"}, {"lunge"}), item({"squat"}, {"lunge"}), item({"one_leg"}, set())]
    assert confusions(examples) == {("squat", "lunge"): 2, ("one_leg", "(nothing)"): 1}

"""The reference's moves paired with the attempt's, on move lists whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.reports.compare_moves import compare_moves

SAME_TIME = [[0.0, 0.0], [5.0, 5.0], [10.0, 10.0]]  # attempt_s, reference_s


def turn(start: float, rotations: float = 2.0, direction: str = "clockwise") -> dict:
    return {"move": "turn", "start_s": start, "end_s": start + 0.8, "rotations": rotations, "direction": direction}


def jump(start: float, airtime: float = 0.3) -> dict:
    return {"move": "jump", "start_s": start, "end_s": start + airtime, "airtime_s": airtime}


def step(start: float) -> dict:
    return {"move": "step", "start_s": start, "end_s": start + 0.3, "direction": "right"}


def test_the_same_moves_at_the_same_times_are_all_made_on_time():
    moves = [turn(1.0), jump(3.0), step(4.0), {"move": "kick", "start_s": 6.0, "end_s": 6.4, "height_deg": 90}]
    result = compare_moves(moves, moves, SAME_TIME)
    assert [(p["move"], p["timing"], p["late_s"]) for p in result["made"]] == [
        ("turn", "on time", 0.0),
        ("jump", "on time", 0.0),
        ("kick", "on time", 0.0),
    ]  # steps are not compared
    assert result["made"][0]["reference_rotations"] == result["made"][0]["attempt_rotations"] == 2.0
    assert result["made"][2]["attempt_height_deg"] == 90
    assert result["missed"] == result["extra"] == []
    assert result["summary"] == "3 of the reference's 3 moves made, each on time."


def test_a_missed_turn_a_late_jump_a_single_for_a_double_and_an_extra_are_each_named():
    reference = [turn(1.0), jump(3.0), turn(6.0), jump(8.0)]
    attempt = [turn(1.05, rotations=1.0), jump(3.4), jump(8.0), jump(9.5)]
    result = compare_moves(reference, attempt, SAME_TIME)
    made = {(p["move"], p["reference_s"]): p for p in result["made"]}
    assert made[("jump", 3.0)]["timing"] == "late" and made[("jump", 3.0)]["late_s"] == 0.4
    assert made[("turn", 1.0)]["timing"] == "on time" and made[("turn", 1.0)]["attempt_rotations"] == 1.0
    assert made[("jump", 3.0)]["text"] == "made, 0.40 s late"  # as the page and the CLI list them
    assert made[("turn", 1.0)]["text"] == "made, on time, 1 of 2 turns"
    assert [m["text"] for m in result["missed"]] == ["missed"]
    assert [m["reference_s"] for m in result["missed"]] == [6.0] and result["extra"] == [
        {"move": "jump", "attempt_s": 9.5}
    ]
    assert result["summary"] == (
        "3 of the reference's 4 moves made: the turn at 6.0 s missed; the turn at 1.0 s: 1 turn where it is 2; "
        "the jump at 3.0 s 0.40 s late; an extra jump at 9.5 s."
    )


def test_a_move_is_expected_where_the_attempts_offset_and_tempo_put_it():
    # The attempt starts 2 s later and is danced at half speed: reference t is attempt 2 + 2t.
    slow = [[2.0 + 2 * t, t] for t in (0.0, 2.0, 4.0, 6.0)]
    reference = [jump(1.0), turn(3.0)]
    result = compare_moves(reference, [jump(4.0), turn(7.7)], slow)
    assert [(p["move"], p["timing"]) for p in result["made"]] == [("jump", "on time"), ("turn", "early")]
    assert result["made"][1]["late_s"] == -0.3
    # More than a second from where it is expected, it is another move: a miss and an extra.
    far = compare_moves(reference, [jump(4.0), turn(6.5)], slow)
    assert [m["move"] for m in far["missed"]] == ["turn"] and [m["move"] for m in far["extra"]] == ["turn"]


def test_a_mirror_image_turns_the_other_way_and_that_is_the_same_turn():
    reference, attempt = [turn(1.0)], [turn(1.0, direction="counter-clockwise")]
    assert compare_moves(reference, attempt, SAME_TIME)["made"][0]["same_direction"] is False
    assert "turned the other way" in compare_moves(reference, attempt, SAME_TIME)["summary"]
    mirrored = compare_moves(reference, attempt, SAME_TIME, mirror=True)
    assert mirrored["made"][0]["same_direction"] is True and mirrored["summary"].endswith("each on time.")


def test_without_moves_to_compare_the_summary_says_so():
    assert (
        compare_moves([step(1.0)], [], SAME_TIME)["summary"] == "The reference has no turn, jump, kick or floor work."
    )
    extra = compare_moves([], [jump(2.0)], SAME_TIME)
    assert extra["summary"] == "The reference has no turn, jump, kick or floor work; the attempt has a jump at 2.0 s."
    one_point = compare_moves([jump(1.0)], [jump(3.0)], [[2.0, 0.0]])  # a sync map of one pair: a shift
    assert one_point["made"][0]["timing"] == "on time"


def test_an_alignment_that_gives_no_line_falls_back_to_where_the_starts_were_paired():
    still = [[t, 0.0] for t in (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)]  # a still dancer: every moment alike
    result = compare_moves([jump(1.0), jump(2.5)], [jump(1.0)], still)
    assert [(p["reference_s"], p["timing"]) for p in result["made"]] == [(1.0, "on time")]
    assert [m["reference_s"] for m in result["missed"]] == [2.5]
    steep = [[0.2 + 5 * t, t] for t in (0.0, 1.0, 2.0)]  # five times slower: no tempo a dancer keeps
    assert compare_moves([jump(1.0)], [jump(1.2)], steep)["made"][0]["timing"] == "on time"


def test_an_attempt_that_slows_down_part_way_is_timed_by_its_tempo_around_each_move():
    # Reference time for every half second of the attempt: in step for 10 s, then a fifth slower.
    drifting = [[a, a if a <= 10 else 10 + (a - 10) / 1.25] for a in np.arange(0.0, 23.0, 0.5)]
    reference = [jump(4.0), turn(17.0), jump(19.0)]
    attempt = [jump(4.0), turn(10 + 7 * 1.25), jump(10 + 9 * 1.25 + 0.4)]  # the last jump 0.4 s late
    result = compare_moves(reference, attempt, drifting)
    assert [(p["move"], p["timing"]) for p in result["made"]] == [("jump", "on time"), ("turn", "on time"),
                                                                  ("jump", "late")]  # fmt: skip
    assert result["made"][2]["late_s"] == pytest.approx(0.4, abs=0.1)

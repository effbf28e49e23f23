import numpy as np
import pytest

from dance_analyzer.labels.moves import Move, detect_moves, load_moves, parse_moves
from dance_analyzer.labels.moves.step import detect, on_the_feet, summary
from tests.support.motions import LEFT_FOOT, RIGHT_FOOT, UPPER_BODY, clip, lifted, motion, shifted, standing
from tests.support.skeletons import Leg

PARAMS = load_moves().moves[3].params
STRIDE = 0.12  # picture widths: 0.6 torso lengths


def walking(steps: int, swing_s: float = 0.3, rest_s: float = 0.3):
    """Walking across the picture: the feet take turns to swing forward past each other
    (with a small lift), the body keeping between them."""
    period = swing_s + rest_s
    # Where each foot stands after k steps: the moving foot lands a stride past the other.
    places = [[0.0, 0.0]]
    for k in range(steps):
        left, right = places[-1]
        places.append([right + STRIDE, right] if k % 2 == 0 else [left, left + STRIDE])

    def at(t: float):
        k, into = divmod(t - 0.5, period)
        k = int(k)
        if t < 0.5 or k >= steps:
            feet = places[0] if t < 0.5 else places[-1]
        else:
            phase = min(into / swing_s, 1.0)
            feet = [a + (b - a) * phase for a, b in zip(places[k], places[k + 1], strict=True)]
        lift = [0.0, 0.0]
        if t >= 0.5 and k < steps and into < swing_s:
            lift[k % 2] = 0.03 * float(np.sin(np.pi * into / swing_s))
        frame = standing()
        frame = shifted(frame, LEFT_FOOT, feet[0], -lift[0])
        frame = shifted(frame, RIGHT_FOOT, feet[1], -lift[1])
        return shifted(frame, UPPER_BODY, (feet[0] + feet[1]) / 2)

    return clip(0.5 + steps * period + 0.5, at)


def test_each_swing_of_a_walk_is_a_step_in_the_direction_walked():
    found = detect(motion(*walking(4)), PARAMS)
    assert len(found) == 4
    assert [m.measures["foot"] for m in found] == ["left", "right", "left", "right"]
    assert {m.measures["direction"] for m in found} == {"right"}


def test_steps_per_minute_over_the_stepping():
    m = motion(*walking(6, swing_s=0.3, rest_s=0.2))
    found = detect(m, PARAMS)
    per_minute = summary(found, m.hips(), m.times)["per_minute"]
    assert per_minute == pytest.approx(60 / 0.5 * 6 / (6 - 0.4), rel=0.1)


def test_the_stepping_travels_where_the_steps_went_not_where_the_picture_went_between_them():
    """Four steps to the right; while the feet rest between them, the camera pans after the
    dancer and the whole picture slides left, a little further than the steps went right.
    The steps went right: the hips a half stride, then a stride a step."""
    swing_s, rest_s, pan_per_rest = 0.3, 1.0, 0.15  # panning slower than a foot swings
    times, image, world = walking(4, swing_s=swing_s, rest_s=rest_s)
    k, into = np.divmod(times - 0.5, swing_s + rest_s)
    resting = np.where(into >= swing_s, (into - swing_s) / rest_s, 0.0)
    pan = np.where(times >= 0.5, pan_per_rest * np.clip(k + resting, 0, 3), 0.0)  # the 3 rests between steps
    image = image.copy()
    image[..., 0] -= pan[:, None]
    m = motion(times, image, world)
    found = detect(m, PARAMS)
    assert len(found) == 4 and {s.measures["direction"] for s in found} == {"right"}
    hips = m.hips()
    assert hips[-1, 0] < hips[0, 0]  # from the first frame to the last, the dancer went left
    stepping = summary(found, hips, m.times)
    assert stepping["travel"] == "right"
    assert stepping["distance"] == pytest.approx(3.5 * STRIDE / 0.2, rel=0.2)  # torso lengths


def test_a_weight_change_between_planted_feet_is_a_step():
    wide = {"left_leg": Leg(spread=25), "right_leg": Leg(spread=25)}

    targets = [0.0, 1.0, -1.0, 1.0]

    def at(t: float):
        # The hips travel over the left foot, then over the right, then back: three changes,
        # each taking 0.4 s at the start of a second.
        k = min(int(t), 3)
        before = targets[k - 1] if k else 0.0
        share = min((t - k) / 0.4, 1.0)
        return shifted(standing(**wide), UPPER_BODY, 0.12 * (before + (targets[k] - before) * share))

    found = detect(motion(*clip(4.0, at)), PARAMS)
    assert [m.measures["foot"] for m in found] == ["left", "right", "left"]


def test_standing_still_or_a_leg_swinging_in_the_air_takes_no_step():
    assert detect(motion(*clip(3.0, lambda t: standing())), PARAMS) == []

    def kick(t: float):
        return standing(left_leg=Leg(thigh=80 * float(np.sin(np.pi * min(max(t - 1, 0), 1))))) if t < 3 else standing()

    assert detect(motion(*clip(3.0, kick)), PARAMS) == []


@pytest.mark.parametrize("phase", range(4))
def test_a_planted_foot_that_jitters_for_single_frames_still_lets_the_other_foot_step(phase):
    # The model jumps a planted ankle by a few pixels for one frame now and then: that foot
    # is still planted, not swinging, so the other foot's steps all count.
    times, image, world = walking(4)
    image[phase::4, RIGHT_FOOT, 0] += 0.025  # every 4th frame, 0.125 torso lengths off
    found = detect(motion(times, image, world), PARAMS)
    assert [m.measures["foot"] for m in found] == ["left", "right", "left", "right"]


def test_a_standing_foot_that_pivots_or_slides_on_the_floor_still_bears_the_step():
    # Hip-hop: the standing foot swivels under the dancer while the other steps, so its
    # ankle moves as fast as a swing; it never leaves the floor, so every step still counts.
    times, image, world = walking(4)
    swivel = 0.02 * np.sin(2 * np.pi * 3.0 * times)  # picture widths: about 2 torso lengths a second
    image[:, LEFT_FOOT, 0] += swivel[:, None]
    image[:, RIGHT_FOOT, 0] -= swivel[:, None]
    found = detect(motion(times, image, world), PARAMS)
    assert [m.measures["foot"] for m in found] == ["left", "right", "left", "right"]


def test_both_feet_leaving_the_floor_together_is_no_step():
    def hop_sideways(t: float):
        share = min(max((t - 1.0) / 0.3, 0.0), 1.0)
        lift = -0.1 * float(np.sin(np.pi * share))  # both feet up together, half a torso length
        frame = shifted(standing(), LEFT_FOOT, 0.12 * share, lift)
        frame = shifted(frame, RIGHT_FOOT, 0.12 * share, lift)
        return shifted(frame, UPPER_BODY, 0.12 * share, lift)

    assert detect(motion(*clip(2.0, hop_sideways)), PARAMS) == []


def jump_out(height: float):
    """A jump from the feet together out to a wide stance (an échappé sauté): the whole body
    off the floor for 0.3 s while the left foot travels out 0.6 torso lengths."""

    def at(t: float):
        frame = standing()
        if t >= 1.5:
            share = min((t - 1.5) / 0.3, 1.0)
            frame = shifted(frame, LEFT_FOOT, STRIDE * share)
            if share < 1:
                frame = lifted(frame, 4 * height * share * (1 - share))
        return frame

    return clip(3.0, at)


@pytest.mark.parametrize("height", [0.03, 0.06])  # 0.15 and 0.3 torso lengths up
def test_a_foot_that_travels_in_a_jumps_flight_is_the_jump_not_a_step(height):
    # Low, the other foot stays within `on_floor` of the floor and could pass for planted;
    # the jump found says both feet were off it, so no weight passed from foot to foot.
    found = detect_moves(motion(*jump_out(height)), load_moves())
    assert [m.move for m in found] == ["jump"]


def test_with_jumps_switched_off_the_same_foot_travel_is_a_step_again():
    moves = parse_moves({"moves": {"jump": {"enabled": False}}}, base=load_moves())
    found = detect_moves(motion(*jump_out(0.03)), moves)
    assert [(m.move, m.measures["foot"]) for m in found] == [("step", "left")]


def test_a_step_half_in_a_flight_stays_a_step_wherever_in_the_video_it_falls():
    # Exactly half: not more than half. Times are frame counts over the rate, and where the
    # floats round must not decide (a clip cut from a longer video read otherwise alone).
    kept = [
        [
            m.move
            for m in on_the_feet(
                [Move("step", k / 30, (k + 6) / 30, {}), Move("jump", (k + 3) / 30, (k + 6) / 30, {})], PARAMS
            )
        ]
        for k in range(300)
    ]
    assert all(moves == ["step", "jump"] for moves in kept)


def test_feet_moving_down_on_the_floor_are_floor_work_not_steps():
    # A b-boy's legs sweep round while his weight is on his hands: the floor work found
    # says so. A step taken before he goes down stays a step.
    found = [
        Move("step", 0.2, 0.5, {}),
        Move("floor_work", 1.0, 3.0, {}),
        Move("step", 1.5, 1.8, {}),
        Move("step", 2.8, 3.3, {}),  # getting up: mostly on the feet again
    ]
    kept = on_the_feet(found, PARAMS)
    assert [(m.move, m.start_s) for m in kept] == [("step", 0.2), ("floor_work", 1.0), ("step", 2.8)]

import math

import numpy as np
import pytest

from dance_analyzer.labels.moves import load_moves
from dance_analyzer.labels.moves.kick import detect
from dance_analyzer.pose.landmarks import Landmark as L
from tests.support.motions import clip, lifted, motion, standing
from tests.support.skeletons import SHIN, THIGH, Leg

PARAMS = load_moves().moves[2].params


def kicking(leg: Leg, side: str = "left", start: float = 1.0, length: float = 0.4):
    def at(t: float):
        if start <= t < start + length:
            return standing(**{f"{side}_leg": leg})
        return standing()

    return clip(3.0, at)


def test_a_front_kick_gives_its_side_direction_and_height():
    found = detect(motion(*kicking(Leg(thigh=90))), PARAMS)
    assert [(m.measures["side"], m.measures["direction"], m.measures["kind"]) for m in found] == [
        ("left", "front", "kick")
    ]
    assert found[0].measures["height_deg"] == pytest.approx(90, abs=2)
    assert found[0].start_s == pytest.approx(1.0, abs=0.05) and found[0].end_s == pytest.approx(1.4, abs=0.05)


def test_a_foot_left_up_on_a_box_while_the_other_steps_down_is_no_kick():
    # Stepping down off a box backwards: the legs open to 55 degrees as for a kick, but
    # the raised foot stays where it was (on the box); the body goes down, not the foot up.
    base = standing()
    raised = standing(right_leg=Leg(thigh=55))
    drop = float(raised[0][L.RIGHT_ANKLE, 1] - base[0][L.RIGHT_ANKLE, 1])  # picture y grows downwards

    def stepping_down(t: float):
        return lifted(raised, drop) if 1.0 <= t < 2.0 else base

    assert detect(motion(*clip(3.0, stepping_down)), PARAMS) == []
    # The same legs with the foot going up: a kick.
    assert len(detect(motion(*kicking(Leg(thigh=55), side="right", length=1.0)), PARAMS)) == 1


def test_mirrored_the_other_leg_kicks():
    found = detect(motion(*kicking(Leg(thigh=90)), mirror=True), PARAMS)
    assert [(m.measures["side"], m.measures["direction"]) for m in found] == [("right", "front")]


def side_kick(degrees: float):
    """The right leg swung straight out to the side by ``degrees`` from hanging."""
    image, world = standing()
    a = math.radians(degrees)
    out = np.array([-math.sin(a), math.cos(a), 0.0])  # the dancer's right is the picture's left
    hip = world[L.RIGHT_HIP]
    for name, length in (
        ("KNEE", THIGH),
        ("ANKLE", THIGH + SHIN),
        ("HEEL", THIGH + SHIN + 0.05),
        ("FOOT_INDEX", THIGH + SHIN + 0.08),
    ):
        world[L[f"RIGHT_{name}"]] = hip + length * out
        image[L[f"RIGHT_{name}"], :3] = world[L[f"RIGHT_{name}"]] * 0.4 + 0.5
        image[L[f"RIGHT_{name}"], 2] = world[L[f"RIGHT_{name}"], 2] * 0.4
    return image, world


def test_side_and_back_kicks_and_a_held_extension():
    side = detect(motion(*clip(3.0, lambda t: side_kick(80) if 1 <= t < 1.4 else standing())), PARAMS)
    back = detect(motion(*kicking(Leg(thigh=-60))), PARAMS)
    held = detect(motion(*kicking(Leg(thigh=100), length=1.2)), PARAMS)
    assert [m.measures["direction"] for m in side] == ["side"]
    assert [m.measures["direction"] for m in back] == ["back"]
    assert [m.measures["kind"] for m in held] == ["extension"]


def test_a_low_leg_lift_or_both_legs_up_is_no_kick():
    assert detect(motion(*kicking(Leg(thigh=30))), PARAMS) == []
    sitting = clip(2.0, lambda t: standing(left_leg=Leg(thigh=90), right_leg=Leg(thigh=90)))
    assert detect(motion(*sitting), PARAMS) == []


def test_a_leg_that_dips_under_the_height_at_the_top_is_one_kick_from_lift_to_return():
    # The leg rises through 35 degrees, reaches 60, sags to 40 for a moment (the model's
    # jitter, or a flutter), rises again and comes down: one kick, timed from lift to return.
    def height(t: float) -> float:
        for start, end, degrees in (
            (1.1, 1.2, 35.0),
            (1.2, 1.45, 60.0),
            (1.45, 1.65, 40.0),
            (1.65, 1.9, 60.0),
            (1.9, 2.0, 35.0),
        ):
            if start <= t < end:
                return degrees
        return 0.0

    found = detect(motion(*clip(3.0, lambda t: side_kick(height(t)) if height(t) else standing())), PARAMS)
    assert len(found) == 1
    assert found[0].start_s == pytest.approx(1.1, abs=0.05) and found[0].end_s == pytest.approx(2.0, abs=0.05)
    assert found[0].measures["height_deg"] == pytest.approx(60, abs=2)


def test_a_kick_whose_legs_the_model_swaps_for_a_moment_is_one_kick_but_alternate_kicks_apart_are_two():
    # The left leg kicks from 1.0 to 1.9 s; from 1.3 to 1.5 s the model reads the right leg
    # up instead (it swaps the legs, as it does with a leg above the head): one kick.
    def swapped(t: float):
        if 1.3 <= t < 1.5:
            return standing(right_leg=Leg(thigh=110))
        if 1.0 <= t < 1.9:
            return standing(left_leg=Leg(thigh=90))
        return standing()

    found = detect(motion(*clip(3.0, swapped)), PARAMS)
    assert len(found) == 1
    assert found[0].start_s == pytest.approx(1.0, abs=0.05) and found[0].end_s == pytest.approx(1.9, abs=0.05)
    # The leg read for longest, at the highest it was read.
    assert (found[0].measures["side"], found[0].measures["height_deg"]) == ("left", pytest.approx(110, abs=2))

    # A kick of each leg, half a second apart: two kicks.
    def alternate(t: float):
        if 1.0 <= t < 1.4:
            return standing(left_leg=Leg(thigh=90))
        if 1.9 <= t < 2.3:
            return standing(right_leg=Leg(thigh=90))
        return standing()

    assert [m.measures["side"] for m in detect(motion(*clip(3.0, alternate)), PARAMS)] == ["left", "right"]

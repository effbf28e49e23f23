import numpy as np
import pytest

from dance_analyzer.labels.moves import load_moves
from dance_analyzer.labels.moves.jump import detect
from tests.support.motions import FPS, clip, lifted, motion, standing
from tests.support.skeletons import Leg

PARAMS = load_moves().moves[1].params
TORSO = 0.5 * 0.4  # torso length in picture heights (skeletons draw metres at 0.4)


def hop(takeoffs: list[float], airtime: float, height: float, seconds: float = 4.0, **pose: object):
    """A dancer lifted off the floor (a parabola ``height`` picture units high) at each take-off."""

    def at(t: float):
        for start in takeoffs:
            if start <= t < start + airtime:
                phase = (t - start) / airtime
                return lifted(standing(**pose), 4 * height * phase * (1 - phase))
        return standing()

    return clip(seconds, at)


def test_a_skeleton_lifted_for_0_4_s_gives_one_jump_with_that_airtime():
    found = detect(motion(*hop([1.5], 0.4, 0.1)), PARAMS)
    assert len(found) == 1
    jump = found[0]
    assert jump.measures["airtime_s"] == pytest.approx(0.4, abs=2 / FPS)
    assert jump.measures["takeoff_s"] == pytest.approx(1.5, abs=2 / FPS)
    assert jump.measures["height"] == pytest.approx(0.1 / TORSO, rel=0.1)


def test_each_jump_of_a_series_is_found_and_standing_still_is_none():
    found = detect(motion(*hop([0.8, 1.6, 2.4, 3.2], 0.3, 0.06)), PARAMS)
    assert [round(m.start_s, 1) for m in found] == [0.8, 1.6, 2.4, 3.2]
    assert detect(motion(*hop([], 0.3, 0.06)), PARAMS) == []


def test_a_small_bob_is_not_a_jump():
    assert detect(motion(*hop([1.5], 0.3, 0.01)), PARAMS) == []


def test_one_foot_raised_is_not_a_jump():
    def at(t: float):
        return standing(left_leg=Leg(thigh=90, shin=90)) if 1 <= t < 2 else standing()

    assert detect(motion(*clip(3, at)), PARAMS) == []


def test_walking_towards_the_camera_is_not_a_jump():
    # The dancer stands lower in the picture after coming closer: the floor moved, nobody jumped.
    def at(t: float):
        return lifted(standing(), -0.15 * float(np.clip(t - 1.0, 0, 1)))

    assert detect(motion(*clip(3, at)), PARAMS) == []


def test_the_shape_in_the_air():
    tuck = detect(motion(*hop([1.5], 0.5, 0.12, left_leg=Leg(80, 150), right_leg=Leg(80, 150))), PARAMS)
    straight = detect(motion(*hop([1.5], 0.5, 0.12)), PARAMS)
    assert [m.measures["shape"] for m in tuck] == ["tuck"]
    assert [m.measures["shape"] for m in straight] == ["straight"]

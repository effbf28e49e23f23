import dataclasses

import numpy as np
import pytest

from dance_analyzer.labels.moves import load_moves
from dance_analyzer.labels.moves.jump import detect
from tests.support.motions import (
    FPS,
    LEFT_FOOT,
    RIGHT_FOOT,
    UPPER_BODY,
    Frame,
    clip,
    hop,
    lifted,
    motion,
    shifted,
    standing,
)
from tests.support.skeletons import Leg

PARAMS = load_moves().moves[1].params
FEET = LEFT_FOOT + RIGHT_FOOT
TORSO = 0.5 * 0.4  # torso length in picture heights (skeletons draw metres at 0.4)


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


def test_low_quick_hops_over_a_skipping_rope_are_jumps():
    # Skipping: every 0.4 s the feet clear the floor by a few centimetres (under a tenth
    # of a torso) for about 5 frames; between hops the knees give, the hips a little low.
    takeoffs = [0.8, 1.2, 1.6, 2.0, 2.4]

    def at(t: float):
        for start in takeoffs:
            if start <= t < start + 0.15:
                phase = (t - start) / 0.15
                return lifted(standing(), 0.068 * phase * (1 - phase))  # the feet 0.017 up at the top
        if takeoffs[0] - 0.25 <= t < takeoffs[-1] + 0.4:
            return shifted(standing(), UPPER_BODY, 0.0, 0.02)  # knees bent: hips 0.1 torso lower
        return standing()

    found = detect(motion(*clip(3.5, at)), PARAMS)
    assert [round(m.start_s, 1) for m in found] == takeoffs
    assert all(m.measures["airtime_s"] == pytest.approx(0.15, abs=2 / FPS) for m in found)


def test_quick_hops_that_barely_touch_down_are_each_a_jump():
    # A run of hops with the feet down for only 3 frames between them: half the frames
    # around each hop are the next hop's take-off, so the floor is the low end of the feet
    # there, not their median. The hips swing smoothly, lowest while the feet are down.
    takeoffs = [0.8, 1.15, 1.5, 1.85, 2.2]
    period, flight = 0.35, 0.25

    def at(t: float):
        if not takeoffs[0] - period / 2 <= t < takeoffs[-1] + period:
            return standing()
        start = max([s for s in takeoffs if s <= t], default=takeoffs[0])
        phase = (t - start) / flight
        feet = 0.064 * phase * (1 - phase) if 0 <= phase < 1 else 0.0  # the feet 0.08 torso up at the top
        hips = -0.03 + 0.046 * (0.5 + 0.5 * np.cos(2 * np.pi * (t - start - flight / 2) / period))
        return lifted(shifted(standing(), UPPER_BODY, 0.0, feet - hips), feet)

    found = detect(motion(*clip(3.5, at)), PARAMS)
    # The feet clear the edge height (0.05 torso) only in the middle of so low a flight.
    assert [m.start_s for m in found] == pytest.approx(takeoffs, abs=0.1)
    median_floor = detect(motion(*clip(3.5, at)), dataclasses.replace(PARAMS, floor_quantile=0.5))
    # Read as a median, the floor is lifted by the next take-off: only the last hop is found.
    assert [m.start_s for m in median_floor] == pytest.approx([takeoffs[-1]], abs=0.1)


def test_rising_on_to_the_toes_and_staying_up_is_not_a_jump():
    # A relevé into a turn: the hips rise and stay up; the standing foot's landmarks
    # flicker above the floor for a few frames. What goes up in a jump comes down.
    feet = LEFT_FOOT + RIGHT_FOOT

    def at(t: float):
        if t < 1.0:
            return standing()
        up = lifted(standing(), 0.03)  # the hips a seventh of a torso higher
        return up if 1.0 <= t < 1.1 else shifted(up, feet, 0.0, 0.03)

    assert detect(motion(*clip(3, at)), PARAMS) == []
    # The same rise that comes straight down again is a (small) jump.
    blip = clip(3, lambda t: lifted(standing(), 0.03) if 1.0 <= t < 1.1 else standing())
    assert len(detect(motion(*blip), PARAMS)) == 1


def test_a_long_flight_that_barely_leaves_the_floor_is_not_a_jump():
    # Over half a second in the air, a body rises more than 40 cm: the whole body 6 cm
    # up all that time is the floor line wobbling or a rise on to the toes, not a flight.
    assert detect(motion(*hop([1.5], 0.6, 0.026)), PARAMS) == []
    assert len(detect(motion(*hop([1.5], 0.6, 0.1)), PARAMS)) == 1


def on_to_a_box(
    start: float, seconds: float, box: float, rise_s: float, peak: float, sink: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Floor to a box ``box`` picture units high over ``rise_s`` from ``start`` (arching
    ``peak`` above the straight line), the hips sinking ``sink`` as the feet land and
    standing up again; down off the box (a step, no hop) 2 s later."""

    def at(t: float) -> Frame:
        if t < start:
            return standing()
        if t < start + rise_s:
            phase = (t - start) / rise_s
            return lifted(standing(), box * phase + 4 * peak * phase * (1 - phase))
        on_box = lifted(standing(), box * float(np.clip((start + rise_s + 2.0 + 0.4 - t) / 0.4, 0, 1)))
        landed = t - start - rise_s
        dip = sink * float(np.sin(np.pi * landed / 0.4)) if landed < 0.4 else 0.0
        return shifted(on_box, UPPER_BODY, 0.0, dip)

    return clip(seconds, at)


def test_a_jump_on_to_a_box_lands_where_the_feet_come_to_rest_up_there():
    # A box jump: the feet leave the floor and land three quarters of a torso higher, the
    # hips sinking into the landing; she stands on the box, then steps down.
    found = detect(motion(*on_to_a_box(1.5, 5.0, box=0.15, rise_s=0.35, peak=0.1, sink=0.04)), PARAMS)
    assert len(found) == 1
    assert found[0].measures["takeoff_s"] == pytest.approx(1.5, abs=2 / FPS)
    assert found[0].measures["airtime_s"] == pytest.approx(0.35, abs=2 / FPS)


def test_stepping_up_on_to_a_box_is_not_a_jump():
    # The same height climbed in half a second without a flight's arc or a landing's sink.
    assert detect(motion(*on_to_a_box(1.5, 5.0, box=0.15, rise_s=0.5, peak=0.0, sink=0.0)), PARAMS) == []


def test_walking_away_from_the_camera_is_not_a_jump():
    # Further away she stands higher in the picture, and stays there.
    def at(t: float):
        return lifted(standing(), 0.15 * float(np.clip(t - 1.0, 0, 1)))

    assert detect(motion(*clip(4, at)), PARAMS) == []


def broad_jump():
    """A broad jump away from the camera: 0.4 s in the air from 1.5 s, landing higher in
    the picture, the foot sinking a little further as the heel comes down, then finding
    its balance there (up and down a little: no box to stand on)."""

    def at(t: float):
        flight = (t - 1.5) / 0.4
        if flight < 0:
            return standing()
        if flight < 1:
            return lifted(standing(), 0.1 * flight + 4 * 0.12 * flight * (1 - flight))
        settle = 0.03 * float(np.clip((t - 1.9 - 1 / FPS) / 0.1, 0, 1))
        balance = 0.012 * float(np.sin(2 * np.pi * max(t - 2.0, 0.0) / 0.5))
        return lifted(standing(), 0.1 - settle + balance)

    return clip(4, at)


def test_a_broad_jump_away_from_the_camera_lands_where_the_foot_first_stops():
    found = detect(motion(*broad_jump()), PARAMS)
    assert len(found) == 1
    assert found[0].measures["takeoff_s"] == pytest.approx(1.5, abs=2 / FPS)
    assert found[0].measures["airtime_s"] == pytest.approx(0.4, abs=2 / FPS)


def test_a_foot_misplaced_once_in_the_air_does_not_cut_the_flight_short():
    # One frame with both feet guessed far up the picture and unseen, as blur in the air
    # does: the flight is read from the frames where the feet are seen.
    times, image, world = hop([1.5], 0.4, 0.1)
    glitch = np.ix_([int(1.8 * FPS)], FEET, [1, 3])
    image[glitch] = [[[image[glitch][0, 0, 0] - 0.3, 0.0]]]
    found = detect(motion(times, image, world), PARAMS)
    assert [round(m.start_s, 1) for m in found] == [1.5]
    assert found[0].measures["airtime_s"] == pytest.approx(0.4, abs=2 / FPS)


def test_the_shape_in_the_air():
    tuck = detect(motion(*hop([1.5], 0.5, 0.12, left_leg=Leg(80, 150), right_leg=Leg(80, 150))), PARAMS)
    straight = detect(motion(*hop([1.5], 0.5, 0.12)), PARAMS)
    assert [m.measures["shape"] for m in tuck] == ["tuck"]
    assert [m.measures["shape"] for m in straight] == ["straight"]

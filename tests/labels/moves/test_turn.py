import numpy as np
import pytest

from dance_analyzer.labels.moves import load_moves
from dance_analyzer.labels.moves.signals import unwrap_facing
from dance_analyzer.labels.moves.turn import TurnParams, detect
from tests.support.motions import clip, motion, standing, turned
from tests.support.skeletons import Leg

PARAMS = load_moves().moves[0].params


def spin(total_deg: float, seconds: float = 2.0, still: float = 0.5, **pose: object):
    """Still, then a steady spin of ``total_deg``, then still again."""

    def at(t: float):
        share = min(max((t - still) / seconds, 0.0), 1.0)
        return turned(standing(**pose), total_deg * share)

    return clip(still + seconds + still, at)


def test_a_skeleton_spun_twice_gives_two_clockwise_rotations():
    found = detect(motion(*spin(720)), PARAMS)
    assert len(found) == 1
    turn = found[0]
    assert turn.measures["rotations"] == 2.0 and turn.measures["direction"] == "clockwise"
    assert turn.start_s == pytest.approx(0.5, abs=0.1) and turn.end_s == pytest.approx(2.5, abs=0.1)
    assert turn.measures["support"] == "two_legs"


def test_the_mirrored_video_turns_the_other_way():
    found = detect(motion(*spin(720), mirror=True), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(2.0, "counter-clockwise")]


@pytest.mark.parametrize(("degrees", "rotations"), [(540, 1.5), (360, 1.0), (200, 0.5)])
def test_rotations_are_counted_in_half_turns(degrees: float, rotations: float):
    found = detect(motion(*spin(-degrees, seconds=degrees / 360)), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(rotations, "counter-clockwise")]


def test_a_half_turn_the_model_reads_short_is_still_half_a_turn():
    # Seen from the back the model places the shoulders partly front-on, so a real half
    # turn (front to back) measures 160 degrees or so (the UBC-Fashion clips of the move corpus).
    found = detect(motion(*spin(160, seconds=0.6)), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(0.5, "clockwise")]
    # Opening from profile to face the camera and on a little further is not a turn.
    assert detect(motion(*sweep(-90, 40, seconds=0.5)), PARAMS) == []


def path(*keys: tuple[float, float]):
    """The facing through (time, degrees) key frames, still before and after."""
    times, degrees = zip(*keys, strict=True)
    return clip(times[-1] + 0.5, lambda t: turned(standing(), float(np.interp(t, times, degrees))))


def sweep(start_deg: float, end_deg: float, seconds: float):
    """Still at ``start_deg``, a steady sweep to ``end_deg``, then still again."""
    return path((0.0, start_deg), (0.5, start_deg), (0.5 + seconds, end_deg))


@pytest.mark.parametrize(("start", "end"), [(0, 130), (130, 0), (160, 20), (-150, -20)])
def test_from_the_front_to_the_back_is_half_a_turn_though_the_model_reads_it_short(start: float, end: float):
    found = detect(motion(*sweep(start, end, seconds=0.5)), PARAMS)
    direction = "clockwise" if end > start else "counter-clockwise"
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(0.5, direction)]


@pytest.mark.parametrize(("start", "end"), [(-40, 90), (60, 190), (0, 100)])
def test_as_short_a_sweep_that_does_not_go_between_front_and_back_is_no_turn(start: float, end: float):
    assert detect(motion(*sweep(start, end, seconds=0.5)), PARAMS) == []


def test_a_turn_that_slows_and_stops_for_a_moment_half_way_is_one_turn():
    # Fast, slowing to a stop (under min_speed_deg_s for longer than max_pause_s), a
    # moment's stop, and on: the UBC-Fashion clips' back-to-front half turns of the move corpus.
    keys = [(0.5, 0.0), (0.9, 160.0), (1.1, 172.0), (1.25, 172.0), (1.45, 184.0), (1.85, 360.0)]
    found = detect(motion(*path(*keys)), PARAMS)
    assert [(m.measures["rotations"], m.start_s, m.end_s) for m in found] == [
        (1.0, pytest.approx(0.5, abs=0.1), pytest.approx(1.85, abs=0.1))
    ]
    # Stopped for longer than max_pause_s: two half turns.
    keys = [(0.5, 0.0), (0.9, 160.0), (1.1, 172.0), (1.6, 172.0), (1.8, 184.0), (2.2, 360.0)]
    assert [m.measures["rotations"] for m in detect(motion(*path(*keys)), PARAMS)] == [0.5, 0.5]


@pytest.mark.parametrize("hold_s", [0.3, 0.6])
def test_a_half_turn_that_holds_side_on_on_its_way_to_the_back_is_one_turn(hold_s: float):
    # A catalogue model turning to show her profile, holding it, then turning on to show
    # her back (the UBC-Fashion clips of the move corpus; the back read short, 150 degrees).
    keys = [(0.5, 0.0), (0.9, 85.0), (0.9 + hold_s, 95.0), (1.3 + hold_s, 150.0)]
    found = detect(motion(*path(*keys)), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"], m.start_s, m.end_s) for m in found] == [
        (0.5, "clockwise", pytest.approx(0.5, abs=0.1), pytest.approx(1.3 + hold_s, abs=0.1))
    ]


def test_a_quarter_turn_held_and_another_later_or_back_again_is_no_turn():
    # Held side-on for longer than side_pause_s: two quarter turns, each short of a turn.
    keys = [(0.5, 0.0), (0.9, 85.0), (2.0, 95.0), (2.4, 150.0)]
    assert detect(motion(*path(*keys)), PARAMS) == []
    # To the profile, held, and back to the front: no turn either way.
    keys = [(0.5, 0.0), (0.9, 85.0), (1.4, 95.0), (1.8, 0.0)]
    assert detect(motion(*path(*keys)), PARAMS) == []
    # From the front past the side to the back only counts: profile to profile is no half turn.
    keys = [(0.5, 60.0), (0.9, 85.0), (1.4, 95.0), (1.8, 120.0)]
    assert detect(motion(*path(*keys)), PARAMS) == []


def fouettes(turns: int, turn_s: float, stop_s: float, fps: float, stop_deg: float = 0.0):
    """Whole turns one after another, each stopping ``stop_s`` at ``stop_deg`` (0: facing
    the camera) before the next, as fouettes spot the front; at ``fps`` frames a second."""
    period = turn_s + stop_s

    def at(t: float):
        k, into = divmod(max(t - 0.5, 0.0), period)
        if k >= turns:
            return turned(standing(), stop_deg + 360.0 * turns)
        share = 0.5 - 0.5 * np.cos(np.pi * min(into / turn_s, 1.0))  # speeding up and slowing down
        return turned(standing(), stop_deg + 360.0 * (k + share))

    return clip(0.5 + turns * period + 0.5, at, fps=fps)


@pytest.mark.parametrize("stop_s", [0.15, 0.2, 0.3])
def test_fouettes_each_stopping_facing_the_front_are_each_a_turn(stop_s: float):
    # A phone's 24 frames a second; a stop shorter than max_pause_s does not join them.
    found = detect(motion(*fouettes(8, turn_s=0.4, stop_s=stop_s, fps=24.0)), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(1.0, "clockwise")] * 8


def test_a_double_turn_that_hesitates_in_profile_after_one_rotation_is_one_turn():
    # Stopping side-on is no spot of the front: a hesitation in a double turn.
    found = detect(motion(*fouettes(2, turn_s=0.4, stop_s=0.15, fps=30.0, stop_deg=90.0)), PARAMS)
    assert [m.measures["rotations"] for m in found] == [2.0]


def there_and_back(degrees: float, sweep_s: float, hold_s: float):
    """Still, a sweep of ``degrees``, ``hold_s`` there, the same sweep back, still again."""

    def at(t: float):
        out = min(max((t - 0.5) / sweep_s, 0.0), 1.0)
        back = min(max((t - 0.5 - sweep_s - hold_s) / sweep_s, 0.0), 1.0)
        return turned(standing(), degrees * (out - back))

    return clip(0.5 + 2 * sweep_s + hold_s + 0.5, at)


def test_a_sweep_that_turns_straight_back_is_a_twist_not_two_turns():
    # The torso whipped round and straight back, or the model taking a back view for the
    # front for a moment (the Kathak clip of the move corpus): no stop between the two.
    assert detect(motion(*there_and_back(200, sweep_s=0.4, hold_s=0.0)), PARAMS) == []
    # Half a turn, a stop facing the back, and half a turn back: two turns.
    found = detect(motion(*there_and_back(200, sweep_s=0.4, hold_s=0.5)), PARAMS)
    assert [m.measures["direction"] for m in found] == ["clockwise", "counter-clockwise"]


def test_a_quarter_turn_or_a_slow_drift_is_no_turn():
    assert detect(motion(*spin(90, seconds=0.5)), PARAMS) == []
    assert detect(motion(*spin(360, seconds=8.0)), PARAMS) == []  # 45 degrees a second: walking round


def test_a_turn_on_one_leg_is_a_pirouette_and_says_en_dehors_or_en_dedans():
    passe = {"left_leg": Leg(thigh=80, shin=150)}  # the left foot drawn up to the right knee
    # Turning to the right (clockwise) on the right leg with the left raised: towards the standing leg.
    turn = detect(motion(*spin(360, seconds=0.8, **passe)), PARAMS)[0]
    assert (turn.measures["kind"], turn.measures["working_leg"], turn.measures["en"]) == (
        "pirouette",
        "left",
        "en dedans",
    )
    mirror = detect(motion(*spin(360, seconds=0.8, **passe), mirror=True), PARAMS)[0]
    assert (mirror.measures["direction"], mirror.measures["working_leg"], mirror.measures["en"]) == (
        "counter-clockwise",
        "right",
        "en dedans",
    )


def test_left_right_swaps_in_the_back_view_do_not_break_the_count():
    times, image, world = spin(720)
    # The model calls the left side right for the frames where the back faces the camera.
    facing = np.degrees(np.arctan2(world[:, 11, 2] - world[:, 12, 2], world[:, 11, 0] - world[:, 12, 0]))
    back = np.abs(facing) > 100
    swap = [0, 4, 5, 6, 1, 2, 3, 8, 7, 10, 9] + [i + 1 if i % 2 else i - 1 for i in range(11, 33)]
    image[back] = image[back][:, swap]
    world[back] = world[back][:, swap]
    found = detect(motion(times, image, world), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(2.0, "clockwise")]


def test_back_views_read_as_front_views_on_and_off_do_not_make_turns_or_break_the_count():
    times, image, world = spin(720)
    # Every other frame with the back to the camera, the model takes the back for the front:
    # left and right swapped and the depth flipped, so the facing reads mirrored.
    facing = np.degrees(np.arctan2(world[:, 11, 2] - world[:, 12, 2], world[:, 11, 0] - world[:, 12, 0]))
    flipped = (np.abs(facing) > 120) & (np.arange(len(times)) % 2 == 0)
    swap = [0, 4, 5, 6, 1, 2, 3, 8, 7, 10, 9] + [i + 1 if i % 2 else i - 1 for i in range(11, 33)]
    image[flipped] = image[flipped][:, swap]
    world[flipped] = world[flipped][:, swap] * np.array([1.0, 1.0, -1.0], dtype=np.float32)
    found = detect(motion(times, image, world), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(2.0, "clockwise")]


def test_unwrapping_follows_a_whole_turn_and_steps_over_a_swap():
    raw = np.array([0, 60, 120, 180, -120, -60, 0, 60], dtype=float)  # one turn and a bit
    assert list(unwrap_facing(raw, 120)) == [0, 60, 120, 180, 240, 300, 360, 420]
    swapped = np.array([0, 30, 60, 90 + 180 - 360, 120 - 180, 150], dtype=float)  # frames 3-4 swapped
    assert np.allclose(np.diff(unwrap_facing(swapped, 120)) % 180, 30)


def test_thresholds_come_from_the_parameters():
    strict = TurnParams(min_rotation_deg=800)
    assert detect(motion(*spin(720)), strict) == []


def test_a_sampled_analysis_still_counts_the_turns():
    times, image, world = spin(720, seconds=1.2)  # 600 degrees a second
    sampled = slice(None, None, 6)  # 5 frames a second: 120 degrees between frames
    found = detect(motion(times[sampled], image[sampled], world[sampled]), PARAMS)
    assert [(m.measures["rotations"], m.measures["direction"]) for m in found] == [(2.0, "clockwise")]

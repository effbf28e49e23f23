import numpy as np

from dance_analyzer.labels.moves import load_moves
from dance_analyzer.labels.moves.floor import detect
from tests.support.motions import clip, motion, standing

PARAMS = next(m.params for m in load_moves().moves if m.name == "floor_work")


def lying(frame):
    """The dancer on their back: the picture's vertical and horizontal swap."""
    image, world = frame
    image = image.copy()
    image[:, 0], image[:, 1] = image[:, 1].copy(), 0.9 - 0.1 * image[:, 0]
    return image, world


def test_time_down_on_the_floor_is_floor_work_with_the_lowest_position_held():
    times, image, world = clip(6.0, lambda t: lying(standing()) if 2 <= t < 4 else standing())
    held = {"lie": (times >= 2.2) & (times < 3.8), "sit": np.zeros(len(times), bool)}
    found = detect(motion(times, image, world, poses=held), PARAMS)
    assert [(round(m.start_s, 1), round(m.end_s, 1), m.measures["lowest"]) for m in found] == [(2.0, 4.0, "lie")]


def test_a_held_floor_position_alone_is_floor_work_and_a_moment_down_is_not():
    times, image, world = clip(4.0, lambda t: standing())
    kneel = (times >= 1) & (times < 2.5)
    found = detect(motion(times, image, world, poses={"kneel": kneel}), PARAMS)
    assert [m.measures["lowest"] for m in found] == ["kneel"]
    brief = (times >= 1) & (times < 1.2)
    assert detect(motion(times, image, world, poses={"kneel": brief}), PARAMS) == []


def crouch(hands_down: bool):
    """Seen from the side: squatting deep over the feet, leaning forward, the head low above
    them (1.5 torso lengths); the hands out in front, or down on the floor."""
    places = {
        (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10): (0.70, 0.60),  # head
        (11, 12): (0.62, 0.62),  # shoulders
        (13, 14): (0.70, 0.70 if not hands_down else 0.80),  # elbows
        (15, 16, 17, 18, 19, 20, 21, 22): (0.78, 0.68 if not hands_down else 0.89),  # hands
        (23, 24): (0.45, 0.72),  # hips
        (25, 26): (0.60, 0.75),  # knees
        (27, 28, 29, 30, 31, 32): (0.50, 0.90),  # feet
    }
    image = np.zeros((33, 4), np.float32)
    for points, (x, y) in places.items():
        image[list(points)] = [x, y, 0.0, 0.99]
    world = np.zeros((33, 3), np.float32)
    world[:, :2] = (image[:, :2] - image[[23, 24], :2].mean(axis=0)) * 2.0
    return image, world


def test_a_deep_squat_over_the_feet_is_not_floor_work_and_hands_on_the_floor_are():
    for hands_down, expected in ((False, []), (True, [None])):
        times, image, world = clip(4.0, lambda t, down=hands_down: crouch(down) if 1 <= t < 3 else standing())
        found = detect(motion(times, image, world), PARAMS)
        assert [m.measures["lowest"] for m in found] == expected, hands_down

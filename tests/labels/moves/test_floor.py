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

"""Moves in an edited video: read within each shot, turns across the cuts."""

import numpy as np

from dance_analyzer.labels.moves import detect_moves, load_moves
from tests.support.motions import clip, motion, standing, turned

MOVES = load_moves()


def framed(frame, scale: float):
    """The same body filmed from further away (``scale`` < 1): smaller in the picture."""
    image, world = frame
    image = image.copy()
    image[:, :2] = 0.5 + (image[:, :2] - 0.5) * scale
    return image, world


def test_a_cut_from_a_wide_shot_to_a_close_one_is_no_floor_work():
    # One second far away, then two close up: measured in the close-up's torso lengths, the
    # far dancer's head is barely above their feet, as if down on the floor.
    times, image, world = clip(3.0, lambda t: framed(standing(), 0.3 if t < 1.0 else 1.0))
    cut = times >= 1.0
    cut[1:] &= ~cut[:-1]
    across = [m.move for m in detect_moves(motion(times, image, world), MOVES)]
    assert "floor_work" in across  # what reading the clip as one shot would say
    assert detect_moves(motion(times, image, world, shot_starts=cut), MOVES) == []


def test_a_turn_runs_on_across_a_cut():
    def at(t: float):
        return turned(standing(), 720 * min(max((t - 0.5) / 2.0, 0.0), 1.0))

    times, image, world = clip(3.0, at)
    cut = np.zeros(len(times), bool)
    cut[np.searchsorted(times, 1.5)] = True
    found = detect_moves(motion(times, image, world, shot_starts=cut), MOVES)
    assert [m.measures["rotations"] for m in found if m.move == "turn"] == [2.0]
    # Read one shot at a time, as the other moves are, it would be two turns of one rotation.
    one_shot = [d for d in MOVES.moves if d.name == "turn"]
    split = [m for d in one_shot for m in d.detect(motion(times, image, world, shot_starts=cut).shots()[0])]
    assert [m.measures["rotations"] for m in split] == [1.0]

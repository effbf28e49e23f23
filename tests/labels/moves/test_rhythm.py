import numpy as np
import pytest

from dance_analyzer.labels.moves import load_moves
from dance_analyzer.labels.moves.rhythm import detect_bounce, detect_sway
from tests.support.motions import UPPER_BODY, clip, lifted, motion, shifted, standing

MOVES = load_moves()
SWAY, BOUNCE = (next(m.params for m in MOVES.moves if m.name == n) for n in ("sway", "bounce"))


def swaying(amplitude: float, period: float, seconds: float = 5.0):
    return clip(seconds, lambda t: shifted(standing(), UPPER_BODY, amplitude * float(np.sin(2 * np.pi * t / period))))


def test_hips_swinging_side_to_side_are_a_sway_with_their_period():
    found = detect_sway(motion(*swaying(0.04, 1.0)), SWAY)  # 0.2 torso lengths each way
    assert len(found) == 1
    assert found[0].measures["period_s"] == pytest.approx(1.0, abs=0.1)
    assert found[0].measures["cycles"] >= 3
    assert detect_bounce(motion(*swaying(0.04, 1.0)), BOUNCE) == []


def test_a_tiny_or_a_very_slow_sway_is_none():
    assert detect_sway(motion(*swaying(0.005, 1.0)), SWAY) == []
    assert detect_sway(motion(*swaying(0.04, 4.0, seconds=12)), SWAY) == []


def test_rising_and_sinking_in_rhythm_is_a_bounce():
    bouncing = clip(4.0, lambda t: lifted(standing(), 0.03 * float(np.sin(2 * np.pi * t / 0.6))))
    found = detect_bounce(motion(*bouncing), BOUNCE)
    assert [m.measures["period_s"] for m in found] == [pytest.approx(0.6, abs=0.07)]

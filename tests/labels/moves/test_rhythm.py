import numpy as np
import pytest

from dance_analyzer.labels.moves import detect_moves, load_moves, parse_moves
from dance_analyzer.labels.moves.rhythm import detect_bounce, detect_sway
from tests.support.motions import UPPER_BODY, clip, hop, lifted, motion, shifted, standing

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


def knees_bouncing(seconds: float = 4.0, period: float = 0.6, hop_at: float | None = None):
    """The hips rising and sinking 0.15 torso lengths on the knees, the feet on the floor;
    with ``hop_at``, one cycle there a hop: the whole body off the floor."""

    def at(t: float):
        rise = 0.03 * float(np.sin(2 * np.pi * t / period))
        if hop_at is not None and hop_at <= t < hop_at + period / 2:
            return lifted(standing(), 2 * rise)
        return shifted(standing(), UPPER_BODY, 0.0, -rise)

    return clip(seconds, at)


def test_a_run_of_hops_is_jumps_not_a_bounce():
    # A rope skipper's: 0.3 s off the floor every 0.5 s, 0.3 torso lengths up.
    hops = hop([0.5 + 0.5 * k for k in range(8)], 0.3, 0.06, seconds=5.0)
    found = detect_moves(motion(*hops), MOVES)
    assert [m.move for m in found] == ["jump"] * 8
    # Read without jumps, the same hops rise and sink in a steady rhythm.
    no_jumps = parse_moves({"moves": {"jump": {"enabled": False}}}, base=MOVES)
    assert [m.move for m in detect_moves(motion(*hops), no_jumps)] == ["bounce"]


def test_a_bounce_on_the_knees_with_a_hop_in_it_still_bounces():
    assert [m.move for m in detect_moves(motion(*knees_bouncing()), MOVES)] == ["bounce"]
    found = detect_moves(motion(*knees_bouncing(hop_at=1.8)), MOVES)
    assert sorted(m.move for m in found) == ["bounce", "jump"]

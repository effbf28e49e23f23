"""End to end on real clips: the moves a dance teacher would name, from the real model.

The ballet clip's pirouette was checked by looking at its frames: from 1.2 s she turns to
her right (her face goes to the picture's left, then her back, then her face comes round
from the right), twice, on her left leg with the right foot in passé: a double
pirouette en dehors, clockwise seen from above.
"""

import pytest

from dance_analyzer.pipeline import AnalysisOptions, analyze
from dance_analyzer.workers.inline import InlineReader
from tests.support.media import media

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reader():
    with InlineReader() as one_process:
        yield one_process


@pytest.mark.parametrize("model", ["lite", "full", "heavy"])
def test_the_ballet_pirouette_is_a_double_clockwise_en_dehors(reader, model):
    result = analyze(media("ballet_spin_1.mp4"), AnalysisOptions(model=model), reader=reader)
    turns = [m for m in result["moves"] if m["move"] == "turn"]
    assert len(turns) == 1, result["moves"]
    turn = turns[0]
    assert abs(turn["rotations"] - 2.0) <= 0.5
    assert (turn["direction"], turn["kind"], turn["en"]) == ("clockwise", "pirouette", "en dehors")
    assert 0.8 <= turn["start_s"] <= 1.4 and 2.4 <= turn["end_s"] <= 3.0
    summary = {s["move"]: s for s in result["move_summary"]}
    assert summary["turn"]["count"] == 1 and "pirouette clockwise" in summary["turn"]["text"]
    assert not [m for m in result["moves"] if m["move"] == "jump"]  # she never leaves the floor

"""End to end on real clips: the moves a dance teacher would name, from the real model.

The ballet clip's pirouette was checked by looking at its frames: from 1.2 s she turns to
her right (her face goes to the picture's left, then her back, then her face comes round
from the right), twice, on her left leg with the right foot in passé: a double
pirouette en dehors, clockwise seen from above. At 2.6 s she comes out of it on to her
left foot with the right leg low behind her.
"""

import pytest

from dance_analyzer.pipeline import AnalysisOptions, analyze
from dance_analyzer.workers.inline import InlineReader
from tests.support.media import media, spliced_video

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
    # She turns in passé for about 40 frames (1.3-2.6 s), the foot in front of her knee, and
    # comes out of it with the leg low behind her: a dégagé, not an arabesque.
    poses = {p["pose"]: p["frames_detected"] for p in result["pose_summary"]}
    assert poses.get("passe", 0) >= 15, poses
    assert "arabesque" not in poses, poses


def test_an_edited_video_is_read_shot_by_shot(reader, tmp_path):
    # Two seconds of tai chi filmed wide (a small figure in a landscape picture), cut to four
    # of a dancer filling the portrait frame. Read as one shot, the small figure's head sat
    # barely above its feet in the close-up's torso lengths: two seconds of floor work.
    parts = [(media("taichi_solo_1.mp4"), 60), (media("dance_solo_1.mp4"), 120)]
    edited = spliced_video(tmp_path / "edited.mp4", parts, size=(360, 640))
    result = analyze(edited, AnalysisOptions(), reader=reader)
    assert result["cuts_s"] == [2.0]
    assert not [m for m in result["moves"] if m["move"] == "floor_work"], result["moves"]
    assert not [m for m in result["moves"] if m["start_s"] < 2.0 < m["end_s"]], result["moves"]
    # Each shot is read as it would be alone.
    for (clip, frames), start in zip(parts, (0.0, 2.0), strict=True):
        alone = spliced_video(tmp_path / "alone.mp4", [(clip, frames)], size=(360, 640))
        found = analyze(alone, AnalysisOptions(), reader=reader)
        assert found["cuts_s"] == []
        shot = [m for m in result["moves"] if start <= m["start_s"] < start + frames / 30]
        assert [(m["move"], round(m["start_s"] - start, 2)) for m in shot] == [
            (m["move"], round(m["start_s"], 2)) for m in found["moves"]
        ]

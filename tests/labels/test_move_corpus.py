"""The labelled move corpus is well formed and has landmarks for every clip and model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dance_analyzer.labels.move_corpus import load_move_corpus
from dance_analyzer.labels.moves import KINDS
from tests.support.tracks import filmed_at

ROOT = Path(__file__).resolve().parents[2] / "corpus" / "moves"
MODELS = ("lite", "full", "heavy")
CHOICES = {
    ("turn", "direction"): {"clockwise", "counter-clockwise", None},
    ("turn", "support"): {"one_leg", "two_legs", None},
    ("jump", "shape"): {"straight", "tuck", "split", None},
    ("kick", "side"): {"left", "right", None},
    ("kick", "direction"): {"front", "side", "back", None},
    ("floor_work", "lowest"): {"kneel", "sit", "lie", None},
}


@pytest.fixture(scope="module")
def corpus():
    return load_move_corpus(ROOT)


@pytest.fixture(scope="module")
def rows():
    with open(ROOT / "labels.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_ids_are_unique_and_sources_match(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert r["id"].split("/")[0] == r["source"] == r["media"].split("/")[0]
        assert r["person"] and isinstance(r["notes"], str)


def test_moves_are_known_inside_the_clip_and_measured(rows):
    for r in rows:
        last = (r["frames"] - 1) / r["fps"] + 1.5 / r["fps"]
        assert set(r["complete"]) <= set(KINDS), r["id"]
        for m in r["moves"] + r["unsure"]:
            assert m["move"] in KINDS, (r["id"], m)
            assert 0 <= m["start_s"] < m["end_s"] <= last, (r["id"], m)
            for (kind, key), allowed in CHOICES.items():
                if m["move"] == kind and m in r["moves"]:
                    assert key in m and m[key] in allowed, (r["id"], m, key)
            if m["move"] == "turn" and m in r["moves"]:
                assert m["rotations"] is None or (isinstance(m["rotations"], float) and m["rotations"] >= 0.5)


def test_jumps_start_and_end_on_frame_times(corpus):
    for clip in corpus.clips:
        jumps = [m for m in clip.moves if m.move == "jump"]
        if not jumps:
            continue
        times = corpus.track(clip.id, "full").times
        for m in jumps:
            for t in (m.start_s, m.end_s):
                assert np.min(np.abs(times - t)) < 0.002, (clip.id, m)
            assert m.measures["fps"] == clip.fps


def test_every_clip_has_landmarks_for_each_model(corpus):
    for clip in corpus.clips:
        lengths = set()
        for model in MODELS:
            path = corpus.landmarks_path(clip.id, model)
            assert path.is_file(), path
            assert path.stat().st_size < 2_000_000, path
            track = corpus.track(clip.id, model)
            assert track.image.shape == (len(track.times), 33, 4) and track.world.shape == (len(track.times), 33, 3)
            assert track.image.dtype == np.float32 and track.world.dtype == np.float32
            assert track.total_frames == clip.frames, (clip.id, model)
            lengths.add(len(track.times))
        assert lengths == {clip.frames}, clip.id


@pytest.mark.parametrize("kind", ["turn", "jump", "kick", "step"])
@pytest.mark.parametrize("held_out", [False, True])
def test_both_halves_hold_turns_jumps_kicks_and_steps(corpus, held_out, kind):
    found = [
        m for c in corpus.clips if c.held_out == held_out and kind in c.complete for m in c.moves if m.move == kind
    ]
    assert found, f"no labelled {kind} in the {'held-out' if held_out else 'dev'} half"


# The issue's targets, on the held-out half only (bench/move_accuracy.py --split held-out prints the
# full report): precision and recall at least 0.90 for turns, jumps and kicks, the turn count within
# half a rotation and the jump airtime within 2 frames. The detectors are tuned on the dev half; these
# numbers are the honest ones and must not be tuned on.
TARGET = 0.90
# Airtimes are reported, and labels written, to the millisecond: at 30 frames/s the two
# roundings together move an error by up to 0.03 frames either way.
ROUNDING_FRAMES = 0.05
# Where the held-out numbers stood (lowest over the three models, less 0.02): kicks 19 labelled
# (six side kicks of a leg-swing clip added to the first 13); after the raised foot had to rise
# itself, precision 0.78 (lite) / 0.86 (full) / 0.86 (heavy), recall 0.95 / 0.95 / 1.00. The
# held-out jumping-squat clip added in December (no kick in it) gave lite three false kicks:
# precision 0.69 / 0.86 / 0.86, measured again, not tuned away. Then (decided on dev, where a
# karate kick above the head came out in three pieces as the model swapped the legs) kicks of
# alternate legs within 0.25 s became one: precision 0.82 / 1.00 / 0.94, recall 0.95 / 0.84 /
# 0.84.
# A floor, not the target: a change that finds fewer kicks or more false ones fails here.
KICK_FLOOR = {"precision": 0.80, "recall": 0.82}
# Steps, 19 labelled held out (5 clips, one with none): after a standing foot that pivots or
# slides on the floor counted as planted, and a foot up to 0.3 torso lengths over the floor
# line standing, with 0.3 of travel (decided on dev), precision 0.53 / 0.71 / 0.67, recall
# 0.53 / 0.53 / 0.63. Then a step mostly inside a jump's flight became the jump's (decided on
# dev): 0.50 / 0.71 / 0.65 and 0.47 / 0.53 / 0.58 (lite and heavy lost a step to a jump found
# over it). A floor against regressions; the issue asks for their count (bench/move_accuracy.py).
STEP_FLOOR = {"precision": 0.48, "recall": 0.45}


def _scores(corpus, held_out: bool, fps: float | None = None):
    from dance_analyzer.labels.definitions import load_definitions
    from dance_analyzer.labels.moves import Move, load_moves
    from dance_analyzer.labels.moves.scoring import KindScore, score_clip
    from dance_analyzer.pipeline import describe

    poses, moves = load_definitions(), load_moves()
    out = {}
    for model in MODELS:
        totals = {kind: KindScore() for kind in KINDS}
        for clip in (c for c in corpus.clips if c.held_out == held_out):
            track = corpus.track(clip.id, model)
            result, _ = describe(track if fps is None else filmed_at(track, fps), poses, 0.2, moves=moves)
            found = [Move(m["move"], m["start_s"], m["end_s"], m) for m in result["moves"]]
            for kind, s in score_clip(clip.moves, clip.unsure, found, sorted(clip.complete)).items():
                totals[kind].add(s)
        out[model] = totals
    return out


@pytest.fixture(scope="module")
def held_out_scores(corpus):
    return _scores(corpus, held_out=True)


# The held-out half scores few turns and jumps yet, so the dev half (tuned on: not an
# honest score) guards them against a change that loses them or makes false ones. Where
# they stand (lowest over the three models, less about 0.02): turns, 30 labelled: precision
# 0.76 / 0.84 / 0.81 (lite/full/heavy; with a twist there and straight back no turn; most
# false turns left are pieces of a figure skater's spin at about 5 revolutions a second, 6
# frames a turn, which 30 frames/s cannot follow), recall 0.73 / 0.70 / 0.70 (a half turn
# from the front to the back counted from 120 degrees); then, with a half turn that holds
# side-on on its way to the back one turn, precision 0.79 / 0.88 / 0.81, recall 0.77 / 0.77 /
# 0.73 (0.76 / 0.85 / 0.92 and 0.73 / 0.77 / 0.73 at 24 frames/s); jumps, 49
# labelled (30 of them rope hops of one clip; 13 tuck, squat, broad and box jumps), with the
# feet read from visibility 0.1 (side-on, the far ankle hides behind the near leg), the floor
# read from the low end of the feet around each jump, and a landing on a box where the feet
# come to rest up there: precision 0.95 / 0.98 / 0.98, recall 0.86 / 0.94 / 0.82.
DEV_FLOORS = {"turn": {"precision": 0.74, "recall": 0.71}, "jump": {"precision": 0.93, "recall": 0.80}}


@pytest.fixture(scope="module")
def dev_scores(corpus):
    return _scores(corpus, held_out=False)


@pytest.mark.parametrize("kind", sorted(DEV_FLOORS))
@pytest.mark.parametrize("model", MODELS)
def test_dev_turns_and_jumps_stay_above_their_floor(dev_scores, model, kind):
    s, floor = dev_scores[model][kind], DEV_FLOORS[kind]
    assert s.labelled >= 9
    assert s.precision >= floor["precision"], (model, s.matched, s.detected)
    assert s.recall >= floor["recall"], (model, s.matched, s.labelled)


@pytest.fixture(scope="module")
def dev_scores_at_24(corpus):
    return _scores(corpus, held_out=False, fps=24.0)


# A phone films at 24 frames a second, or 25: the dev clips (24-60 frames/s) seen at 24 keep
# their turns and jumps (measured: turns 0.75/0.70, 0.84/0.70, 0.91/0.70, jumps 0.95/0.78,
# 0.98/0.94, 0.97/0.78; lite/full/heavy, precision/recall). The rope hops, in the air for 3-4
# frames at 30 frames/s, lose most: 7 and 9 of 30 missed with lite and heavy (5 and 8 at 30).
AT_24_FLOORS = {"turn": DEV_FLOORS["turn"], "jump": {"precision": 0.93, "recall": 0.75}}


@pytest.mark.parametrize("kind", sorted(AT_24_FLOORS))
@pytest.mark.parametrize("model", MODELS)
def test_dev_turns_and_jumps_filmed_at_24_frames_a_second_stay_above_their_floor(dev_scores_at_24, model, kind):
    s, floor = dev_scores_at_24[model][kind], AT_24_FLOORS[kind]
    assert s.precision >= floor["precision"], (model, s.matched, s.detected)
    assert s.recall >= floor["recall"], (model, s.matched, s.labelled)


@pytest.mark.parametrize("kind", ["kick", "step"])
@pytest.mark.parametrize("model", MODELS)
def test_held_out_kicks_and_steps_stay_above_their_floor(held_out_scores, model, kind):
    s, floor = held_out_scores[model][kind], {"kick": KICK_FLOOR, "step": STEP_FLOOR}[kind]
    assert s.labelled >= 10
    assert s.precision >= floor["precision"], (model, s.matched, s.detected)
    assert s.recall >= floor["recall"], (model, s.matched, s.labelled)


def _airtime_errors_in_frames(jumps) -> list[float]:
    """Each matched jump's airtime against its label's, in frames of its clip."""
    return [abs(f.measures["airtime_s"] - (t.end_s - t.start_s)) * t.measures["fps"] for t, f in jumps.pairs]


# With the held-out jumping squats added in December, lite's and full's airtimes there are 3-5
# frames off their labels (the issue asks for 2). Since a flight takes off and lands where the
# foot is still, 2 of 3, 3 of 4 and 2 of 3 are within 2 frames (lite/full/heavy): not met yet.
AIRTIME_OFF = "held-out jumps: airtime within 2 frames for 2-3 of the 3-4 found with each model"


# On the dev half, since a flight ends where the foot first stops: airtimes within 2 frames for
# 36/42, 44/46 and 33/40 of the jumps found (lite/full/heavy; 29, 41 and 30 before).
DEV_AIRTIME_WITHIN_TWO = 0.80


@pytest.mark.parametrize("model", MODELS)
def test_dev_jump_airtimes_stay_within_two_frames_as_often(dev_scores, model):
    errors = _airtime_errors_in_frames(dev_scores[model]["jump"])
    assert len(errors) >= 30
    within = sum(e <= 2.0 + ROUNDING_FRAMES for e in errors) / len(errors)
    assert within >= DEV_AIRTIME_WITHIN_TWO, (model, sorted(errors))


@pytest.mark.parametrize(
    "model", [pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=AIRTIME_OFF)) for m in MODELS]
)
def test_held_out_jumps_found_have_their_airtime_within_two_frames(held_out_scores, model):
    jump = held_out_scores[model]["jump"]
    assert jump.labelled >= 3
    errors = _airtime_errors_in_frames(jump)
    assert all(e <= 2.0 + ROUNDING_FRAMES for e in errors), (model, errors)


NOT_MET = {
    "turn": "held-out turns (16 labelled, 14 of them one dancer's fouettes and stepping turns on a handheld "
    "phone at 24 frames/s): recall 0.31-0.38, precision 0.62-0.86",
    "jump": "held-out jumps (6 labelled): recall 0.50-0.67, precision 0.50-1.00 (the taekwondo clip's "
    "flying jumps are missed; read shot by shot, its cuts no longer make jumps with full and heavy)",
    "kick": "held-out kicks (19 labelled): precision 0.82-1.00, recall 0.89-0.95 (lite finds false ones in "
    "the jumping-squat clip; with kicks of alternate legs within 0.25 s joined, full and heavy find 17)",
}


@pytest.mark.parametrize(
    "kind", [pytest.param(kind, marks=pytest.mark.xfail(strict=True, reason=why)) for kind, why in NOT_MET.items()]
)
def test_held_out_meets_the_issues_targets(held_out_scores, kind):
    for model in MODELS:
        s = held_out_scores[model][kind]
        assert s.labelled >= 3, f"{model}: only {s.labelled} held-out {kind}s labelled"
        assert s.precision >= TARGET and s.recall >= TARGET, (model, s.precision, s.recall)
        if kind == "turn":
            errors = [abs(f.measures["rotations"] - t.measures["rotations"]) for t, f in s.pairs
                      if t.measures.get("rotations") is not None]  # fmt: skip
            assert all(e <= 0.5 for e in errors), (model, errors)
        if kind == "jump":
            errors = _airtime_errors_in_frames(s)
            assert all(e <= 2.0 + ROUNDING_FRAMES for e in errors), (model, errors)

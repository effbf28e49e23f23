"""The built-in poses against the labelled corpus (corpus/): per pose and per model, F1 may not
fall below the floors measured when the rules were last revised (bench/accuracy.py prints the
full report). Landmarks are committed, so this needs neither media nor a model."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dance_analyzer.labels.corpus import ORIGINAL_POSES, Corpus, labelled, load_corpus
from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.labels.scoring import score
from dance_analyzer.pose.models import MODELS

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# The lowest F1 over the three models when the rules were last revised, less 0.02: a change
# that makes any pose worse on any model fails here. Raise them as the rules improve. The
# seven sources added last (corpus/SOURCES.md) lowered lie, passe, plie, forward_bend,
# hand_on_hip and hands_on_hips: the floors were measured again on the larger corpus, not the
# rules revised to fit it. The free-exercise-db pictures re-checked at full size (corpus/SOURCES.md,
# third pass) lowered arms_up with heavy, likewise measured again. The 25 sources added after
# that (yoga studio and app photos, ballet and exercise clips, chosen for the thin poses) lowered
# sit, kneel, attitude, leg_extension, plie, lunge, arms_crossed, hands_on_hips and hand_on_hip
# (new dev examples the old rules got wrong, e.g. cobras read as sitting): the floors are those
# measured after the rules were revised against the new dev half. The 12 sources added for
# the thin poses in December (39 pictures: hand on hip, forward folds, pointe work) lowered
# arms_up (to 0.855-0.865: wide-legged folds with the hands on the hips or the floor, the
# hands above the hanging head); measured again, not revised to fit (an upright-torso bound
# on arms_up won two dev pictures and lost a held-out one). The open-arms pass (40 pictures
# of open arms and their look-alikes) and the dance positions labelled on dance_solo_1's
# frames lowered arms_open (rounded and palms-up arms the rules still miss, a barbell held
# across the back) and squat with lite: measured again after arms_open's bent-elbow way was
# added; hand_on_hip rose with the three hand-on-hip frames of dance_solo_1, its floor with it.
# Then 73 pictures from 17 new sources and four known ones for arms crossed, hands on the
# hip(s) and arabesques (corpus/SOURCES.md, seventh pass; hard negatives such as hands in
# pockets among them) lowered hands_on_hips with heavy, and hand_on_hip was revised on the
# grown dev half (one arm in the on-hip shape): measured again. side_bend is known by its
# likeness to the corpus's labelled bodies since December (labels/examples.py), each example
# voted on by the bodies of other dev sources only (labels/corpus.py: honest_votes); its floor
# was measured after the eighth pass (standing side bends) and the mirrored bank. forward_bend
# likewise since then (dev, leave one source out: 0.82/0.88/0.90 to 0.89/0.93/0.93). lie holds
# where its conditions hold or its examples say so since then (dev: 0.83/0.83/0.87 to
# 0.93/0.91/0.90): measured again. kneel gained a way bent forward with the hands off the
# floor (dev 0.67/0.62/0.51 to 0.72/0.67/0.55): raised to its new lowest less 0.02. sit holds
# where its examples say so too, lunge not when sitting, hands_on_hips not when lying (and
# standing not mid-stride, its floor already its new lowest less 0.01): those three raised so.
# attitude holds where its examples say so too: raised likewise. lunge also holds as a
# warrior II seen head-on (a shallower bent knee, the knees differing): raised likewise.
# leg_extension reads a standing leg hidden behind the other (visibility from 0.05),
# one_arm_up a far arm hidden behind the body and split a far leg (from 0.1), kneel a far
# knee (from 0.05, was 0.1): raised likewise.
# hand_on_hip takes a hand on the waist (up to 0.8 from the hip joint, down at waist or hip
# height) and arabesque asks for the leg at 45 degrees: both raised to their new lowest less 0.02.
# arabesque reads a standing leg hidden behind the raised one (from 0.05; heavy 0.54 to 0.61 on
# the whole corpus): raised likewise.
FLOORS = {
    "t_pose": 0.91,
    "squat": 0.75,
    "lunge": 0.83,
    "arms_up": 0.83,
    "one_leg": 0.84,
    "one_arm_up": 0.77,
    "arms_crossed": 0.76,
    "hands_on_hips": 0.70,
    "standing": 0.80,
    # The dance positions, scored only on the examples checked for them (corpus/labels.jsonl
    # "checked"). Several have few positives yet (releve 3, forward_bend 4, hand_on_hip 4,
    # side_bend 20): their floors only stop them getting worse.
    "arms_open": 0.88,
    "hand_on_hip": 0.58,
    "plie": 0.83,
    "releve": 0.00,
    "passe": 0.89,
    "arabesque": 0.55,
    "attitude": 0.85,
    "leg_extension": 0.87,
    "split": 0.95,
    "forward_bend": 0.84,
    "side_bend": 0.87,
    "kneel": 0.65,
    "sit": 0.86,
    "lie": 0.83,
}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


def test_the_corpus_is_varied_and_every_example_has_every_models_landmarks(corpus):
    originals = [e for e in corpus.examples if not e.id.endswith("~mirror")]
    assert len(originals) >= 400 and len(corpus.sources) >= 6
    assert corpus.models == list(MODELS)
    for model in MODELS:
        assert corpus.image[model].shape == (len(corpus.examples), 33, 4)
    positives = Counter(pose for e in originals for pose in e.poses)
    assert set(positives) == set(load_definitions().names)
    assert min(positives[pose] for pose in ORIGINAL_POSES) >= 30
    # Every pose is scored only where someone looked for it.
    assert all(pose in e.checked for e in corpus.examples for pose in e.poses | e.unsure)
    views = Counter(e.view for e in originals)
    assert views["front"] and views["side"] and views["three-quarter"] and views["back"]


@pytest.mark.parametrize("model", MODELS)
def test_no_pose_falls_below_its_floor(corpus, model):
    poses = load_definitions()
    scores = score(labelled(corpus, model, poses), poses.names)
    below = {pose: round(s.f1, 3) for pose, s in scores.items() if s.f1 < FLOORS[pose]}
    assert below == {}, f"{model}: F1 below the floor"

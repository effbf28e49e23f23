"""Labelled examples and their landmarks: the data that pose rules are measured against.

A corpus is a directory with ``labels.jsonl`` (one example per line: ``id``, ``source``,
``kind``, the ``poses`` a person saw, the ones they could not decide, ``view``...) and
``landmarks/<model>.json`` (per example id, the ``image`` and ``world`` landmarks that model
found, or null). Rules are scored on the landmarks alone, in a fraction of a second, with
no media and no model run: the repository's own corpus is ``corpus/`` at its root.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..features import body_embedding, compute_features
from ..pose.models import MODELS
from .classify import label_frames
from .definitions import PoseSet
from .examples import ExampleBank, build_bank
from .scoring import Labelled


@dataclass(frozen=True)
class Example:
    id: str
    source: str
    kind: str  # photo or frame
    poses: frozenset[str]
    unsure: frozenset[str]
    view: str
    # The poses a person checked this example for: a pose outside it was never looked for,
    # so the example says nothing about it (neither a positive nor a negative).
    checked: frozenset[str] = frozenset()


# The poses the corpus was first labelled for: an example without a ``checked`` list was
# checked for these (and only these), before the dance positions were added.
ORIGINAL_POSES = frozenset(
    {"t_pose", "squat", "lunge", "arms_up", "one_leg", "one_arm_up", "arms_crossed", "hands_on_hips", "standing"}
)


@dataclass(frozen=True)
class Corpus:
    examples: tuple[Example, ...]
    image: dict[str, np.ndarray]  # per model: (N, 33, 4), NaN where the model found nobody
    world: dict[str, np.ndarray]  # per model: (N, 33, 3)

    @property
    def models(self) -> list[str]:
        return list(self.image)

    @property
    def sources(self) -> list[str]:
        return sorted({e.source for e in self.examples})


HELD_OUT_SHARE = 3  # one source in three, chosen by the hash of its name


def is_held_out(source: str) -> bool:
    """Whether a source belongs to the fixed held-out split.

    Rules are revised looking only at the other sources' misses; the held-out ones are the
    honest score. The split hangs on the source's name alone, so adding sources never moves
    an existing one between the two halves.
    """
    return int(hashlib.sha256(source.encode()).hexdigest(), 16) % HELD_OUT_SHARE == 0


def load_corpus(directory: Path) -> Corpus:
    with open(directory / "labels.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    examples = tuple(
        Example(
            id=row["id"],
            source=row["source"],
            kind=row["kind"],
            poses=frozenset(row["poses"]),
            unsure=frozenset(row.get("unsure", ())),
            view=row.get("view", "other"),
            checked=frozenset(row["checked"]) if "checked" in row else ORIGINAL_POSES,
        )
        for row in rows
    )
    image: dict[str, np.ndarray] = {}
    world: dict[str, np.ndarray] = {}
    order: dict[str, int] = {model: k for k, model in enumerate(MODELS)}
    # A model's landmarks may be split over several files (<model>.json, <model>-2.json...)
    # to keep each one small.
    for path in sorted((directory / "landmarks").glob("*.json"), key=lambda p: (order.get(_model(p), 99), p.stem)):
        model = _model(path)
        found = json.loads(path.read_text("utf-8"))
        if model not in image:
            image[model] = np.full((len(examples), 33, 4), np.nan, np.float32)
            world[model] = np.full((len(examples), 33, 3), np.nan, np.float32)
        for k, example in enumerate(examples):
            landmarks = found.get(example.id)
            if landmarks is not None:
                image[model][k] = landmarks["image"]
                world[model][k] = landmarks["world"]
    return Corpus(examples, image, world)


def _model(path: Path) -> str:
    return path.stem.split("-")[0]


def example_bank(corpus: Corpus) -> ExampleBank:
    """Every body the corpus's models found, with its labels: the bank poses known by their
    examples vote with, once mirrored (:meth:`ExampleBank.both_ways`; ``scripts/build_examples.py``
    ships the repository corpus's)."""
    names = sorted(set().union(*(e.checked for e in corpus.examples)))
    examples = corpus.examples * len(corpus.models)
    return build_bank(
        np.concatenate([body_embedding(corpus.world[model]) for model in corpus.models]),
        [e.source for e in examples],
        [e.poses for e in examples],
        [e.unsure for e in examples],
        [e.checked for e in examples],
        names,
    )


def honest_votes(corpus: Corpus, model: str, poses: PoseSet) -> dict[str, np.ndarray]:
    """Per pose known by its examples, where the bank says it holds on each example, the
    bank holding neither that example's source nor any held-out one: a score on the
    corpus is then a score on sources the bank never saw."""
    asks = [p for p in poses.poses if p.neighbours is not None]
    if not asks:
        return {}
    bank = example_bank(corpus).both_ways()
    held_out = {s for s in corpus.sources if is_held_out(s)}
    points = body_embedding(corpus.world[model])
    sources = np.array([e.source for e in corpus.examples])
    votes = {p.name: np.zeros(len(sources), bool) for p in asks}
    for source in corpus.sources:
        rows = sources == source
        others = bank.without(held_out | {source})
        asked = {pose.name: pose.neighbours or 1 for pose in asks if pose.name in others.poses}
        for name, holds in others.votes(points[rows], asked).items():
            votes[name][rows] = holds
    return votes


def labelled(corpus: Corpus, model: str, poses: PoseSet) -> list[Labelled]:
    """Every example with what the rules find on this model's landmarks (no temporal filter:
    examples are single pictures)."""
    table = compute_features(corpus.image[model], corpus.world[model])
    holds = label_frames(table, poses, honest_votes(corpus, model, poses))
    names = poses.names
    return [
        Labelled(example.poses, example.unsure, frozenset(names[j] for j in np.flatnonzero(row)), example.checked)
        for example, row in zip(corpus.examples, holds, strict=True)
    ]

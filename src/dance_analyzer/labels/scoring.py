"""How well pose labels match a person's: precision, recall and F1 per pose, and confusions.

Each example has the poses a person saw (``truth``), the ones they could not decide
(``unsure``: not counted either way for that pose), the poses the rules found, and the poses
the person checked it for (``checked``; None: every pose): a pose added after an example was
labelled is not counted on it until someone has looked. Used by
the accuracy benchmark on the labelled corpus (bench/accuracy.py) and its test floors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    truth: frozenset[str]
    unsure: frozenset[str]
    found: frozenset[str]
    checked: frozenset[str] | None = None

    def counts(self, pose: str) -> bool:
        """Whether this example is evidence about ``pose``: checked for it and not unsure."""
        return pose not in self.unsure and (self.checked is None or pose in self.checked)


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        present = self.true_positives + self.false_negatives
        return self.true_positives / present if present else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives


def score(examples: Iterable[Labelled], poses: Sequence[str]) -> dict[str, Score]:
    """Per pose: counted over the examples checked for it where the person was sure whether it holds."""
    counts = {pose: Counter[str]() for pose in poses}
    for example in examples:
        for pose in poses:
            if not example.counts(pose):
                continue
            present, found = pose in example.truth, pose in example.found
            counts[pose]["tp" if present and found else "fp" if found else "fn" if present else "tn"] += 1
    return {pose: Score(c["tp"], c["fp"], c["fn"]) for pose, c in counts.items()}


def macro_f1(scores: dict[str, Score]) -> float:
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def confusions(examples: Iterable[Labelled]) -> Counter[tuple[str, str]]:
    """(pose the person saw, pose found instead) for every sure pose that was missed while
    another pose nobody saw was found: what the rules mistake each pose for."""
    out: Counter[tuple[str, str]] = Counter()
    for example in examples:
        missed = example.truth - example.found
        extra = {pose for pose in example.found - example.truth if example.counts(pose)}
        for seen in missed:
            for instead in extra or {"(nothing)"}:
                out[(seen, instead)] += 1
    return out

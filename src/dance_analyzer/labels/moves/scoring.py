"""Detected moves against labelled ones: matches, precision, recall and measure errors.

A detection matches a labelled move of the same kind when their intervals overlap by
at least half of the shorter one (a jump found two frames late still matches; a turn
that merely brushes another does not). Matching is one to one, largest overlaps first.
Labelled moves marked unsure count neither way: a detection over one is not a false
alarm, and missing one is not a miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .events import Move

MIN_OVERLAP = 0.5


@dataclass
class KindScore:
    """Counts for one kind of move, and the measures of matched pairs."""

    matched: int = 0
    pairs: list[tuple[Move, Move]] = field(default_factory=list)  # (labelled, detected)
    # (labelled, detected) per clip: a count (8 steps) is what a dancer reads first.
    counts: list[tuple[int, int]] = field(default_factory=list)
    excused: list[Move] = field(default_factory=list)  # detections over a move labelled unsure

    @property
    def labelled(self) -> int:
        return sum(labelled for labelled, _ in self.counts)

    @property
    def detected(self) -> int:
        """Detections that count: those over a move labelled unsure count neither way."""
        return sum(found for _, found in self.counts)

    @property
    def precision(self) -> float:
        return self.matched / self.detected if self.detected else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: KindScore) -> None:
        self.matched += other.matched
        self.pairs.extend(other.pairs)
        self.counts.extend(other.counts)
        self.excused.extend(other.excused)

    def count_errors(self) -> list[float]:
        """Per clip with any labelled, the count's error as a share of the labelled count."""
        return [abs(found - labelled) / labelled for labelled, found in self.counts if labelled]


def overlap(a: Move, b: Move) -> float:
    """The shared time as a share of the shorter move."""
    shorter = min(a.end_s - a.start_s, b.end_s - b.start_s)
    return a.shared_s(b.start_s, b.end_s) / shorter if shorter > 0 else 0.0


def score_clip(
    labelled: Sequence[Move], unsure: Sequence[Move], detected: Sequence[Move], kinds: Sequence[str]
) -> dict[str, KindScore]:
    """Per kind of move in ``kinds`` (those labelled exhaustively in the clip)."""
    out = {}
    for kind in kinds:
        truth = [m for m in labelled if m.move == kind]
        doubt = [m for m in unsure if m.move == kind]
        found = [m for m in detected if m.move == kind]
        candidates = sorted(
            ((overlap(t, f), i, j) for i, t in enumerate(truth) for j, f in enumerate(found)),
            reverse=True,
        )
        used_t: set[int] = set()
        used_f: set[int] = set()
        pairs = []
        for share, i, j in candidates:
            if share < MIN_OVERLAP or i in used_t or j in used_f:
                continue
            used_t.add(i)
            used_f.add(j)
            pairs.append((truth[i], found[j]))
        excused = {
            j for j, f in enumerate(found) if j not in used_f and any(overlap(d, f) >= MIN_OVERLAP for d in doubt)
        }
        counted = len(found) - len(excused)
        out[kind] = KindScore(
            matched=len(pairs), pairs=pairs, counts=[(len(truth), counted)], excused=[found[j] for j in sorted(excused)]
        )
    return out

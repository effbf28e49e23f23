"""Poses known by their likeness to labelled bodies: the corpus's bank, or a user's own.

A pose with ``examples`` in the pose file holds where most of its nearest labelled bodies
(``features.embedding``, weighted by closeness) show it. The bank ships with the package
(``examples.npz``), built from ``corpus/`` by ``scripts/build_examples.py``: for every
example and every model that found a body, the body's point, its source and, per pose,
whether a person saw it (1), checked it and did not see it (0), or did not decide (-1);
each body votes both ways round (as it is and mirrored).
Scores are never read off the shipped bank: ``labels.corpus`` builds one per source,
without that source and without the held-out ones (:meth:`ExampleBank.without`).

A pose of the user's own has no labelled bodies in the bank, and a handful of examples
cannot outvote it; it carries its examples in the pose file instead (:class:`Likeness`)
and holds where the body is close to one of them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..features.embedding import JOINTS, mirrored_embedding

BANK = Path(__file__).with_name("examples.npz")
CHUNK = 64  # frames compared at once: with N ≈ 10,000 bodies a (CHUNK, N) table is 5 MB, and faster than larger ones
# Each frame's nearest bodies of the whole bank, whichever poses they were decided for: a
# pose's few nearest voters are nearly always among them, and picking from these is far
# cheaper than a partition of the whole bank per pose.
SHORTLIST = 64
# How close a body must be to one of a user's examples, by default: chosen on the dev half
# of the corpus (``bench/learn_accuracy.py --split dev``), a pose learned from some sources'
# pictures scored on other sources'. The model's own jitter on one dancer is far below it;
# another dancer's version of a pose is often further.
WITHIN = 0.4


def _found_in_chunks(points: np.ndarray) -> Iterator[np.ndarray]:
    """The rows of the bodies found (no NaN), CHUNK at a time."""
    found = np.flatnonzero(np.isfinite(points).all(axis=1))
    for start in range(0, len(found), CHUNK):
        yield found[start : start + CHUNK]


def _distances(query: np.ndarray, bank: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """(Q, N) Euclidean distances between bodies; ``squares``: the bank's squared norms."""
    query = query.astype(np.float64)
    return np.sqrt(np.maximum((query**2).sum(axis=1)[:, None] + squares - 2 * query @ bank.T, 0.0))


@dataclass(frozen=True)
class Likeness:
    """A user's pose known by its own examples (``examples: {bodies: [...]}``).

    It holds where the body is within ``within`` torso lengths of one example, as the root
    mean square over the embedding's joints (so the number reads as how far a typical
    joint may be from where the example has it). Sides are kept as shown unless
    ``mirrored``: a pose learned with the left leg up asks for the left leg up.
    """

    bodies: tuple[tuple[float, ...], ...]  # features.embedding rows
    within: float = WITHIN
    mirrored: bool = False

    def holds(self, points: np.ndarray) -> np.ndarray:
        """(T,) bools for (T, 45) bodies; False where no body was found."""
        examples, squares = self._prepared
        out = np.zeros(len(points), bool)
        for rows in _found_in_chunks(points):
            nearest = _distances(points[rows], examples, squares).min(axis=1)
            out[rows] = nearest / np.sqrt(len(JOINTS)) <= self.within
        return out

    @functools.cached_property
    def _prepared(self) -> tuple[np.ndarray, np.ndarray]:
        """The examples (mirrored too, if asked) and their squared norms, once: the adaptive
        analysis asks about two frames at a time, as for the bank's voters."""
        examples = np.asarray(self.bodies, np.float64)
        if self.mirrored:
            examples = np.concatenate([examples, mirrored_embedding(examples)])
        return examples, (examples**2).sum(axis=1)

    def to_dict(self) -> dict[str, object]:
        return {"within": self.within, "mirrored": self.mirrored, "bodies": [list(b) for b in self.bodies]}


@dataclass(frozen=True)
class _Voters:
    """The bodies of a bank decided for one pose (``known``, (N,)), which of the bank's
    bodies show it (``shows``, (N,), False where undecided), and how many are decided."""

    known: np.ndarray
    shows: np.ndarray
    count: int


@dataclass(frozen=True)
class ExampleBank:
    points: np.ndarray  # (N, 45) float32 bodies (features.embedding)
    sources: np.ndarray  # (N,) the source each body came from
    poses: tuple[str, ...]
    labels: np.ndarray  # (N, P) int8: 1 seen, 0 checked and not seen, -1 undecided

    def both_ways(self) -> ExampleBank:
        """The bank with every body's mirror image too. The built-in poses hold on either
        side alike, so a mirrored video must find the same poses: a side bend to the left
        votes for one to the right."""
        return ExampleBank(
            np.concatenate([self.points, mirrored_embedding(self.points).astype(np.float32)]),
            np.concatenate([self.sources, self.sources]),
            self.poses,
            np.concatenate([self.labels, self.labels]),
        )

    def without(self, sources: Iterable[str]) -> ExampleBank:
        """The bank less every body from these sources (to score on them honestly)."""
        keep = ~np.isin(self.sources, list(sources))
        return ExampleBank(self.points[keep], self.sources[keep], self.poses, self.labels[keep])

    def vote(self, points: np.ndarray, pose: str, neighbours: int) -> np.ndarray:
        """(T,) whether most of each body's ``neighbours`` nearest labelled bodies show
        ``pose``, each counted by its closeness (1 / distance); False where no body."""
        return self.votes(points, {pose: neighbours})[pose]

    def votes(self, points: np.ndarray, neighbours: Mapping[str, int]) -> dict[str, np.ndarray]:
        """:meth:`vote` for several poses (each with its number of neighbours) at once.

        Each frame's distances to the whole bank are worked out once, and its ``SHORTLIST``
        nearest bodies found once; each pose takes its nearest voters from that shortlist,
        or from the whole bank where the shortlist holds too few of them. The adaptive
        analysis asks about two frames at a time, where a pass per pose cost more than the vote."""
        out = {pose: np.zeros(len(points), bool) for pose in neighbours}
        asked: dict[str, tuple[_Voters, int]] = {}
        for pose, wanted in neighbours.items():
            voters = self._voters(pose)
            k = min(wanted, voters.count)
            if k > 0:
                asked[pose] = (voters, k)
        if not asked:
            return out
        for rows in _found_in_chunks(points):
            everyone = _distances(points[rows], self._points64, self._squares)
            short = _nearest_first(everyone, SHORTLIST)
            short_distance = np.take_along_axis(everyone, short, axis=1)
            for pose, (voters, k) in asked.items():
                # The pose's k nearest voters, where the shortlist holds k of them (then
                # they are exactly the nearest); the whole bank's voters for the rest.
                voting = voters.known[short]
                chosen = voting & (np.cumsum(voting, axis=1) <= k)
                enough = chosen.sum(axis=1) == k
                picked = short[enough][chosen[enough]]
                distance = short_distance[enough][chosen[enough]]
                out[pose][rows[enough]] = _weighed(distance.reshape(-1, k), voters.shows[picked].reshape(-1, k))
                if not enough.all():
                    columns = np.flatnonzero(voters.known)
                    rest = everyone[~enough][:, columns]
                    nearest = np.argpartition(rest, k - 1, axis=1)[:, :k]
                    distance = np.take_along_axis(rest, nearest, axis=1)
                    out[pose][rows[~enough]] = _weighed(distance, voters.shows[columns[nearest]])
        return out

    def _voters(self, pose: str) -> _Voters:
        cache: dict[str, _Voters] = self.__dict__.setdefault("_cache", {})
        if pose not in cache:
            column = self.labels[:, self.poses.index(pose)]
            known = column >= 0
            cache[pose] = _Voters(known, column == 1, int(known.sum()))
        return cache[pose]

    @functools.cached_property
    def _points64(self) -> np.ndarray:
        return self.points.astype(np.float64)

    @functools.cached_property
    def _squares(self) -> np.ndarray:
        return (self._points64**2).sum(axis=1)


def _nearest_first(distance: np.ndarray, count: int) -> np.ndarray:
    """(Q, count) column indices of each row's ``count`` smallest distances, nearest first."""
    count = min(count, distance.shape[1])
    part = np.argpartition(distance, count - 1, axis=1)[:, :count]
    order = np.argsort(np.take_along_axis(distance, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _weighed(distance: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """Whether the bodies showing a pose outweigh the others, each counted by 1 / distance."""
    weight = 1.0 / np.maximum(distance, 1e-9)
    return (weight * shown).sum(axis=1) > 0.5 * weight.sum(axis=1)


def build_bank(
    points: np.ndarray, sources: Sequence[str], seen: Sequence[frozenset[str]],
    undecided: Sequence[frozenset[str]], checked: Sequence[frozenset[str]], poses: Sequence[str],
) -> ExampleBank:  # fmt: skip
    """A bank from labelled bodies (one row per body; a body that was not found, NaN, is left out)."""
    stacked = np.asarray(points, np.float32).reshape(len(points), -1)
    rows = zip(seen, undecided, checked, strict=True)
    labels = np.array(
        [[-1 if p in u or p not in c else int(p in s) for p in poses] for s, u, c in rows], np.int8
    ).reshape(len(points), len(poses))
    keep = np.isfinite(stacked).all(axis=1)
    return ExampleBank(stacked[keep], np.asarray(sources, str)[keep], tuple(poses), labels[keep])


def save_bank(bank: ExampleBank, path: Path = BANK) -> None:
    """Half-precision points (a thousandth of a torso is far below the model's jitter) and
    sources by number: the file stays small enough to ship."""
    names, index = np.unique(bank.sources, return_inverse=True)
    np.savez_compressed(
        path,
        points=bank.points.astype(np.float16),
        source_names=names,
        source_index=index.astype(np.int16),
        poses=np.array(bank.poses),
        labels=bank.labels,
    )


def read_bank(path: Path = BANK) -> ExampleBank:
    """A bank as saved: each body one way round."""
    with np.load(path) as data:
        return ExampleBank(
            data["points"].astype(np.float32),
            data["source_names"][data["source_index"]],
            tuple(str(p) for p in data["poses"]),
            data["labels"],
        )


@functools.cache
def load_bank(path: Path = BANK) -> ExampleBank:
    """The bank shipped with the package, both ways round (read once)."""
    return read_bank(path).both_ways()

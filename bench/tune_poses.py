"""Set the pose file's thresholds from the labelled corpus, and say how well they hold on
sources they were not set on.

The rules' shape (which features, which sides, which poses exclude which) is written by
people in poses.yaml; the numbers in it are what this tunes. For one pose at a time, each
finite bound (and the pose's own min_visibility) is moved, in turn, to the value among the
corpus's feature values that scores best, until nothing improves: the score is the pose's
F1 averaged over the three landmark models, so a threshold that suits one model's quirks
and not the others' loses. `standing` ("none of the others") is tuned last.

Cross-validation by source: the sources (independent collections) are split into folds; for
each fold the thresholds are tuned on the other folds and the fold is scored with them. The
held-out F1 printed per pose and model is the honest estimate; the thresholds written with
--write are then tuned on every source.

Usage:  .venv/bin/python bench/tune_poses.py [--poses FILE] [--folds 5] [--write FILE]
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

from dance_analyzer.features import FEATURES, FeatureTable, compute_features
from dance_analyzer.labels.classify import pose_holds
from dance_analyzer.labels.corpus import Corpus, honest_votes, load_corpus
from dance_analyzer.labels.definitions import Bound, Condition, PoseDefinition, PoseSet, load_definitions

ROOT = Path(__file__).resolve().parents[1]
PASSES = 3
# A threshold moves only for a real gain (F1 averaged over the models), not to chase one example.
MIN_GAIN = 0.005
QUANTILES = np.linspace(0, 100, 81)
VISIBILITIES = [round(float(v), 2) for v in np.arange(0.1, 0.95, 0.1)]


class Data:
    """The corpus as the tuner needs it: feature tables per model, sure/positive masks per pose."""

    def __init__(self, corpus: Corpus, poses: PoseSet) -> None:
        self.corpus = corpus
        self.models = corpus.models
        self.tables: dict[str, FeatureTable] = {
            m: compute_features(corpus.image[m], corpus.world[m]) for m in self.models
        }
        # Poses known by their examples vote with a bank that never holds the example's own
        # source nor a held-out one, as bench/accuracy.py scores them.
        self.votes = {m: honest_votes(corpus, m, poses) for m in self.models}
        n = len(corpus.examples)
        self.positive = {p: np.array([p in e.poses for e in corpus.examples]) for p in poses.names}
        self.sure = {p: np.array([p not in e.unsure for e in corpus.examples]) for p in poses.names}
        self.n = n


def raw_holds(data: Data, model: str, pose: PoseDefinition, default_visibility: float) -> np.ndarray:
    return pose_holds(data.tables[model], pose, default_visibility, data.votes[model])


def holds_all(data: Data, model: str, poses: PoseSet) -> dict[str, np.ndarray]:
    raw = {p.name: raw_holds(data, model, p, poses.min_visibility) for p in poses.poses}
    out = {}
    for p in poses.poses:
        excluded = np.zeros(data.n, bool)
        for other in p.unless:
            excluded |= raw[other]
        out[p.name] = raw[p.name] & ~excluded
    return out


def f1(found: np.ndarray, positive: np.ndarray, mask: np.ndarray) -> float:
    tp = np.sum(found & positive & mask)
    fp = np.sum(found & ~positive & mask)
    fn = np.sum(~found & positive & mask)
    if tp == 0:
        return 1.0 if fp == 0 and fn == 0 else 0.0
    return float(2 * tp / (2 * tp + fp + fn))


def pose_score(data: Data, poses: PoseSet, pose: PoseDefinition, train: np.ndarray, others: dict) -> float:
    """Mean F1 over the models of ``pose`` (as defined now) on the training examples."""
    scores = []
    for model in data.models:
        found = raw_holds(data, model, pose, poses.min_visibility)
        for other in pose.unless:
            found = found & ~others[model][other]
        scores.append(f1(found, data.positive[pose.name], train & data.sure[pose.name]))
    return float(np.mean(scores))


def nice(value: float, unit: str) -> float:
    return round(value) if unit == "degrees" else round(value, 2)


def candidates(data: Data, cond: Condition, bound: Bound, train: np.ndarray) -> list[float]:
    spec = FEATURES[bound.feature]
    columns = [bound.feature] if not spec.sided else [f"{s}_{bound.feature}" for s in ("left", "right")]
    values = np.concatenate([data.tables[m].values[c][train] for m in data.models for c in columns])
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return []
    return sorted({nice(float(v), spec.unit) for v in np.percentile(values, QUANTILES)})


def with_bound(pose: PoseDefinition, ci: int, bi: int, side: str, value: float) -> PoseDefinition:
    cond = pose.conditions[ci]
    bound = cond.bounds[bi]
    new_bound = replace(bound, low=value) if side == "low" else replace(bound, high=value)
    if new_bound.low > new_bound.high:
        return pose
    bounds = cond.bounds[:bi] + (new_bound,) + cond.bounds[bi + 1 :]
    conditions = pose.conditions[:ci] + (replace(cond, bounds=bounds),) + pose.conditions[ci + 1 :]
    return replace(pose, conditions=conditions)


def tune_pose(data: Data, poses: PoseSet, name: str, train: np.ndarray) -> PoseSet:
    others = {m: holds_all(data, m, poses) for m in data.models}
    index = poses.names.index(name)
    pose = poses.poses[index]
    best = pose_score(data, poses, pose, train, others)
    for _ in range(PASSES):
        improved = False
        for ci, cond in enumerate(pose.conditions):
            for bi, bound in enumerate(cond.bounds):
                for side in ("low", "high"):
                    current = bound.low if side == "low" else bound.high
                    if math.isinf(current):
                        continue
                    for value in candidates(data, cond, bound, train):
                        trial = with_bound(pose, ci, bi, side, value)
                        score = pose_score(data, poses, trial, train, others)
                        if score > best + MIN_GAIN:
                            best, pose, improved = score, trial, True
                    cond, bound = pose.conditions[ci], pose.conditions[ci].bounds[bi]
        for visibility in VISIBILITIES:
            trial = replace(pose, min_visibility=visibility)
            score = pose_score(data, poses, trial, train, others)
            if score > best + MIN_GAIN:
                best, pose, improved = score, trial, True
        if not improved:
            break
    return replace(poses, poses=poses.poses[:index] + (pose,) + poses.poses[index + 1 :])


def tune(data: Data, poses: PoseSet, train: np.ndarray) -> PoseSet:
    order = [p.name for p in poses.poses if not p.unless] + [p.name for p in poses.poses if p.unless]
    for name in order:
        poses = tune_pose(data, poses, name, train)
    return poses


def folds_of(corpus: Corpus, k: int) -> list[set[str]]:
    sizes: dict[str, int] = {}
    for e in corpus.examples:
        sizes[e.source] = sizes.get(e.source, 0) + 1
    folds: list[set[str]] = [set() for _ in range(k)]
    load = [0] * k
    for source in sorted(sizes, key=lambda s: (-sizes[s], s)):
        j = int(np.argmin(load))
        folds[j].add(source)
        load[j] += sizes[source]
    return folds


def scores_table(data: Data, found: dict[str, dict[str, np.ndarray]], poses: PoseSet, mask: np.ndarray) -> dict:
    return {p: {m: f1(found[m][p], data.positive[p], mask & data.sure[p]) for m in data.models} for p in poses.names}


def print_table(title: str, table: dict, models: list[str]) -> None:
    print(f"\n{title}")
    print(f"  {'pose':15}" + "".join(f"{m:>8}" for m in models) + "  spread")
    for pose, by_model in table.items():
        f1s = [by_model[m] for m in models]
        print(f"  {pose:15}" + "".join(f"{v:8.2f}" for v in f1s) + f"{max(f1s) - min(f1s):8.2f}")


def write_yaml(poses: PoseSet, original: Path, out: Path) -> None:
    """The original file with the tuned numbers: same poses, same order, same comments above."""
    data = yaml.safe_load(original.read_text("utf-8"))
    tuned = {p.name: p for p in poses.poses}
    for raw in data["poses"]:
        pose = tuned[raw["name"]]
        values = iter(b for c in pose.conditions for b in c.bounds)
        for key, spec in raw["when"].items():
            groups = [spec] if key in ("both", "either", "one", "left", "right") else None
            if groups is None:
                ranges = [(None, spec)] if not isinstance(spec, dict) else list(spec.items())
                for side, _range in ranges:
                    b = next(values)
                    target = raw["when"][key] if side is None else raw["when"][key][side]
                    target[0], target[1] = _num(b.low), _num(b.high)
            else:
                for feature in spec:
                    b = next(values)
                    spec[feature][0], spec[feature][1] = _num(b.low), _num(b.high)
        if pose.min_visibility is not None:
            raw["min_visibility"] = pose.min_visibility
    header = original.read_text("utf-8").split("\nmin_visibility:")[0]
    body = yaml.safe_dump({"min_visibility": data["min_visibility"]}, sort_keys=False)
    body += "\nposes:\n"
    for raw in data["poses"]:
        entry = yaml.safe_dump([raw], sort_keys=False, default_flow_style=None, width=120)
        body += "\n".join("  " + line for line in entry.rstrip().splitlines()) + "\n\n"
    out.write_text(header + "\n" + body.rstrip() + "\n", "utf-8")


def _num(value: float) -> float | int | None:
    if math.isinf(value):
        return None
    return int(value) if float(value).is_integer() else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--poses", type=Path, default=ROOT / "src" / "dance_analyzer" / "labels" / "poses.yaml")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None, help="write the pose file tuned on every source here")
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    poses = load_definitions(args.poses)
    data = Data(corpus, poses)
    every = np.ones(data.n, bool)
    untuned = {m: holds_all(data, m, poses) for m in data.models}
    print_table("as written, every source", scores_table(data, untuned, poses, every), data.models)

    held_out = {m: {p: np.zeros(data.n, bool) for p in poses.names} for m in data.models}
    for j, fold in enumerate(folds_of(corpus, args.folds)):
        in_fold = np.array([e.source in fold for e in corpus.examples])
        tuned = tune(data, poses, ~in_fold)
        for m in data.models:
            found = holds_all(data, m, tuned)
            for p in poses.names:
                held_out[m][p][in_fold] = found[p][in_fold]
        print(f"fold {j + 1}: {int(in_fold.sum())} examples from {len(fold)} sources")
    print_table(
        "tuned on the other folds, scored on each held-out fold",
        scores_table(data, held_out, poses, every),
        data.models,
    )

    final = tune(data, poses, every)
    tuned_all = {m: holds_all(data, m, final) for m in data.models}
    print_table("tuned on every source (in-sample)", scores_table(data, tuned_all, poses, every), data.models)
    if args.write:
        write_yaml(final, args.poses, args.write)
        print(f"\nwrote {args.write}")


if __name__ == "__main__":
    main()

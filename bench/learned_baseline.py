"""Would a learned classifier beat the pose rules? Trained on the dev sources, scored on the
held-out ones, per pose and per model, on the corpus's committed landmarks (no media, no model
run; about a minute).

Two learners, each a yes/no classifier per pose, against the rules on the same examples:
- gradient-boosted trees over the feature table the rules read (unknown features as -999);
- nearest neighbours over the world landmarks, hip-centred, scaled by the torso and turned
  about the vertical so the hips face the camera (the embedding MediaPipe's pose
  classification guide uses, minus its hand-picked distances: ``features.embedding``, the one
  poses known by their examples are voted on with).

Usage:  .venv/bin/python bench/learned_baseline.py [--neighbours 7]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.neighbors import KNeighborsClassifier
from tune_poses import f1  # the same F1 (sure examples only) the rules are tuned with

from dance_analyzer.features import compute_features
from dance_analyzer.labels.classify import label_frames
from dance_analyzer.labels.corpus import honest_votes, is_held_out, load_corpus
from dance_analyzer.labels.definitions import load_definitions

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbours", type=int, default=7)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    corpus = load_corpus(ROOT / "corpus")
    poses = load_definitions()
    held = np.array([is_held_out(e.source) for e in corpus.examples])
    for model in corpus.models:
        table = compute_features(corpus.image[model], corpus.world[model])
        rules = label_frames(table, poses, honest_votes(corpus, model, poses)).astype(bool)
        columns = np.stack([table.values[c] for c in sorted(table.values)], axis=1).astype(float)
        columns = np.where(np.isfinite(columns), columns, -999.0)
        points = table.embedding
        seen = np.isfinite(points).all(axis=1)
        points = np.where(seen[:, None], points, 0.0)
        print(f"\n{model}: F1 on the held-out sources\n  {'pose':15} support  rules  trees  neighbours")
        totals: list[tuple[float, float, float]] = []
        for j, pose in enumerate(poses.names):
            positive = np.array([pose in e.poses for e in corpus.examples])
            sure = np.array([pose in e.checked and pose not in e.unsure for e in corpus.examples])
            train, test = ~held & sure & seen, held & sure
            if positive[train].sum() < 3 or positive[test].sum() == 0:
                continue
            trees = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
            trees.fit(columns[train], positive[train])
            near = KNeighborsClassifier(n_neighbors=args.neighbours, weights="distance")
            near.fit(points[train], positive[train])
            scores = (
                f1(rules[:, j], positive, test),
                f1(trees.predict(columns).astype(bool) & seen, positive, test),
                f1(near.predict(points).astype(bool) & seen, positive, test),
            )
            totals.append(scores)
            print(f"  {pose:15} {int(positive[test].sum()):7d}" + "".join(f"{v:7.2f}" for v in scores))
        macro = np.mean(totals, axis=0)
        print(f"  {'macro':15} {'':7}" + "".join(f"{v:7.2f}" for v in macro))


if __name__ == "__main__":
    main()

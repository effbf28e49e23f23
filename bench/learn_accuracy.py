"""How well does a pose learned from a few examples find the same pose on other people?

A user teaches a pose of their own with ``/poses/learn`` (or ``dance-analyzer learn``), by
its measures or by its likeness. Here each built-in pose stands in for such a pose: k
examples of it are drawn from the dev sources (only pictures showing the whole body, as
learning by likeness needs), a pose is learned from them both ways through the same code
the API runs, and it is scored on the held-out sources' examples (those labelled for that
pose, sure ones only). The k examples of one draw are one pose: by measures, one block of
conditions per example (``when`` and ``or_when``); by likeness, one list of bodies, mirrored
as the built-in poses are (``--within`` sets how close). Precision and recall are pooled
over the draws. From the corpus's committed landmarks, no media, no model run.

``--split dev`` learns on half the dev sources and scores on the other half instead: the
default ``within`` was chosen that way, never on the held-out sources.

Usage:  .venv/bin/python bench/learn_accuracy.py [--split held-out|dev] [--examples 1 3 10]
        [--draws 20] [--within 0.4]
"""

from __future__ import annotations

import argparse
import hashlib
import warnings
from pathlib import Path

import numpy as np

from dance_analyzer.errors import NoPersonFound
from dance_analyzer.features import compute_features
from dance_analyzer.labels.classify import label_frames
from dance_analyzer.labels.corpus import Corpus, is_held_out, load_corpus
from dance_analyzer.labels.definitions import load_definitions, parse_definitions
from dance_analyzer.labels.examples import WITHIN
from dance_analyzer.labels.learn import learn_definition, learn_likeness

ROOT = Path(__file__).resolve().parents[1]


def _half(source: str) -> bool:
    """One of two halves of the dev sources, by the hash of the name (as the held-out split)."""
    return int(hashlib.sha256(f"dev-half:{source}".encode()).hexdigest(), 16) % 2 == 0


def learned(image: np.ndarray, world: np.ndarray, chosen: list[int], by: str, within: float) -> dict:
    """One pose from the chosen examples, learned one way."""
    if by == "likeness":
        bodies = [learn_likeness(image[k], world[k], name="p", priority=1)["examples"]["bodies"][0] for k in chosen]
        return {"name": "p", "priority": 1, "examples": {"bodies": bodies, "within": within, "mirrored": True}}
    blocks = [learn_definition(image[k], world[k], name="p", priority=1)["when"] for k in chosen]
    return {"name": "p", "priority": 1, "when": blocks[0], **({"or_when": blocks[1:]} if blocks[1:] else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--within", type=float, default=WITHIN)
    parser.add_argument("--split", choices=["held-out", "dev"], default="held-out")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    corpus = load_corpus(ROOT / "corpus")
    held = np.array([is_held_out(e.source) for e in corpus.examples])
    if args.split == "dev":  # the held-out sources left out; half the dev ones play their part
        dev = corpus.examples
        keep = ~held
        corpus = Corpus(
            tuple(e for e, k in zip(dev, keep, strict=True) if k),
            {m: v[keep] for m, v in corpus.image.items()},
            {m: v[keep] for m, v in corpus.world.items()},
        )
        held = np.array([_half(e.source) for e in corpus.examples])
    names = load_definitions().names
    for model in corpus.models:
        image, world = corpus.image[model], corpus.world[model]
        whole = np.zeros(len(held), bool)
        for k in np.flatnonzero(~held & np.isfinite(image[:, 0, 0])):
            try:
                learn_likeness(image[k], world[k], name="p", priority=1)
                whole[k] = True
            except NoPersonFound:
                pass
        test = np.flatnonzero(held)
        table = compute_features(image[test], world[test])
        header = "  ".join(f"{by[:4]} k={n:<2} P/R/F1   " for n in args.examples for by in ("measures", "likeness"))
        print(f"\n{model}: learned on dev examples, scored on {args.split} ones\n  {'pose':14} held-out+  {header}")
        totals: dict[tuple[str, int], list[float]] = {}
        rng = np.random.default_rng(0)
        for pose in names:
            positive = np.array([pose in e.poses for e in corpus.examples])
            sure = np.array([pose in e.checked and pose not in e.unsure for e in corpus.examples])
            pool = np.flatnonzero(whole & positive & sure)
            scored = sure[test]
            if len(pool) < max(args.examples) or not positive[test][scored].any():
                continue
            cells = []
            for n in args.examples:
                draws = [list(rng.choice(pool, n, replace=False)) for _ in range(args.draws)]
                for by in ("measures", "likeness"):
                    tp = fp = fn = 0
                    for chosen in draws:
                        found = label_frames(
                            table, parse_definitions({"poses": [learned(image, world, chosen, by, args.within)]})
                        )[:, 0]
                        truth = positive[test]
                        tp += int(np.sum(found & truth & scored))
                        fp += int(np.sum(found & ~truth & scored))
                        fn += int(np.sum(~found & truth & scored))
                    precision = tp / (tp + fp) if tp + fp else 0.0
                    recall = tp / (tp + fn) if tp + fn else 0.0
                    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                    totals.setdefault((by, n), []).append(f1)
                    cells.append(f"{precision:.2f}/{recall:.2f}/{f1:.2f}")
            print(f"  {pose:14} {int(positive[test][scored].sum()):9}  " + "  ".join(f"{c:18}" for c in cells))
        macro = "  ".join(f"{np.mean(totals[(by, n)]):18.2f}" for n in args.examples for by in ("measures", "likeness"))
        print(f"  {'macro F1':14} {'':9}  {macro}")


if __name__ == "__main__":
    main()

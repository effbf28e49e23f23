"""Pose accuracy on the labelled corpus: per pose and per model, from the committed landmarks.

For each landmark model (lite, full, heavy) it prints each pose's support, precision,
recall and F1 against the labels, the spread of F1 between models, F1 per source (each
source is an independent collection: a score on a source the rules were not tuned on is
the honest one), what each pose is mistaken for, and, with --misses, every miss with its
source. No media, no model: it reads corpus/labels.jsonl and corpus/landmarks/*.json, so it
runs in about a second.

The corpus has a fixed held-out split (labels/corpus.py, is_held_out): revise the rules
looking at `--split dev` misses only, and report `--split held-out`.

Usage:  .venv/bin/python bench/accuracy.py [--poses FILE] [--split dev|held-out] [--sources S ...]
                                           [--kind photo|frame] [--misses] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dance_analyzer.labels.corpus import Corpus, is_held_out, labelled, load_corpus
from dance_analyzer.labels.definitions import PoseSet, load_definitions
from dance_analyzer.labels.scoring import confusions, macro_f1, score

ROOT = Path(__file__).resolve().parents[1]


def subset(corpus: Corpus, sources: list[str] | None, kind: str | None = None) -> list[int]:
    return [
        k
        for k, e in enumerate(corpus.examples)
        if (sources is None or e.source in sources) and (kind is None or e.kind == kind)
    ]


def report(corpus: Corpus, poses: PoseSet, sources: list[str] | None, misses: bool, kind: str | None = None) -> dict:
    keep = subset(corpus, sources, kind)
    names = list(poses.names)
    out: dict = {"models": {}, "examples": len(keep), "sources": sorted({corpus.examples[k].source for k in keep})}
    print(f"{len(keep)} examples from {len(out['sources'])} sources: {', '.join(out['sources'])}")
    per_model = {}
    for model in corpus.models:
        found = labelled(corpus, model, poses)
        chosen = [found[k] for k in keep]
        scores = score(chosen, names)
        per_model[model] = scores
        out["models"][model] = {
            "macro_f1": macro_f1(scores),
            "poses": {p: {"support": s.support, "precision": s.precision, "recall": s.recall, "f1": s.f1}
                      for p, s in scores.items()},
        }  # fmt: skip
        print(f"\n{model}: macro F1 {macro_f1(scores):.3f}")
        print(f"  {'pose':15}{'support':>8}{'prec':>7}{'recall':>8}{'F1':>7}")
        for pose, s in scores.items():
            print(f"  {pose:15}{s.support:8d}{s.precision:7.2f}{s.recall:8.2f}{s.f1:7.2f}")
        worst = confusions(chosen).most_common(8)
        if worst:
            print("  mistaken for: " + "; ".join(f"{a} -> {b} x{n}" for (a, b), n in worst))
        if misses:
            for k, item in zip(keep, chosen, strict=True):
                wrong = {p for p in item.truth ^ item.found if item.counts(p)}
                if wrong:
                    e = corpus.examples[k]
                    print(f"    {e.id} [{e.view}] saw {sorted(item.truth)} found {sorted(item.found)}")
    print(f"\nF1 per pose: {'  '.join(f'{m:>6}' for m in corpus.models)}  spread")
    for pose in names:
        f1s = [per_model[m][pose].f1 for m in corpus.models]
        print(f"  {pose:15}" + "".join(f"{f:8.2f}" for f in f1s) + f"{max(f1s) - min(f1s):8.2f}")
    print("\nF1 per source (full model):")
    full = labelled(corpus, "full", poses) if "full" in corpus.models else labelled(corpus, corpus.models[0], poses)
    for source in out["sources"]:
        items = [full[k] for k in keep if corpus.examples[k].source == source]
        scores = score(items, names)
        cells = "  ".join(f"{p[:8]} {s.f1:.2f}/{s.support}" for p, s in scores.items() if s.support)
        print(f"  {source:24}{len(items):4d}  {cells}")
    return out


def show_features(corpus: Corpus, wanted: list[str]) -> None:
    """Every feature of the examples whose id contains one of ``wanted``, per model."""
    from dance_analyzer.features import compute_features

    for k, example in enumerate(corpus.examples):
        if not any(w in example.id for w in wanted):
            continue
        print(f"\n{example.id} [{example.view}] poses {sorted(example.poses)} unsure {sorted(example.unsure)}")
        tables = {m: compute_features(corpus.image[m][k : k + 1], corpus.world[m][k : k + 1]) for m in corpus.models}
        for name in tables[corpus.models[0]].values:
            cells = "".join(
                f"{t.values[name][0]:9.2f}{'*' if t.visibility[name][0] < 0.5 else ' '}" for t in tables.values()
            )
            print(f"  {name:28}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--poses", type=Path, default=None, help="a pose file to score instead of the built-in one")
    parser.add_argument("--sources", nargs="+", default=None, help="score only these sources")
    parser.add_argument(
        "--split",
        choices=("dev", "held-out"),
        default=None,
        help="score only the sources rules may be revised on (dev), or only the held-out ones",
    )
    parser.add_argument(
        "--kind",
        choices=("photo", "frame"),
        default=None,
        help="score only photos (what a photo sent to /analyze gets) or only video frames",
    )
    parser.add_argument("--misses", action="store_true", help="list every example a rule got wrong")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--features", nargs="+", default=None, help="print the features of these examples")
    args = parser.parse_args()
    if args.features:
        show_features(load_corpus(args.corpus), args.features)
        return
    corpus = load_corpus(args.corpus)
    sources = args.sources
    if args.split:
        wanted = args.split == "held-out"
        sources = [s for s in (sources or corpus.sources) if is_held_out(s) == wanted]
    result = report(corpus, load_definitions(args.poses), sources, args.misses, args.kind)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

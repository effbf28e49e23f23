"""Move accuracy on the labelled move corpus: per kind of move and per model, from the
committed landmarks (corpus/moves/), in seconds, with no media and no model run.

Each clip's landmarks go through the product's own ``pipeline.describe`` (poses, then
moves), and the moves found are matched to the labelled ones (labels/moves/scoring.py:
same kind, overlapping by at least half of the shorter interval). Only the kinds a clip
was labelled exhaustively for are scored in it. It prints precision, recall and F1 per
kind; for turns the rotation count error and the share with the right direction; for
jumps the airtime error in frames; and, with --misses, every miss and false alarm.

The clips are split by source like the pose corpus (labels/corpus.py, is_held_out):
tune the move thresholds looking at `--split dev` only, and report `--split held-out`.

Usage:  .venv/bin/python bench/move_accuracy.py [--split dev|held-out|all] [--models full ...]
                                                [--moves FILE] [--misses] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.labels.move_corpus import MoveClip, load_move_corpus
from dance_analyzer.labels.moves import KINDS, Move, MoveSet, load_moves
from dance_analyzer.labels.moves.scoring import KindScore, score_clip
from dance_analyzer.pipeline import describe

ROOT = Path(__file__).resolve().parents[1]


def detected_moves(track: Any, moves: MoveSet) -> list[Move]:
    result, _ = describe(track, load_definitions(), 0.2, moves=moves)
    return [Move(m["move"], m["start_s"], m["end_s"], m) for m in result["moves"]]


def evaluate(clips: list[MoveClip], corpus: Any, model: str, moves: MoveSet, misses: bool) -> dict[str, KindScore]:
    totals = {kind: KindScore() for kind in KINDS}
    for clip in clips:
        found = detected_moves(corpus.track(clip.id, model), moves)
        scores = score_clip(clip.moves, clip.unsure, found, sorted(clip.complete))
        for kind, s in scores.items():
            totals[kind].add(s)
            if misses:
                hit_t = {id(t) for t, _ in s.pairs}
                hit_f = {id(f) for _, f in s.pairs}
                for t in (t for t in clip.moves if t.move == kind and id(t) not in hit_t):
                    print(f"    miss   {kind:10} {t.start_s:6.2f}-{t.end_s:6.2f}  {clip.id}")
                excused = {id(f) for f in s.excused}
                for f in (f for f in found if f.move == kind and id(f) not in hit_f):
                    what = "unsure" if id(f) in excused else "extra "  # over a move labelled unsure: not counted
                    print(f"    {what} {kind:10} {f.start_s:6.2f}-{f.end_s:6.2f}  {clip.id}")
    return totals


def measures(score: KindScore, kind: str, fps: float = 30.0) -> str:
    if kind == "turn" and score.pairs:
        errors = [
            abs(f.measures["rotations"] - t.measures["rotations"])
            for t, f in score.pairs
            if t.measures.get("rotations") is not None
        ]
        known = [(t, f) for t, f in score.pairs if t.measures.get("direction")]
        right = sum(t.measures["direction"] == f.measures["direction"] for t, f in known)
        within = sum(e <= 0.5 for e in errors)
        return f"count within 0.5: {within}/{len(errors)}, direction right: {right}/{len(known)}"
    if kind == "jump" and score.pairs:
        frames = [
            abs(f.measures["airtime_s"] - (t.end_s - t.start_s)) * t.measures.get("fps", fps) for t, f in score.pairs
        ]
        within = sum(e <= 2 for e in frames)
        median, worst = np.median(frames), max(frames)
        return f"airtime error (frames): median {median:.1f}, max {worst:.1f}, within 2: {within}/{len(frames)}"
    if kind == "step" and score.count_errors():
        errors = score.count_errors()
        per_clip = ", ".join(f"{found}/{labelled}" for labelled, found in score.counts if labelled)
        return (
            f"count error per clip: median {np.median(errors):.0%}, max {max(errors):.0%} (found/labelled: {per_clip})"
        )
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "held-out", "all"], default="held-out")
    parser.add_argument("--models", nargs="+", default=["lite", "full", "heavy"])
    parser.add_argument("--moves", type=Path, help="a move file to score instead of the built-in one")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    corpus = load_move_corpus(ROOT / "corpus" / "moves")
    clips = [
        c for c in corpus.clips if args.split == "all" or (c.held_out if args.split == "held-out" else not c.held_out)
    ]
    moves = load_moves(args.moves)
    print(f"{len(clips)} clips ({args.split}) from {len({c.source for c in clips})} sources")
    out: dict[str, Any] = {}
    for model in args.models:
        totals = evaluate(clips, corpus, model, moves, args.misses)
        print(f"\n{model}")
        print(f"  {'move':11}{'labelled':>9}{'found':>7}{'prec':>7}{'recall':>8}{'F1':>7}")
        out[model] = {}
        for kind, s in totals.items():
            if not s.labelled and not s.detected:
                continue
            print(
                f"  {kind:11}{s.labelled:9d}{s.detected:7d}"
                f"{s.precision:7.2f}{s.recall:8.2f}{s.f1:7.2f}  {measures(s, kind)}"
            )
            out[model][kind] = {"labelled": s.labelled, "detected": s.detected, "precision": s.precision,
                                "recall": s.recall, "f1": s.f1}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

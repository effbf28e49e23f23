"""Does a measure of keeping time tell a dance to its own music from the same dance to another song?

No clip here is labelled "in time": a dancer filmed to their own music is taken to keep time
with it, and the same movement against another clip's beats (shifted to start with this
clip's music and cut to its length) is the control that should not. For each clip this
prints, against its own beats and on average against the others':
  accents   rhythm's ``on_beat_score`` (peaks of the motion energy within 0.15 of a beat of one)
  bounce    ``bounce_timing``: whether the hips' lows gather at one point of the beat
            (``in_time``), how steadily (0-100) and where (ms after the beat)
and at the end how often each measure tells own music from another song's.

The clips are videos with their dancers' music; the shared ones with a soundtrack are
``dance_solo_1.mp4`` and ``taichi_solo_1.mp4``. The other dance clips this was measured on
come from public repositories (listed in docs/development.md), kept outside the repository.

Usage:  .venv/bin/python bench/beat_timing.py CLIP [CLIP ...]
Needs:  ffmpeg (the soundtrack), the landmark model (one run per clip, every frame).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from dance_analyzer.media.audio import read_soundtrack
from dance_analyzer.reports.movement import Energy, movement_report
from dance_analyzer.reports.rhythm import alignment, bounce_timing
from dance_analyzer.workers.inline import InlineReader


def read(clips: list[Path]) -> dict[str, tuple[Energy, np.ndarray]]:
    """Each clip's movement (energy and hips on the grid) and its music's beats."""
    reader = InlineReader()
    out = {}
    for clip in clips:
        started = time.perf_counter()
        _, energy = movement_report(reader.landmarks(clip))
        out[clip.name] = (energy, read_soundtrack(clip).beats)
        print(f"read {clip.name}: {len(out[clip.name][1])} beats, {time.perf_counter() - started:.1f} s")
    return out


def moved_to(beats: np.ndarray, start: float, end: float) -> np.ndarray:
    """Another song's beats, shifted to begin at ``start`` and cut at ``end``."""
    shifted = beats - beats[0] + start
    return shifted[shifted <= end]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="+", type=Path)
    clips = read(parser.parse_args().clips)
    with_music = {name: v for name, v in clips.items() if len(v[1]) >= 4}
    print(f"\n{'clip':44} {'accents own/other':>18} {'bounce own':>28} {'other in time':>14}")
    told = {"accents": 0, "bounce": 0}
    for name, (energy, beats) in with_music.items():
        assert energy.hips is not None
        others = [moved_to(b, beats[0], energy.grid[-1]) for n, (_, b) in with_music.items() if n != name]
        others = [b for b in others if len(b) >= 4]
        own_accents = (alignment(energy.accents(), beats) or {}).get("on_beat_score", float("nan"))
        other_accents = [(alignment(energy.accents(), b) or {}).get("on_beat_score", np.nan) for b in others]
        own = bounce_timing(energy.grid, energy.hips, beats)
        other = [bounce_timing(energy.grid, energy.hips, b) for b in others]
        other_in_time = [o["in_time"] for o in other if o]
        told["accents"] += own_accents > np.nanmean(other_accents)
        told["bounce"] += bool(own and own["in_time"])
        said = "too few bounces" if own is None else (
            f"{'in time' if own['in_time'] else 'not'} {own['steadiness']:3d}/100 {own['after_beat_ms']:+5d} ms"
        )  # fmt: skip
        share = f"{np.mean(other_in_time):.0%} of {len(other_in_time)}" if other_in_time else "-"
        print(f"{name[-44:]:44} {own_accents:8.1f} / {np.nanmean(other_accents):5.1f}   {said:>28} {share:>14}")
    pairs = [
        bool(o["in_time"])
        for n, (e, b) in with_music.items()
        for m, (_, bo) in with_music.items()
        if m != n and e.hips is not None
        for o in [bounce_timing(e.grid, e.hips, moved_to(bo, b[0], e.grid[-1]))]
        if o
    ]
    print(
        f"\n{len(with_music)} clips with music: accents score higher on their own beats than on others' in "
        f"{told['accents']}; the bounce is in time with its own music in {told['bounce']}, and with another "
        f"song's in {np.mean(pairs):.0%} of {len(pairs)} pairs (chance: 5%)."
    )


if __name__ == "__main__":
    main()

"""precision=auto against every frame, on every shared clip, beside the every-frame noise floor.

For each clip (solo, dance and multi-person) and each model asked for, in this process:
  every frame      the analysis with the model on every frame (the reference)
  auto             precision=auto: the frames the model ran on, the time, and how far its
                   answer is from the reference (timeline pose per frame, pose sets per
                   frame, segment boundaries in frames, move counts)
  re-encoded       the every-frame analysis of the same clip re-encoded at high quality
                   (x264, CRF 16): the noise floor, what an invisible change to the pixels
                   already does to the every-frame answer. MediaPipe's crops follow the
                   previous frame's landmarks, so a one-pixel change early on can carry a
                   crop, and a pose near its threshold, a different way for seconds.

It also measures whether MediaPipe-style tracking stays locked across skipped frames: the
tracker alone, stepped on every frame and on every 4th and 8th frame (its crop placed from
the landmarks that many frames back), counting the losses and finds of people (a lost
crop sends the tracker back to the detector; precision=auto refines every interval with
one, so a stride that loses the dancer costs time, not answers).

Times are one process and one core, measured back to back in this run; the CLI and
server numbers (whole process, every core) are bench/bench.py's.

Usage:  .venv/bin/python bench/adaptive.py [--models full lite heavy] [--clips a.mp4 ...] [--json out.json]
Needs:  ffmpeg; ../shared/media.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MEDIA = ROOT.parent / "shared" / "media"
sys.path.insert(0, str(ROOT / "bench"))

from bench import describe_differences, differences  # noqa: E402

from dance_analyzer import pipeline  # noqa: E402
from dance_analyzer.labels.definitions import load_definitions  # noqa: E402
from dance_analyzer.workers.inline import InlineReader  # noqa: E402


def shown(clip: Path) -> str:
    """A clip's name under ../shared/media, or its path if it is elsewhere."""
    return str(clip.relative_to(MEDIA)) if clip.is_relative_to(MEDIA) else str(clip)


def shared_clips() -> list[Path]:
    """The shared videos: solo clips at the top, solo_dance/ and multi_person/."""
    found = [p for p in MEDIA.glob("*") if p.suffix in {".mp4", ".avi", ".mov"}]
    for folder in ("solo_dance", "multi_person"):
        found += [p for p in (MEDIA / folder).glob("*") if p.suffix in {".mp4", ".avi", ".mov"}]
    return sorted(found)


def reencode(clip: Path, out: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(clip), "-an", "-c:v", "libx264", "-crf", "16"]
        + ["-preset", "veryfast", "-fps_mode", "passthrough", str(out)],
        check=True,
    )
    return out


def tracking_events(clip: Path, model: str, stride: int) -> tuple[int, int]:
    """(losses and finds, detector runs) of the tracker stepped on every ``stride``-th frame."""
    from dance_analyzer.media.video import iter_frames
    from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE
    from dance_analyzer.pose.landmark_model import LandmarkModel
    from dance_analyzer.pose.people import PeopleTracker

    tracker = PeopleTracker(LandmarkModel(model))
    sampled = (f for f in iter_frames(clip, max_side=INFERENCE_MAX_SIDE, lazy=True) if f.convert is not None)
    for row, frame in enumerate(sampled):
        if row % stride == 0 and frame.convert is not None:
            tracker.step(frame.convert(), frame.t, row=row, gap=stride)
    return tracker.events, tracker.detector_runs


def analyse(reader: InlineReader, clip: Path, model: str, precision: str) -> tuple[dict[str, Any], float]:
    options = pipeline.AnalysisOptions(include_frames=True, model=model, precision=precision)  # type: ignore[arg-type]
    started = time.perf_counter()
    result = pipeline.analyze(clip, options, reader=reader, poses=load_definitions())
    return result, time.perf_counter() - started


def bench_clip(reader: InlineReader, clip: Path, model: str, tmp: Path) -> dict[str, Any]:
    every, every_s = analyse(reader, clip, model, "every_frame")
    auto, auto_s = analyse(reader, clip, model, "auto")
    again, _ = analyse(reader, reencode(clip, tmp / f"{clip.stem}.mp4"), model, "every_frame")
    auto_diff, floor = differences(every, auto), differences(every, again)
    if len(again["frames"]) != len(every["frames"]):
        floor = {**floor, "timeline_agree": float("nan"), "poses_agree": float("nan")}
    share = auto["model_frames"] / max(1, auto["processed_frames"])
    print(
        f"\n{shown(clip)} [{model}]: {auto['processed_frames']} frames; the model ran on "
        f"{auto['model_frames']} ({100 * share:.0f}%); {every_s / auto_s:.2f}x the every-frame time ({auto_s:.1f} s)"
    )
    print(describe_differences("auto vs every frame   ", auto_diff))
    print(describe_differences("re-encoded (the floor)", floor))
    lock = {stride: tracking_events(clip, model, stride) for stride in (1, 4, 8)}
    print(
        "  tracking alone, people lost or found (detector runs): "
        + ", ".join(f"every {s} frame(s) {e} ({d})" for s, (e, d) in lock.items())
    )
    return {
        "clip": shown(clip),
        "model": model,
        "frames": auto["processed_frames"],
        "model_frames": auto["model_frames"],
        "speedup_one_core": every_s / auto_s,
        "auto": {k: v for k, v in auto_diff.items() if k != "segments"},
        "floor": {k: v for k, v in floor.items() if k != "segments"},
        "tracking_events": {str(stride): events for stride, (events, _) in lock.items()},
    }


def summary(rows: list[dict[str, Any]]) -> None:
    print("\nsummary per model: frames the model ran on, frame-weighted timeline agreement (auto | floor),")
    print("clips with boundaries > 1 frame off, clips whose move counts differ (auto | floor)")
    for model in sorted({r["model"] for r in rows}):
        mine = [r for r in rows if r["model"] == model]
        frames = sum(r["frames"] for r in mine)
        ran = sum(r["model_frames"] for r in mine)

        def agree(key: str, group: list[dict[str, Any]] = mine) -> float:
            return sum(r[key]["timeline_agree"] * r["frames"] for r in group) / max(1, sum(r["frames"] for r in group))

        def off(key: str, group: list[dict[str, Any]] = mine) -> int:
            return sum(1 for r in group if (r[key]["boundary_frames_off"] or 0) > 1)

        def moves(key: str, group: list[dict[str, Any]] = mine) -> int:
            return sum(1 for r in group if not r[key]["moves_same"])

        print(
            f"  {model:6} model on {100 * ran / max(1, frames):.0f}% of {frames} frames; "
            f"timeline {100 * agree('auto'):.1f}% | {100 * agree('floor'):.1f}%; "
            f"boundaries off {off('auto')} | {off('floor')} of {len(mine)}; "
            f"moves differ {moves('auto')} | {moves('floor')}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["full"], choices=["lite", "full", "heavy"])
    parser.add_argument("--clips", nargs="+", default=None, help="paths, or names under ../shared/media")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    clips = [Path(c).resolve() if Path(c).exists() else MEDIA / c for c in args.clips] if args.clips else shared_clips()
    rows = []
    with InlineReader() as reader, tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            for clip in clips:
                rows.append(bench_clip(reader, clip, model, Path(tmp)))
    summary(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

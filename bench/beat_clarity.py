"""Is a beat heard? Pulse clarity on music against speech and noise, whole and in excerpts.

The beat tracker finds a tempo in any sound, so the soundtrack is counted to only where its
onsets clearly repeat at the beat's period (``media.audio.pulse_clarity``, needed:
``clarity_needed``). For each clip given (dance videos with their music) and each sound
made here without a beat (a 50 Hz hum, white, pink and brown noise, taps at random intervals, and, where
``espeak-ng`` is installed, a voice talking over the room's noise), this prints the tempo the
tracker finds, the pulse clarity, what the clip's length needs, and whether it is counted to.
Then, per excerpt length, the clarity of every excerpt of the sounds without a beat (95th and
99th percentile, max: what chance reaches) against the music's excerpts (5th percentile and
median): where the threshold for that length sits between the two.

Usage:  .venv/bin/python bench/beat_clarity.py [CLIP ...] [--seconds 120]
Needs:  ffmpeg (the noises); espeak-ng for the voice (optional).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from dance_analyzer.media.audio import (
    SAMPLE_RATE,
    clarity_needed,
    load_audio,
    onset_envelope,
    pulse_clarity,
    track_beats,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repo root: tests.support
MEDIA = ROOT.parent / "shared" / "media"

from tests.support.media import CLICK_RATE, taps_at_random  # noqa: E402

assert CLICK_RATE == SAMPLE_RATE  # the test suite's sounds are made at the rate read here
TALK = (
    "Good morning everyone and welcome back to class. Today we are going to work on balance and "
    "control. Start in first position, with your heels together and your toes turned out. Lengthen "
    "through the spine, relax your shoulders, and engage your core. We will begin with plies, two demi "
    "and one grand, then rise to releve and balance. Take your time, and focus on alignment rather than "
    "height. When you are ready, we will move to the centre and practise pirouettes from fourth position. "
)


def noises(folder: Path, seconds: float) -> list[Path]:
    """Sound files without a beat, ``seconds`` long: a hum, three noises, a voice if it can talk."""
    made: list[Path] = []
    hum = folder / "hum.wav"  # a steady tone: no onset at all
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=f=50:r={SAMPLE_RATE}",
            "-t",
            str(seconds),
            str(hum),
        ],
        check=True,
    )
    made.append(hum)
    for colour in ("white", "pink", "brown"):
        out = folder / f"{colour}-noise.wav"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"anoisesrc=r={SAMPLE_RATE}:a=0.2:c={colour}"]
            + ["-t", str(seconds), str(out)],
            check=True,
        )
        made.append(out)
    if shutil.which("espeak-ng"):
        voice = folder / "voice.wav"
        words = TALK * max(1, int(seconds / 35) + 1)
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(voice), words], check=True, capture_output=True)
        talk = folder / "voice-in-a-room.wav"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(voice), "-f", "lavfi", "-i"]
            + [f"anoisesrc=r={SAMPLE_RATE}:a=0.05:c=pink", "-filter_complex"]
            + [f"[0]aresample={SAMPLE_RATE}[a];[a][1]amix=inputs=2:duration=first", "-t", str(seconds), str(talk)],
            check=True,
        )
        made.append(talk)
    return made


def clarity_of(samples: np.ndarray) -> tuple[float, float]:
    envelope = onset_envelope(samples)
    tempo, _ = track_beats(envelope)
    return tempo, pulse_clarity(envelope, tempo)


def excerpts(samples: np.ndarray, seconds: float, step: float) -> list[float]:
    size, hop = int(seconds * SAMPLE_RATE), int(step * SAMPLE_RATE)
    return [clarity_of(samples[k : k + size])[1] for k in range(0, len(samples) - size + 1, hop)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="*", type=Path)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the sounds made here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # librosa on a silent stretch
    music = args.clips or [p for p in (MEDIA / "dance_solo_1.mp4",) if p.exists()]
    with tempfile.TemporaryDirectory() as tmp:
        sounds = {"music": music, "no beat": [*noises(Path(tmp), args.seconds), MEDIA / "taichi_solo_1.mp4"]}
        read = {kind: {p: load_audio(p) for p in paths if p.exists()} for kind, paths in sounds.items()}
    # The test suite's taps at random intervals (footsteps: sharp onsets, no beat), at this rate.
    read["no beat"][Path("taps-at-random")] = taps_at_random(args.seconds, seed=1)
    print(f"{'sound':36} {'kind':8} {'seconds':>8} {'tempo':>7} {'clarity':>8} {'needed':>7}  counted to")
    for kind, clips in read.items():
        for path, samples in clips.items():
            if samples is None:
                continue
            seconds = len(samples) / SAMPLE_RATE
            tempo, clarity = clarity_of(samples)
            needed = clarity_needed(seconds)
            print(
                f"{path.name[:36]:36} {kind:8} {seconds:8.1f} {tempo:7.1f} {clarity:8.2f} {needed:7.2f}  "
                f"{'yes' if clarity >= needed else 'no'}"
            )
    print("\nexcerpts: clarity of every excerpt (a third of its length apart), no beat | music")
    for seconds in (3.0, 5.0, 8.0, 12.0):
        null = [c for s in read["no beat"].values() if s is not None for c in excerpts(s, seconds, seconds / 3)]
        tuned = [c for s in read["music"].values() if s is not None for c in excerpts(s, seconds, seconds / 3)]
        line = f"  {seconds:4.0f} s needs {clarity_needed(seconds):.2f}: no beat n={len(null)}"
        if null:
            line += f" p95 {np.percentile(null, 95):.2f} p99 {np.percentile(null, 99):.2f} max {max(null):.2f}"
        if tuned:
            line += f" | music n={len(tuned)} p5 {np.percentile(tuned, 5):.2f} median {np.median(tuned):.2f}"
        print(line)


if __name__ == "__main__":
    main()

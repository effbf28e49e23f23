"""Real media from ../shared (skipped with a message when absent), and videos made on the fly."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
MEDIA = SHARED / "media"
PEER_TESTS = SHARED / "peer-tests"


def media(name: str) -> Path:
    path = MEDIA / name
    if not path.exists():
        pytest.skip(f"shared media not found: {path} (clone the repo beside ../shared to run this)")
    return path


def picture_at(name: str, time_s: float) -> np.ndarray:
    """The RGB frame of a shared clip at ``time_s``, at the size the analysis reads it."""
    from dance_analyzer.media.video import iter_frames
    from dance_analyzer.pose.extract import INFERENCE_MAX_SIDE

    frames = iter_frames(media(name), start_s=time_s, max_side=INFERENCE_MAX_SIDE)
    frame = next(frame for frame in frames if frame.image is not None)
    frames.close()
    assert frame.image is not None
    return frame.image


def peer_test(name: str) -> Path:
    path = PEER_TESTS / name
    if not path.exists():
        pytest.skip(f"peer-test data not found: {path}")
    return path


@dataclass(frozen=True)
class Beep:
    """A generated video's soundtrack: silence with a 0.2 s beep (880 Hz) at ``at_s`` on the
    file's clock; the sound begins at ``start_s`` and lasts ``seconds``."""

    codec: str = "aac"  # pcm_s16le needs a .mov
    at_s: float = 1.0
    start_s: float = 0.0
    seconds: float = 2.0
    rate: int = 48000


def write_video(
    path: Path,
    *,
    frames: int = 10,
    width: int = 64,
    height: int = 48,
    fps: int = 10,
    rotation: int = 0,
    pts: list[int] | None = None,
    painter: Callable[[int], np.ndarray] | None = None,
    gop: int | None = None,
    b_frames: int = 0,
    sound: Beep | None = None,
) -> Path:
    """Write a small H.264 video (in the container the suffix names: .mp4, .mov, .mkv) whose
    frames are known: frame i is filled with grey level 10*i.

    ``rotation`` stores display-rotation metadata (counter-clockwise degrees, as phones do),
    ``pts`` overrides timestamps (in 1/1000 s) for variable-frame-rate files.
    ``gop`` sets the keyframe interval and ``b_frames`` the B-frames between references,
    for tests that seek into the middle of a group of pictures. ``sound`` adds a soundtrack.
    """
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        audio = container.add_stream(sound.codec, rate=sound.rate, layout="mono") if sound else None
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"bf": str(b_frames), **({"g": str(gop), "sc_threshold": "0"} if gop else {})}
        if pts is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for i in range(frames):
            image = painter(i) if painter else np.full((height, width, 3), (10 * i) % 256, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            if pts is not None:
                frame.pts = pts[i]
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if sound is not None and audio is not None:
            _write_beep(container, audio, sound)
    return path


def _write_beep(container: av.container.OutputContainer, audio: av.AudioStream, sound: Beep) -> None:
    n = int(sound.seconds * sound.rate)
    t = sound.start_s + np.arange(n) / sound.rate
    wave = 0.5 * np.sin(2 * np.pi * 880 * t) * ((t >= sound.at_s) & (t < sound.at_s + 0.2))
    kind = audio.codec_context.format.name
    samples = (wave * 32767).astype(np.int16) if kind.startswith("s16") else wave.astype(np.float32)
    first = round(sound.start_s * sound.rate)
    size = audio.codec_context.frame_size or 1024
    for k in range(0, n, size):
        frame = av.AudioFrame.from_ndarray(samples[None, k : k + size], format=kind, layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = sound.rate, first + k, Fraction(1, sound.rate)
        for packet in audio.encode(frame):
            container.mux(packet)
    for packet in audio.encode():
        container.mux(packet)


def long_video(path: Path, frames: int, fps: int = 30) -> Path:
    """Thousands of frames with nobody in them: ``frames`` model runs whatever the machine's
    speed, so a test can act on an analysis of it while it is surely still running."""
    return write_video(path, frames=frames, fps=fps)


CLICK_RATE = 22050  # samples a second of the click tracks


def _click() -> np.ndarray:
    """A 20 ms click of 1500 Hz, faded in and out."""
    n = int(0.02 * CLICK_RATE)
    return (np.sin(2 * np.pi * 1500 * np.arange(n) / CLICK_RATE) * np.hanning(n)).astype(np.float32)


def click_track(bpm: float, seconds: float) -> np.ndarray:
    """Mono samples: a 20 ms click of 1500 Hz on every beat at ``bpm`` from 0.5 s."""
    samples = np.zeros(int(seconds * CLICK_RATE), np.float32)
    click = _click()
    for beat in np.arange(0.5, seconds - 0.1, 60.0 / bpm):
        start = int(beat * CLICK_RATE)
        samples[start : start + len(click)] += 0.8 * click
    return samples


def click_video(path: Path, bpm: float, seconds: float = 8.0) -> Path:
    """A video with grey frames and a click track at ``bpm``."""
    return sound_video(path, click_track(bpm, seconds), seconds)


def taps_at_random(seconds: float, seed: int = 0) -> np.ndarray:
    """Mono samples: the clicks of ``click_track`` 0.15-1.2 s apart at random (footsteps,
    a tap here and there: sharp onsets without a beat), over faint noise."""
    rng = np.random.default_rng(seed)
    samples = rng.normal(0, 0.01, int(seconds * CLICK_RATE)).astype(np.float32)
    click = _click()
    t = 0.3
    while t < seconds - 0.1:
        start = int(t * CLICK_RATE)
        samples[start : start + len(click)] += 0.6 * click
        t += rng.uniform(0.15, 1.2)
    return samples


def sound_video(path: Path, samples: np.ndarray, seconds: float, codec: str = "aac") -> Path:
    """A video with grey frames and ``samples`` (mono, CLICK_RATE) as its sound, in ``codec``
    (``pcm_f32le`` in a .mov keeps every sample as it is, NaN and infinity too)."""
    rate = CLICK_RATE
    samples = np.asarray(samples, np.float32)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = container.add_stream(codec, rate=rate)
        for _ in range(int(seconds * 10)):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 120, np.uint8), format="rgb24")
            container.mux(video.encode(frame))
        chunk = 1024
        for k in range(0, len(samples) - chunk, chunk):
            frame = av.AudioFrame.from_ndarray(
                samples[None, k : k + chunk], format="fltp" if codec == "aac" else "flt", layout="mono"
            )
            frame.sample_rate, frame.pts, frame.time_base = rate, k, Fraction(1, rate)
            container.mux(audio.encode(frame))
        container.mux(video.encode())
        container.mux(audio.encode())
    return path


def with_clicks(video: Path, out: Path, bpm: float = 120.0) -> Path:
    """``video``'s pictures as they are, with the click track at ``bpm`` as its sound (for music)."""
    with av.open(str(video)) as container:
        seconds = float(container.duration or 0) / av.time_base
    clicks = out.with_suffix(".wav")
    with wave.open(str(clicks), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(CLICK_RATE)
        sound.writeframes((np.clip(click_track(bpm, seconds), -1, 1) * 32767).astype("<i2").tobytes())
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(video), "-i", str(clicks), "-map", "0:v", "-map", "1:a"]
        + ["-c:v", "copy", "-c:a", "aac", "-shortest", str(out)],
        check=True,
    )
    clicks.unlink()
    return out


def photos_video(path: Path, photos: list[Path], frames_each: int, size: int = 640, fps: int = 10) -> Path:
    """A video showing each photo in turn for ``frames_each`` frames, each fitted whole into a
    square grey picture (its shape kept: a squashed body is another pose)."""
    import cv2

    pictures = []
    for photo in photos:
        image = cv2.imread(str(photo))[:, :, ::-1]
        scale = size / max(image.shape[:2])
        image = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)))
        canvas = np.full((size, size, 3), 128, np.uint8)
        top, left = (size - image.shape[0]) // 2, (size - image.shape[1]) // 2
        canvas[top : top + image.shape[0], left : left + image.shape[1]] = image
        pictures.append(canvas)
    frames = frames_each * len(photos)
    return write_video(
        path, frames=frames, width=size, height=size, fps=fps, painter=lambda i: pictures[i // frames_each]
    )


def spliced_video(
    path: Path, parts: list[tuple[Path, int]], *, blank_between: int = 0, size: tuple[int, int] = (640, 640)
) -> Path:
    """An edited video: the first ``frames`` of each clip in ``parts``, one after the other
    (a hard cut), or with ``blank_between`` black frames between (a fade through black).
    Each picture keeps its shape, letterboxed into ``size`` (width, height), at 30 frames/s."""
    box_width, box_height = size
    pictures: list[np.ndarray] = []
    for n, (clip, frames) in enumerate(parts):
        if n and blank_between:
            pictures += [np.zeros((box_height, box_width, 3), np.uint8)] * blank_between
        with av.open(str(clip)) as source:
            for k, frame in enumerate(source.decode(video=0)):
                if k >= frames:
                    break
                scale = min(box_width / frame.width, box_height / frame.height)
                width, height = (max(2, round(side * scale / 2) * 2) for side in (frame.width, frame.height))
                canvas = np.zeros((box_height, box_width, 3), np.uint8)
                top, left = (box_height - height) // 2, (box_width - width) // 2
                canvas[top : top + height, left : left + width] = frame.to_ndarray(
                    width=width, height=height, format="rgb24"
                )
                pictures.append(canvas)
    return write_video(
        path, frames=len(pictures), width=box_width, height=box_height, fps=30, painter=pictures.__getitem__
    )

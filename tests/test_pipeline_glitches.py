"""The description of a track the model got wrong in places: real tracks of the move
corpus (every model), damaged the ways MediaPipe's output is (the person lost for a while,
a body part hidden, or thrown across the picture for a frame, visibility collapsing, a frozen
tracker, the body sliding out of the picture, a video of a few frames), must come back
described, with no exception and no warning (an all-NaN slice is a detector reading
nothing it should have seen), and every move inside the video.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.labels.move_corpus import load_move_corpus
from dance_analyzer.labels.moves import load_moves
from dance_analyzer.pipeline import describe
from dance_analyzer.pose.landmarks import Landmark as L
from dance_analyzer.pose.track import LandmarkTrack
from tests.support.tracks import first_frames

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "moves"
MODELS = ("lite", "full", "heavy")
PARTS = {
    "hips": [L.LEFT_HIP, L.RIGHT_HIP],
    "feet": [L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX],
    "shoulders": [L.LEFT_SHOULDER, L.RIGHT_SHOULDER],
    "wrists": [L.LEFT_WRIST, L.RIGHT_WRIST],
    "knees": [L.LEFT_KNEE, L.RIGHT_KNEE],
}
Damage = Callable[[np.ndarray, np.ndarray, np.random.Generator], None]


def _stretch(n: int, rng: np.random.Generator, longest: int = 60) -> slice:
    start = int(rng.integers(0, n))
    return slice(start, start + int(rng.integers(1, longest)))


def person_lost(image: np.ndarray, world: np.ndarray, rng: np.random.Generator) -> None:
    for _ in range(int(rng.integers(1, 6))):
        gone = _stretch(len(image), rng, 30)
        image[gone], world[gone] = np.nan, np.nan


def part_hidden(image: np.ndarray, world: np.ndarray, rng: np.random.Generator) -> None:
    """A body part unseen (behind the body, out of the light) and guessed, for a while or throughout."""
    part = PARTS[list(PARTS)[int(rng.integers(0, len(PARTS)))]]
    hidden = np.arange(len(image)) if rng.random() < 0.3 else np.arange(len(image))[_stretch(len(image), rng)]
    where = np.ix_(hidden, part)
    image[where + (slice(0, 3),)] += rng.normal(0, 0.05, size=(len(hidden), len(part), 3))
    image[where + (3,)] = rng.uniform(0, 0.1, size=(len(hidden), len(part)))


def thrown(image: np.ndarray, world: np.ndarray, rng: np.random.Generator) -> None:
    for _ in range(int(rng.integers(1, 20))):
        frame, points = int(rng.integers(0, len(image))), rng.integers(0, 33, size=int(rng.integers(1, 10)))
        image[frame, points, :2] += rng.normal(0, 1, size=(len(points), 2))
        image[frame, points, 3] = rng.uniform(0, 1, size=len(points))
        world[frame, points] += rng.normal(0, 1, size=(len(points), 3))


def unsure(image: np.ndarray, world: np.ndarray, rng: np.random.Generator) -> None:
    dim = _stretch(len(image), rng)
    image[dim, :, 3] = rng.uniform(0, 0.3, size=image[dim, :, 3].shape)


def frozen(image: np.ndarray, world: np.ndarray, rng: np.random.Generator) -> None:
    still = _stretch(len(image), rng)
    image[still], world[still] = image[still.start], world[still.start]


def out_of_picture(image: np.ndarray, world: np.ndarray, rng: np.random.Generator) -> None:
    image[_stretch(len(image), rng), :, 0] += rng.choice([-1.5, 1.5])


DAMAGE: dict[str, Damage] = {f.__name__: f for f in (person_lost, part_hidden, thrown, unsure, frozen, out_of_picture)}


@pytest.fixture(scope="module")
def corpus():
    if not (CORPUS / "labels.jsonl").exists():
        pytest.skip(f"the move corpus is not beside the tests ({CORPUS})")
    return load_move_corpus(CORPUS)


def _described(track: LandmarkTrack) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result, _ = describe(track, load_definitions(), 0.2, moves=load_moves())
    for move in result["moves"]:
        assert 0 <= move["start_s"] <= move["end_s"] <= track.duration_s + 1e-6, move
    assert sum(p["frames_detected"] for p in result["pose_summary"]) <= len(track.times)
    return result


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_track_is_still_described(corpus, damage):
    rng = np.random.default_rng(sorted(DAMAGE).index(damage))
    for n in range(12):  # a different clip and model each time, the same ones on every run
        clip = corpus.clips[int(rng.integers(0, len(corpus.clips)))]
        track = corpus.track(clip.id, MODELS[n % 3])
        image, world = track.image.copy(), track.world.copy()
        DAMAGE[damage](image, world, rng)
        _described(dataclasses.replace(track, image=image, world=world))


@pytest.mark.parametrize("frames", [1, 2, 3, 5])
def test_a_video_of_a_few_frames_is_still_described(corpus, frames):
    for model in MODELS:
        _described(first_frames(corpus.track(corpus.clips[0].id, model), frames))

"""Stored landmark tracks (the move corpus's files, a job's follow-along reference) read back as written."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dance_analyzer.labels.move_corpus import load_move_corpus
from dance_analyzer.pose.track import load_track, save_track

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "moves"


def test_a_track_saved_and_loaded_is_the_same_track(tmp_path):
    track = load_move_corpus(CORPUS).track("pymaf/examples/dancer.mp4", "heavy")
    path = tmp_path / "track.npz"
    save_track(track, path)
    again = load_track(path)
    assert again.info == track.info and again.model == "heavy" and again.total_frames == track.total_frames
    for name in ("indices", "times", "image", "world"):
        assert np.array_equal(getattr(again, name), getattr(track, name), equal_nan=True), name
    assert [p.name for p in tmp_path.iterdir()] == ["track.npz"]  # no partial file left

"""Angles over time over HTTP, on real clips: declared, kept by the response models, filtered as asked."""

from __future__ import annotations

import numpy as np

from tests.support.media import media
from tests.support.processes import finished, poll_job
from tests.support.schema import validate

ONE_LEG = "one_leg_arms_up_1.mp4"  # 30 fps: room for the 6 Hz low-pass


def runs_below(series: list[float | None], limit: float) -> int:
    below = np.array([v is not None and v < limit for v in series], np.int8)
    return int(np.count_nonzero(np.diff(np.concatenate([[0], below])) == 1))


def test_the_squat_clips_knees_bend_below_120_degrees_three_times(client):
    clip = media("squat_band_1.mp4")
    r = client.post("/analyze", params={"detail": "frames"}, files={"file": (clip.name, clip.read_bytes())})
    assert r.status_code == 200, r.text
    body = r.json()
    validate(client, "AnalysisResult", body)
    angles = body["angles"]
    assert angles["times"] == [f["t"] for f in body["frames"]]
    # 5 frames a second cannot hold a 6 Hz cutoff: the angles are raw, and say so.
    assert (angles["filter"], angles["cutoff_hz"], angles["unit"]) == ("none", None, "degrees")
    knees = [min(pair) for pair in zip(angles["joints"]["left_knee"], angles["joints"]["right_knee"], strict=True)]
    assert runs_below(knees, 120) == 3
    assert min(knees) < 100 and max(knees) > 160  # deep squats, standing straight in between


def test_filter_none_gives_raw_angles_and_a_job_takes_the_filter_too(client):
    clip = media(ONE_LEG)
    files = {"file": (clip.name, clip.read_bytes())}
    smooth = client.post("/analyze", files=files).json()["angles"]
    raw = client.post("/analyze", params={"filter": "none"}, files=files).json()["angles"]
    assert (smooth["filter"], smooth["cutoff_hz"]) == ("butterworth", 6.0) and raw["filter"] == "none"
    steps = {
        name: np.nanmean(np.abs(np.diff(np.array(series["joints"]["left_elbow"], float), n=2)))
        for name, series in (("smooth", smooth), ("raw", raw))
    }
    assert steps["smooth"] < steps["raw"]  # the low-pass takes out frame-to-frame jitter
    created = client.post("/jobs", params={"filter": "none"}, files=files)
    assert created.status_code == 202, created.text
    job = poll_job(client, created.json()["id"], finished)
    assert job["status"] == "done", job
    validate(client, "JobView", job)
    assert job["result"]["angles"] == raw


def test_an_unknown_filter_is_a_400_naming_it(client):
    clip = media(ONE_LEG)
    r = client.post("/analyze", params={"filter": "kalman"}, files={"file": (clip.name, b"x")})
    assert r.status_code == 400 and "filter" in r.json()["error"]

"""Follow-along: a live session danced along with a finished analysis scores as /compare would."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.pose.track import load_track
from tests.support.media import media
from tests.support.processes import finished, poll_job

pytestmark = pytest.mark.slow


def submit(client, overlay: bool) -> dict:
    with media("squat_band_1.mp4").open("rb") as f:
        r = client.post("/jobs", params={"overlay": str(overlay).lower()}, files={"file": ("squats.mp4", f)})
    assert r.status_code == 202, r.text
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "done", job
    return job


def test_dancing_along_with_an_analysis_scores_it_live_and_at_the_end(client, data_dir):
    job = submit(client, overlay=True)
    (stored,) = data_dir.rglob(f"{job['id']}.landmarks.npz")
    track = load_track(stored)  # the reference's own dancer, danced again
    with client.websocket_connect("/live") as ws:
        ws.send_json({"type": "start", "width": 720, "height": 1280, "follow": job["id"]})
        ready = ws.receive_json()
        assert ready["type"] == "ready" and ready["follow"]["duration_s"] == pytest.approx(13.0, abs=0.3)
        scores = []
        for k, t in enumerate(track.times):
            found = bool(np.isfinite(track.image[k, 0, 0]))
            ws.send_json({
                "type": "frame", "t": float(t),
                "image": track.image[k].tolist() if found else None,
                "world": track.world[k].tolist() if found else None,
            })  # fmt: skip
            answer = ws.receive_json()
            scores.append(answer["follow"])
        ws.send_json({"type": "stop"})
        result = ws.receive_json()["result"]
    live = [s for s in scores if s is not None]
    assert len(live) >= 0.9 * len(scores)
    assert all(s["score"] >= 90 and s["worst_part"] in {"left_arm", "right_arm", "left_leg", "right_leg", "torso"}
               for s in live)  # fmt: skip
    assert result["follow"]["similarity"] >= 90 and result["follow"]["warnings"] == []
    # Deleting the job deletes the reference too.
    assert client.delete(f"/jobs/{job['id']}").status_code == 204
    assert not stored.exists()


def test_only_a_finished_analysis_with_its_video_can_be_followed(client):
    job = submit(client, overlay=False)
    pose = ("pose.jpg", media("warrior2_arms_out.jpg").read_bytes())  # an annotated photo: no dance in it
    r = client.post("/jobs", params={"overlay": "true"}, files={"file": pose})
    photo = poll_job(client, r.json()["id"], finished)
    assert photo["status"] == "done", photo
    odd = ("../" * 2000, "32 hex digits")  # not echoed back
    cases = ((job["id"], "overlay=true"), (photo["id"], "is a photo"), ("0" * 32, "No job with id"), odd)
    for follow, says in cases:
        with client.websocket_connect("/live") as ws:
            ws.send_json({"type": "start", "follow": follow})
            error = ws.receive_json()
            assert error["type"] == "error" and says in error["error"] and len(error["error"]) < 200
    assert client.delete(f"/jobs/{job['id']}").status_code == 204
    assert client.delete(f"/jobs/{photo['id']}").status_code == 204

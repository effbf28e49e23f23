"""/compare through the real app: two uploads, two analyses on the pool, one comparison."""

import pytest

from tests.support.media import media
from tests.support.schema import validate


@pytest.mark.slow
def test_compare_a_clip_with_itself(client):
    data = media("squat_band_1.mp4").read_bytes()
    r = client.post(
        "/compare",
        params={"sample_fps": 2.5},
        files={"reference": ("ref.mp4", data), "attempt": ("mine.mp4", data)},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["similarity"] == 100.0 and body["offset_s"] == 0.0
    assert body["reference"]["filename"] == "ref.mp4" and body["attempt"]["filename"] == "mine.mp4"
    assert set(body["body_parts"]) == {"left_arm", "right_arm", "left_leg", "right_leg", "torso"}
    assert body["sync_map"][0] == [0.0, 0.0]
    validate(client, "CompareResult", body)


def test_compare_needs_both_videos(client, make_video):
    r = client.post("/compare", files={"reference": ("a.mp4", make_video().read_bytes())})
    assert r.status_code == 400 and "attempt" in r.json()["error"]
    r = client.post("/compare", files={"reference": ("a.mp4", b"x" * 10), "attempt": ("b.mp4", b"")})
    assert r.status_code == 400 and "empty" in r.json()["error"]


def test_compare_without_a_dancer_is_a_clear_422(client, make_video):
    grey = make_video().read_bytes()  # nobody in these frames
    r = client.post("/compare", files={"reference": ("a.mp4", grey), "attempt": ("b.mp4", grey)})
    assert r.status_code == 422 and "no person" in r.json()["error"].lower()


@pytest.mark.slow
def test_the_job_variant_gives_what_compare_gives(client, data_dir):
    from tests.support.processes import finished, poll_job

    data = media("squat_band_1.mp4").read_bytes()
    files = {"reference": ("ref.mp4", data), "attempt": ("mine.mp4", data)}
    r = client.post("/jobs/compare", params={"sample_fps": 2.5}, files=files)
    assert r.status_code == 202, r.text
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "done", job
    direct = client.post("/compare", params={"sample_fps": 2.5}, files=files).json()
    assert job["result"] == direct and job["result"]["attempt"]["filename"] == "mine.mp4"
    validate(client, "JobView", job)
    assert list((data_dir / "uploads").iterdir()) == []
    assert client.delete(f"/jobs/{job['id']}").status_code == 204

"""?people=all over HTTP: every person in the lab clip, in /analyze and in a job, as declared."""

from __future__ import annotations

from tests.support.media import media
from tests.support.processes import finished, poll_job
from tests.support.schema import validate

LAB = "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4"


def test_people_all_describes_everyone_and_their_sync(client):
    clip = media(LAB)
    r = client.post(
        "/analyze", params={"people": "all", "detail": "frames"}, files={"file": (clip.name, clip.read_bytes())}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    validate(client, "AnalysisResult", body)
    ids = [p["id"] for p in body["people"]]
    assert len(ids) >= 2 and body["main_person"] in ids
    assert 0 <= body["sync"]["group"]["score"] <= 100
    assert all(len(frame["people"]) >= 2 for frame in body["frames"])
    # Without it, the answer is the single dancer's, as before.
    plain = client.post("/analyze", files={"file": (clip.name, clip.read_bytes())}).json()
    assert "people" not in plain and "sync" not in plain and "main_person" not in plain
    # ... saying whose it is, and how to have everyone's; people=all needs no such word.
    (warning,) = (w for w in plain["warnings"] if w["code"] == "several_people")
    assert warning["message"].startswith(f"{len(ids)} people were in view") and "people=all" in warning["message"]
    assert "several_people" not in {w["code"] for w in body["warnings"]}


def test_max_people_is_checked_and_a_job_follows_everyone_too(client):
    clip = media(LAB)
    bad = client.post("/analyze", params={"people": "all", "max_people": 0}, files={"file": (clip.name, b"x")})
    assert bad.status_code == 400 and "max_people" in bad.json()["error"]
    created = client.post("/jobs", params={"people": "all"}, files={"file": (clip.name, clip.read_bytes())})
    assert created.status_code == 202, created.text
    job = poll_job(client, created.json()["id"], finished)
    assert job["status"] == "done", job
    validate(client, "JobView", job)
    assert len(job["result"]["people"]) >= 2 and "sync" in job["result"]


def test_compare_takes_a_person_of_each_video_and_names_a_missing_one(client):
    clip = media(LAB)
    files = {"reference": (clip.name, clip.read_bytes()), "attempt": (clip.name, clip.read_bytes())}
    r = client.post("/compare", params={"reference_person": 1, "attempt_person": 1}, files=files)
    assert r.status_code == 200, r.text
    assert r.json()["similarity"] > 95
    assert "several_people" not in {w["code"] for w in r.json()["warnings"]}  # each person chosen
    mains = client.post("/compare", files=files)
    assert mains.status_code == 200, mains.text
    crowded = [w["message"] for w in mains.json()["warnings"] if w["code"] == "several_people"]
    assert [m.split(":")[0].split(" people were in the ")[1] for m in crowded] == ["reference video", "attempt video"]
    missing = client.post("/compare", params={"attempt_person": 99}, files=files)
    assert missing.status_code == 422 and "no person 99 in the attempt video" in missing.json()["error"]

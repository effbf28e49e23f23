"""/jobs in the embedded mode: the real app, its real worker pool and SQLite store."""

import signal
import threading
import time

import av
import cv2
import numpy as np
import pytest

from dance_analyzer.config import Settings
from tests.support.media import long_video, media
from tests.support.processes import finished, kill_group, poll_job, server


def submit(client, path, **params):
    r = client.post("/jobs", files={"file": (path.name, path.read_bytes(), "video/mp4")}, params=params)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "queued" and r.headers["location"] == body["status_url"] == f"/jobs/{body['id']}"
    return body["id"]


@pytest.mark.slow
def test_a_job_runs_to_done_with_progress_and_the_same_result_as_analyze(client):
    clip = media("dance_solo_2.mp4")
    job_id = submit(client, clip, sample_fps=12)
    seen = []
    job = poll_job(client, job_id, lambda j: seen.append((j["status"], j["progress"])) or finished(j))
    assert job["status"] == "done", job
    progress = [p for s, p in seen if s == "running"]
    assert progress == sorted(progress) and job["progress"] == 1.0
    assert job["started_at"] >= job["created_at"] and job["finished_at"] >= job["started_at"]
    assert job["expires_at"] > job["finished_at"] and job["attempts"] == 1 and job["worker"]

    direct = client.post("/analyze", files={"file": (clip.name, clip.read_bytes())}, params={"sample_fps": 12})
    assert direct.status_code == 200
    assert job["result"] == direct.json()
    assert job_id in [j["id"] for j in client.get("/jobs").json()["jobs"]]
    assert "result" not in client.get("/jobs").json()["jobs"][0]


@pytest.mark.slow
def test_a_job_with_overlay_serves_the_annotated_video(client, data_dir, tmp_path):
    clip = media("dance_solo_2.mp4")
    job_id = submit(client, clip, overlay="true")
    early = client.get(f"/jobs/{job_id}/overlay.mp4")
    job = poll_job(client, job_id, finished)
    assert job["status"] == "done" and job["overlay_url"] == f"/jobs/{job_id}/overlay.mp4"
    assert "frames" not in job["result"]  # the landmarks drawn were not asked for
    if early.status_code != 200:  # unless the job was already done when we asked
        assert early.status_code == 409 and "not ready" in early.json()["error"]

    video = client.get(job["overlay_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    (tmp_path / "overlay.mp4").write_bytes(video.content)
    with av.open(str(tmp_path / "overlay.mp4")) as container:
        frames = sum(1 for _ in container.decode(video=0))
        size = (container.streams.video[0].width, container.streams.video[0].height)
    assert frames == job["result"]["total_frames"] == 150 and size == (job["result"]["width"], job["result"]["height"])
    part = client.get(job["overlay_url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100  # browsers seek with ranges

    assert client.get(f"/jobs/{job_id}/overlay.jpg").status_code == 404  # a photo's, and this is a video
    assert client.delete(f"/jobs/{job_id}").status_code == 204
    assert client.get(f"/jobs/{job_id}/overlay.mp4").status_code == 404
    assert list((data_dir / "overlays").iterdir()) == []


def test_a_job_without_overlay_has_no_annotated_video(client, make_video):
    r = client.post("/jobs", files={"file": ("a.mp4", make_video().read_bytes())})
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "done" and "overlay_url" not in job
    missing = client.get(f"/jobs/{job['id']}/overlay.mp4")
    assert missing.status_code == 404 and "overlay=true" in missing.json()["error"]
    assert client.delete(f"/jobs/{job['id']}").status_code == 204


def test_a_file_no_analysis_could_read_is_refused_before_a_job_exists(client):
    jobs_before = client.get("/jobs").json()["jobs"]
    cases = {"notes.mp4": (b"not a video at all\n" * 20, 415, "not a video")}
    cases["cut.mp4"] = (media("dance_solo_1.mp4").read_bytes()[:5000], 422, "damaged")
    for name, (data, status, words) in cases.items():
        r = client.post("/jobs", files={"file": (name, data)})
        assert r.status_code == status and words in r.json()["error"], (name, r.text)
    files = {"reference": ("ref.mp4", b"not a video at all\n"), "attempt": ("me.mp4", cases["cut.mp4"][0])}
    r = client.post("/jobs/compare", files=files)
    assert r.status_code == 415 and r.json()["error"].startswith("The reference video: the file is not a video")
    assert client.get("/jobs").json()["jobs"] == jobs_before  # and no upload is left (the autouse check)


def test_a_photo_is_a_job_too_and_its_annotated_copy_is_a_picture(client, data_dir):
    photo = media("warrior2_arms_out.jpg").read_bytes()
    r = client.post("/jobs", files={"file": ("warrior.jpg", photo)})
    assert r.status_code == 202, r.text
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "done" and job["result"]["photo"] is True and "overlay_url" not in job, job
    assert {"t_pose", "lunge"} <= set(job["result"]["poses"]) and job["result"]["total_frames"] == 1
    assert client.delete(f"/jobs/{job['id']}").status_code == 204

    r = client.post("/jobs", files={"file": ("warrior.mp4", photo)}, params={"overlay": "true"})  # named as a video
    job_id = r.json()["id"]
    assert r.status_code == 202 and client.get(f"/jobs/{job_id}").json()["overlay_url"] == f"/jobs/{job_id}/overlay.jpg"
    job = poll_job(client, job_id, finished)
    assert (
        job["status"] == "done"
        and job["overlay_url"] == f"/jobs/{job_id}/overlay.jpg"
        and "frames" not in job["result"]
    )
    picture = client.get(job["overlay_url"])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert 'filename="warrior-annotated.jpg"' in picture.headers["content-disposition"]
    drawn = cv2.imdecode(np.frombuffer(picture.content, np.uint8), cv2.IMREAD_COLOR)
    original = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    assert drawn.shape == original.shape and np.abs(drawn.astype(int) - original.astype(int)).mean() > 1
    wrong = client.get(f"/jobs/{job_id}/overlay.mp4")
    assert wrong.status_code == 404 and "overlay.jpg" in wrong.json()["error"]
    live = client.get("/jobs?status=done").json()["jobs"]
    assert [j["overlay_url"] for j in live if j["id"] == job_id] == [job["overlay_url"]]
    assert client.delete(f"/jobs/{job_id}").status_code == 204
    assert client.get(f"/jobs/{job_id}/overlay.jpg").status_code == 404
    assert list((data_dir / "overlays").iterdir()) == []  # no landmarks kept either: a photo is no dance to follow
    files = {"reference": ("ref.jpg", photo), "attempt": ("me.jpg", photo)}  # a pose to reach: a photo
    r = client.post("/jobs/compare", files=files)
    assert r.status_code == 202, r.text
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "done" and job["result"] == client.post("/compare", files=files).json(), job
    assert job["result"]["similarity"] == 100.0 and job["result"]["reference"]["photo"] is True
    files = {"reference": ("ref.jpg", photo[:3000]), "attempt": ("me.jpg", photo)}
    failed = poll_job(client, client.post("/jobs/compare", files=files).json()["id"], finished)
    assert failed["status"] == "failed" and failed["error"].startswith("The reference photo: the image is damaged")


def test_a_job_that_fails_says_why(client, make_video):
    grey = make_video(frames=10).read_bytes()  # a video with nobody in it: nothing to compare
    r = client.post("/jobs/compare", files={"reference": ("ref.mp4", grey), "attempt": ("me.mp4", grey)})
    assert r.status_code == 202
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "failed" and job["error_kind"] == "NoPersonFound"
    assert "no person" in job["error"].lower() and "result" not in job


def test_upload_errors_are_answered_before_a_job_exists(client):
    r = client.post("/jobs", files={"upload": ("a.mp4", b"x")})
    assert (r.status_code, r.json()) == (400, {"error": "No file part in the request"})
    assert client.post("/jobs", files={"file": ("a.mp4", b"")}).status_code == 400
    assert client.post("/jobs", params={"sample_fps": -1}, files={"file": ("a.mp4", b"x")}).status_code == 400


def test_unknown_and_malformed_job_ids_are_404(client):
    for job_id in ("0" * 32, "not-an-id", "..%2F..%2Fetc%2Fpasswd"):
        r = client.get(f"/jobs/{job_id}")
        assert r.status_code == 404 and r.json()["error"]
        assert client.delete(f"/jobs/{job_id}").status_code == 404
    assert "no job" in client.get(f"/jobs/{'0' * 32}").json()["error"].lower()
    long_id = client.get(f"/jobs/{'x' * 5000}")
    assert long_id.status_code == 404 and "32 hex digits" in long_id.json()["error"] and len(long_id.text) < 200


@pytest.mark.slow
def test_cancelling_a_running_job_stops_it_and_deletes_it(client, tmp_path):
    job_id = submit(client, long_video(tmp_path / "long.mp4", 5900, fps=100))  # 59 s: within the app's limit
    first = poll_job(client, job_id, lambda j: j["status"] == "running" and j["frames_done"] > 0)
    first_seen = time.monotonic()
    later = poll_job(client, job_id, lambda j: j["frames_done"] > first["frames_done"] + 30)
    rate = (later["frames_done"] - first["frames_done"]) / (time.monotonic() - first_seen)  # frames/s, measured
    cancelled_at = time.monotonic()
    assert client.delete(f"/jobs/{job_id}").status_code == 204
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.delete(f"/jobs/{job_id}").status_code == 404
    # The cores are free again at once: a short job behind it is done long before the
    # long one would have been, even at twice the speed just measured.
    remaining_s = (later["frames_total"] - later["frames_done"]) / (2 * rate)
    quick = submit(client, media("squat_band_1.mp4"), sample_fps=2)
    assert poll_job(client, quick, finished, timeout=120)["status"] == "done"
    assert time.monotonic() - cancelled_at < remaining_s, (remaining_s, rate)


def _busy_server_env(data_dir, **extra):
    return {
        "DANCE_DATA_DIR": str(data_dir),
        "DANCE_WORKERS": "1",
        "DANCE_MAX_QUEUED_JOBS": "1",
        "DANCE_MAX_CONCURRENT_ANALYSES": "1",
        "DANCE_BUSY_WAIT_S": "0.5",
        **extra,
    }


@pytest.mark.slow
def test_a_full_queue_and_busy_workers_answer_429_with_retry_after(tmp_path):
    long_clip = long_video(tmp_path / "long.mp4", 3000).read_bytes()  # still running while the test acts
    clip = media("squat_band_1.mp4").read_bytes()
    with server(_busy_server_env(tmp_path / "data"), tmp_path / "server.log") as api:
        first = api.post("/jobs", files={"file": ("a.mp4", long_clip)}).json()["id"]
        poll_job(api, first, lambda j: j["status"] == "running")
        second = api.post("/jobs", files={"file": ("b.mp4", long_clip)})
        assert second.status_code == 202  # waits: the queue holds one
        third = api.post("/jobs", files={"file": ("c.mp4", long_clip)})
        assert third.status_code == 429 and int(third.headers["retry-after"]) > 0
        assert "queue is full" in third.json()["error"]

        # /analyze: one slot; a second request waits 0.5 s for it, then gets 429.
        answers = []

        def analyze():
            # The first waits for the busy worker, holding the only slot meanwhile.
            answers.append(api.post("/analyze", files={"file": ("a.mp4", clip)}, params={"sample_fps": 2}))

        threads = [threading.Thread(target=analyze) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 429], [r.text for r in answers]
        busy = next(r for r in answers if r.status_code == 429)
        assert "busy" in busy.json()["error"] and int(busy.headers["retry-after"]) > 0

        for job_id in (first, second.json()["id"]):
            assert api.delete(f"/jobs/{job_id}").status_code == 204
        assert api.get("/health").status_code == 200
    assert list((tmp_path / "data" / "uploads").iterdir()) == []


def test_settings_default_to_the_embedded_runner():
    assert Settings().broker_url is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop", "max_attempts", "expected"),
    [(signal.SIGKILL, 2, "done"), (signal.SIGKILL, 1, "failed"), (signal.SIGTERM, 1, "done")],
    ids=["killed-then-requeued", "killed-then-failed", "stopped-then-resumed"],
)
def test_a_server_stopped_mid_job_finds_the_job_on_restart(tmp_path, stop, max_attempts, expected):
    """SIGKILL, the harshest stop, counts as a failed attempt: the restarted server runs the
    job again, or fails it clearly once it has been interrupted max_attempts times. A normal
    stop (SIGTERM) puts the job back in the queue without counting an attempt."""
    env = {"DANCE_DATA_DIR": str(tmp_path / "data"), "DANCE_WORKERS": "2", "DANCE_JOB_MAX_ATTEMPTS": str(max_attempts)}
    clip = long_video(tmp_path / "long.mp4", 1500)  # surely still running when the server is stopped
    with server(env, tmp_path / "server.log") as api:
        job_id = api.post("/jobs", files={"file": (clip.name, clip.read_bytes())}).json()["id"]
        poll_job(api, job_id, lambda j: j["status"] == "running" and j["frames_done"] > 0)
        kill_group(api.process, stop)
        api.process.wait(timeout=30)
    with server(env, tmp_path / "server.log") as api:
        job = poll_job(api, job_id, finished)
        assert job["status"] == expected, (job.get("error"), job.get("error_kind"))
        if expected == "done":
            assert job["attempts"] == (2 if stop == signal.SIGKILL else 1)
            direct = api.post("/analyze", files={"file": (clip.name, clip.read_bytes())})
            assert job["result"] == direct.json()
        else:
            assert job["error_kind"] == "WorkerLost" and "stopped while analysing" in job["error"]
    assert list((tmp_path / "data" / "uploads").iterdir()) == []


def test_busy_and_job_errors_are_documented_in_openapi(client):
    spec = client.get("/openapi.json").json()
    assert {"post", "get"} <= set(spec["paths"]["/jobs"]) and "delete" in spec["paths"]["/jobs/{job_id}"]
    assert "429" in spec["paths"]["/analyze"]["post"]["responses"]


@pytest.mark.slow
def test_precision_auto_in_a_job_with_overlay_everyone_in_view_and_a_comparison(client, tmp_path):
    clip = media("multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4")
    job = poll_job(client, submit(client, clip, overlay="true", people="all", precision="auto"), finished)
    assert job["status"] == "done", job
    result = job["result"]
    assert result["precision"] == "auto" and result["model_frames"] <= result["processed_frames"] == 100
    assert len(result["people"]) == 2 and "sync" in result
    (tmp_path / "overlay.mp4").write_bytes(client.get(job["overlay_url"]).content)
    with av.open(str(tmp_path / "overlay.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == result["total_frames"]
    dance = media("one_leg_arms_up_1.mp4").read_bytes()  # 30 frames/s: a stride of 4
    files = {"reference": ("ref.mp4", dance), "attempt": ("mine.mp4", dance)}
    compared = client.post("/compare", params={"precision": "auto"}, files=files)
    assert compared.status_code == 200 and compared.json()["similarity"] == 100.0

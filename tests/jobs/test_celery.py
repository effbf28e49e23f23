"""Scale-out for real: a redis-server, `dance-analyzer worker` processes, the API in Celery mode."""

from __future__ import annotations

import signal
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings
from tests.support.media import long_video, media, write_video
from tests.support.processes import finished, kill_group, poll_job, running, wait_for
from tests.support.redis import redis_server

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def cluster(tmp_path, redis_url):
    """The API (in process) and a way to start named workers; everything shares data_dir."""
    data_dir = tmp_path / "data"
    settings = Settings(workers=1, data_dir=data_dir, broker_url=redis_url)

    class Cluster:
        def __init__(self, stack: ExitStack) -> None:
            self.stack = stack
            self.workers: dict[str, object] = {}

        def worker(self, name: str, visibility_timeout_s: float = 600):
            env = {
                "DANCE_BROKER_URL": redis_url,
                "DANCE_DATA_DIR": str(data_dir),
                "DANCE_WORKERS": "1",
                "DANCE_BROKER_VISIBILITY_TIMEOUT_S": str(visibility_timeout_s),
            }
            log = tmp_path / f"{name}.log"
            process = self.stack.enter_context(running(["worker", "--name", f"{name}@test"], env, log))
            wait_for(lambda: b"ready." in log.read_bytes(), 90, f"worker {name} to be ready")
            self.workers[name] = process
            return process

    with ExitStack() as stack, TestClient(create_app(settings), raise_server_exceptions=False) as api:
        c = Cluster(stack)
        c.api, c.data_dir = api, data_dir
        yield c
    assert list((data_dir / "uploads").iterdir()) == [], "uploads left behind"


def submit(api, name: str | Path = "dance_solo_2.mp4", **params):
    clip = name if isinstance(name, Path) else media(name)
    r = api.post("/jobs", files={"file": (clip.name, clip.read_bytes())}, params=params)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def test_a_job_runs_on_a_celery_worker_with_progress_and_the_analyze_result(cluster, tmp_path):
    assert cluster.api.get("/health").json()["jobs"] == {"runner": "celery", "queued": 0}
    cluster.worker("w1")
    job_id = submit(cluster.api, sample_fps=12, precision="auto")  # the model on fewer frames, on the worker too
    seen = []
    job = poll_job(cluster.api, job_id, lambda j: seen.append(j["frames_done"]) or finished(j))
    assert job["status"] == "done" and job["worker"] == "w1@test" and job["attempts"] == 1
    assert any(0 < n < job["frames_total"] for n in seen), "progress never reached the API"
    clip = media("dance_solo_2.mp4")
    params = {"sample_fps": 12, "precision": "auto"}
    direct = cluster.api.post("/analyze", files={"file": (clip.name, clip.read_bytes())}, params=params)
    assert job["result"] == direct.json()
    assert job["result"]["precision"] == "auto" and job["result"]["model_frames"] <= job["result"]["processed_frames"]

    squat = media("squat_band_1.mp4").read_bytes()
    files = {"reference": ("ref.mp4", squat), "attempt": ("mine.mp4", squat)}
    compared = cluster.api.post("/jobs/compare", params={"sample_fps": 2.5}, files=files).json()["id"]
    comparison = poll_job(cluster.api, compared, finished)
    assert comparison["status"] == "done" and comparison["result"]["similarity"] == 100.0
    assert comparison["result"]["reference"]["filename"] == "ref.mp4"

    photo = submit(cluster.api, "warrior2_arms_out.jpg", overlay="true")  # drawn on the worker, as a picture
    drawn = poll_job(cluster.api, photo, finished)
    assert drawn["status"] == "done" and drawn["result"]["photo"] is True, drawn
    picture = cluster.api.get(drawn["overlay_url"])
    assert picture.status_code == 200 and picture.content.startswith(b"\xff\xd8\xff")
    assert (cluster.data_dir / "overlays" / f"{photo}.jpg").read_bytes() == picture.content

    refused = cluster.api.post("/jobs", files={"file": ("x.mp4", b"not a video\n" * 50)})
    assert refused.status_code == 415 and "not a video" in refused.json()["error"]
    nobody = write_video(tmp_path / "nobody.mp4", frames=10).read_bytes()  # a video, with no one to compare
    files = {"reference": ("ref.mp4", nobody), "attempt": ("mine.mp4", nobody)}
    bad = cluster.api.post("/jobs/compare", files=files).json()["id"]
    failed = poll_job(cluster.api, bad, finished)
    assert failed["status"] == "failed" and failed["error_kind"] == "NoPersonFound"


def test_two_workers_share_the_queue(cluster):
    cluster.worker("w1")
    cluster.worker("w2")
    ids = [submit(cluster.api, sample_fps=6) for _ in range(4)]
    jobs = [poll_job(cluster.api, job_id, finished, timeout=180) for job_id in ids]
    assert {j["status"] for j in jobs} == {"done"}
    assert {j["worker"] for j in jobs} == {"w1@test", "w2@test"}
    assert len({str(j["result"]["pose_summary"]) for j in jobs}) == 1  # same clip, same answer


def test_a_running_job_can_be_cancelled_and_the_worker_moves_on(cluster, tmp_path):
    cluster.worker("w1")
    long_job = submit(cluster.api, long_video(tmp_path / "long.mp4", 6000))
    first = poll_job(cluster.api, long_job, lambda j: j["status"] == "running" and j["frames_done"] > 0)
    first_seen = time.monotonic()
    later = poll_job(cluster.api, long_job, lambda j: j["frames_done"] > first["frames_done"] + 30)
    rate = (later["frames_done"] - first["frames_done"]) / (time.monotonic() - first_seen)  # frames/s, measured
    queued = submit(cluster.api, "squat_band_1.mp4", sample_fps=2)
    cancelled_at = time.monotonic()
    assert cluster.api.delete(f"/jobs/{long_job}").status_code == 204
    assert cluster.api.get(f"/jobs/{long_job}").status_code == 404
    # Left to run, the long job would hold the worker this much longer (at up to twice the
    # measured speed); the queued one is done well before, so the long one really stopped.
    remaining_s = (later["frames_total"] - later["frames_done"]) / (2 * rate)
    job = poll_job(cluster.api, queued, finished, timeout=120)
    assert job["status"] == "done"
    assert time.monotonic() - cancelled_at < remaining_s, (remaining_s, rate)


def test_a_worker_killed_mid_job_hands_the_job_to_another(cluster, tmp_path):
    """SIGKILL (no chance to clean up): Redis redelivers the unacknowledged job after the
    visibility timeout; the survivor waits for the dead run's heartbeat to stop, then runs it."""
    first = cluster.worker("w1", visibility_timeout_s=4)
    job_id = submit(cluster.api, long_video(tmp_path / "long.mp4", 3000))
    poll_job(cluster.api, job_id, lambda j: j["status"] == "running" and j["frames_done"] > 0)
    kill_group(first, signal.SIGKILL)  # at once: the job is far from done however fast the machine
    first.wait(timeout=10)
    cluster.worker("w2", visibility_timeout_s=4)
    job = poll_job(cluster.api, job_id, finished, timeout=240)
    assert job["status"] == "done", job
    assert job["worker"] == "w2@test" and job["attempts"] == 2
    assert job["result"]["total_frames"] == 3000


def test_a_job_whose_worker_vanished_runs_again_long_before_the_visibility_timeout(cluster, tmp_path):
    """With the default hour-long visibility timeout, Redis would redeliver the job an hour
    later; the API sees the heartbeat stop and sends it again within a minute or so."""
    first = cluster.worker("w1", visibility_timeout_s=3600)
    job_id = submit(cluster.api, long_video(tmp_path / "long.mp4", 3000))
    poll_job(cluster.api, job_id, lambda j: j["status"] == "running" and j["frames_done"] > 0)
    kill_group(first, signal.SIGKILL)
    first.wait(timeout=10)
    cluster.worker("w2", visibility_timeout_s=3600)
    job = poll_job(cluster.api, job_id, finished, timeout=300)
    assert job["status"] == "done", job
    assert job["worker"] == "w2@test" and job["attempts"] == 2

"""Celery mode when Redis goes away mid-job and comes back: nothing is lost.

A real redis-server is SIGKILLed while one job runs on a real worker and another waits in
the queue, and started again on the same port once the running job has finished (so its
outcome has to wait for Redis): with an append-only file (the compose file's Redis) the
queue survives; without one the restarted Redis is empty and the API sends the lost jobs
again. Either way both jobs end done, the API answered 503 with
Retry-After (not 500) while Redis was down, /health said so, and no upload is left.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings
from tests.support.media import long_video, media
from tests.support.processes import finished, running, wait_for
from tests.support.redis import restartable_redis

pytestmark = pytest.mark.slow


def _job(api, job_id):
    r = api.get(f"/jobs/{job_id}")
    return r.json() if r.status_code == 200 else None


@pytest.mark.parametrize("appendonly", [True, False], ids=["persistent", "cache-only"])
def test_jobs_survive_a_redis_restart_mid_job(tmp_path, appendonly):
    data_dir = tmp_path / "data"
    with ExitStack() as stack:
        redis = stack.enter_context(restartable_redis(tmp_path / "redis", appendonly=appendonly))
        settings = Settings(workers=1, data_dir=data_dir, broker_url=redis.url)
        api = stack.enter_context(TestClient(create_app(settings), raise_server_exceptions=False))
        env = {"DANCE_BROKER_URL": redis.url, "DANCE_DATA_DIR": str(data_dir), "DANCE_WORKERS": "1"}
        log = tmp_path / "worker.log"
        stack.enter_context(running(["worker", "--name", "w1@test"], env, log))
        wait_for(lambda: b"ready." in log.read_bytes(), 90, "the worker to be ready")

        long_clip = long_video(tmp_path / "long.mp4", 1500)
        first = api.post("/jobs", files={"file": ("long.mp4", long_clip.read_bytes())}).json()["id"]
        wait_for(lambda: (_job(api, first) or {}).get("frames_done", 0) > 0, 120, "the first job to run")
        squat = media("squat_band_1.mp4").read_bytes()
        second = api.post("/jobs", files={"file": ("squat.mp4", squat)}, params={"sample_fps": 2}).json()["id"]
        assert _job(api, second)["status"] == "queued"  # one job at a time: it waits its turn

        redis.kill()
        during = api.get(f"/jobs/{first}")
        assert during.status_code == 503 and int(during.headers["Retry-After"]) > 0, during.text
        assert "unavailable" in during.json()["error"]
        refused = api.post("/jobs", files={"file": ("squat.mp4", squat)})
        assert refused.status_code == 503 and "Retry-After" in refused.headers
        health = api.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        # Redis stays down until the running job has finished and tried to store its outcome,
        # however long the analysis takes on this machine.
        wait_for(
            lambda: b"cannot store its outcome yet" in log.read_bytes(), 300, "the job to finish during the outage"
        )
        redis.start()

        wait_for(lambda: api.get("/health").json()["status"] == "ok", 30, "/health to recover")
        jobs = {}
        for job_id in (first, second):
            jobs[job_id] = wait_for(lambda j=job_id: (v := _job(api, j)) and finished(v) and v, 300, f"job {job_id}")
        assert [jobs[first]["status"], jobs[second]["status"]] == ["done", "done"], jobs
        assert jobs[first]["result"]["total_frames"] == 1500
        assert jobs[second]["result"]["pose_summary"]
        wait_for(lambda: list((data_dir / "uploads").iterdir()) == [], 30, "the uploads to be deleted")

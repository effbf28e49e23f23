"""The API's half of bench/snapshot.sh: the real app, in process, on the shared media."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"


def main(out: Path) -> None:
    app = create_app(Settings(workers=2, data_dir=Path(tempfile.mkdtemp()) / "data"))
    (out / "openapi.json").write_text(json.dumps(app.openapi(), indent=1, sort_keys=True))
    with TestClient(app) as client:

        def save(name: str, response: httpx.Response) -> None:
            (out / name).write_text(f"{response.status_code}\n{json.dumps(response.json(), indent=1)}")

        def finished_job(response: httpx.Response) -> dict:
            job_id = response.json()["id"]
            while (view := client.get(f"/jobs/{job_id}").json())["status"] not in ("done", "failed"):
                time.sleep(0.5)
            return view

        def files(**named: str) -> dict:
            return {field: (f"{field}.mp4", (MEDIA / name).read_bytes()) for field, name in named.items()}

        save("api_poses.json", client.get("/poses"))
        save(
            "api_analyze.json", client.post("/analyze?detail=frames&rhythm=true", files=files(file="dance_solo_2.mp4"))
        )
        compared = client.post(
            "/compare?sample_fps=10", files=files(reference="dance_solo_2.mp4", attempt="taichi_solo_1.mp4")
        )
        save("api_compare.json", compared)
        save("api_learn.json", client.post("/poses/learn?name=mine", files=files(file="standing_man.jpg")))
        job = finished_job(client.post("/jobs?overlay=true&sample_fps=2", files=files(file="squat_band_1.mp4")))
        (out / "api_job.json").write_text(json.dumps([job["status"], job.get("result")], indent=1))
        job = finished_job(
            client.post("/jobs/compare", files=files(reference="dance_solo_2.mp4", attempt="balance_short_1.mp4"))
        )
        (out / "api_job_compare.json").write_text(json.dumps([job["status"], job.get("result")], indent=1))
        for name in ("SOURCES.md", "standing_man.jpg"):
            save(f"api_err_{name}.json", client.post("/analyze", files=files(file=name)))
        save("api_err_nofile.json", client.post("/analyze"))


if __name__ == "__main__":  # the worker processes import this module too
    main(Path(sys.argv[1]))

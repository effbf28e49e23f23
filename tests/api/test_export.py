"""CSV downloads over HTTP, on a real clip: /analyze?format=csv and a job's result.csv."""

from __future__ import annotations

import csv
import io

from dance_analyzer.pose.landmarks import LANDMARK_NAMES
from dance_analyzer.reports.angles import JOINTS
from tests.support.media import media
from tests.support.processes import finished, poll_job
from tests.support.schema import validate

CLIP = "squat_band_1.mp4"  # 65 frames at 5 fps: quick


def table(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def test_analyze_as_csv_is_a_download_with_a_row_per_analysed_frame(client):
    clip = media(CLIP)
    files = {"file": ("my squats.mp4", clip.read_bytes())}
    r = client.post("/analyze", params={"format": "csv"}, files=files)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == "attachment; filename*=utf-8''my%20squats.csv"
    header, rows = table(r.text)
    assert header == ["time_s", "frame", "pose", "poses", *(f"{j}_deg" for j in JOINTS), "interpolated"]
    assert len(rows) == 65  # every analysed frame
    assert [int(row["frame"]) for row in rows] == list(range(65))
    squatting = [row for row in rows if row["pose"] == "squat"]
    assert squatting and all("squat" in row["poses"].split(";") for row in squatting)
    assert min(float(row["left_knee_deg"]) for row in squatting) < 100
    # The JSON answer is as before: no table, no frames unless asked for.
    body = client.post("/analyze", files=files).json()
    assert body["processed_frames"] == len(rows) and body["total_frames"] == 65 and "frames" not in body
    assert body["filename"] == "my squats.mp4" and body["duration_s"] == 13.0 and body["pose_summary"]


def test_landmarks_add_four_columns_per_named_landmark(client):
    clip = media(CLIP)
    r = client.post(
        "/analyze", params={"format": "csv", "landmarks": "true"}, files={"video": (clip.name, clip.read_bytes())}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="squat_band_1.csv"'
    header, rows = table(r.text)
    assert len(header) == 4 + len(JOINTS) + 1 + 4 * 33 and header[-1] == f"{LANDMARK_NAMES[-1]}_visibility"
    assert all(0 <= float(row["left_hip_visibility"]) <= 1 for row in rows if row["left_hip_x"])
    assert sum(bool(row["nose_x"]) for row in rows) >= 60


def test_a_job_exports_its_result_only_when_it_has_the_frames(client):
    clip = media(CLIP)
    files = {"file": (clip.name, clip.read_bytes())}
    with_frames = client.post("/jobs", params={"detail": "frames", "sample_fps": 2}, files=files).json()["id"]
    summary_only = client.post("/jobs", params={"sample_fps": 2}, files=files).json()["id"]
    done = poll_job(client, with_frames, finished)
    assert done["status"] == "done", done
    r = client.get(f"/jobs/{with_frames}/result.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(table(r.text)[1]) == done["result"]["processed_frames"] == len(done["result"]["frames"])
    assert poll_job(client, summary_only, finished)["status"] == "done"
    refused = client.get(f"/jobs/{summary_only}/result.csv")
    assert refused.status_code == 409 and "detail=frames" in refused.json()["error"]
    assert client.get("/jobs/" + "0" * 32 + "/result.csv").status_code == 404


def test_with_people_all_each_person_has_their_own_rows_and_angles(client):
    clip = media("multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4")
    files = {"file": (clip.name, clip.read_bytes())}
    body = client.post("/analyze", params={"people": "all", "detail": "frames"}, files=files).json()
    validate(client, "AnalysisResult", body)  # each person's angles are declared, so kept
    r = client.post("/analyze", params={"people": "all", "format": "csv"}, files=files)
    assert r.status_code == 200, r.text
    header, rows = table(r.text)
    assert header[:3] == ["time_s", "frame", "person"]
    ids = [p["id"] for p in body["people"]]
    assert len(ids) >= 2 and len(rows) == len(ids) * body["processed_frames"]
    assert [int(row["person"]) for row in rows[:: body["processed_frames"]]] == sorted(
        ids, key=lambda i: i != body["main_person"]
    )
    for person in body["people"]:
        own = [row["left_knee_deg"] for row in rows if int(row["person"]) == person["id"]]
        assert own == ["" if v is None else str(v) for v in person["angles"]["joints"]["left_knee"]]
        assert sum(v != "" for v in own) >= person["frames_present"] * 0.9

"""GET /moves describes every kind of move; an analysis's moves match the declared schema."""

from __future__ import annotations

from dance_analyzer.labels.moves import KINDS
from tests.support.media import media
from tests.support.processes import finished, poll_job
from tests.support.schema import validate


def test_get_moves_lists_every_kind_with_its_description_and_thresholds(client):
    r = client.get("/moves")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "moves.yaml"
    moves = {m["name"]: m for m in body["moves"]}
    assert list(moves) == list(KINDS) == ["turn", "jump", "kick", "step", "sway", "bounce", "floor_work"]
    for name, move in moves.items():
        assert len(move["description"]) > 30, f"{name} has no description a dancer can read"
        assert move["enabled"] is True and move["thresholds"], name
    assert moves["turn"]["thresholds"]["min_rotation_deg"] == 150
    validate(client, "MoveDefinitions", body)


def test_the_docs_declare_moves_and_the_move_summary(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    result = schemas["AnalysisResult"]["properties"]
    assert result["moves"]["items"]["$ref"].endswith("/Move")
    assert result["move_summary"]["items"]["$ref"].endswith("/MoveSummary")
    assert {"move", "start_s", "end_s"} <= set(schemas["Move"]["required"])
    assert "pirouette" in schemas["Move"]["description"]
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/moves"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/MoveDefinitions"
    )


def test_the_ballet_clips_moves_come_back_from_analyze_and_match_the_schema(client):
    clip = media("ballet_spin_1.mp4")
    r = client.post("/analyze", files={"file": (clip.name, clip.read_bytes())})
    assert r.status_code == 200, r.text
    body = r.json()
    validate(client, "AnalysisResult", body)
    turns = [m for m in body["moves"] if m["move"] == "turn"]
    assert len(turns) == 1
    # The kind's own measures come through, not only the declared common fields.
    assert turns[0]["rotations"] == 2.0 and turns[0]["direction"] == "clockwise" and turns[0]["kind"] == "pirouette"
    summary = {s["move"]: s for s in body["move_summary"]}
    assert summary["turn"]["count"] == 1 and summary["turn"]["rotations"] == 2.0
    assert summary["turn"]["text"] == "1 double pirouette clockwise"
    # The seed contract is still there, unchanged.
    assert {"duration_s", "pose_summary", "processed_frames", "total_frames", "segments"} <= set(body)


def test_a_jobs_result_carries_the_moves_too(client):
    clip = media("ballet_spin_1.mp4")
    created = client.post("/jobs", params={"sample_fps": "15"}, files={"file": (clip.name, clip.read_bytes())})
    assert created.status_code == 202, created.text
    job = poll_job(client, created.json()["id"], finished)
    assert job["status"] == "done", job
    validate(client, "JobView", job)
    assert isinstance(job["result"]["moves"], list) and "move_summary" in job["result"]
    assert job["result"]["moves"] and all({"move", "start_s", "end_s"} <= set(m) for m in job["result"]["moves"])

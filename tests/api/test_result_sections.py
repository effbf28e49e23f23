"""The docs declare the pose repetitions and the filming warnings a result carries."""

from __future__ import annotations


def test_the_docs_declare_pose_counts_with_their_reps_and_warnings_with_a_code_and_message(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for model in ("AnalysisResult", "PersonResult"):
        assert schemas[model]["properties"]["pose_counts"]["items"]["$ref"].endswith("/PoseRepetitions"), model
    assert schemas["AnalysisResult"]["properties"]["warnings"]["items"]["$ref"].endswith("/ResultWarning")
    assert set(schemas["PoseRepetitions"]["required"]) == {"pose", "count", "reps"}
    assert schemas["PoseRepetitions"]["properties"]["reps"]["items"]["$ref"].endswith("/Rep")
    assert set(schemas["Rep"]["required"]) == {"start_s", "end_s"}
    assert set(schemas["ResultWarning"]["required"]) == {"code", "message"}
    assert "out_of_view" in schemas["ResultWarning"]["properties"]["code"]["description"]

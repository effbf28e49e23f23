"""The OpenAPI description (what /docs shows) is complete, and real answers match it."""

from __future__ import annotations

import pytest

from tests.support.media import media
from tests.support.schema import validate

HIGH_KNEE = """
poses:
  - name: openapi_high_knee
    priority: 201
    description: One knee lifted high.
    when:
      one: {foot_lift: [0.3, null]}
"""


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/openapi.json").json()


def operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield f"{method.upper()} {path}", op


def test_every_operation_says_what_it_does_with_an_example(spec):
    for name, op in operations(spec):
        assert op.get("summary"), f"{name} has no summary"
        assert len(op.get("description", "")) > 60, f"{name} has no description"
        assert "Example: `curl" in op["description"], f"{name} has no example call"


def test_every_parameter_is_described(spec):
    missing = [
        f"{name} {p['name']}"
        for name, op in operations(spec)
        for p in op.get("parameters", [])
        if not p.get("description")
    ]
    assert missing == []


def test_every_json_answer_has_a_named_model(spec):
    untyped = []
    for name, op in operations(spec):
        for code, response in op["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None and "$ref" not in schema:
                untyped.append(f"{name} {code}")
    assert untyped == []


def test_the_result_sections_are_typed_not_free_form(spec):
    schemas = spec["components"]["schemas"]
    result = schemas["AnalysisResult"]["properties"]
    for section, model in {"movement": "Movement", "rhythm": "Rhythm", "sync": "Sync"}.items():
        refs = [s.get("$ref", "") for s in result[section].get("anyOf", [result[section]])]
        assert any(r.endswith(f"/{model}") for r in refs), section
    job_result = [s.get("$ref", "") for s in schemas["JobView"]["properties"]["result"]["anyOf"]]
    assert any(r.endswith("/AnalysisResult") for r in job_result) and any(
        r.endswith("/CompareResult") for r in job_result
    )
    # Figures say their scale: a reader of /docs learns what symmetry 72 means.
    assert "100" in schemas["Symmetry"]["properties"]["arms"]["description"]
    assert "80" in schemas["CompareResult"]["properties"]["similarity"]["description"]


def test_every_example_in_the_schema_matches_its_own_model(client, spec):
    checked = 0
    for name, schema in spec["components"]["schemas"].items():
        for example in schema.get("examples", []):
            validate(client, name, example)
            checked += 1
    assert checked >= 6


def test_the_pose_endpoints_answer_what_they_declare(client):
    validate(client, "PoseList", client.get("/poses").json())
    r = client.post("/poses", content=HIGH_KNEE, headers={"content-type": "application/yaml"})
    assert r.status_code == 201, r.text
    try:
        validate(client, "PoseList", r.json())
        assert "openapi_high_knee" in r.json()["custom"]
    finally:
        client.delete("/poses/openapi_high_knee")
    photo = media("squat_frame.png").read_bytes()
    r = client.post("/poses/learn", params={"name": "my_squat"}, files={"file": ("squat.png", photo)})
    assert r.status_code == 200, r.text
    validate(client, "LearnedPose", r.json())
    assert r.json()["definition"]["name"] == "my_squat" and len(r.json()["landmarks"]) == 33


@pytest.mark.slow
def test_a_result_with_movement_and_rhythm_answers_what_it_declares(client):
    r = client.post(
        "/analyze", params={"sample_fps": 5, "rhythm": "true"}, files={"file": media("dance_solo_1.mp4").open("rb")}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["movement"]["symmetry"] and "audio" in body["rhythm"]
    validate(client, "AnalysisResult", body)

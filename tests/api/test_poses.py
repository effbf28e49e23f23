"""Custom poses: upload a definition, learn one from an example, use it, remove it."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from dance_analyzer.features import compute_features
from dance_analyzer.labels.classify import label_frames
from dance_analyzer.labels.definitions import parse_definitions
from dance_analyzer.pose.estimator import PoseEstimator
from dance_analyzer.pose.extract import extract_landmarks
from tests.support.media import media, photos_video

HIGH_KNEE = """
poses:
  - name: high_knee
    priority: 200
    description: One knee lifted high.
    when:
      one: {foot_lift: [0.3, null]}
"""


# Four levels of nine-fold aliases: 350 bytes that expand 6,561-fold (every extra level x9).
ALIAS_BOMB = """
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
poses: [{name: bomb, priority: 301, description: *d, when: {torso_tilt: [0, 10]}}]
"""


@pytest.fixture
def clean_custom(client):
    yield
    for name in client.get("/poses").json()["custom"]:
        client.delete(f"/poses/{name}")


def test_upload_a_definition_then_use_and_remove_it(client, clean_custom):
    r = client.post("/poses", content=HIGH_KNEE, headers={"content-type": "application/yaml"})
    assert r.status_code == 201, r.text
    listed = client.get("/poses").json()
    assert "high_knee" in listed["custom"] and "high_knee" in [p["name"] for p in listed["poses"]]
    clip = media("one_leg_arms_up_1.mp4")
    body = client.post("/analyze", files={"file": (clip.name, clip.read_bytes())}, params={"sample_fps": 5}).json()
    assert "high_knee" in {p["pose"] for p in body["pose_summary"]}  # the new pose is in use
    assert client.delete("/poses/high_knee").status_code == 204
    assert client.delete("/poses/high_knee").status_code == 404
    assert client.delete("/poses/squat").status_code == 404  # built-in poses stay
    long_name = client.delete(f"/poses/{'z' * 3000}")  # no name is that long: refused, not echoed
    assert long_name.status_code == 400 and "at most 64 characters" in long_name.json()["error"]
    assert len(long_name.text) < 200


def test_the_listed_poses_say_which_are_known_by_their_examples(client):
    listed = {p["name"]: p for p in client.get("/poses").json()["poses"]}
    assert listed["side_bend"]["examples"] == {"neighbours": 7} and listed["side_bend"]["conditions"] == []
    assert listed["squat"].get("examples") is None and listed["squat"]["conditions"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("poses: [{name: x1, priority: 300, when: {elbow_angel: {both: [1, 2]}}}]", "unknown feature"),
        ("poses: [{name: x2, priority: 300, when: {torso_tilt: [50, 10]}}]", "empty range"),
        ("poses: [{name: x3, priority: 90, when: {torso_tilt: [0, 10]}}]", "priority 90"),
        ("poses: [{name: squat, priority: 301, when: {torso_tilt: [0, 10]}}]", "built-in"),
        ("poses: [unclosed", "not valid yaml"),
        ("", "at least one pose"),
        (ALIAS_BOMB, "aliases"),
        ("poses: " + "[" * 5000 + "]" * 5000, "nested deeper"),
        ('{"poses": ' + "[" * 5000 + "]" * 5000 + "}", "nested deeper"),
        ("poses: [{name: x5, priority: " + "9" * 5000 + ", when: {torso_tilt: [0, 10]}}]", "5000 digits"),
        ("poses: [{name: x6, priority: 302, examples: {neighbours: 7}}]", "labelled bodies of 'x6'"),
    ],
    ids=[
        "unknown_feature",
        "empty_range",
        "duplicate_priority",
        "builtin_name",
        "bad_yaml",
        "empty",
        "alias_bomb",
        "deep_yaml",
        "deep_json",
        "huge_number",
        "examples_unknown_to_the_bank",
    ],
)
def test_invalid_definitions_are_refused_with_the_place_of_the_problem(client, body, words):
    r = client.post("/poses", content=body, headers={"content-type": "application/yaml"})
    assert r.status_code == 400 and words in r.json()["error"].lower(), r.text
    assert client.get("/poses").json()["custom"] == []


@pytest.mark.slow
def test_a_learned_pose_recognises_its_example_and_rejects_different_frames(client, clean_custom):
    photo = media("tree_pose_one_leg.jpg")
    r = client.post("/poses/learn", params={"name": "my_tree"}, files={"file": (photo.name, photo.read_bytes())})
    assert r.status_code == 200, r.text
    learned = r.json()
    definition = learned["definition"]
    assert definition["name"] == "my_tree" and "knee_angle" in definition["when"]
    assert yaml.safe_load(learned["yaml"])["poses"][0] == definition  # reviewable as a file

    pose_set = parse_definitions({"poses": [definition]})
    with PoseEstimator() as estimator:
        import cv2

        image = cv2.cvtColor(cv2.imread(str(photo)), cv2.COLOR_BGR2RGB)
        example = estimator(np.ascontiguousarray(image))
        holds = label_frames(compute_features(example.image[None], example.world[None]), pose_set)
        assert holds[0, 0], "the learned pose must hold on its own example"
        for clip in ("squat_band_1.mp4", "taichi_solo_1.mp4"):
            track = extract_landmarks(media(clip), estimator, sample_fps=2)
            labels = label_frames(compute_features(track.image, track.world), pose_set)
            assert labels[:, 0].mean() < 0.05, clip

    # Saved after review, it is used by later analyses.
    assert client.post("/poses", json={"poses": [definition]}).status_code == 201
    assert "my_tree" in client.get("/poses").json()["custom"]


@pytest.mark.slow
def test_a_pose_learned_by_likeness_is_found_in_an_analysis_where_the_body_is_like_its_example(
    client, clean_custom, tmp_path
):
    tree, warrior = media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg")
    r = client.post(
        "/poses/learn", params={"name": "my_tree", "by": "likeness"}, files={"file": (tree.name, tree.read_bytes())}
    )
    assert r.status_code == 200, r.text
    definition = r.json()["definition"]
    assert "when" not in definition and len(definition["examples"]["bodies"]) == 1
    assert client.post("/poses", json={"poses": [definition]}).status_code == 201
    shown = {p["name"]: p for p in client.get("/poses").json()["poses"]}["my_tree"]
    assert shown["examples"]["bodies"] == definition["examples"]["bodies"]

    # A video of the tree for 10 frames, then a warrior for 10: the pose is the tree's alone.
    video = photos_video(tmp_path / "two.mp4", [tree, warrior], frames_each=10)
    r = client.post("/analyze", files={"file": (video.name, video.read_bytes())}, data={"detail": "segments"})
    assert r.status_code == 200, r.text
    found = {p["pose"]: p["frames_detected"] for p in r.json()["pose_summary"]}
    assert found.get("my_tree", 0) >= 8, found
    spans = [(s["start_s"], s["end_s"]) for s in r.json()["segments"] if s["pose"] == "my_tree"]
    assert spans and all(end <= 1.0 for _, end in spans), spans


@pytest.mark.slow
def test_a_pose_known_by_its_examples_is_taught_another_and_then_holds_on_both(client, clean_custom, tmp_path):
    tree, warrior = media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg")
    r = client.post("/poses/my_shape/examples", files={"file": (tree.name, tree.read_bytes())})
    assert r.status_code == 404 and "my_shape" in r.json()["error"]
    assert client.post("/poses", content=HIGH_KNEE, headers={"content-type": "application/yaml"}).status_code == 201
    r = client.post("/poses/high_knee/examples", files={"file": (tree.name, tree.read_bytes())})
    assert r.status_code == 400 and "by=likeness" in r.json()["error"]

    learned = client.post(
        "/poses/learn", params={"name": "my_shape", "by": "likeness"}, files={"file": (tree.name, tree.read_bytes())}
    ).json()["definition"]
    assert client.post("/poses", json={"poses": [learned]}).status_code == 201
    r = client.post("/poses/my_shape/examples", files={"file": (warrior.name, warrior.read_bytes())})
    assert r.status_code == 201, r.text
    shape = {p["name"]: p for p in r.json()["poses"]}["my_shape"]
    assert len(shape["examples"]["bodies"]) == 2 and shape["examples"]["bodies"][0] == learned["examples"]["bodies"][0]

    video = photos_video(tmp_path / "two.mp4", [tree, warrior], frames_each=10)
    r = client.post("/analyze", files={"file": (video.name, video.read_bytes())})
    assert {p["pose"]: p["frames_detected"] for p in r.json()["pose_summary"]}.get("my_shape", 0) >= 18


def test_learning_needs_a_person_and_a_proper_name(client, make_video, tmp_path):
    grey = make_video().read_bytes()
    r = client.post("/poses/learn", params={"name": "nobody"}, files={"file": ("a.mp4", grey)})
    assert r.status_code == 422 and "no person" in r.json()["error"].lower()
    r = client.post("/poses/learn", params={"name": "../x"}, files={"file": ("a.mp4", grey)})
    assert r.status_code == 400
    r = client.post("/poses/learn", params={"name": "t"}, files={"file": ("a.txt", b"hello")})
    assert r.status_code == 415
    r = client.post("/poses/learn", params={"name": "t", "by": "guess"}, files={"file": ("a.mp4", grey)})
    assert r.status_code == 400 and "by" in r.json()["error"], r.text

"""Tenants: each API key sees and touches only its own jobs, results, overlays and custom poses;
an admin key sees all; keys live in a file that is re-read when it changes (rotation without
a restart)."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings
from tests.support.media import media
from tests.support.processes import poll_job, wait_for

ALICE, BOB, OPS = {"X-API-Key": "alice-key"}, {"X-API-Key": "bob-key"}, {"X-API-Key": "ops-key"}


def _write_keys(path, text):
    path.write_text(text)
    later = time.time() + 5  # a new mtime even on file systems with coarse timestamps
    os.utime(path, (later, later))


@pytest.fixture(scope="module")
def keys_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keys.yaml"
    bob_hash = hashlib.sha256(b"bob-key").hexdigest()
    _write_keys(
        path,
        "keys:\n"
        "  - {name: alice, key: alice-key}\n"
        f"  - {{name: bob, sha256: {bob_hash}}}\n"
        "  - {name: ops, key: ops-key, admin: true}\n",
    )
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory, keys_file):
    tmp = tmp_path_factory.mktemp("tenants")
    settings = Settings(workers=1, data_dir=tmp / "data", api_keys="legacy:legacy-key", api_keys_file=keys_file)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _submit(app, headers):
    clip = media("squat_band_1.mp4").read_bytes()
    r = app.post("/jobs", headers=headers, params={"sample_fps": 1, "overlay": True}, files={"file": ("s.mp4", clip)})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def test_a_key_sees_only_its_own_jobs_and_an_admin_sees_all(app):
    mine = _submit(app, ALICE)
    theirs = _submit(app, BOB)
    done = poll_job(_as(app, ALICE), mine, lambda j: j["status"] == "done")
    assert done["result"]["pose_summary"]
    poll_job(_as(app, BOB), theirs, lambda j: j["status"] == "done")
    # Another key's job is answered exactly like one that does not exist.
    for path in (f"/jobs/{mine}", f"/jobs/{mine}/overlay.mp4"):
        r = app.get(path, headers=BOB)
        assert r.status_code == 404 and mine in r.json()["error"], path
    assert app.delete(f"/jobs/{mine}", headers=BOB).status_code == 404
    assert app.get(f"/jobs/{mine}/overlay.mp4", headers=ALICE).status_code == 200
    assert {j["id"] for j in app.get("/jobs", headers=ALICE).json()["jobs"]} == {mine}
    assert {j["id"] for j in app.get("/jobs", headers=BOB).json()["jobs"]} == {theirs}
    assert {mine, theirs} <= {j["id"] for j in app.get("/jobs", headers=OPS).json()["jobs"]}
    assert app.get(f"/jobs/{mine}", headers=OPS).json()["status"] == "done"
    assert app.delete(f"/jobs/{mine}", headers=ALICE).status_code == 204
    assert app.delete(f"/jobs/{theirs}", headers=OPS).status_code == 204  # an admin can clean up


def test_custom_poses_belong_to_the_key_that_added_them(app):
    pose = "poses:\n  - {name: alices_plie, priority: 500, when: {knee_angle: {both: [90, 150]}}}\n"
    r = app.post("/poses", headers={**ALICE, "Content-Type": "application/yaml"}, content=pose)
    assert r.status_code == 201, r.text
    assert "alices_plie" in app.get("/poses", headers=ALICE).json()["custom"]
    bobs = app.get("/poses", headers=BOB).json()
    assert "alices_plie" not in bobs["custom"] and "alices_plie" not in [p["name"] for p in bobs["poses"]]
    assert app.delete("/poses/alices_plie", headers=BOB).status_code == 404
    # Bob may use the same name for his own pose.
    r = app.post("/poses", headers={**BOB, "Content-Type": "application/yaml"}, content=pose)
    assert r.status_code == 201, r.text
    assert app.delete("/poses/alices_plie", headers=ALICE).status_code == 204
    assert "alices_plie" in app.get("/poses", headers=BOB).json()["custom"]


def test_keys_are_added_and_rotated_by_editing_the_file_without_a_restart(app, keys_file):
    assert app.get("/jobs", headers={"X-API-Key": "carol-key"}).status_code == 401
    assert app.get("/jobs", headers={"X-API-Key": "legacy-key"}).status_code == 200  # DANCE_API_KEYS still count
    original = keys_file.read_text()
    _write_keys(
        keys_file,
        original.replace("{name: alice, key: alice-key}", "{name: alice, key: alice-new-key}")
        + "  - {name: carol, key: carol-key}\n",
    )
    try:
        wait_for(lambda: app.get("/jobs", headers={"X-API-Key": "carol-key"}).status_code == 200, 10, "carol's key")
        assert app.get("/jobs", headers=ALICE).status_code == 401  # the old key no longer works
        assert app.get("/jobs", headers={"X-API-Key": "alice-new-key"}).status_code == 200
        _write_keys(keys_file, "keys: [not a mapping\n")  # a broken edit keeps the last good keys
        time.sleep(1.5)
        assert app.get("/jobs", headers={"X-API-Key": "carol-key"}).status_code == 200
    finally:
        _write_keys(keys_file, original)
        wait_for(lambda: app.get("/jobs", headers=ALICE).status_code == 200, 10, "the original keys")


def _as(app, headers):
    class Client:
        def get(self, path):
            return app.get(path, headers=headers)

    return Client()

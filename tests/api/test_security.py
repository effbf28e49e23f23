"""Access control, CORS, request ids, logs, metrics and the analysis time limit, on the real app."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings
from dance_analyzer.logs import REQUEST_ID, JsonFormatter
from tests.support.media import long_video, media
from tests.support.processes import server


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    """An app with keys, one allowed origin and a short analysis time limit."""
    tmp = tmp_path_factory.mktemp("locked")
    settings = Settings(
        workers=2,
        data_dir=tmp / "data",
        api_keys="key-one, key-two",
        cors_origins="https://ok.example",
        analysis_time_limit_s=4,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_api_calls_need_a_valid_key_when_keys_are_set(locked):
    for headers in ({}, {"X-API-Key": "nope"}, {"Authorization": "Bearer key-one-but-longer"}, {"X-API-Key": ""}):
        r = locked.post("/analyze", headers=headers)
        assert r.status_code == 401 and "api key" in r.json()["error"].lower()
        assert r.headers["www-authenticate"] == "Bearer"
    assert locked.get("/jobs").status_code == 401 and locked.get("/metrics").status_code == 401
    # Past the check: the seed's own 400 for a request without a file.
    assert locked.post("/analyze", headers={"X-API-Key": "key-two"}).json() == {"error": "No file part in the request"}
    assert locked.get("/jobs", headers={"Authorization": "Bearer key-one"}).status_code == 200
    # Open without a key: the page, its files, liveness and the API description.
    for path in ("/", "/static/app.js", "/health", "/openapi.json", "/docs"):
        assert locked.get(path).status_code == 200, path


def test_no_keys_configured_means_open(client):
    assert client.post("/analyze").json() == {"error": "No file part in the request"}


def test_cors_is_closed_by_default_and_open_only_to_listed_origins(client, locked):
    preflight = {"Origin": "https://ok.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/analyze", headers=preflight).headers
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": "https://ok.example"}).headers
    allowed = locked.options("/analyze", headers=preflight)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://ok.example"
    other = locked.options("/analyze", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_every_response_carries_a_request_id(client):
    generated = client.get("/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    hostile = client.get("/health", headers={"X-Request-ID": "x" * 500 + "\n{injected}"}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", hostile)


def test_log_lines_are_json_with_the_request_id():
    token = REQUEST_ID.set("req-42")
    try:
        record = logging.LogRecord("dance_analyzer.http", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "GET /x" and line["request_id"] == "req-42" and line["status"] == 200
    assert line["level"] == "info" and line["time"].endswith("Z")


def test_a_real_server_logs_each_request_as_one_json_line(tmp_path):
    log = tmp_path / "server.log"
    with server({"DANCE_DATA_DIR": str(tmp_path / "data"), "DANCE_WORKERS": "1"}, log) as api:
        assert api.post("/analyze", headers={"X-Request-ID": "trace-me-7"}).status_code == 400
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    mine = [e for e in entries if e.get("request_id") == "trace-me-7"]
    assert any(e["path"] == "/analyze" and e["status"] == 400 and e["duration_ms"] >= 0 for e in mine), mine


def test_metrics_count_requests_frames_errors_and_queue(client):
    clip = media("squat_band_1.mp4")
    assert (
        client.post("/analyze", files={"file": (clip.name, clip.read_bytes())}, params={"sample_fps": 1}).status_code
        == 200
    )
    assert client.post("/analyze", files={"file": ("x.mp4", b"not a video" * 100)}).status_code == 415
    text = client.get("/metrics").text

    def value(pattern: str) -> float:
        match = re.search(pattern + r" ([0-9.e+]+)", text)
        assert match, pattern
        return float(match.group(1))

    assert value(r"dance_frames_analysed_total") >= 13
    assert value(r'dance_http_requests_total\{method="POST",route="/analyze",status="200"\}') >= 1
    assert value(r'dance_errors_total\{kind="NotAVideo"\}') >= 1
    assert value(r"dance_jobs_queued") == 0
    assert 'dance_http_request_duration_seconds_bucket{le="0.01",route="/health"}' in text or "route=" in text


def test_an_analysis_over_the_time_limit_is_stopped_and_the_pool_carries_on(locked, tmp_path):
    # Five minutes of video: a minute of work even on a machine twice as fast as this one,
    # so it cannot finish within the 4 s limit however fast the machine is.
    video = long_video(tmp_path / "long.mp4", 9000)
    started = time.monotonic()
    r = locked.post("/analyze", headers={"X-API-Key": "key-one"}, files={"file": ("long.mp4", video.read_bytes())})
    assert r.status_code == 413 and "longer than the limit of 4 s" in r.json()["error"]
    # Stopped at the limit (plus a frame and the upload), not after the minute the whole needs.
    assert time.monotonic() - started < 4 + 10
    quick = media("squat_band_1.mp4")  # a few frames: the workers stopped the long one at once
    r = locked.post(
        "/analyze",
        headers={"X-API-Key": "key-one"},
        params={"sample_fps": 0.5},
        files={"file": (quick.name, quick.read_bytes())},
    )
    assert r.status_code == 200, r.text

"""Headers every answer carries (browser hardening) and OPTIONS, on the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings

HARDENING = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    """Keys required; CORS open to one origin."""
    settings = Settings(
        workers=1, data_dir=tmp_path_factory.mktemp("locked"), api_keys="key-one", cors_origins="https://ok.example"
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/static/app.js", 200),
        ("GET", "/health", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/nowhere", 404),
        ("POST", "/analyze", 400),
        ("GET", "/analyze", 405),
        ("OPTIONS", "/analyze", 204),
    ],
)
def test_every_answer_carries_the_hardening_headers(client, method, path, status):
    r = client.request(method, path)
    assert r.status_code == status
    assert {k: r.headers.get(k) for k in HARDENING} == HARDENING
    policy = directives(r.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_refusals_before_the_app_carry_them_too(locked):
    r = locked.get("/jobs")
    assert r.status_code == 401 and r.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in r.headers


def test_the_pages_policy_allows_only_what_the_page_loads(client):
    policy = directives(client.get("/").headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]  # scripts, styles and API calls: this server only
    assert "script-src" not in policy and "style-src" not in policy  # no inline code
    assert policy["media-src"] == ["'self'", "blob:"]  # the annotated video, or the chosen files


def test_the_api_docs_load_their_viewer_from_this_server_only(client):
    policy = directives(client.get("/docs").headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("http" in source for sources in policy.values() for source in sources)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/analyze", "OPTIONS, POST"),
        ("/jobs", "GET, OPTIONS, POST"),
        ("/jobs/abc", "DELETE, GET, OPTIONS"),
        ("/poses/squat", "DELETE, OPTIONS"),
        ("/static/app.js", "GET, HEAD, OPTIONS"),
        ("/", "GET, OPTIONS"),
    ],
)
def test_options_says_which_methods_a_path_takes_without_a_key(locked, path, allowed):
    r = locked.options(path)
    assert r.status_code == 204 and r.headers["allow"] == allowed, r.text


def test_options_on_no_route_is_a_404(locked):
    r = locked.options("/nowhere")
    assert r.status_code == 404 and "error" in r.json()


def test_a_wrong_method_is_a_405_that_names_the_right_ones(client):
    r = client.get("/analyze")
    assert r.status_code == 405 and r.headers["allow"] == "OPTIONS, POST" and "error" in r.json()
    assert client.put("/jobs/abc").headers["allow"] == "DELETE, GET, OPTIONS"


def test_a_cors_preflight_is_still_answered_by_cors(locked):
    preflight = {"Origin": "https://ok.example", "Access-Control-Request-Method": "POST"}
    r = locked.options("/analyze", headers=preflight)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://ok.example"

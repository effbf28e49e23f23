"""Per-key rate limits and clients that go away mid-request, on the real app."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings


def make_client(tmp_path, **overrides) -> TestClient:
    return TestClient(create_app(Settings(workers=1, data_dir=tmp_path, **overrides)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """Two keys, each allowed two calls a minute: a token back every 30 s, far longer than the test."""
    with make_client(tmp_path_factory.mktemp("limited"), api_keys="key-a,key-b", rate_limit_per_minute=2) as client:
        yield client


def test_each_key_has_its_own_allowance_then_a_429_with_retry_after(limited):
    a, b = {"X-API-Key": "key-a"}, {"X-API-Key": "key-b"}
    assert [limited.get("/jobs", headers=a).status_code for _ in range(2)] == [200, 200]
    refused = limited.get("/jobs", headers=a)
    assert refused.status_code == 429 and "2 a minute" in refused.json()["error"]
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    assert limited.get("/jobs", headers=b).status_code == 200  # another key is not held back
    # What needs no key costs nothing: the page, liveness, OPTIONS.
    assert all(limited.get(path).status_code == 200 for path in ("/health", "/", "/health", "/"))
    assert limited.options("/jobs").status_code == 204


def test_without_keys_each_client_address_has_an_allowance(tmp_path):
    with make_client(tmp_path, rate_limit_per_minute=1) as client:
        assert client.get("/jobs").status_code == 200
        assert client.get("/jobs").status_code == 429


def test_no_limit_by_default(client):
    assert Settings().rate_limit_per_minute == 0
    assert all(client.get("/jobs").status_code == 200 for _ in range(50))


def internal_errors(client) -> float:
    match = re.search(r'dance_errors_total\{kind="internal"\} ([0-9.e+]+)', client.get("/metrics").text)
    return float(match.group(1)) if match else 0.0


def test_a_client_gone_mid_upload_is_logged_as_such_not_as_a_server_error(client, caplog):
    """The app as the server drives it: part of a multipart body, then the disconnect."""
    before = internal_errors(client)
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nthe first bytes'
    messages = iter([{"type": "http.request", "body": body, "more_body": True}, {"type": "http.disconnect"}])
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/analyze",
        "raw_path": b"/analyze",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"multipart/form-data; boundary=b"), (b"x-request-id", b"gone-away-1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 5000),
        "state": {},
    }
    with caplog.at_level(logging.INFO):
        asyncio.run(client.app(scope, receive, send))
    assert sent[0]["status"] == 499  # nginx's "client closed request": nobody reads it
    lines = [r for r in caplog.records if getattr(r, "path", None) == "/analyze" and getattr(r, "status", 0) == 499]
    assert lines and not any(r.levelno >= logging.ERROR or r.exc_info for r in caplog.records)
    assert any("disconnected" in r.getMessage() for r in caplog.records)
    assert internal_errors(client) == before

"""The server process as clients meet it: slow, stalled, departing and too many of them.

Real ``dance-analyzer serve`` processes, spoken to over raw sockets, because these are
the server's behaviours, not the app's. Timeouts are a few seconds; every wait for the
server is generous (a minute), and no outcome depends on how fast this machine is.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.processes import server, wait_for

TIMEOUT_S = 3  # header and body timeouts of the `quick` server
PATIENCE_S = 60  # how long a test waits for the server to act


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("quick")
    env = {
        "TMPDIR": str(tmp / "system-temp"),  # the server's own "system" temp dir, to see what lands there
        "DANCE_DATA_DIR": str(tmp / "data"),
        "DANCE_WORKERS": "1",
        "DANCE_HEADER_TIMEOUT_S": str(TIMEOUT_S),
        "DANCE_BODY_TIMEOUT_S": str(TIMEOUT_S),
    }
    (tmp / "system-temp").mkdir()
    with server(env, tmp / "server.log") as api:
        api.log = tmp / "server.log"  # type: ignore[attr-defined]
        api.dirs = [tmp / "data", tmp / "system-temp"]  # type: ignore[attr-defined]
        yield api


def connect(api: httpx.Client) -> socket.socket:
    url = urlsplit(str(api.base_url))
    sock = socket.create_connection((url.hostname, url.port), timeout=PATIENCE_S)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a socket timeout fails the test)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def upload_head(request_id: str, length: int = 1_000_000) -> bytes:
    return (
        f"POST /analyze HTTP/1.1\r\nHost: test\r\nX-Request-ID: {request_id}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {length}\r\n\r\n"
        '--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
    ).encode()


def staged_uploads(api: httpx.Client) -> list:
    return [p.name for directory in api.dirs for p in directory.rglob("upload-*")]  # type: ignore[attr-defined]


def log_entries(api: httpx.Client, request_id: str) -> list[dict]:
    lines = api.log.read_text().splitlines()  # type: ignore[attr-defined]
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    return [e for e in entries if e.get("request_id") == request_id]


def errors_of_kind(api: httpx.Client, kind: str) -> float:
    match = re.search(rf'dance_errors_total\{{kind="{kind}"\}} ([0-9.e+]+)', api.get("/metrics").text)
    return float(match.group(1)) if match else 0.0


def test_a_body_that_stops_arriving_is_answered_408_and_its_file_deleted(quick):
    with connect(quick) as sock:
        sock.sendall(upload_head("stalled-body") + b"the first bytes of a video")
        wait_for(lambda: staged_uploads(quick), PATIENCE_S, "the upload to be staged")
        status, headers, body = parse(read_until_closed(sock))  # then nothing more is sent
    assert status == 408 and "stopped arriving" in json.loads(body)["error"]
    assert headers["connection"] == "close" and headers["x-content-type-options"] == "nosniff"
    assert staged_uploads(quick) == []


def test_a_body_that_keeps_coming_slowly_is_not_cut_off(quick):
    """Small pieces well inside the timeout, for twice as long as it: read to the end."""
    parts = [b"--b\r\nContent-Disposition: form-data; name=note\r\n\r\n"] + [b"x"] * 60 + [b"\r\n--b--\r\n"]
    head = (
        "POST /analyze HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {sum(map(len, parts))}\r\nConnection: close\r\n\r\n"
    )
    with connect(quick) as sock:
        sock.sendall(head.encode())
        for part in parts:
            sock.sendall(part)
            time.sleep(2 * TIMEOUT_S / len(parts))
        status, _, body = parse(read_until_closed(sock))
    assert (status, json.loads(body)) == (400, {"error": "No file part in the request"})


def test_a_client_that_leaves_mid_upload_is_logged_as_gone_not_as_a_server_error(quick):
    internal = errors_of_kind(quick, "internal")
    with connect(quick) as sock:
        sock.sendall(upload_head("left-early") + b"the first bytes of a video")
        wait_for(lambda: staged_uploads(quick), PATIENCE_S, "the upload to be staged")
    entries = wait_for(lambda: log_entries(quick, "left-early"), PATIENCE_S, "the request's log line")
    assert [e["status"] for e in entries if e.get("path") == "/analyze"] == [499]
    assert not any(e["level"] == "error" or "exception" in e for e in entries)
    assert errors_of_kind(quick, "internal") == internal and errors_of_kind(quick, "client_disconnected") >= 1
    wait_for(lambda: not staged_uploads(quick), PATIENCE_S, "the staged upload to be deleted")

"""The server process as clients meet it: slow, stalled, departing and too many of them.

Real ``dance-analyzer serve`` processes, spoken to over raw sockets, because these are
the server's behaviours, not the app's. Timeouts are a few seconds; every wait for the
server is generous (a minute), and no outcome depends on how fast this machine is.
"""

from __future__ import annotations

import json
import re
import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.media import long_video, write_video
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
        "DANCE_MAX_UPLOAD_MB": "1",
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


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One answer with a Content-Length, the connection left as the server leaves it."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536) or pytest.fail(f"closed before an answer: {data!r}")
    status, headers, body = parse(data)
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return status, headers, body


def closed_by_server(sock: socket.socket, keep_sending: bytes = b"") -> bool:
    """Whether the server closes the connection within PATIENCE_S (sending ``keep_sending``
    every 0.2 s meanwhile, as a client dripping a body would)."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        try:
            if keep_sending:
                sock.sendall(keep_sending)
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:  # reset or broken pipe: closed
            return True
    return False


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
        status, headers, body = read_response(sock)  # then nothing more is sent
        assert closed_by_server(sock)
    assert status == 408 and "stopped arriving" in json.loads(body)["error"]
    assert headers["x-content-type-options"] == "nosniff"
    assert staged_uploads(quick) == []


def trickle(sock: socket.socket, parts: list[bytes], seconds: float) -> None:
    """Send ``parts`` evenly over ``seconds``, stopping early if the server answers."""
    for part in parts:
        if select.select([sock], [], [], seconds / len(parts))[0]:
            return
        sock.sendall(part)


def note_upload(parts: list[bytes]) -> tuple[bytes, list[bytes]]:
    """A multipart body with a text field only, in ``parts``: the head to send first, then the parts."""
    parts = [b"--b\r\nContent-Disposition: form-data; name=note\r\n\r\n", *parts, b"\r\n--b--\r\n"]
    head = (
        "POST /analyze HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {sum(map(len, parts))}\r\nConnection: close\r\n\r\n"
    )
    return head.encode(), parts


def test_a_body_that_keeps_coming_slowly_is_not_cut_off(quick):
    """Pieces well inside the timeout, at 20 times the minimum rate, for twice the timeout."""
    head, parts = note_upload([b"x" * 2048] * 60)
    with connect(quick) as sock:
        sock.sendall(head)
        trickle(sock, parts, 2 * TIMEOUT_S)
        status, _, body = parse(read_until_closed(sock))
    assert (status, json.loads(body)) == (400, {"error": "No file part in the request"})


def test_a_body_dripped_below_the_minimum_rate_is_cut_off_though_it_never_stops(quick):
    """A byte every 0.1 s for a minute: never a pause as long as the timeout, but 10 bytes/s
    against 1 KB/s. (Read to the end, it would be a 400 for its missing file.)"""
    head, parts = note_upload([b"x"] * 600)
    with connect(quick) as sock:
        sock.sendall(head)
        trickle(sock, parts, PATIENCE_S)
        status, _, body = read_response(sock)
        assert closed_by_server(sock, keep_sending=b"x")
    assert status == 408 and "too slowly: under 1 KB/s" in json.loads(body)["error"]


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


def analyses_in_progress(api: httpx.Client) -> float:
    match = re.search(r"^dance_analyses_in_progress ([0-9.e+]+)$", api.get("/metrics").text, re.MULTILINE)
    assert match is not None
    return float(match.group(1))


def test_an_analysis_whose_client_hung_up_stops_and_frees_the_workers(quick, tmp_path):
    """Thousands of frames with nobody in them (a model run each, however fast the machine):
    the client sends them all, waits for the analysis to start, and leaves. The analysis
    stops (logged 499, not 200 to a closed socket) and the next request is served."""
    video = long_video(tmp_path / "long.mp4", frames=6000).read_bytes()
    preamble = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
    closing = b"\r\n--b--\r\n"
    with connect(quick) as sock:
        sock.sendall(upload_head("hung-up", len(preamble) + len(video) + len(closing)) + video + closing)
        wait_for(lambda: analyses_in_progress(quick) == 1, PATIENCE_S, "the analysis to start")
    entries = wait_for(lambda: log_entries(quick, "hung-up"), PATIENCE_S, "the request's log line")
    assert [e["status"] for e in entries if e.get("path") == "/analyze"] == [499]
    wait_for(lambda: analyses_in_progress(quick) == 0, PATIENCE_S, "the analysis to stop")
    small = write_video(tmp_path / "small.mp4", frames=5)
    assert quick.post("/analyze", files={"file": ("small.mp4", small.read_bytes())}).status_code == 200


def test_headers_that_do_not_arrive_in_time_are_answered_408_and_the_connection_closed(quick):
    with connect(quick) as idle, connect(quick) as partial:
        partial.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: ")
        for sock in (idle, partial):
            status, headers, body = parse(read_until_closed(sock))
            assert status == 408 and "headers" in json.loads(body)["error"]
            assert headers["connection"] == "close" and headers["x-frame-options"] == "DENY"
    assert quick.get("/health").status_code == 200


def test_a_keep_alive_connection_may_wait_for_its_next_request(quick):
    with connect(quick) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        assert read_response(sock)[0] == 200
        time.sleep(TIMEOUT_S + 1)  # idle between requests: the keep-alive timeout's business (30 s)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        assert read_response(sock)[0] == 200


def test_answered_before_its_body_was_read_the_connection_is_closed_however_the_client_drips(quick):
    with connect(quick) as sock:
        sock.sendall(upload_head("too-big", length=10**10))  # over the upload limit: refused unread
        status, headers, _ = read_response(sock)
        assert status == 413
        assert closed_by_server(sock, keep_sending=b"x")


def test_a_client_sending_more_than_the_limit_still_reads_the_413(quick):
    """Refused mid-stream, the connection is closed only once the rest has been read and
    dropped: closing at once would reset it under the sender, who might then see no answer."""

    def three_megabytes() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n\r\n'
        for _ in range(48):
            yield b"x" * 65536
        yield b"\r\n--b--\r\n"

    headers = {"content-type": "multipart/form-data; boundary=b"}
    r = quick.post("/analyze", content=three_megabytes(), headers=headers)
    assert r.status_code == 413 and "upload limit" in r.json()["error"]


def test_what_is_not_http_gets_a_json_400(quick):
    with connect(quick) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        status, headers, body = parse(read_until_closed(sock))
    assert status == 400 and "error" in json.loads(body) and headers["content-type"] == "application/json"


CAP = 4


@pytest.fixture(scope="module")
def capped(tmp_path_factory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("capped")
    env = {"DANCE_DATA_DIR": str(tmp / "data"), "DANCE_WORKERS": "1", "DANCE_MAX_CONNECTIONS": str(CAP)}
    with server(env, tmp / "server.log") as api:
        yield api


def test_connections_over_the_cap_are_refused_at_once_and_the_others_served(capped):
    """Each connection proves it is counted by getting an answer and staying open (keep-alive);
    the test's own client may hold one more, so the cap is reached after CAP or CAP - 1."""
    held: list[socket.socket] = []
    try:
        while len(held) <= CAP:
            sock = connect(capped)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
            status, headers, body = read_response(sock)
            if status != 200:
                break
            held.append(sock)
        assert len(held) in (CAP - 1, CAP)
        assert status == 503 and "connections" in json.loads(body)["error"] and headers["retry-after"]
        assert closed_by_server(sock)
        sock.close()
        held.pop().close()  # one place free again: served as soon as the server sees it go

        def served() -> bool:
            with connect(capped) as fresh:
                fresh.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                return read_response(fresh)[0] == 200

        wait_for(served, PATIENCE_S, "a new connection to be served")
    finally:
        for sock in held:
            sock.close()

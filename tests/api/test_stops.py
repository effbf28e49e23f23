"""However the server stops, it leaves nothing behind in the system's temp dir, and what a
killed server left in its own temp dir is gone once it starts again.

The server runs with TMPDIR pointing at a directory of the test's own, so that anything
it (or a library, or its worker processes) puts in "the system temp dir" is seen.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.support.media import REPO
from tests.support.processes import free_port, kill_group, server, wait_for

UPLOAD_START = (
    b"POST /analyze HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
    b"Content-Length: 1000000\r\n\r\n"
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nthe first bytes'
)


def everything_in(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")) if directory.exists() else []


def test_no_stop_leaves_files_in_the_system_temp_dir_and_a_restart_clears_its_own(tmp_path):
    system_temp, data = tmp_path / "system-temp", tmp_path / "data"
    system_temp.mkdir()
    env = {"TMPDIR": str(system_temp), "DANCE_DATA_DIR": str(data), "DANCE_WORKERS": "1"}
    log = tmp_path / "server.log"

    with server(env, log) as api:  # killed outright in the middle of an upload
        url = urlsplit(str(api.base_url))
        with socket.create_connection((url.hostname, url.port), timeout=60) as upload:
            upload.sendall(UPLOAD_START)
            wait_for(lambda: list(tmp_path.rglob("upload-*")), 60, "the upload to be staged")
            kill_group(api.process)  # type: ignore[attr-defined]
            api.process.wait(timeout=60)  # type: ignore[attr-defined]
    assert everything_in(system_temp) == []
    left = everything_in(data / "tmp")
    assert any(name.startswith("upload-") for name in left), left  # the killed server's, in its own place

    with server(env, log) as api:  # started again: that is cleared; then stopped normally (SIGTERM)
        assert not [name for name in everything_in(data / "tmp") if "upload-" in name or name in left]
        assert api.get("/health").status_code == 200
    assert everything_in(system_temp) == []
    assert everything_in(data / "tmp") == []
    assert "leaked semaphore" not in log.read_text()


def container_command() -> list[str]:
    """The Dockerfile's CMD, as the image runs it."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert match, "no CMD in the Dockerfile"
    return json.loads(match.group(1))


def test_the_containers_server_is_guarded_and_stops_as_cleanly(tmp_path):
    """gunicorn with the image's command line: the same header timeout, the same clean stop."""
    system_temp, data = tmp_path / "system-temp", tmp_path / "data"
    system_temp.mkdir()
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), *container_command()[1:]]
    command[command.index("0.0.0.0:5000")] = f"127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DANCE_")},
        "TMPDIR": str(system_temp),
        "DANCE_DATA_DIR": str(data),
        "DANCE_WORKERS": "1",
        "DANCE_HEADER_TIMEOUT_S": "2",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as api:

            def healthy() -> bool:
                assert process.poll() is None, log.read_text()[-3000:]
                try:
                    return api.get("/health").status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(healthy, 120, "gunicorn to start")
        with socket.create_connection(("127.0.0.1", port), timeout=60) as slow:
            slow.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n")
            answer = b""
            while chunk := slow.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ")
    finally:
        kill_group(process, signal.SIGTERM)
        process.wait(timeout=60)
    assert everything_in(system_temp) == []
    assert everything_in(data / "tmp") == []
    assert "leaked semaphore" not in log.read_text()

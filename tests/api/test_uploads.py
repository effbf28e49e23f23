"""Receiving multipart uploads straight to disk, on a bare app: no pool, just the parser."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from dance_analyzer.api.errors import install_error_handlers
from dance_analyzer.api.uploads import MAX_PARTS, clean_filename, receive_video_upload, receive_video_uploads

LIMIT = 64 * 1024


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def uploads(staging: Path) -> Iterator[TestClient]:
    """An app that stages uploads into ``staging`` and reports what it staged, then deletes it."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/one")
    async def one(request: Request) -> dict:
        with await receive_video_upload(request, upload_dir=staging, max_bytes=LIMIT) as upload:
            return {"name": upload.filename, "size": upload.size, "bytes": upload.path.read_bytes().decode()}

    @app.post("/two")
    async def two(request: Request) -> dict:
        staged = await receive_video_uploads(
            request, upload_dir=staging, max_bytes=LIMIT, wanted={"reference": "reference", "attempt": "attempt"}
        )
        with staged["reference"] as reference, staged["attempt"] as attempt:
            return {"reference": reference.filename, "attempt": attempt.filename}

    with TestClient(app) as client:
        yield client
    assert list(staging.iterdir()) == [], "a staged upload was left behind"


@pytest.mark.parametrize("field", ["file", "video"])
def test_the_file_is_staged_whole_under_either_field_name(uploads, field):
    r = uploads.post("/one", files={field: ("../../etc/clip.mp4", b"frames")})
    assert r.json() == {"name": "clip.mp4", "size": 6, "bytes": "frames"}


def test_several_wanted_files_each_fill_their_slot_and_a_missing_one_is_named(uploads):
    both = uploads.post("/two", files={"reference": ("a.mp4", b"1"), "attempt": ("b.mp4", b"2")})
    assert both.json() == {"reference": "a.mp4", "attempt": "b.mp4"}
    r = uploads.post("/two", files={"reference": ("a.mp4", b"1")})
    assert r.status_code == 400 and r.json() == {"error": "No file part 'attempt'"}


def test_no_multipart_body_or_no_file_part_is_the_seed_error(uploads):
    for r in (uploads.post("/one"), uploads.post("/one", data={"note": "hi"}, files={"other": ("x", b"1")})):
        assert r.status_code == 400 and r.json() == {"error": "No file part in the request"}


def test_an_empty_file_or_an_empty_filename_is_refused(uploads):
    assert "empty" in uploads.post("/one", files={"file": ("a.mp4", b"")}).json()["error"]
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename=""\r\n\r\nabc\r\n--b--\r\n'
    r = uploads.post("/one", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400 and "empty filename" in r.json()["error"]


def test_an_upload_over_the_limit_is_refused_while_it_streams(uploads):
    def chunks() -> Iterator[bytes]:  # no Content-Length: only the stream itself tells
        yield b"--b\r\nContent-Disposition: form-data; name=file; filename=big.mp4\r\n\r\n"
        for _ in range(LIMIT // 1024 + 8):
            yield b"x" * 1024
        yield b"\r\n--b--\r\n"

    r = uploads.post("/one", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and "upload limit" in r.json()["error"]
    declared = uploads.post("/one", files={"file": ("big.mp4", b"x" * (2 * LIMIT + 65536))})
    assert declared.status_code == 413


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, the kernel's always-full device")
def test_a_full_disk_is_a_507_and_leaves_nothing_behind(uploads, monkeypatch):
    """Each staged file is created where it should be, but written to /dev/full, where every
    write fails as on a full disk (ENOSPC, from the kernel)."""
    create = tempfile.mkstemp

    def on_a_full_disk(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, path = create(*args, **kwargs)  # type: ignore[call-overload]
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), path

    monkeypatch.setattr(tempfile, "mkstemp", on_a_full_disk)
    for size in (10, 60_000):  # buffered until the file is closed, or written at once
        r = uploads.post("/one", files={"file": ("a.mp4", b"x" * size)})
        assert (r.status_code, r.json()) == (
            507,
            {"error": "The server has no room left to store the upload; try again later"},
        )


def test_a_body_cut_off_inside_the_file_is_refused(uploads):
    body = b"--b\r\nContent-Disposition: form-data; name=file; filename=a.mp4\r\n\r\nhalf a vid"
    r = uploads.post("/one", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400 and "ends in the middle" in r.json()["error"]


def test_too_many_parts_are_refused(uploads):
    files = [("note", (None, b"x"))] * MAX_PARTS + [("file", ("a.mp4", b"abc"))]
    r = uploads.post("/one", files=files)
    assert r.status_code == 400 and "Too many parts" in r.json()["error"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (b"clip.mp4", "clip.mp4"),
        ("C:\\Users\\me\\dance.mp4", "dance.mp4"),
        ("../../etc/passwd", "passwd"),
        (" bad\x00name\n.mp4 ", "badname.mp4"),
        (b"\xffcaf\xc3\xa9.mp4", "\ufffdcafé.mp4"),
        ("x" * 300, "x" * 255),
        (None, ""),
    ],
)
def test_client_file_names_become_safe_display_names(raw, clean):
    assert clean_filename(raw) == clean

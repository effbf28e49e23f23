"""Every hostile or broken upload, on /analyze and on /jobs (and hostile examples on
/poses/learn): a clear 4xx (or a correct result when the file is in fact a valid video), a
healthy server afterwards, no file left behind."""

from __future__ import annotations

import pytest

from dance_analyzer.media.still import starts_as_picture as is_picture_bytes
from tests.support.hostile import CASE_NAMES, Case, corpus, huge_png
from tests.support.media import write_video
from tests.support.processes import finished, poll_job


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    return {case.name: case for case in corpus(tmp_path_factory.mktemp("hostile"))}


def send(client, url: str, case: Case):
    if case.raw is not None:
        return client.post(url, content=case.raw, headers=case.headers)
    return client.post(url, files={"file": (case.filename, case.data, case.part_content_type)})


def check_error(case: Case, status: int, body: dict) -> None:
    assert status in case.allowed, (case.name, status, body)
    if status != 200:
        assert isinstance(body.get("error"), str) and body["error"], body
        if case.words:
            assert any(word in body["error"].lower() for word in case.words), (case.name, body["error"])


NAMES = CASE_NAMES


@pytest.mark.parametrize("name", NAMES)
def test_analyze(client, cases, name):
    case = cases[name]
    r = send(client, "/analyze", case)
    body = r.json()
    check_error(case, r.status_code, body)
    if r.status_code == 200:
        assert body["total_frames"] >= 1 and body["duration_s"] >= 0
        assert "/" not in body["filename"] and "\\" not in body["filename"] and len(body["filename"]) <= 255
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.parametrize("name", NAMES)
def test_jobs(client, cases, name):
    """Upload problems are answered at once; video problems fail the job with the same message."""
    case = cases[name]
    r = send(client, "/jobs", case)
    if r.status_code == 202:
        job = poll_job(client, r.json()["id"], finished, timeout=60)
        if job["status"] == "failed":  # the video's fault, named as /analyze names it
            assert job["error_kind"] not in ("Internal", "WorkerLost"), job
        status, body = (200, job["result"]) if job["status"] == "done" else (None, {"error": job["error"]})
        if status is None:  # the status /analyze gives for the same file
            status = send(client, "/analyze", case).status_code
        check_error(case, status, body)
        assert client.delete(f"/jobs/{job['id']}").status_code == 204
    else:
        check_error(case, r.status_code, r.json())
        assert 400 <= r.status_code < 500
    assert client.get("/health").json()["status"] == "ok"


PHOTOS = ["png_named_mp4", "png_8192_square", "png_8000x1_strip"]  # the corpus's photos


def test_the_photos_of_the_corpus_are_these(cases):
    photos = [case.name for case in cases.values() if case.raw is None and is_picture_bytes(case.data)]
    assert sorted(photos) == sorted(PHOTOS)


@pytest.mark.parametrize("name", PHOTOS)
def test_jobs_annotated(client, cases, name):
    """A photo's annotated picture, whatever the photo: drawn and served, or refused as
    /analyze refuses it (a video's annotated copy: tests/api/test_jobs.py)."""
    case = cases[name]
    r = client.post("/jobs", params={"overlay": "true"}, files={"file": (case.filename, case.data)})
    if r.status_code != 202:
        check_error(case, r.status_code, r.json())
        return
    job = poll_job(client, r.json()["id"], finished, timeout=60)
    assert job["status"] == "done" or job["error_kind"] not in ("Internal", "WorkerLost"), job
    if job["status"] == "done":
        picture = client.get(job["overlay_url"])
        assert picture.status_code == 200 and picture.content.startswith(b"\xff\xd8\xff"), (name, job)
    assert client.delete(f"/jobs/{job['id']}").status_code == 204


def test_the_corpus_covers_every_case(cases):
    assert sorted(cases) == sorted(NAMES)


@pytest.fixture(scope="module")
def examples(cases, tmp_path_factory) -> dict[str, tuple[bytes, dict[str, str], set[int], tuple[str, ...]]]:
    """Hostile examples to learn a pose from: (file, query, statuses allowed, words)."""
    small = write_video(tmp_path_factory.mktemp("learn") / "small.mp4", frames=10).read_bytes()
    return {
        "png_8192_square": (huge_png(8192, 8192), {}, {413}, ("8192x8192",)),
        "huge_frame_header": (cases["huge_frame_header"].data, {}, {413}, ("16000x16000",)),
        "frames_grow_past_limit": (cases["frames_grow_past_limit"].data, {"time_s": "7"}, {413}, ("16000x16000",)),
        "unidentified_codec": (cases["unidentified_codec"].data, {}, {422}, ("damaged",)),
        "time_s_infinite": (small, {"time_s": "inf"}, {400}, ("time_s",)),
        "time_s_1e300": (small, {"time_s": "1e300"}, {422}, ("no frame at 1e+300 s", "the video ends")),
    }


@pytest.mark.parametrize(
    "name",
    ["png_8192_square", "huge_frame_header", "frames_grow_past_limit", "unidentified_codec", "time_s_infinite",
     "time_s_1e300"],
)  # fmt: skip
def test_learn(client, examples, name):
    data, query, allowed, words = examples[name]
    r = client.post("/poses/learn", params={"name": "hostile", **query}, files={"file": ("example", data)})
    assert r.status_code in allowed, (name, r.status_code, r.text)
    error = r.json()["error"]
    assert any(word in error.lower() for word in words), (name, error)
    assert client.get("/health").json()["status"] == "ok"

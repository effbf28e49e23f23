"""Live mode in a real headless Chromium: a fake camera fed from a real clip, MediaPipe's
pose model running in the page (served by this server), landmarks over /live.

Headless Chromium here has only software WebGL, so the model runs at a frame or two a
second: this tests function and correctness (the pose shown for each frame is the
server's offline classification of that frame's landmarks), not speed. The frames/s
per model is printed.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import time

import numpy as np
import pytest

from dance_analyzer import pipeline
from dance_analyzer.labels.classify import NO_POSE, primary_pose
from dance_analyzer.labels.definitions import load_definitions
from tests.support.media import REPO, media
from tests.support.processes import server

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e .[test])")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(e.violatedDirective));
"""


@pytest.fixture(scope="module")
def camera(tmp_path_factory):
    """dance_solo_1 (arms open, a hand on the hip, then side steps) as a Y4M file a fake
    camera plays: letterboxed into the 640x480 picture the page asks the camera for, so none
    is cropped. All of it: a camera that loops back to the start within a test shows a dance
    that jumps back in time."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (scripts/test.sh installs it as root)")
    out = tmp_path_factory.mktemp("camera") / "clip.y4m"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(media("dance_solo_1.mp4")),
         "-vf", "scale=-2:480,pad=640:480:(ow-iw)/2:0,fps=15", "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    with server({"DANCE_DATA_DIR": str(tmp / "data"), "DANCE_WORKERS": "1"}, tmp / "server.log") as client:
        yield client


@pytest.mark.parametrize("model", ["lite", "full"])
def test_the_camera_through_the_in_page_model_gives_the_servers_poses_and_a_result(api, camera, model):
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; scripts/test.sh installs it as root)")
    base = str(api.base_url).rstrip("/")
    refused: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  f"--use-file-for-fake-video-capture={camera}"],
        )  # fmt: skip
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (
            refused.append(r.request.url), r.abort())[1])  # fmt: skip
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(base + "/live.html")
        page.select_option("#live-model", model)
        page.click("#live-start")
        page.wait_for_function("() => ['running', 'error'].includes(document.body.dataset.live)", timeout=120_000)
        assert page.evaluate("document.body.dataset.live") == "running", page.inner_text("#live-status")
        started, first = time.monotonic(), page.evaluate("window.liveLog.length")
        page.wait_for_function(
            "() => window.liveLog.filter(e => e.pose !== undefined && !Number.isNaN(e.frame[1])).length >= 8",
            timeout=180_000,
        )
        seconds, processed = time.monotonic() - started, page.evaluate("window.liveLog.length") - first
        page.click("#live-stop")
        page.wait_for_function("() => document.body.dataset.live === 'done'", timeout=60_000)
        log = page.evaluate("window.liveLog")
        result = page.evaluate("window.liveResult")
        shown_last = page.inner_text("#live-pose")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"live-{model}.png"), full_page=True)
        violations = page.evaluate("window.cspViolations")
        browser.close()
    answered = [e for e in log if "pose" in e]
    print(f"\nin-page {model} model: {processed / seconds:.1f} frames/s ({processed} frames in {seconds:.1f} s)")
    assert refused == [] and violations == []

    # Each frame's pose is what the offline rules say of the landmarks the page sent.
    frames = np.array([e["frame"] for e in answered], dtype=np.float32).astype(float)
    image = frames[:, 1 : 1 + 33 * 4].reshape(-1, 33, 4)
    world = frames[:, 1 + 33 * 4 :].reshape(-1, 33, 3)
    poses = load_definitions()
    offline = primary_pose(pipeline.frame_labels(image, world, poses))
    assert [e["pose"] for e in answered] == [None if p == NO_POSE else poses.names[p] for p in offline]
    assert np.isfinite(image[:, 0, 0]).sum() >= 8  # the dancer was found
    assert {e["pose"] for e in answered} & {"arms_open", "hand_on_hip", "standing"}
    assert shown_last.replace(" ", "_") == (answered[-1]["pose"] or "—")

    # The session becomes a result: every frame the page sent, described.
    assert result["processed_frames"] == len(answered) == len(log)
    assert result["segments"] and result["filename"] == "live"


def test_with_the_model_on_the_server_the_page_sends_pictures_and_draws_the_answers(api, camera):
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; scripts/test.sh installs it as root)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  f"--use-file-for-fake-video-capture={camera}"],
        )  # fmt: skip
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(str(api.base_url).rstrip("/") + "/live.html")
        page.select_option("#live-where", "server")
        page.click("#live-start")
        page.wait_for_function("() => window.liveLog.filter(e => e.pose !== undefined).length >= 30", timeout=120_000)
        page.click("#live-stop")
        page.wait_for_function("() => document.body.dataset.live === 'done'", timeout=60_000)
        log = page.evaluate("window.liveLog")
        result = page.evaluate("window.liveResult")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "live-server-model.png"), full_page=True)
        assert page.evaluate("window.cspViolations") == []
        browser.close()
    answered = [e for e in log if "pose" in e]
    latency = np.median([e["latency_ms"] for e in answered if "latency_ms" in e])
    print(f"\nserver-side model from the page: {len(answered)} frames, median picture-to-label {latency:.0f} ms")
    # The fake camera shows her arms open, then a hand on the hip: the server found and named her.
    assert {e["pose"] for e in answered} & {"arms_open", "hand_on_hip", "standing"}
    assert result["processed_frames"] == len(answered) and result["segments"]


def test_following_a_finished_analysis_plays_it_counts_in_and_scores_the_dance(api, camera):
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; scripts/test.sh installs it as root)")
    from tests.support.processes import finished, poll_job

    with media("dance_solo_1.mp4").open("rb") as f:
        r = api.post("/jobs", params={"overlay": "true"}, files={"file": ("dance_solo_1.mp4", f)})
    job = poll_job(api, r.json()["id"], finished, timeout=300)
    assert job["status"] == "done", job
    with media("warrior2_arms_out.jpg").open("rb") as f:  # an annotated photo: no dance to follow
        r = api.post("/jobs", params={"overlay": "true"}, files={"file": ("warrior.jpg", f)})
    photo_job = poll_job(api, r.json()["id"], finished, timeout=300)
    assert photo_job["status"] == "done" and photo_job["overlay_url"].endswith(".jpg"), photo_job
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  f"--use-file-for-fake-video-capture={camera}", "--autoplay-policy=no-user-gesture-required"],
        )  # fmt: skip
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(str(api.base_url).rstrip("/") + "/live.html")
        page.wait_for_selector(f"#live-follow option[value='{job['id']}']", state="attached")
        assert page.locator(f"#live-follow option[value='{photo_job['id']}']").count() == 0
        page.select_option("#live-follow", job["id"])
        page.select_option("#live-where", "server")
        page.click("#live-start")
        page.wait_for_function("() => document.body.dataset.live === 'countin'", timeout=60_000)
        # Five seconds of following, however many frames the server answers in them (one
        # picture is in flight at a time, so a slower machine answers fewer): the camera's
        # clip runs on, never looping back, whatever the speed.
        page.wait_for_function(
            "() => { const f = window.liveLog.filter(e => e.follow);"
            " return f.length >= 20 && f[f.length - 1].t - f[0].t >= 5 && "
            "document.getElementById('live-reference').currentTime > 1; }",
            timeout=120_000,
        )
        shown = page.inner_text("#live-score")
        page.click("#live-stop")
        page.wait_for_function("() => document.body.dataset.live === 'done'", timeout=60_000)
        result = page.evaluate("window.liveResult")
        said = page.inner_text("#live-follow-result")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "live-follow-along.png"), full_page=True)
        assert page.evaluate("window.cspViolations") == []
        browser.close()
    follow = result["follow"]
    print(f"\nfollowing dance_solo_1's own analysis: {follow['similarity']} / 100, tempo {follow['tempo_ratio']}")
    assert 0 <= float(shown) <= 100
    # The page rounds as JavaScript's toFixed does, a half up (90.5 reads 91; Python's format
    # rounds a half to even).
    assert said.startswith(f"Against the reference: {math.floor(follow['similarity'] + 0.5)} / 100")
    # Its own dance through a camera: a smaller, JPEG-compressed copy of the picture, so
    # a few degrees off throughout, but danced at its own tempo.
    assert follow["similarity"] >= 85
    assert 0.85 <= follow["tempo_ratio"] <= 1.15


def test_a_new_reference_is_uploaded_from_the_live_page_and_the_camera_can_be_kept(api, camera):
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; scripts/test.sh installs it as root)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  f"--use-file-for-fake-video-capture={camera}", "--autoplay-policy=no-user-gesture-required"],
        )  # fmt: skip
        page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(str(api.base_url).rstrip("/") + "/live.html")
        page.set_input_files("#live-reference-file", str(media("squat_band_1.mp4")))
        page.wait_for_function("() => document.getElementById('live-follow').value !== ''", timeout=180_000)
        job_id = page.eval_on_selector("#live-follow", "s => s.value")
        assert api.get(f"/jobs/{job_id}").json()["filename"] == "squat_band_1.mp4"
        page.check("#live-keep")
        page.select_option("#live-where", "server")
        page.click("#live-start")
        page.wait_for_function("() => window.liveLog.filter(e => e.follow).length >= 20", timeout=120_000)
        page.click("#live-stop")
        page.wait_for_function("() => document.body.dataset.live === 'done'", timeout=60_000)
        page.wait_for_selector("#live-recording:not([hidden])", timeout=10_000)
        with page.expect_download() as download:
            page.click("#live-recording")
        recording = download.value.path().read_bytes()
        result = page.evaluate("window.liveResult")
        assert page.evaluate("window.cspViolations") == []
        browser.close()
    assert recording[:4] == b"\x1a\x45\xdf\xa3" and len(recording) > 10_000  # a WebM (Matroska) file
    # A different dance from the reference (squats against arms and hips): scored low.
    print(f"\nfollowing squats while the camera shows another dance: {result['follow']['similarity']} / 100")
    assert result["follow"]["similarity"] < 75

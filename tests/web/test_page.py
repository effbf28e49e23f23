"""The page in a real headless Chromium against a real server: upload, follow, watch, seek.

Screenshots land in test-artifacts/ at the repo root (desktop and phone sizes).
"""

from __future__ import annotations

import math
import shutil
import subprocess

import av
import cv2
import pytest

from dance_analyzer.render import BONE_RGB, person_colour
from tests.support.media import REPO, media, spliced_video, with_clicks
from tests.support.pictures import heic, side_by_side
from tests.support.processes import server

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e .[test])")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    with server({"DANCE_DATA_DIR": str(tmp / "data"), "DANCE_WORKERS": "2"}, tmp / "server.log") as client:
        yield client


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; scripts/test.sh installs it as root)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
        )
        yield browser
        browser.close()


# Each page records what the server's Content-Security-Policy blocked, if anything.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""
OPENED: list = []


@pytest.fixture(autouse=True)
def nothing_is_blocked_by_the_pages_policy():
    OPENED.clear()
    yield
    for page in OPENED:
        assert page.evaluate("window.cspViolations") == [], "the page's own CSP blocked some of it"


def open_page(browser, api, **viewport):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(str(api.base_url))
    page.wait_for_selector("body[data-state=ready]")
    assert "frame-ancestors 'none'" in page.evaluate("fetch('/').then(r => r.headers.get('content-security-policy'))")
    OPENED.append(page)
    return page


def test_upload_follow_and_see_the_timeline_the_video_and_the_chart(browser, api):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, api)
    page.set_input_files("#file", str(media("squat_band_1.mp4")))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    job = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()
    segments = job["result"]["segments"]

    bands = page.locator("#bands .band")
    assert [bands.nth(i).get_attribute("data-pose") for i in range(bands.count())] == [s["pose"] for s in segments]
    assert [s["pose"] for s in segments].count("squat") == 3
    assert set(page.locator("#chart .bar").evaluate_all("rows => rows.map(r => r.dataset.pose)")) == {
        s["pose"] for s in segments
    }
    numbers = page.inner_text("#numbers")
    assert "65" in numbers and "Movement tempo" in numbers and "Symmetry" in numbers

    # The annotated video loads and plays in the page.
    page.wait_for_function("() => document.getElementById('video').readyState >= 2", timeout=30_000)
    assert page.evaluate("document.getElementById('video').videoWidth") == 720
    page.evaluate("document.getElementById('video').play()")
    page.wait_for_function("() => document.getElementById('video').currentTime > 0.5", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "page-desktop-playing.png"), full_page=True)

    # A click on the second squat band seeks the video to its start, and the cursor follows.
    page.evaluate("document.getElementById('video').pause()")
    second_squat = [s for s in segments if s["pose"] == "squat"][1]
    page.locator("#bands .band[data-pose=squat]").nth(1).click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('video').currentTime - {second_squat['start_s']}) < 0.05",
        timeout=10_000,
    )
    cursor = page.locator("#cursor").bounding_box()
    band = page.locator("#bands .band[data-pose=squat]").nth(1).bounding_box()
    assert abs(cursor["x"] - band["x"]) < 3

    # Downloads point at the result and the annotated MP4.
    assert page.get_attribute("#download-json", "href").startswith("blob:")
    overlay = api.get(page.get_attribute("#download-video", "href"))
    assert overlay.status_code == 200 and overlay.headers["content-type"] == "video/mp4"
    assert page.is_visible("#download-video") and not page.is_visible("#download-picture")


def test_moves_are_labelled_spans_above_the_poses_and_a_click_plays_from_there(browser, api):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, api)
    page.set_input_files("#file", str(media("ballet_spin_1.mp4")))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    moves = result["moves"]
    assert any(m["move"] == "turn" for m in moves)

    # One span per move, in order, each labelled with its name and key measure (not colour alone).
    spans = page.locator("#moves .move")
    assert spans.count() == len(moves)
    assert [spans.nth(i).get_attribute("data-move") for i in range(len(moves))] == [m["move"] for m in moves]
    turn_index = next(i for i, m in enumerate(moves) if m["move"] == "turn")
    turn = spans.nth(turn_index)
    assert turn.inner_text() == "turn 2× clockwise"
    assert turn.get_attribute("aria-label").startswith("turn 2× clockwise: ")
    for i, m in enumerate(moves):
        assert spans.nth(i).get_attribute("aria-label").startswith(m["move"].replace("_", " "))
        assert spans.nth(i).is_visible()

    # The lane sits above the pose bands, and its spans line up with the times.
    lane, bands = page.locator("#moves").bounding_box(), page.locator("#bands").bounding_box()
    assert lane["y"] + lane["height"] <= bands["y"] + 1
    box = turn.bounding_box()
    assert box["y"] + box["height"] <= bands["y"] + 1
    assert abs(box["x"] - (lane["x"] + lane["width"] * moves[turn_index]["start_s"] / result["duration_s"])) < 2

    # The move summary's words beside the numbers, and every move in full with its times.
    summary = page.inner_text("#move-summary")
    assert summary == " · ".join(entry["text"] for entry in result["move_summary"])
    assert "1 double pirouette clockwise" in summary
    listed = page.locator("#move-list .moment").all_inner_texts()
    assert (
        listed[turn_index]
        == f"{moves[turn_index]['start_s']:.2f}–{moves[turn_index]['end_s']:.2f} s: turn 2× clockwise"
    )
    assert len(listed) == len(moves)

    # A click on the turn plays the video from the turn's start, and the cursor goes there.
    page.wait_for_function("() => document.getElementById('video').readyState >= 1", timeout=30_000)
    turn.click()
    start = moves[turn_index]["start_s"]
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('video').currentTime - {start}) < 0.01", timeout=10_000
    )
    assert abs(page.locator("#cursor").bounding_box()["x"] - box["x"]) < 3
    # ... and so does the list: the last move's entry.
    page.locator("#move-list .moment").last.click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('video').currentTime - {moves[-1]['start_s']}) < 0.01",
        timeout=10_000,
    )
    turn.click()
    page.wait_for_function("() => !document.getElementById('video').seeking", timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "page-desktop-moves.png"), full_page=True)


def test_with_music_each_move_says_the_count_it_starts_on(browser, api, tmp_path):
    clip = with_clicks(media("ballet_spin_1.mp4"), tmp_path / "spin-to-music.mp4", bpm=120)
    page = open_page(browser, api)
    page.set_input_files("#file", str(clip))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    beats, moves = result["rhythm"]["beats"], result["moves"]
    turn = next(m for m in moves if m["move"] == "turn")
    assert turn["eight"] == 1 and turn["on_count"] in {"1", "1&", "2", "2&", "3"}  # the spin starts about 1 s in
    listed = page.locator("#move-list .moment").all_inner_texts()
    spans = page.locator("#moves .move").all_inner_texts()
    for text, span, m in zip(listed, spans, moves, strict=True):
        if "on_count" in m:  # on the timeline and in the list, with its eight in the list
            assert span.endswith(f" on {m['on_count']}") and text.endswith(f" on {m['on_count']} (eight {m['eight']})")
        else:  # before the first beat: no count
            assert " on " not in span and "eight" not in text
    assert f"Counted from\n{beats[0]:.2f} s" in page.inner_text("#numbers")
    bands = page.locator("#bands .band")
    assert bands.count() == len(result["segments"])
    for k, segment in enumerate(result["segments"]):  # a pose band's title: the count it starts on, how long held
        title = bands.nth(k).get_attribute("title")
        held = f" for {segment['counts']:g} count{'' if segment['counts'] == 1 else 's'}" if "counts" in segment else ""
        assert (f", on {segment['on_count']}{held}" in title) if "on_count" in segment else (", on " not in title)
    assert any("counts" in segment for segment in result["segments"])


def test_with_music_the_numbers_say_whether_the_bounce_keeps_time(browser, api):
    page = open_page(browser, api)
    page.set_input_files("#file", str(media("dance_solo_1.mp4")))  # a children's song, bounced to
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    bounce = result["rhythm"]["bounce"]
    assert bounce["bounces"] >= 4
    numbers = page.inner_text("#numbers")
    said = numbers.split("Bounce to the beat\n", 1)[1].splitlines()[0]
    timing = f"in time: down {bounce['where']}" if bounce["in_time"] else "no steady bounce to the beat"
    assert said == f"{timing} · steady {bounce['steadiness']}/100"
    assert "On the beat" not in numbers  # the share of accents near a beat: hard to read, not shown
    listed = page.locator("#move-list .moment").all_inner_texts()
    for move, text in zip(result["moves"], listed, strict=True):  # airtime as the summary's sentence rounds it
        assert move["move"] != "jump" or f"jump {move['airtime_s']:.2f} s" in text
    common = "import('/static/common.js').then((m) => [0.125, 0.135, 0.375, 0.3333, 1.005].map((v) => m.fixed(v, 2)))"
    assert page.evaluate(common) == [f"{v:.2f}" for v in (0.125, 0.135, 0.375, 0.3333, 1.005)]


def test_the_page_fits_a_phone_screen(browser, api):
    page = open_page(browser, api, width=390, height=844)
    page.check("#sample")  # quick look: 10 frames/s
    page.set_input_files("#file", str(media("dance_solo_2.mp4")))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    page.wait_for_function("() => document.getElementById('video').readyState >= 2", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#timeline").bounding_box()["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "page-phone-result.png"), full_page=True)


def test_api_errors_show_as_readable_messages(browser, api, tmp_path):
    bogus = tmp_path / "holiday.mp4"
    bogus.write_text("these are not the bytes of a video\n" * 20)
    page = open_page(browser, api)
    page.set_input_files("#file", str(bogus))
    page.wait_for_selector("body[data-state=error]", timeout=60_000)
    assert "not a video" in page.inner_text("#error").lower()
    assert page.is_visible("#drop")  # ready for another try
    page.screenshot(path=str(ARTIFACTS / "page-error.png"))


SKELETON_RGB = [57, 255, 136]  # the skeleton's own colour, #39ff88
BONE_PIXELS = """([r, g, b]) => {
  const canvas = document.getElementById("photo-canvas");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let bone = 0;  // pixels of the bones' colour, exactly: the middle of each line
  for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b) bone++;
  return bone;
}"""
# The server's annotated picture: its bones' colour (render.BONE_RGB), as near as JPEG keeps it.
NEAR_PIXELS = """([r, g, b]) => {
  const canvas = document.getElementById("photo-canvas");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let near = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) near++;
  }
  return near;
}"""


def test_a_photo_shows_the_poses_in_it_on_the_picture_with_its_skeleton(browser, api):
    page = open_page(browser, api)
    page.set_input_files("#file", str(media("tree_pose_one_leg.jpg")))
    page.wait_for_selector("body[data-state=done]", timeout=60_000)
    job = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()
    assert job["result"]["photo"] is True and job["overlay_url"].endswith("/overlay.jpg")
    shown = page.locator("#photo-poses li").evaluate_all("items => items.map(i => i.dataset.pose)")
    assert shown == job["result"]["poses"] and "one_leg" in shown
    assert page.is_visible("#photo-canvas") and not page.is_visible("#video") and not page.is_visible("#timeline")
    assert not page.is_visible("#download-video") and page.is_visible("#download-json")
    with page.expect_download() as download:  # the server's annotated picture, at the photo's size
        page.click("#download-picture")
    assert download.value.suggested_filename == "tree_pose_one_leg-annotated.jpg"
    saved = cv2.imread(download.value.path())
    assert saved is not None and saved.shape == (640, 426, 3)
    canvas = "[document.getElementById('photo-canvas').width, document.getElementById('photo-canvas').height]"
    assert page.evaluate(canvas) == [426, 640] and page.get_attribute("#photo-canvas", "data-drawn") == "photo"
    assert page.evaluate(BONE_PIXELS, SKELETON_RGB) > 100
    page.screenshot(path=str(ARTIFACTS / "page-photo.png"), full_page=True)

    # Opened again from its address, the photo is no longer in the page: the server's annotated picture.
    page.reload()
    page.wait_for_selector("body[data-state=done]", timeout=30_000)
    assert page.get_attribute("#photo-canvas", "data-drawn") == "annotated" and page.evaluate(canvas) == [426, 640]
    assert page.evaluate(NEAR_PIXELS, list(BONE_RGB)) > 300 and page.evaluate(BONE_PIXELS, SKELETON_RGB) == 0
    assert page.locator("#photo-poses li").count() == len(job["result"]["poses"])


def test_a_heic_photo_this_browser_cannot_show_shows_as_the_servers_annotated_picture(browser, api, tmp_path):
    iphone = heic(media("tree_pose_one_leg.jpg"), tmp_path / "IMG_0042.heic")
    page = open_page(browser, api)
    page.set_input_files("#file", str(iphone))
    page.wait_for_selector("body[data-state=done]", timeout=60_000)
    job = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()
    assert job["result"]["photo"] is True and "one_leg" in job["result"]["poses"]
    canvas = "[document.getElementById('photo-canvas').width, document.getElementById('photo-canvas').height]"
    assert page.get_attribute("#photo-canvas", "data-drawn") == "annotated" and page.evaluate(canvas) == [426, 640]
    assert page.evaluate(NEAR_PIXELS, list(BONE_RGB)) > 300  # the server drew the skeleton on it
    shown = page.locator("#photo-poses li").evaluate_all("items => items.map(i => i.dataset.pose)")
    assert shown == job["result"]["poses"]


def test_a_group_photo_shows_each_persons_skeleton_in_their_colour_and_their_poses(browser, api, tmp_path):
    duo = tmp_path / "duo.jpg"
    duo.write_bytes(side_by_side(media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg")))
    page = open_page(browser, api)
    page.check("#people")  # every dancer: people=all
    page.set_input_files("#file", str(duo))
    page.wait_for_selector("body[data-state=done]", timeout=60_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    assert [p["id"] for p in result["people"]] == [1, 2]
    for person in result["people"]:
        assert page.evaluate(BONE_PIXELS, list(person_colour(person["id"]))) > 100, person["id"]
    assert page.evaluate(BONE_PIXELS, SKELETON_RGB) == 0  # each person in their own colour, none in the solo one
    items = page.locator("#photo-poses li")
    assert items.evaluate_all("items => items.map(i => Number(i.dataset.person))") == [1, 2]
    for k, person in enumerate(result["people"]):
        shown = items.nth(k).locator("[data-pose]").evaluate_all("items => items.map(i => i.dataset.pose)")
        assert shown == person["poses"] and items.nth(k).inner_text().startswith(f"#{person['id']}")
    score = math.floor(result["sync"]["group"]["score"] + 0.5)  # as JavaScript rounds
    assert page.inner_text("#photo-sync") == f"How alike their poses are: {score}/100"
    assert page.is_hidden("#photo-none") and page.is_hidden("#people-pick")
    page.screenshot(path=str(ARTIFACTS / "page-group-photo.png"), full_page=True)


def test_the_page_and_its_files_are_served_by_the_api(api):
    page = api.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    scripts = ("app.js", "common.js", "timeline.js", "people.js", "angles.js", "compare.js", "teach.js", "live.js")
    for asset in (*(f"/static/{name}" for name in scripts), "/static/style.css"):
        assert api.get(asset).status_code == 200
    for name in scripts:  # module scripts run only when served as JavaScript
        assert "javascript" in api.get(f"/static/{name}").headers["content-type"]


def compared_on_the_page(browser, api, reference, attempt):
    """The page once it has compared ``attempt`` with ``reference`` (files), as a user does it."""
    page = open_page(browser, api)
    page.click("#compare-pick summary")
    page.set_input_files("#reference-file", str(reference))
    page.set_input_files("#attempt-file", str(attempt))
    page.click("#compare-go")
    page.wait_for_selector("body[data-state=compared]", timeout=180_000)
    return page


def test_compare_two_dances_side_by_side(browser, api, tmp_path):
    clip = media("one_leg_arms_up_1.mp4")
    page = compared_on_the_page(browser, api, clip, clip)
    assert page.inner_text("#similarity") == "100%"
    assert page.is_hidden("#worst-heading") and page.is_hidden("#moments-timeline")  # nothing off to show
    mirrored = tmp_path / "other-leg.mp4"  # the other leg up: as filmed, moments to show
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip), "-vf", "hflip", "-an", str(mirrored)], check=True)
    page.set_input_files("#attempt-file", str(mirrored))
    page.click("#compare-go")
    page.wait_for_function("() => document.getElementById('similarity').textContent !== '100%'", timeout=180_000)
    page.wait_for_selector("body[data-state=compared]", timeout=180_000)
    for video in ("reference-video", "attempt-video"):
        page.wait_for_function(f"() => document.getElementById('{video}').readyState >= 1", timeout=30_000)
    assert page.locator("#part-scores .bar").count() == 5
    moments = page.locator("#worst .moment")
    assert moments.count() >= 1
    assert page.locator("#moments-timeline .mark").count() == moments.count()  # marked on the timeline
    assert page.is_visible("#moments-timeline") and page.is_hidden("#closest") and page.is_hidden("#reference-photo")
    start = float(moments.first.get_attribute("data-start"))
    moments.first.click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('attempt-video').currentTime - {start}) < 0.05", timeout=10_000
    )
    page.screenshot(path=str(ARTIFACTS / "page-compare.png"), full_page=True)


def test_compare_names_the_references_moves_made_and_missed(browser, api, tmp_path):
    reference = media("ballet_spin_1.mp4")
    attempt = (
        tmp_path / "stopped-early.mp4"
    )  # the same dancer, stopped 1.6 s in: the pirouette's end and the kick missing
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(reference), "-t", "1.6", "-c:v", "libx264", str(attempt)], check=True
    )
    page = compared_on_the_page(browser, api, reference, attempt)
    files = {"reference": reference.read_bytes(), "attempt": attempt.read_bytes()}
    moves = api.post("/compare", params={"sample_fps": "15", "mirror": "false"}, files=files).json()["moves"]
    assert moves["missed"] and any(m["move"] == "kick" for m in moves["missed"])
    assert page.is_visible("#compare-moves") and page.inner_text("#moves-summary") == moves["summary"]
    partial = page.locator("#compare-warnings li[data-code=partial]")  # scored on the part it follows
    assert partial.is_visible() and "of the reference's 3.0 s" in partial.inner_text()
    pairs = page.locator("#move-pairs .moment")
    assert pairs.count() == len(moves["made"]) + len(moves["missed"])
    missed = page.locator("#move-pairs .moment[data-kind=missed]")
    assert missed.count() == len(moves["missed"]) and missed.last.inner_text().endswith("kick: missed")
    missed.last.click()  # both videos go where the kick is, and where the attempt should have made it
    kick = next(m for m in moves["missed"] if m["move"] == "kick")
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('reference-video').currentTime - {kick['reference_s']}) < 0.05",
        timeout=10_000,
    )


def test_compare_a_photo_of_a_pose_with_a_dance_shows_the_closest_moment(browser, api, tmp_path):
    clip = media("dance_solo_1.mp4")
    photo = tmp_path / "pose.jpg"
    with av.open(str(clip)) as container:  # the dance's frame at 8 s, as a photo of the pose
        frame = next(f for f in container.decode(video=0) if f.time >= 8.0)
    cv2.imwrite(str(photo), frame.to_ndarray(format="bgr24"))
    page = compared_on_the_page(browser, api, photo, clip)
    assert page.is_visible("#reference-photo") and not page.is_visible("#reference-video")
    assert page.is_visible("#attempt-video") and not page.is_visible("#attempt-photo")
    page.wait_for_function("() => document.getElementById('reference-photo').naturalWidth > 0", timeout=10_000)
    at = float(page.get_attribute("#closest-go", "data-at"))
    assert 7.6 <= at <= 8.6 and "into your attempt" in page.inner_text("#closest-go")
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('attempt-video').currentTime - {at}) < 0.05", timeout=30_000
    )
    assert "tempo" not in page.inner_text("#sync-facts") and not page.is_visible("#worst-heading")
    assert not page.is_visible("#moments-timeline")
    assert page.locator("#part-scores .bar").count() == 5 and int(page.inner_text("#similarity").rstrip("%")) >= 85
    page.evaluate("document.getElementById('attempt-video').currentTime = 1")  # away, then back with the button
    page.click("#closest-go")
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('attempt-video').currentTime - {at}) < 0.05", timeout=10_000
    )
    page.screenshot(path=str(ARTIFACTS / "page-compare-photo.png"), full_page=True)
    cut = tmp_path / "cut.jpg"  # a photo cut short: named as the reference photo, with its name
    cut.write_bytes(photo.read_bytes()[:3000])
    page.set_input_files("#reference-file", str(cut))
    page.click("#compare-go")
    page.wait_for_selector("body[data-state=error]", timeout=60_000)
    assert page.inner_text("#error").startswith("The reference photo (cut.jpg): ")


LAB = "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4"


def test_a_group_video_analysed_for_one_dancer_says_so_and_how_to_see_everyone(browser, api):
    page = open_page(browser, api)
    page.set_input_files("#file", str(media(LAB)))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    warning = page.locator("#warnings li[data-code=several_people]")
    assert warning.is_visible()
    assert "people were in view" in warning.inner_text() and "Every dancer" in warning.inner_text()
    assert page.locator("#people-pick").is_hidden()


def test_a_soundtrack_without_a_beat_says_so_and_counts_nothing(browser, api, tmp_path):
    talk = tmp_path / "talking.mp4"  # the tai chi form's first 5 s: a man talking, no beat
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(media("taichi_solo_1.mp4")), "-t", "5", "-c", "copy", str(talk)], check=True
    )
    page = open_page(browser, api)
    page.set_input_files("#file", str(talk))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    assert result["rhythm"]["audio"] and "audio_tempo_bpm" not in result["rhythm"]
    numbers = page.inner_text("#numbers")
    assert "Music\nno steady beat heard" in numbers and "Music tempo" not in numbers and "Counted from" not in numbers
    assert not any("on_count" in s for s in result["segments"] + result["moves"])


def test_with_music_each_dancer_of_a_group_says_whether_their_bounce_keeps_time(browser, api, tmp_path):
    group = media("multi_person/sports2d_demo_jumpingjacks_flip_walker.mp4")  # its own sound is silent
    page = open_page(browser, api)
    page.check("#people")
    page.set_input_files("#file", str(with_clicks(group, tmp_path / "group-to-music.mp4", bpm=120)))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    bounces = {p["id"]: p["rhythm"].get("bounce") for p in result["people"]}
    assert sum(b is not None for b in bounces.values()) >= 2  # the jumping jacks and the walker
    dancers = page.locator("#sync-dancers li")
    assert dancers.count() == len(result["sync"]["dancers"]) >= 2
    for k, d in enumerate(result["sync"]["dancers"]):
        text, bounce = dancers.nth(k).inner_text(), bounces[d["id"]]
        if bounce is None:
            assert "bounce" not in text and dancers.nth(k).get_attribute("data-bounce") is None
            continue
        timing = f"in time: down {bounce['where']}" if bounce["in_time"] else "no steady bounce to the beat"
        assert text.endswith(f"; bounce {timing} · steady {bounce['steadiness']}/100")
        assert dancers.nth(k).get_attribute("data-bounce") == ("in_time" if bounce["in_time"] else "not_in_time")

    # The numbers beside the chart are the chosen dancer's, as the chart is; the music's stay.
    def numbers_say(row: str) -> str:
        return page.inner_text("#numbers").split(f"{row}\n", 1)[1].splitlines()[0]

    for person in result["people"]:
        page.locator(f"#people-chips .person-chip[data-person='{person['id']}']").click()
        assert numbers_say(f"#{person['id']} found in") == f"{person['frames_present']} frames"
        energy = numbers_say("Energy")  # to two decimals, as JavaScript rounds them
        assert energy.endswith(" torso lengths/s")
        assert abs(float(energy.split()[0]) - person["movement"]["mean_energy"]) <= 0.005 + 1e-9
        bounce = person["rhythm"].get("bounce")
        said = numbers_say("Bounce to the beat") if bounce else None
        assert said is None or said.endswith(f" · steady {bounce['steadiness']}/100")
        assert ("Bounce to the beat" in page.inner_text("#numbers")) == (bounce is not None)
        assert (
            numbers_say("Music tempo") == f"{math.floor(result['rhythm']['audio_tempo_bpm'] + 0.5)} bpm"
        )  # as JS rounds


def angles_read_out(page) -> tuple[str, list[float | None]]:
    """The plot's readout with the pointer over the middle of the plot: the time it names
    and each plotted joint's degrees (None for a dash)."""
    page.locator("#angle-plot").hover()
    text = page.inner_text("#angle-readout")
    time, values = text.split(" s: ")
    return time, [None if v.endswith("—") else float(v.split()[-1].rstrip("°")) for v in values.split(", ")]


def angles_at(angles: dict, time: str) -> tuple[str, list[float | None]]:
    """What the readout should say at the analysed frame shown as ``time``: the knees, the
    joints plotted unless the user chooses others."""
    k = min(range(len(angles["times"])), key=lambda k: abs(angles["times"][k] - float(time)))
    return time, [angles["joints"][joint][k] for joint in ("left_knee", "right_knee")]


def test_every_dancer_has_a_chip_their_own_timeline_and_the_group_sync_panel(browser, api):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, api)
    page.check("#people")  # every dancer: people=all
    page.set_input_files("#file", str(media(LAB)))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    people = {p["id"]: p for p in result["people"]}
    main = result["main_person"]
    assert len(people) >= 2 and main in people
    assert page.locator("#warnings li[data-code=several_people]").count() == 0  # everyone is described

    def pressed() -> list[int]:
        return [int(c.get_attribute("data-person")) for c in chips.all() if c.get_attribute("aria-pressed") == "true"]

    def shown(selector: str, key: str) -> list[str]:
        return page.locator(selector).evaluate_all(f"items => items.map(e => e.dataset.{key})")

    # A chip per dancer: the id in words, the overlay's colour beside it, the main dancer said.
    chips = page.locator("#people-chips .person-chip")
    assert [int(chips.nth(i).get_attribute("data-person")) for i in range(chips.count())] == list(people)
    for i, person_id in enumerate(people):
        chip = chips.nth(i)
        assert chip.inner_text().startswith(f"#{person_id}")
        colour = chip.locator(".swatch").evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb({}, {}, {})".format(*person_colour(person_id))
        assert ("main" in chip.inner_text()) == (person_id == main)

    # The main dancer's timeline first; another dancer's chip puts theirs in its place.
    assert pressed() == [main]
    assert shown("#bands .band", "pose") == [s["pose"] for s in people[main]["segments"]]
    other = next(i for i, p in people.items() if i != main and p["segments"] != people[main]["segments"])
    page.locator(f"#people-chips .person-chip[data-person='{other}']").click()
    assert pressed() == [other]
    assert shown("#bands .band", "pose") == [s["pose"] for s in people[other]["segments"]]
    assert shown("#moves .move", "move") == [m["move"] for m in people[other]["moves"]]
    assert page.locator("#move-list .moment").count() == len(people[other]["moves"])
    assert page.inner_text("#timeline-who").startswith(f"Timeline of #{other}")
    # ... their counts, every pose they held (lanes) and their joint angles beside it.
    assert page.inner_text("#counts-heading") == f"Counts of #{other}"
    assert shown("#counts li", "pose") == [c["pose"] for c in people[other]["pose_counts"] if c["count"] > 0]
    held = {pose for f in result["frames"] for p in f["people"] if p["id"] == other for pose in p["poses"]}
    assert held and set(shown("#lanes .lane", "pose")) == held
    assert page.inner_text("#lanes-box summary").startswith(f"Every pose #{other} held")
    assert page.inner_text("#angles-heading") == f"Joint angles of #{other} over time"
    assert angles_read_out(page) == angles_at(people[other]["angles"], angles_read_out(page)[0])
    assert angles_read_out(page) != angles_at(people[main]["angles"], angles_read_out(page)[0])
    # ... and the keyboard reaches the chips: back to the main dancer with Tab order and Enter.
    page.locator(f"#people-chips .person-chip[data-person='{main}']").focus()
    page.keyboard.press("Enter")
    assert pressed() == [main]
    assert shown("#bands .band", "pose") == [s["pose"] for s in people[main]["segments"]]
    assert angles_read_out(page) == angles_at(people[main]["angles"], angles_read_out(page)[0])

    # The sync panel: the group's 0-100 score and what it means, each dancer's lag.
    sync = result["sync"]
    assert page.is_visible("#group-sync")
    # The page rounds as JavaScript does, a half up (Python rounds 38.5 to the even 38).
    assert page.inner_text("#sync-score") == str(math.floor(sync["group"]["score"] + 0.5))
    assert page.inner_text("#sync-verdict") != ""
    assert "0–100" in page.inner_text("#sync-meaning") and "80 or more" in page.inner_text("#sync-meaning")
    parts = {part: v for part, v in sync["group"]["body_parts"].items() if v is not None}
    assert shown("#sync-parts .bar", "part") == list(parts)  # each on the score's own scale, not a pose colour
    grades = ["unison" if v >= 80 else "close" if v >= 60 else "apart" for v in parts.values()]
    assert shown("#sync-parts .bar", "grade") == grades
    dancers = page.locator("#sync-dancers li")
    assert [int(d) for d in shown("#sync-dancers li", "person")] == [d["id"] for d in sync["dancers"]]
    for k, d in enumerate(sync["dancers"]):
        text = dancers.nth(k).inner_text()
        assert text.startswith(f"#{d['id']}:")
        assert (f"{abs(d['lag_s']):.2f} s" in text) if d["lag_s"] else ("lag not measured" in text or "on time" in text)

    # The least-in-sync moments name who and which body part; each plays the video from its start.
    page.wait_for_function("() => document.getElementById('video').readyState >= 1", timeout=30_000)
    moments = page.locator("#sync-moments .moment")
    assert moments.count() == len(sync["least_in_sync"]) >= 1
    for k, m in enumerate(sync["least_in_sync"]):
        text = moments.nth(k).inner_text()
        named = [m["dancer"]] if m["dancer"] is not None else m["pair"]
        assert all(f"#{i}" in text for i in named) and m["body_part"] in text
        assert text.startswith(f"{m['start_s']:.1f}–{m['end_s']:.1f} s")
    last = sync["least_in_sync"][-1]
    moments.last.click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('video').currentTime - {last['start_s']}) < 0.01", timeout=10_000
    )
    page.wait_for_function("() => !document.getElementById('video').seeking", timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "page-desktop-people.png"), full_page=True)

    # A click on a dancer in the video chooses them: where their box is on the shown frame.
    page.wait_for_function("() => document.getElementById('video').videoWidth > 0", timeout=30_000)
    t = page.evaluate("document.getElementById('video').currentTime")
    index = int(t * result["fps"] + 1e-3)
    frame = [f for f in result["frames"] if f["index"] <= index][-1]
    target = next(p for p in frame["people"] if p["id"] != pressed()[0])
    page.locator("#video").scroll_into_view_if_needed()
    element = page.locator("#video").bounding_box()
    width, height = page.evaluate(
        "[document.getElementById('video').videoWidth, document.getElementById('video').videoHeight]"
    )
    fit = min(element["width"] / width, element["height"] / height)
    x0, y0, x1, y1 = target["box"]
    x = element["x"] + (element["width"] - width * fit) / 2 + (x0 + x1) / 2 * width * fit
    y = element["y"] + (element["height"] - height * fit) / 2 + (y0 + y1) / 2 * height * fit
    page.mouse.click(x, y)
    assert pressed() == [target["id"]]
    assert page.evaluate("document.getElementById('video').paused")  # a choice, not play/pause
    assert shown("#bands .band", "pose") == [s["pose"] for s in people[target["id"]]["segments"]]

    # On a phone the chips and the sync panel wrap inside the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("() => document.documentElement.scrollWidth <= 390", timeout=10_000)
    assert page.locator("#group-sync").bounding_box()["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "page-phone-people.png"), full_page=True)


def test_teach_a_pose_from_a_photo_review_it_use_it_and_remove_it(browser, api, tmp_path):
    import cv2
    import numpy as np

    from tests.support.media import photos_video

    tree, warrior = media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg")
    page = open_page(browser, api)
    page.click("#teach summary")
    page.wait_for_selector("#teach-list li")
    page.click("#teach-go")  # nothing chosen yet
    assert "choose a photo" in page.inner_text("#teach-status").lower()
    page.set_input_files("#teach-file", str(tree))
    page.fill("#teach-name", "my tree")
    page.click("#teach-go")
    assert "name of letters" in page.inner_text("#teach-status")
    page.fill("#teach-name", "my_tree")
    page.select_option("#teach-by", "likeness")
    page.click("#teach-go")
    page.wait_for_selector("#teach-review:not([hidden])", timeout=60_000)
    assert "name: my_tree" in page.inner_text("#teach-yaml") and "bodies:" in page.inner_text("#teach-yaml")
    page.click("#teach-save")
    page.wait_for_selector("#teach-list li[data-pose=my_tree]")
    assert api.get("/poses").json()["custom"] == ["my_tree"]
    page.screenshot(path=str(ARTIFACTS / "page-teach.png"))

    # A video of the tree, then a warrior: the analysis names the taught pose on the tree.
    video = photos_video(tmp_path / "tree.mp4", [tree, warrior], frames_each=10)
    page.set_input_files("#file", str(video))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    bands = page.locator("#bands .band")
    assert "my_tree" in [bands.nth(i).get_attribute("data-pose") for i in range(bands.count())]

    # One more example, from another picture: saved at once, counted in the list.
    assert "(1 example)" in page.inner_text("#teach-list li[data-pose=my_tree]")
    page.set_input_files("#teach-list li[data-pose=my_tree] input[type=file]", str(warrior))
    page.wait_for_selector("#teach-list li[data-pose=my_tree]:has-text('(2 examples)')")
    assert len({p["name"]: p for p in api.get("/poses").json()["poses"]}["my_tree"]["examples"]["bodies"]) == 2

    page.click("#teach-list li[data-pose=my_tree] button[aria-label^=Remove]")
    page.wait_for_selector("#teach-list li[data-pose=my_tree]", state="detached")
    assert api.get("/poses").json()["custom"] == []
    # A photo with nobody in it: the server's reason, in the panel.
    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((480, 640, 3), 200, np.uint8))
    page.set_input_files("#teach-file", str(blank))
    page.click("#teach-go")
    page.wait_for_selector("#teach[data-state=error]")
    assert "no person" in page.inner_text("#teach-status").lower()


def test_the_cuts_of_an_edited_video_are_marked_on_the_timeline(browser, api, tmp_path):
    parts = [(media("taichi_solo_1.mp4"), 60), (media("dance_solo_1.mp4"), 60)]
    page = open_page(browser, api)
    page.set_input_files("#file", str(spliced_video(tmp_path / "edited.mp4", parts, size=(360, 640))))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    result = api.get(f"/jobs/{page.get_attribute('#result', 'data-job')}").json()["result"]
    assert result["cuts_s"] == [2.0]
    marks = page.locator("#bands .cut")
    assert marks.count() == 1
    assert marks.first.get_attribute("title") == "cut to another shot at 2.00 s"
    bands, mark = page.locator("#bands").bounding_box(), marks.first.bounding_box()
    assert abs(mark["x"] - (bands["x"] + bands["width"] * 2.0 / result["duration_s"])) < 3

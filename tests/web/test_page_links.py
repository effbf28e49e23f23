"""The page's result keeps its address, earlier analyses are listed, a running one can be
cancelled; counts, warnings, legend, favicon and dark mode. Real Chromium, real server."""

from __future__ import annotations

import pytest

from tests.support.media import media
from tests.web.test_page import ARTIFACTS, api, browser, open_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def test_a_result_survives_a_reload_is_listed_and_shows_its_counts(browser, api):  # noqa: F811
    failed: list[str] = []
    page = open_page(browser, api)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.set_input_files("#file", str(media("squat_band_1.mp4")))
    page.wait_for_selector("body[data-state=done]", timeout=180_000)
    job_id = page.get_attribute("#result", "data-job")
    assert page.url.endswith(f"#job={job_id}")
    result = api.get(f"/jobs/{job_id}").json()["result"]
    bands = page.locator("#bands .band").all_inner_texts()

    # Counts: "3 × squat", each rep a button that plays it.
    squats = page.locator("#counts li[data-pose=squat]")
    assert squats.inner_text().startswith("3 × squat")
    squats.locator("button").nth(1).click()
    second = next(c for c in result["pose_counts"] if c["pose"] == "squat")["reps"][1]["start_s"]
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('video').currentTime - {second}) < 0.01", timeout=10_000
    )
    # Bands carry their names (not colour alone); the legend names the gaps too.
    assert [b.replace(" ", "_") for b in bands if b] and "squat" in bands
    assert "no pose held" in page.inner_text("#legend")
    # Hovering a band or a legend entry says what the pose is, from the definitions in use.
    squat = next(p for p in api.get("/poses").json()["poses"] if p["name"] == "squat")["description"]
    assert page.locator("#bands .band[data-pose=squat]").first.get_attribute("title").endswith(squat)
    assert page.locator("#legend li", has_text="squat").get_attribute("title") == squat
    assert page.inner_text("#result-title") == "squat_band_1.mp4"

    # The angles over time: knees by default, any joint on demand; hover reads the values.
    angles = result["angles"]
    assert page.locator("#angle-joints input").count() == len(angles["joints"]) == 9
    assert page.locator("#angle-joints input:checked").evaluate_all("boxes => boxes.map(b => b.value)") == [
        "left_knee",
        "right_knee",
    ]
    plot = page.locator("#angle-plot").bounding_box()
    k = len(angles["times"]) // 2
    t = angles["times"][k] + 0.01
    page.mouse.move(plot["x"] + plot["width"] * t / result["duration_s"], plot["y"] + plot["height"] / 2)
    readout = page.inner_text("#angle-readout")
    assert readout.startswith(f"{angles['times'][k]:.2f} s: left knee {angles['joints']['left_knee'][k]}°"), readout
    page.mouse.click(plot["x"] + plot["width"] / 4, plot["y"] + plot["height"] / 2)
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('video').currentTime - {result['duration_s'] / 4}) < 0.2",
        timeout=10_000,
    )
    page.locator("#angle-joints input[value=torso_tilt]").check()
    page.screenshot(path=str(ARTIFACTS / "page-desktop-angles.png"), full_page=True)

    # Every pose that held in any frame has its own lane, beside the winners on the timeline.
    page.click("#lanes-box summary")
    lanes = page.locator("#lanes .lane").evaluate_all("lanes => lanes.map(l => l.dataset.pose)")
    held = {pose for frame in result["frames"] for pose in frame["poses"]}
    assert set(lanes) == held and "squat" in held

    # The figures say their unit and, where needed, what they mean.
    numbers = page.inner_text("#numbers")
    assert "/ 100" in numbers and "twice the range of the other" in numbers and "torso lengths/s" in numbers

    # The CSV table: a row per analysed frame, with the angles.
    with page.expect_download() as download:
        page.click("#download-csv")
    rows = download.value.path().read_text().splitlines()
    assert download.value.suggested_filename == "squat_band_1.csv"
    assert len(rows) == 1 + result["processed_frames"] and "left_knee_deg" in rows[0]

    # The address brings the same result back after a reload.
    page.reload()
    page.wait_for_selector("body[data-state=done]", timeout=60_000)
    assert page.locator("#bands .band").all_inner_texts() == bands
    assert page.get_attribute("#result", "data-job") == job_id

    # The start page lists it; its link opens it.
    page.click("#again")
    page.wait_for_selector("#history-list a", timeout=10_000)
    link = page.locator(f"#history-list a[href='#job={job_id}']")
    assert link.inner_text() == "squat_band_1.mp4"
    link.click()
    page.wait_for_selector("body[data-state=done]", timeout=60_000)
    assert page.locator("#bands .band").all_inner_texts() == bands
    assert failed == [], failed  # no favicon 404, nothing else missing


def test_a_running_analysis_can_be_cancelled(browser, api):  # noqa: F811
    page = open_page(browser, api)
    page.set_input_files("#file", str(media("taichi_solo_1.mp4")))
    page.wait_for_selector("#cancel:not([hidden])", timeout=60_000)
    job_id = page.url.rsplit("#job=", 1)[1]
    page.click("#cancel")
    page.wait_for_selector("body[data-state=cancelled]", timeout=10_000)
    assert "cancelled" in page.inner_text("#error").lower() and page.is_visible("#drop")
    assert api.get(f"/jobs/{job_id}").status_code == 404  # gone, with its upload


def test_an_unknown_result_address_says_so(browser, api):  # noqa: F811
    page = open_page(browser, api)
    page.goto(str(api.base_url) + "/#job=" + "0" * 32)
    page.wait_for_selector("body[data-state=error]", timeout=10_000)
    assert "No job" in page.inner_text("#error")


def test_dark_mode_follows_the_system(browser, api):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto(str(api.base_url))
    page.wait_for_selector("body[data-state=ready]")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    red, green, blue = (int(v) for v in background[background.index("(") + 1 : -1].split(",")[:3])
    assert max(red, green, blue) < 60, background
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-desktop-dark.png"), full_page=True)
    context.close()


def test_compare_grades_body_parts_warns_of_unrelated_clips_and_names_the_bad_file(browser, api, tmp_path):  # noqa: F811
    page = open_page(browser, api, width=390, height=844)  # a phone
    page.click("#compare-pick summary")
    page.set_input_files("#reference-file", str(media("squat_band_1.mp4")))
    page.set_input_files("#attempt-file", str(media("one_leg_arms_up_1.mp4")))
    page.click("#compare-go")
    page.wait_for_selector("body[data-state=compared]", timeout=180_000)
    # Unrelated dances: said, not only scored.
    assert page.locator("#compare-warnings li[data-code=unrelated]").count() == 1
    # Body parts on a good/fair/off scale, in words too.
    grades = page.locator("#part-scores .bar").evaluate_all("rows => rows.map(r => r.dataset.grade)")
    assert len(grades) == 5 and set(grades) <= {"good", "fair", "off"}
    colours = page.locator("#part-scores .fill").evaluate_all("fills => fills.map(f => f.style.background)")
    assert len(set(colours)) <= 3
    # On a phone the two videos stay side by side.
    ref, att = page.locator("#reference-video").bounding_box(), page.locator("#attempt-video").bounding_box()
    assert abs(ref["y"] - att["y"]) < 2 and ref["x"] + ref["width"] <= att["x"] + 1
    page.screenshot(path=str(ARTIFACTS / "page-phone-compare.png"), full_page=True)

    bogus = tmp_path / "holiday.mp4"
    bogus.write_text("not a video")
    page.set_input_files("#attempt-file", str(bogus))
    page.click("#compare-go")
    page.wait_for_selector("body[data-state=error]", timeout=60_000)
    assert page.inner_text("#error").startswith("The attempt video (holiday.mp4): ")


def test_every_tab_stop_is_visible(browser, api):  # noqa: F811
    page = open_page(browser, api)
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                       const s = getComputedStyle(e);
                       return {id: e.id || e.tagName, w: r.width, h: r.height, opacity: +s.opacity,
                               visible: s.visibility !== 'hidden' && e.offsetParent !== null}; }"""
        )
        if focused["id"] == "BODY":
            break
        seen.append(focused["id"])
        assert focused["w"] >= 4 and focused["h"] >= 4 and focused["opacity"] > 0.1 and focused["visible"], focused
    assert "drop" in seen  # the video picker is reached from the keyboard

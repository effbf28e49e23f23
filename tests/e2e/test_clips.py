"""End to end on real clips: the poses reported match what a person sees.

Times come from ../shared/media/SOURCES.md (about +-0.5 s); the tests check the clear
parts of each clip, away from transitions.
"""

import numpy as np
import pytest

from dance_analyzer.pipeline import AnalysisOptions, analyze
from dance_analyzer.workers.inline import InlineReader
from tests.support.media import media

pytestmark = pytest.mark.slow

# Balances on one leg: the plain pose and the dance positions that name how the leg is held.
ONE_LEG = {"one_leg", "passe", "arabesque", "attitude", "leg_extension"}


@pytest.fixture(scope="module")
def reader():
    with InlineReader() as one_process:
        yield one_process


@pytest.fixture(scope="module")
def results(reader):
    cache = {}

    def run(name, **options):
        key = (name, tuple(sorted(options.items())))
        if key not in cache:
            cache[key] = analyze(media(name), AnalysisOptions(include_frames=True, **options), reader=reader)
        return cache[key]

    return run


def share(result, pose, start, end):
    """Fraction of analysed frames in [start, end) whose pose list includes ``pose``."""
    frames = [f for f in result["frames"] if start <= f["t"] < end]
    assert frames, f"no frames in [{start}, {end})"
    return np.mean([pose in f["poses"] for f in frames])


def test_squat_clip_reports_three_squats_at_the_right_times(results):
    r = results("squat_band_1.mp4")
    assert (r["total_frames"], r["processed_frames"], r["duration_s"]) == (65, 65, 13.0)
    squats = [s for s in r["segments"] if s["pose"] == "squat"]
    assert len(squats) == 3
    for seg, (start, end) in zip(squats, [(1.0, 2.8), (6.0, 7.8), (11.0, 13.0)], strict=True):
        assert abs(seg["start_s"] - start) <= 0.5 and abs(seg["end_s"] - end) <= 0.5, seg
    for start, end in [(1.4, 2.6), (6.2, 7.6), (11.4, 13.0)]:
        assert share(r, "squat", start, end) == 1.0
    for start, end in [(0.0, 0.6), (3.8, 5.4), (8.4, 10.2)]:
        assert share(r, "standing", start, end) == 1.0
    summary = {p["pose"]: p["frames_detected"] for p in r["pose_summary"]}
    # Squats and standing; at 5 fps, the one frame on each of the six ways down and up (knees
    # half bent) may be neither, and where an arm swings past the hip on the way up (3.6 s,
    # 8.2 s) one frame or two can read as hand_on_hip: the geometry is a hand on the hip.
    assert set(summary) <= {"squat", "standing", "hand_on_hip"} and summary.get("hand_on_hip", 0) <= 3
    assert summary["squat"] + summary["standing"] >= 56
    counts = {c["pose"]: c for c in r["pose_counts"]}
    assert counts["squat"]["count"] == 3  # "3 squats", each rep the time of its segment
    assert counts["squat"]["reps"] == [{"start_s": s["start_s"], "end_s": s["end_s"]} for s in squats]


def test_one_leg_balance_throughout_with_arms_up_in_the_middle(results):
    r = results("one_leg_arms_up_1.mp4")
    assert share(r, "one_leg", 0.0, 4.0) >= 0.95
    assert share(r, "arms_up", 1.6, 2.5) == 1.0  # by 2.55 s the hands are coming down past her head
    assert share(r, "arms_up", 0.0, 1.2) == 0.0
    assert share(r, "arms_up", 3.0, 4.0) == 0.0
    # The timeline names the balance more precisely where the raised leg says how (passé,
    # and behind her where the model places the leg behind), but it is one balance throughout.
    story = [s["pose"] for s in r["segments"]]
    assert story[0] == story[-1] == "one_leg" and set(story) <= ONE_LEG | {"arms_up"}


def test_taichi_starts_standing_and_raises_one_arm_never_both(results):
    r = results("taichi_solo_1.mp4")
    assert share(r, "standing", 0.0, 2.2) == 1.0
    assert share(r, "arms_up", 0.0, 17.2) == 0.0


def test_dance_solo_arms_never_go_overhead_and_she_stands(results):
    r = results("dance_solo_1.mp4")
    assert share(r, "arms_up", 0.0, 12.0) == 0.0
    assert share(r, "one_arm_up", 0.0, 12.0) == 0.0  # a hand at the cheek is not an arm up
    assert share(r, "standing", 8.0, 11.0) >= 0.9


def test_dance_solo_2_one_arm_up_then_both(results):
    r = results("dance_solo_2.mp4")
    assert share(r, "one_arm_up", 3.4, 4.5) >= 0.9
    assert share(r, "arms_up", 0.0, 8.8) == 0.0
    assert share(r, "standing", 0.0, 1.0) == 1.0


def test_sampling_gives_the_same_story_from_fewer_frames(results):
    full = results("squat_band_1.mp4")
    sampled = results("one_leg_arms_up_1.mp4", sample_fps=10)
    assert sampled["total_frames"] == 120 and sampled["processed_frames"] == 40
    every_frame = results("one_leg_arms_up_1.mp4")
    story = [s["pose"] for s in sampled["segments"]]
    assert set(story) <= ONE_LEG | {"arms_up"}  # one balance throughout, as at the full rate
    # Within the balance, arabesque flickers against one_leg at the lower rate (issue 17's
    # known depth instability of the working leg): a few more segments, the same story.
    assert abs(len(story) - len(every_frame["segments"])) <= 3
    assert share(sampled, "arms_up", 1.6, 2.5) == 1.0 and share(sampled, "one_leg", 0.0, 4.0) >= 0.95
    assert full["processed_frames"] == 65


def test_balance_trial_is_one_leg_while_the_leg_is_held_out(results):
    r = results("balance_short_1.mp4")
    assert share(r, "one_leg", 0.65, 0.9) >= 0.9
    assert share(r, "standing", 0.0, 1.67) == 0.0


SHARED_CLIPS = [
    "squat_band_1.mp4",
    "one_leg_arms_up_1.mp4",
    "taichi_solo_1.mp4",
    "dance_solo_1.mp4",
    "dance_solo_2.mp4",
    "balance_short_1.mp4",
    "ballet_spin_1.mp4",
]


@pytest.mark.parametrize("clip", SHARED_CLIPS)
def test_the_overlay_names_each_frame_with_its_segments_pose_across_every_boundary(results, clip):
    """The label drawn on a frame is the timeline's: segments and frames are one array.

    Once the overlay placed frames among the segments' rounded start times, and a
    segment's first frame could show the pose before it (dance_solo_2's arms_crossed)."""
    from dance_analyzer.render.annotate import _Timeline

    r = results(clip)
    frames = r["frames"]
    runs: list[list] = []  # consecutive frames with the same timeline pose
    for f in frames:
        if runs and runs[-1][0] == f["pose"]:
            runs[-1][1] += 1
        else:
            runs.append([f["pose"], 1, f["t"]])
    named = [run for run in runs if run[0] is not None]
    assert [(s["pose"], s["frames"]) for s in r["segments"]] == [(p, n) for p, n, _ in named]
    for segment, (_, _, first_t) in zip(r["segments"], named, strict=True):
        assert abs(first_t - segment["start_s"]) <= 5.5e-4, segment  # both rounded
    timeline = _Timeline(r)
    analysed = {f["index"]: f["pose"] for f in frames}
    shown = None
    for index in range(r["total_frames"]):  # every decoded frame shows its latest analysed frame's
        shown = analysed.get(index, shown)
        assert timeline.pose_at(index) == shown, (clip, index)


@pytest.mark.parametrize("clip", SHARED_CLIPS)
def test_a_whole_body_filmed_in_view_gets_no_framing_warning(results, clip):
    assert results(clip)["warnings"] == []


def test_a_dancer_whose_feet_leave_the_picture_is_told_to_keep_the_whole_body_in_view(results):
    """dance-twirl: she comes close to the camera and her feet are below the picture's
    edge from about 1.5 s of its 3 s (49% of the frames)."""
    r = results("solo_dance/davis_dance_twirl_contemporary.mp4")
    assert [w["code"] for w in r["warnings"]] == ["out_of_view"]
    assert "whole body" in r["warnings"][0]["message"]

"""Group sync on synthetic dancers with known answers: copies, delays, mirror images, gaps."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest

from dance_analyzer.media.video import VideoInfo
from dance_analyzer.pose.track import LandmarkTrack
from dance_analyzer.reports.sync import MIN_WORST_DEG, lag_steps, sync_from_world, sync_report
from tests.support.skeletons import Arm, Leg, mirrored, skeleton

FPS = 30.0
SECONDS = 8.0
FRAME = 1 / FPS
Frame = tuple[np.ndarray, np.ndarray]


def wave(t: float, hz: float, phase: float) -> float:
    return math.sin(2 * math.pi * hz * t + phase)


def choreography(seed: int) -> Callable[[float], Frame]:
    """A dance that moves every limb, never repeating within a few seconds (incommensurate
    frequencies), so that the only lag it matches itself at is the true one."""
    rng = np.random.default_rng(seed)
    hz = rng.uniform(0.2, 0.9, size=(9, 2))
    phase = rng.uniform(0, 2 * math.pi, size=(9, 2))

    def s(k: int, t: float) -> float:
        return 0.6 * wave(t, hz[k, 0], phase[k, 0]) + 0.4 * wave(t, hz[k, 1], phase[k, 1])

    def pose(t: float, arm_off: float = 0.0) -> Frame:
        """``arm_off``: the left arm's two segments that many degrees away from the dance (towards mid-range)."""
        upper, fore = 80 + 50 * s(0, t), 90 + 60 * s(1, t)
        return skeleton(
            left_arm=Arm(
                upper=upper + math.copysign(arm_off, 90 - upper), fore=fore + math.copysign(arm_off, 90 - fore)
            ),
            right_arm=Arm(upper=80 + 50 * s(2, t), fore=90 + 60 * s(3, t)),
            left_leg=Leg(thigh=30 + 30 * s(4, t), shin=35 + 30 * s(5, t)),
            right_leg=Leg(thigh=30 + 30 * s(6, t), shin=35 + 30 * s(7, t)),
            torso_lean=10 + 10 * s(8, t),
        )

    return pose


DANCE = choreography(1)


def track(pose_at: Callable[[float], Frame], *, absent: tuple[float, float] | None = None, every: int = 1):
    """A dancer's track over SECONDS at FPS (analysing every ``every``-th frame), NaN while ``absent``."""
    times = np.arange(0, SECONDS, FRAME)[::every]
    frames = [pose_at(float(t)) for t in times]
    image = np.stack([f[0] for f in frames]).astype(np.float32)
    world = np.stack([f[1] for f in frames]).astype(np.float32)
    if absent is not None:
        gone = (times >= absent[0] - 1e-9) & (times < absent[1] - 1e-9)
        image[gone], world[gone] = np.nan, np.nan
    n = int(SECONDS * FPS)
    info = VideoInfo(width=1000, height=1000, fps=FPS, duration_s=SECONDS, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, SECONDS, np.arange(n)[::every], times, image, world)


def delayed(pose_at: Callable[[float], Frame], seconds: float) -> Callable[[float], Frame]:
    return lambda t: pose_at(t - seconds)


def mirror_image(pose_at: Callable[[float], Frame]) -> Callable[[float], Frame]:
    return lambda t: mirrored(*pose_at(t))


def pair(report: dict) -> dict:
    assert len(report["pairs"]) == 1
    return report["pairs"][0]


def test_an_identical_copy_is_in_perfect_sync_with_no_lag_and_no_bad_moment():
    report = sync_report([track(DANCE), track(DANCE)])
    assert report["group"]["score"] == 100.0 and report["group"]["deviation_deg"] == 0.0
    assert pair(report)["score"] == 100.0 and pair(report)["lag_s"] == pytest.approx(0.0, abs=FRAME)
    assert pair(report)["lag_correlation"] == pytest.approx(1.0, abs=0.01)
    assert report["group"]["compared_s"] == pytest.approx(SECONDS, abs=FRAME)
    assert report["least_in_sync"] == []


def test_a_copy_half_a_second_late_shows_the_lag_and_scores_high_only_once_aligned():
    report = sync_report({"lead": track(DANCE), "late": track(delayed(DANCE, 0.5))})
    late = pair(report)
    assert late["dancers"] == ["lead", "late"]
    assert late["lag_s"] == pytest.approx(0.5, abs=FRAME)
    lags = {d["id"]: d["lag_s"] for d in report["dancers"]}
    assert lags["late"] == pytest.approx(0.5, abs=FRAME) and lags["lead"] == pytest.approx(-0.5, abs=FRAME)
    assert late["aligned_score"] >= 99.0
    assert late["score"] <= 50.0  # at the same moments half a second apart, this dance is as far as another one
    assert report["least_in_sync"] and report["least_in_sync"][0]["dancer"] is None  # two: can't tell who


def test_a_mirror_image_is_in_sync_when_mirroring_is_allowed():
    dancers = [track(DANCE), track(mirror_image(DANCE))]
    as_filmed = sync_report(dancers)
    mirror_aware = sync_report(dancers, mirror=True)
    assert mirror_aware["group"]["score"] >= 99.5 and pair(mirror_aware)["mirrored"] is True
    assert [d["mirrored"] for d in mirror_aware["dancers"]] == [False, True]
    assert as_filmed["group"]["score"] <= 70.0 and pair(as_filmed)["mirrored"] is False
    assert pair(as_filmed)["mirrored_score"] == pair(mirror_aware)["score"]
    assert pair(mirror_aware)["as_filmed_score"] == pair(as_filmed)["score"]
    # Allowing mirrors changes nothing for dancers who are not mirror images.
    same = sync_report([track(DANCE), track(DANCE)], mirror=True)
    assert same["group"]["score"] == 100.0 and pair(same)["mirrored"] is False


def test_a_mirror_image_in_a_trio_is_flipped_alone():
    dancers = [track(DANCE), track(mirror_image(DANCE)), track(DANCE)]
    report = sync_report(dancers, mirror=True)
    assert [d["mirrored"] for d in report["dancers"]] == [False, True, False]
    assert report["group"]["score"] >= 99.5


def test_an_unrelated_dance_scores_low():
    report = sync_report([track(DANCE), track(choreography(2))])
    assert report["group"]["score"] <= 45.0
    assert pair(report)["lag_correlation"] < 0.6


def test_the_least_in_sync_moment_names_the_dancer_and_the_arms():
    """Three dancers; the third's left arm is 60 degrees off from 3 s to 4 s."""

    def off(t: float) -> Frame:
        return DANCE(t, 60.0) if 3.0 <= t < 4.0 else DANCE(t)

    report = sync_report([track(DANCE), track(DANCE), track(off)])
    worst = report["least_in_sync"]
    assert len(worst) == 1  # nothing else stands out
    assert worst[0]["start_s"] == pytest.approx(3.0, abs=0.1) and worst[0]["end_s"] == pytest.approx(4.0, abs=0.1)
    assert worst[0]["dancer"] == 2 and 2 in worst[0]["pair"]
    assert worst[0]["body_part"] == "arms" and worst[0]["joint"].startswith("left_")
    assert worst[0]["deviation_deg"] >= MIN_WORST_DEG
    scores = {d["id"]: d["score"] for d in report["dancers"]}
    assert scores[2] < scores[0] and scores[0] == scores[1]


def test_a_mirror_image_names_the_joint_on_its_own_side():
    """The same trio, the third dancing the mirror image: their own right arm is the one that is off."""

    def off(t: float) -> Frame:
        return DANCE(t, 60.0) if 3.0 <= t < 4.0 else DANCE(t)

    report = sync_report([track(DANCE), track(DANCE), track(mirror_image(off))], mirror=True)
    worst = report["least_in_sync"]
    assert worst[0]["dancer"] == 2 and worst[0]["body_part"] == "arms" and worst[0]["joint"].startswith("right_")
    assert worst[0]["start_s"] == pytest.approx(3.0, abs=0.1)


def test_the_late_dancer_of_a_trio_is_behind_the_others():
    report = sync_report([track(DANCE), track(DANCE), track(delayed(DANCE, 0.5))])
    lags = [d["lag_s"] for d in report["dancers"]]
    assert lags[2] == pytest.approx(0.5, abs=FRAME)
    assert -0.5 < lags[0] <= 0 and lags[0] == lags[1]
    scores = [p["score"] for p in report["pairs"]]  # (0, 1), (0, 2), (1, 2)
    assert scores[0] == 100.0 and scores[1] == scores[2] < 60


def test_landmark_jitter_costs_a_few_points():
    """The scale in the module's docstring: 1 cm of noise on every world landmark, 2 cm."""
    rng = np.random.default_rng(0)
    clean = track(DANCE)
    scores = []
    for cm in (1.0, 2.0):
        noisy = clean.world + rng.normal(0, cm / 100, clean.world.shape)
        scores.append(
            sync_report([clean, dataclasses.replace(clean, world=noisy.astype(np.float32))])["group"]["score"]
        )
    assert 85 <= scores[0] <= 95 and 75 <= scores[1] < scores[0]


def test_a_dancer_who_leaves_is_compared_only_while_there():
    report = sync_report([track(DANCE), track(DANCE, absent=(2.0, 4.0))])
    assert report["group"]["score"] == 100.0 and report["least_in_sync"] == []
    assert pair(report)["compared_s"] == pytest.approx(SECONDS - 2.0, abs=FRAME)
    assert report["group"]["compared_s"] == pytest.approx(SECONDS - 2.0, abs=FRAME)
    assert [d["present_s"] for d in report["dancers"]] == pytest.approx([SECONDS, SECONDS - 2.0], abs=FRAME)
    # The gap is neither a difference nor stillness that would move the lag.
    late = sync_report([track(DANCE), track(delayed(DANCE, 0.5), absent=(2.0, 4.0))])
    assert pair(late)["lag_s"] == pytest.approx(0.5, abs=FRAME) and pair(late)["aligned_score"] >= 99.0


def test_a_dancer_never_present_gives_no_scores_rather_than_a_failure():
    report = sync_report([track(DANCE), track(DANCE, absent=(0.0, SECONDS))])
    assert report["group"]["score"] is None and report["group"]["compared_s"] == 0.0
    assert pair(report)["score"] is None and pair(report)["lag_s"] is None
    assert report["least_in_sync"] == []


def test_a_sampled_analysis_finds_the_same_lag():
    """Five frames a second (``sample_fps=5``): the lag between samples, from the 30 Hz grid."""
    report = sync_report([track(DANCE, every=6), track(delayed(DANCE, 0.5), every=6)])
    assert pair(report)["lag_s"] == pytest.approx(0.5, abs=FRAME) and pair(report)["aligned_score"] >= 95.0


def test_a_lag_beyond_the_window_is_not_reported_as_one_inside_it():
    report = sync_report([track(DANCE), track(delayed(DANCE, 0.5))], max_lag_s=0.2)
    assert abs(pair(report)["lag_s"]) <= 0.2 and pair(report)["lag_correlation"] < 0.9


def test_a_photo_is_one_moment_compared_for_its_shapes_with_no_time_in_it():
    """A group photo: the same shapes score as a video's would at that moment, but nothing
    lasts (no seconds compared, no lag, a least-in-sync moment that is the photo itself)."""
    one = {"a": DANCE(1.0)[1][None], "b": DANCE(1.0)[1][None], "c": DANCE(1.0, 60.0)[1][None]}
    report = sync_from_world(np.zeros(1), one)
    assert report["group"]["compared_s"] == 0.0 and report["duration_s"] == 0.0
    assert all(d["present_s"] == 0.0 and d["lag_s"] is None for d in report["dancers"])
    assert all(p["compared_s"] == 0.0 and p["aligned_score"] is None for p in report["pairs"])
    scores = {tuple(p["dancers"]): p["score"] for p in report["pairs"]}
    assert scores[("a", "b")] == 100.0 and scores[("a", "c")] < 90.0
    [moment] = report["least_in_sync"]
    assert moment["start_s"] == moment["end_s"] == 0.0 and moment["dancer"] == "c" and moment["body_part"] == "arms"


def test_lag_steps_on_known_signals():
    rng = np.random.default_rng(3)
    base = np.cumsum(rng.normal(size=(300, 3)), axis=0)
    late = np.roll(base, 7, axis=0)
    late[:7] = np.nan  # not yet there
    steps, peak = lag_steps(base, late, max_steps=20, min_overlap=60)
    assert steps == pytest.approx(7, abs=0.05) and peak == pytest.approx(1.0)
    assert np.isnan(lag_steps(base, np.full_like(base, np.nan), 20, 60)[0])


def test_arrays_in_and_bad_input_out():
    a, b = track(DANCE), track(DANCE)
    from_arrays = sync_from_world(a.times, {"x": a.world, "y": b.world})
    assert from_arrays["pairs"][0]["dancers"] == ["x", "y"] and from_arrays["group"]["score"] == 100.0
    with pytest.raises(ValueError, match="two or more"):
        sync_report([a])
    with pytest.raises(ValueError, match="same analysed frames"):
        sync_report([a, track(DANCE, every=2)])


def test_no_frames_or_one_frame_gives_a_report_without_lags():
    empty = sync_from_world(np.empty(0), {1: np.empty((0, 33, 3)), 2: np.empty((0, 33, 3))})
    assert empty["group"]["score"] is None and empty["pairs"][0]["lag_s"] is None and empty["duration_s"] == 0.0
    a = track(DANCE)
    one = sync_from_world(a.times[:1], {1: a.world[:1], 2: a.world[:1]})
    assert one["group"]["score"] == 100.0 and one["pairs"][0]["lag_s"] is None

"""Angles over time, on synthetic skeletons whose joint angles are known."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.reports.angles import JOINTS, angles_report, bridgeable, joint_angles, low_pass
from tests.support import skeletons as S


def world_of(*poses: dict) -> np.ndarray:
    return S.frames(*[S.skeleton(**pose) for pose in poses])[1]


def knee_world(knee_deg: np.ndarray) -> np.ndarray:
    """One frame per value: the left knee bent to ``knee_deg`` (180 straight), all else still."""
    return world_of(*[dict(left_leg=S.Leg(shin=180.0 - k)) for k in knee_deg])


def test_joint_angles_read_the_angles_the_skeleton_was_posed_with():
    pose = dict(
        left_leg=S.Leg(shin=50),  # knee at 130
        right_leg=S.Leg(thigh=90),  # hip flexed to 90, knee straight
        left_arm=S.Arm(upper=90, fore=150),  # elbow at 120
        torso_lean=20,
    )
    angles = joint_angles(world_of(pose, S.STANDING))
    assert list(angles) == list(JOINTS)
    assert angles["left_knee"] == pytest.approx([130.0, 180.0], abs=1e-3)
    assert angles["right_knee"] == pytest.approx([180.0, 180.0], abs=1e-3)
    assert angles["left_elbow"] == pytest.approx([120.0, 180.0], abs=1e-3)
    assert angles["torso_tilt"] == pytest.approx([20.0, 0.0], abs=1e-3)
    # The shoulders are wider than the hips, so the torso side leans in a little from vertical:
    # upright, the hip is that much short of straight; raised to the front, about 90 minus the lean.
    torso = np.array(
        [S.HALF_SHOULDERS - S.HALF_HIPS, -S.TORSO * np.cos(np.radians(20)), S.TORSO * np.sin(np.radians(20))]
    )
    raised = np.degrees(np.arccos(torso[2] / np.linalg.norm(torso)))
    upright = 180 - np.degrees(np.arctan2(S.HALF_SHOULDERS - S.HALF_HIPS, S.TORSO))
    assert angles["right_hip"] == pytest.approx([raised, upright], abs=1e-3)
    assert 65 < raised < 75 and 170 < upright < 172


def test_a_frame_where_nobody_was_found_has_no_angle():
    world = world_of(S.STANDING, S.STANDING)
    world[1] = np.nan
    assert all(np.isnan(values[1]) and np.isfinite(values[0]) for values in joint_angles(world).values())


def test_the_section_has_the_shape_the_page_plots():
    times = np.arange(4) / 10
    report = angles_report(times, world_of(*[S.STANDING] * 4))
    assert list(report) == ["unit", "filter", "cutoff_hz", "max_gap_s", "times", "joints", "interpolated"]
    assert report["unit"] == "degrees" and report["max_gap_s"] == 0.5
    assert report["times"] == [0.0, 0.1, 0.2, 0.3]
    assert set(report["joints"]) == set(JOINTS) and report["interpolated"] == [False] * 4
    assert report["joints"]["left_knee"] == [180.0] * 4


def test_a_short_gap_is_interpolated_and_marked_and_a_long_one_stays_null():
    fps = 10
    knee = np.linspace(100.0, 160.0, 40)  # a knee straightening steadily over 4 s
    world = knee_world(knee)
    world[5:7] = np.nan  # 0.2 s
    world[20:30] = np.nan  # 1 s
    report = angles_report(np.arange(40) / fps, world, filter="none")
    series = report["joints"]["left_knee"]
    assert report["interpolated"] == [5 <= k < 7 for k in range(40)]
    assert series[5:7] == pytest.approx(knee[5:7], abs=0.1)  # on the line between the neighbours
    assert series[20:30] == [None] * 10
    assert series[19] == pytest.approx(knee[19], abs=0.1) and series[30] == pytest.approx(knee[30], abs=0.1)


def test_gaps_are_bridged_up_to_max_gap_s_and_never_at_the_ends():
    times = np.arange(20) / 10
    present = np.ones(20, bool)
    present[[0, 1, 19]] = False  # before the dancer is first found, after last seen
    present[5:10] = False  # 0.5 s: the longest bridged
    present[12:18] = False  # 0.6 s
    gaps = bridgeable(present, times, max_gap_s=0.5)
    assert np.flatnonzero(gaps).tolist() == [5, 6, 7, 8, 9]
    assert not bridgeable(present, times, max_gap_s=0.4).any()


def test_butterworth_removes_a_12_hz_wiggle_and_keeps_a_1_hz_movement():
    fps = 60
    t = np.arange(3 * fps) / fps
    movement = 130 + 30 * np.sin(2 * np.pi * 1.0 * t)
    wiggle = 5 * np.sin(2 * np.pi * 12.0 * t)
    world = knee_world(movement + wiggle)
    raw = np.array(angles_report(t, world, filter="none")["joints"]["left_knee"])
    report = angles_report(t, world)
    filtered = np.array(report["joints"]["left_knee"])
    assert (report["filter"], report["cutoff_hz"]) == ("butterworth", 6.0)
    inside = slice(6, -6)  # the very ends keep some of it: a filter cannot tell the last sample's noise
    assert np.abs(raw - movement)[inside].max() > 4.5  # the wiggle is there before filtering
    assert np.abs(filtered - movement)[inside].max() < 1.0  # and gone after, the movement kept (no lag)


def test_filter_none_gives_the_raw_angles():
    knee = np.array([170.0, 100.0, 170.0, 100.0, 170.0] * 8)  # jumps a low-pass would flatten
    report = angles_report(np.arange(40) / 30, knee_world(knee), filter="none")
    assert (report["filter"], report["cutoff_hz"]) == ("none", None)
    assert report["joints"]["left_knee"] == pytest.approx(knee, abs=0.05)
    assert angles_report(np.arange(40) / 30, knee_world(knee))["joints"]["left_knee"] != pytest.approx(knee, abs=5)


def test_too_low_a_frame_rate_for_the_cutoff_is_not_filtered_and_says_so():
    knee = np.array([170.0, 100.0] * 20)
    report = angles_report(np.arange(40) / 10, knee_world(knee))  # 10 fps: Nyquist 5 Hz, under 6
    assert (report["filter"], report["cutoff_hz"]) == ("none", None)
    assert report["joints"]["left_knee"] == pytest.approx(knee, abs=0.05)


def test_the_low_pass_filters_each_run_apart_and_leaves_nan_and_short_runs_alone():
    values = np.full(100, 120.0)
    values[40:45] = np.nan
    values[45:50] = [150.0, 90.0, 150.0, 90.0, 150.0]  # too short to pad: raw
    values[50] = np.nan
    out = low_pass(values, rate=30.0)
    assert np.isnan(out[40:45]).all() and np.isnan(out[50])
    assert out[45:50] == pytest.approx(values[45:50])
    assert out[:40] == pytest.approx(120.0) and out[51:] == pytest.approx(120.0)

import math

import numpy as np
import pytest

from dance_analyzer.features import (
    FEATURES,
    angle_between,
    angle_features,
    body_points,
    compute_features,
    joint_angle,
    mirrored,
)
from dance_analyzer.features.body import _unsided
from dance_analyzer.pose.landmarks import Landmark as L
from tests.support import skeletons as S


def features_of(**pose):
    image, world = S.frames(S.skeleton(**pose))
    table = compute_features(image, world)
    return {k: float(v[0]) for k, v in table.values.items()}


def test_joint_angle_of_known_triangles():
    a = np.array([[1.0, 0, 0], [1.0, 0, 0], [1.0, 1.0, 0]])
    b = np.zeros((3, 3))
    c = np.array([[0, 1.0, 0], [-1.0, 0, 0], [1.0, 0, 0]])
    np.testing.assert_allclose(joint_angle(a, b, c), [90.0, 180.0, 45.0], atol=1e-9)


def test_angle_between_zero_vector_is_nan():
    assert math.isnan(angle_between(np.zeros(3), np.array([1.0, 0, 0])))


@pytest.mark.parametrize("elbow", [60, 90, 135, 180])
def test_elbow_angle_matches_the_posed_bend(elbow):
    # Upper arm hanging (0 deg), forearm raised by 180 - elbow degrees.
    f = features_of(left_arm=S.Arm(upper=0, fore=180 - elbow))
    assert f["left_elbow_angle"] == pytest.approx(elbow, abs=1e-3)
    assert f["right_elbow_angle"] == pytest.approx(180 - abs(10 - 10), abs=1e-3)


@pytest.mark.parametrize("knee", [80, 120, 180])
def test_knee_angle_matches_the_posed_bend(knee):
    f = features_of(left_leg=S.Leg(thigh=60, shin=180 - knee))
    assert f["left_knee_angle"] == pytest.approx(knee, abs=1e-3)
    assert f["right_knee_angle"] == pytest.approx(180, abs=1e-3)


@pytest.mark.parametrize("elevation", [0, 45, 90, 135, 180])
def test_arm_elevation_is_measured_against_the_torso(elevation):
    f = features_of(left_arm=S.Arm(elevation, elevation))
    assert f["left_arm_elevation"] == pytest.approx(elevation, abs=1e-3)
    # The reference is the torso, not gravity: leaning 25 deg towards the camera with
    # the same (sideways) arm changes the angle by exactly the spherical-triangle rule.
    leaning = features_of(left_arm=S.Arm(elevation, elevation), torso_lean=25)
    expected = math.degrees(math.acos(math.cos(math.radians(elevation)) * math.cos(math.radians(25))))
    assert leaning["left_arm_elevation"] == pytest.approx(expected, abs=1e-3)


def test_torso_tilt_and_body_unit_features():
    assert features_of()["torso_tilt"] == pytest.approx(0, abs=1e-6)
    assert features_of(torso_lean=30)["torso_tilt"] == pytest.approx(30, abs=1e-3)
    f = features_of(left_leg=S.Leg(thigh=90, shin=90))  # knee lifted to hip height
    assert f["left_foot_lift"] == pytest.approx(0.51, abs=0.01)  # (0.42) / leg length 0.82
    assert f["right_foot_lift"] == pytest.approx(-f["left_foot_lift"])
    assert features_of(**S.T_POSE)["wrist_spread"] == pytest.approx((0.36 + 2 * 0.53) / 0.36, rel=1e-3)
    assert features_of()["hip_height"] == pytest.approx(1.0, abs=1e-6)


def test_wrist_across_is_positive_only_past_the_midline():
    assert features_of(**S.ARMS_CROSSED)["left_wrist_across"] > 0.2
    assert features_of()["left_wrist_across"] < -1.0


@pytest.mark.parametrize("name", ["T_POSE", "ONE_ARM_UP", "SQUAT", "LUNGE", "ONE_LEG", "ARMS_CROSSED"])
def test_features_swap_sides_under_mirroring(name):
    image, world = S.frames(S.skeleton(**getattr(S, name)))
    plain = compute_features(image, world).values
    mirror = compute_features(*S.mirrored(image, world)).values
    for spec in FEATURES.values():
        if spec.sided:
            np.testing.assert_allclose(mirror[f"left_{spec.name}"], plain[f"right_{spec.name}"], atol=1e-4)
            np.testing.assert_allclose(mirror[f"right_{spec.name}"], plain[f"left_{spec.name}"], atol=1e-4)
        else:
            np.testing.assert_allclose(mirror[spec.name], plain[spec.name], atol=1e-4)


@pytest.mark.parametrize("yaw", [30, 75, 180])
def test_features_do_not_depend_on_which_way_the_dancer_faces(yaw):
    image, world = S.frames(S.skeleton(**S.LUNGE), S.skeleton(**S.ARMS_UP))
    plain = compute_features(image, world).values
    turned = compute_features(*S.yawed(image, world, yaw)).values
    for key in plain.keys() - {"side_on"}:  # the one feature about the camera, not the body
        np.testing.assert_allclose(turned[key], plain[key], atol=1e-3, err_msg=key)


def test_missing_person_gives_nan_and_zero_visibility():
    image, world = S.frames(S.skeleton(), S.skeleton())
    image[1], world[1] = np.nan, np.nan
    table = compute_features(image, world)
    assert all(np.isnan(v[1]) and not np.isnan(v[0]) for v in table.values.values())
    assert all(v[1] == 0 for v in table.visibility.values())


def test_visibility_is_the_weakest_landmark_used():
    image, world = S.frames(S.skeleton())
    image[0, 27, 3] = 0.2  # left ankle barely seen
    vis = compute_features(image, world).visibility
    assert vis["left_knee_angle"][0] == pytest.approx(0.2)
    assert vis["right_knee_angle"][0] == pytest.approx(0.99)
    assert vis["left_elbow_angle"][0] == pytest.approx(0.99)


# ---------------------------------------------------------------- angles for comparison


def angles_of(**pose):
    _, world = S.frames(S.skeleton(**pose))
    return {k: float(v[0]) for k, v in angle_features(world).items()}


def test_comparison_angles_of_a_t_pose():
    a = angles_of(**S.T_POSE)
    for side in ("left", "right"):
        assert a[f"{side}_elbow"] == pytest.approx(180, abs=1e-3)
        # The arm is level; the torso's side slants in from the shoulder to the narrower hip.
        slant = math.degrees(math.atan((S.HALF_SHOULDERS - S.HALF_HIPS) / S.TORSO))
        assert a[f"{side}_shoulder"] == pytest.approx(90 + slant, abs=1e-3)
        assert a[f"{side}_upper_arm_dir"] == pytest.approx(90, abs=1e-3)
        assert a[f"{side}_knee"] == pytest.approx(180, abs=1e-3)
        assert a[f"{side}_thigh_dir"] == pytest.approx(180, abs=1e-3)
        assert a[f"{side}_thigh_to_pelvis"] == pytest.approx(90, abs=1e-3)
    assert a["torso_dir"] == pytest.approx(0, abs=1e-3)


def test_the_two_hip_angles_measure_different_movements():
    """hip_angle (shoulder-hip-knee) folds with a front kick; thigh_to_pelvis opens with a
    sideways spread of the leg and does not notice the kick."""
    kick, spread = S.Leg(thigh=90), S.Leg(spread=30)
    assert angles_of(left_leg=kick)["left_thigh_to_pelvis"] == pytest.approx(90, abs=1e-3)
    assert features_of(left_leg=kick)["left_hip_angle"] == pytest.approx(90, abs=1e-3)
    assert angles_of(left_leg=spread)["left_thigh_to_pelvis"] > 110
    assert angles_of(left_leg=spread)["right_thigh_to_pelvis"] == pytest.approx(90, abs=1e-3)


def test_mirrored_angles_swap_sides_and_keep_the_rest():
    a = angles_of(left_arm=S.Arm(90, 90))
    m = mirrored({k: np.array([v]) for k, v in a.items()})
    assert m["right_upper_arm_dir"][0] == a["left_upper_arm_dir"] and m["left_shoulder"][0] == a["right_shoulder"]
    assert m["torso_dir"][0] == a["torso_dir"] and set(m) == set(a)


def test_body_points_are_in_torso_lengths_with_y_up():
    image, _ = S.frames(S.skeleton(), S.skeleton())
    image[1] = np.nan  # nobody in the second frame
    points = body_points(image, aspect=1.0)
    shoulders = (points[0, L.LEFT_SHOULDER] + points[0, L.RIGHT_SHOULDER]) / 2
    hips = (points[0, L.LEFT_HIP] + points[0, L.RIGHT_HIP]) / 2
    assert np.linalg.norm(shoulders - hips) == pytest.approx(1.0)
    assert shoulders[1] > hips[1]  # up is up
    assert np.isnan(points[1]).all()
    wide = body_points(image, aspect=2.0)  # a landscape picture: x counts twice as much
    assert wide[0, L.LEFT_HIP, 1] == pytest.approx(points[0, L.LEFT_HIP, 1])


# ---------------------------------------------------------------- contact, head, crossing, frame


def test_a_raised_heel_with_the_toes_down_is_still_a_foot_on_the_ground():
    image, world = S.frames(S.skeleton())
    world[0, L.LEFT_HEEL, 1] -= 0.08  # heel lifted 8 cm (y points down): a calf raise, a lunge's back foot
    world[0, L.LEFT_ANKLE, 1] -= 0.08
    table = compute_features(image, world)
    assert abs(table.values["left_foot_lift"][0]) < 0.02  # the toes still touch the ground
    world[0, [L.LEFT_HEEL, L.LEFT_ANKLE, L.LEFT_FOOT_INDEX], 1] -= 0.2  # the whole foot up
    assert compute_features(image, world).values["left_foot_lift"][0] > 0.2  # 0.2 m of a 0.82 m leg


def test_hands_above_the_head_are_measured_up_the_picture():
    up = features_of(**S.ARMS_UP)
    assert up["left_wrist_above_head"] > 0.3 and up["right_wrist_above_head"] > 0.3
    down = features_of()
    assert down["left_wrist_above_head"] < -1.0
    leaning = features_of(left_arm=S.Arm(90, 90, forward=1.0), torso_lean=60)  # arm forward, body leaning
    assert leaning["left_wrist_above_head"] < 0.2  # overhead for the torso, not for anyone watching


def test_folded_forearms_have_crossed_wrists_and_clasped_hands_do_not():
    assert features_of(**S.ARMS_CROSSED)["wrists_crossed"] > 0.5
    assert features_of()["wrists_crossed"] < -1.0  # hands hanging at their own sides


def test_landmarks_outside_the_picture_are_not_seen():
    image, world = S.frames(S.skeleton())
    image[0, [L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = 1.3  # legs below the frame
    table = compute_features(image, world)
    assert table.visibility["left_knee_angle"][0] == 0.0 and table.visibility["left_foot_lift"][0] == 0.0
    assert table.visibility["left_elbow_angle"][0] > 0.9  # the arms are still in view


def test_the_standing_knee_is_the_knee_of_the_lower_foot():
    balance = features_of(left_leg=S.Leg(thigh=90, shin=90))  # left knee raised, right leg straight
    assert balance["standing_knee_angle"] == pytest.approx(balance["right_knee_angle"])
    assert balance["standing_knee_angle"] > 170
    sitting_step = features_of(left_leg=S.Leg(thigh=90, shin=90), right_leg=S.Leg(thigh=80, shin=100))
    assert sitting_step["standing_knee_angle"] < 120  # the lower leg is bent too: not balancing on it


def test_floor_features_of_a_standing_body():
    f = features_of()
    # Standing, the feet are the floor: the hips about a leg length above it, the knees half.
    assert 0.9 < f["hip_floor_height"] < 1.1
    assert f["shoulder_floor_height"] > f["hip_floor_height"]
    assert 0.4 < f["left_knee_height"] < 0.6
    assert f["leg_split"] < 20 and f["side_lean"] < 5
    assert abs(f["left_heel_raise"]) < 0.05  # a flat foot
    # The hands hang at the sides, about halfway between the hips and the knees.
    assert f["left_knee_height"] < f["left_wrist_floor_height"] < f["hip_floor_height"]
    arms_up = features_of(**{f"{side}_arm": S.Arm(180, 180) for side in ("left", "right")})
    assert arms_up["left_wrist_floor_height"] > arms_up["shoulder_floor_height"]


def test_a_raised_leg_is_measured_against_the_vertical_and_the_standing_knee():
    f = features_of(left_leg=S.Leg(thigh=90, shin=90))
    assert f["left_thigh_raise"] == pytest.approx(90, abs=5)
    assert f["right_leg_raise"] < 10  # the standing leg hangs straight down
    assert f["left_foot_to_knee"] > f["right_foot_to_knee"] or f["left_foot_to_knee"] > 0.3


def test_a_lunge_opens_the_legs_and_a_mirror_keeps_the_unsided_features():
    f = features_of(**S.LUNGE)
    assert f["leg_split"] > 40
    image, world = S.frames(S.skeleton(**S.LUNGE))
    flipped = compute_features(*S.mirrored(image, world))
    for name in ("leg_split", "knee_spread", "side_lean", "hip_floor_height"):
        assert float(flipped.values[name][0]) == pytest.approx(f[name], abs=1e-6)


def _upper_body_turned(world: np.ndarray, degrees: float, axis: np.ndarray) -> np.ndarray:
    """The landmarks above the hips turned about ``axis`` through the hips' midpoint: about
    the camera's axis that is a bend over to one side, about the torso's own line a twist."""
    k = axis / np.linalg.norm(axis)
    a = math.radians(degrees)
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    rot = np.eye(3) + math.sin(a) * cross + (1 - math.cos(a)) * cross @ cross
    out = world.copy()
    centre = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    upper = list(range(L.LEFT_HIP))
    out[:, upper] = (world[:, upper] - centre[:, None]) @ rot.T + centre[:, None]
    return out


@pytest.mark.parametrize("bend", [20.0, 40.0, 60.0])
def test_side_lean_is_the_bend_over_to_one_side_whichever_side(bend):
    # The shoulders tilt with the torso in a side bend, so the lean is measured against the
    # hips' axis, not the shoulders'.
    image, world = S.frames(S.skeleton())
    leaning = _upper_body_turned(world, bend, np.array([0.0, 0.0, 1.0]))
    lean = float(compute_features(image, leaning).values["side_lean"][0])
    assert lean == pytest.approx(bend, abs=1.0)
    other = float(compute_features(*S.mirrored(image, leaning)).values["side_lean"][0])
    assert other == pytest.approx(lean, abs=1e-6)


def test_a_forward_fold_or_a_plank_with_the_shoulders_out_of_square_is_no_side_lean():
    # Level with the floor the torso has no upward part to weigh a sideways part against: one
    # shoulder placed a little ahead of the other (as the model often does) must not read as a
    # side bend, and nor must a chest turned about the torso's own line.
    for forward in (80.0, 90.0):
        image, world = S.frames(S.skeleton(torso_lean=forward))
        shoulders = world[0, L.LEFT_SHOULDER] + world[0, L.RIGHT_SHOULDER]
        torso = (shoulders - world[0, L.LEFT_HIP] - world[0, L.RIGHT_HIP]) / 2
        uneven = world.copy()
        uneven[:, L.LEFT_SHOULDER] += 0.02 * torso / np.linalg.norm(torso)
        assert float(compute_features(image, uneven).values["side_lean"][0]) < 5
        twisted = _upper_body_turned(world, 30.0, torso)
        assert float(compute_features(image, twisted).values["side_lean"][0]) < 5


@pytest.mark.parametrize("turn", [0.0, 40.0, -70.0, 90.0, 180.0])
def test_side_on_is_how_far_the_shoulders_are_turned_from_the_camera(turn):
    image, world = S.yawed(*S.frames(S.skeleton()), turn)
    expected = min(abs(turn) % 180, 180 - abs(turn) % 180)  # facing away is square to it too
    assert float(compute_features(image, world).values["side_on"][0]) == pytest.approx(expected, abs=1.0)


@pytest.mark.parametrize(("joint", "lunge"), [("knee", S.LUNGE), ("hip", S.FORWARD_LUNGE)])
def test_knee_and_hip_differences_are_zero_for_legs_alike_and_the_gap_otherwise(joint, lunge):
    squat = features_of(**S.SQUAT)
    assert squat[f"{joint}_difference"] == pytest.approx(0, abs=1e-6)
    apart = features_of(**lunge)
    gap = abs(apart[f"left_{joint}_angle"] - apart[f"right_{joint}_angle"])
    assert apart[f"{joint}_difference"] == pytest.approx(gap)
    assert apart[f"{joint}_difference"] > 40


def test_stride_is_how_far_apart_the_feet_are_front_to_back():
    assert features_of()["stride"] == pytest.approx(0, abs=1e-6)
    stepping = features_of(left_leg=S.Leg(thigh=25), right_leg=S.Leg(thigh=-25))
    assert stepping["stride"] == pytest.approx(stepping["left_leg_forward"] - stepping["right_leg_forward"])
    assert stepping["stride"] > 0.6
    assert features_of(left_leg=S.Leg(spread=30))["stride"] < 0.05  # apart to the side is no stride


def test_side_tilt_is_the_lean_to_the_side_against_the_vertical_and_side_lean_against_the_pelvis():
    # A whole body tipped over sideways (as a triangle tips the pelvis with the torso) leans
    # against the vertical, not against its own pelvis; a fold forward leans neither way.
    tipped = compute_features(*S.rolled(*S.frames(S.skeleton()), 50))
    assert float(tipped.values["side_tilt"][0]) == pytest.approx(50, abs=1.0)
    assert float(tipped.values["side_lean"][0]) < 1.0
    folded = features_of(torso_lean=80)
    assert folded["side_tilt"] < 1.0 and folded["side_lean"] < 1.0


def test_a_feature_name_can_be_defined_only_once():
    with pytest.raises(ValueError, match="stride"):

        @_unsided("leg lengths")
        def stride(b):  # the name features/positions.py already defines
            return b

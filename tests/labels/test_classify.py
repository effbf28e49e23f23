import numpy as np
import pytest

from dance_analyzer.features import compute_features
from dance_analyzer.labels.classify import NO_POSE, hold_filter, label_frames, primary_pose, runs_of, smooth_primary
from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.pose.landmarks import Landmark as L
from tests.support import skeletons as S

POSES = load_definitions()

EXPECTED = {
    "STANDING": {"standing"},
    "T_POSE": {"t_pose", "arms_open"},  # arms straight out to the sides are also second-position arms
    "ARMS_UP": {"arms_up"},
    "ONE_ARM_UP": {"one_arm_up"},
    "HANDS_ON_HIPS": {"hands_on_hips"},
    "ARMS_CROSSED": {"arms_crossed"},
    "SQUAT": {"squat"},
    "LUNGE": {"lunge"},
    "ONE_LEG": {"one_leg"},
}


def labels_in(table):
    return [{POSES.names[j] for j in np.flatnonzero(row)} for row in label_frames(table, POSES)]


def labels_of(image, world):
    return labels_in(compute_features(image, world))


def measured(frame=None, **values):
    """One frame's feature table (``frame``: a skeleton, standing by default) with these
    features set: for shapes a synthetic skeleton does not reach (on the floor), or a reading
    the model gives that the skeleton's true angles do not, read straight from the values."""
    table = compute_features(*S.frames(frame or S.skeleton()))
    for name, value in values.items():
        table.values[name][0] = value
    return table


@pytest.mark.parametrize("name", EXPECTED)
def test_each_builtin_pose_is_recognised_and_nothing_else(name):
    assert labels_of(*S.frames(S.skeleton(**getattr(S, name)))) == [EXPECTED[name]]


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize(
    "variant",
    [
        S.mirrored,
        lambda i, w: S.yawed(i, w, 40),
        lambda i, w: S.yawed(i, w, -70),
        lambda i, w: S.rolled(i, w, 8),
    ],
    ids=["mirrored", "turned_40", "turned_-70", "camera_rolled_8"],
)
def test_labels_survive_mirroring_turning_and_camera_roll(name, variant):
    assert labels_of(*variant(*S.frames(S.skeleton(**getattr(S, name))))) == [EXPECTED[name]]


def test_combined_poses_are_multi_label_and_primary_follows_priority():
    image, world = S.frames(S.skeleton(**S.ARMS_UP, **S.ONE_LEG), S.skeleton(**S.T_POSE, **S.LUNGE))
    # A T above a lunge is also second-position arms (arms_open), which ranks below the T.
    assert labels_of(image, world) == [{"arms_up", "one_leg"}, {"t_pose", "arms_open", "lunge"}]
    primary = primary_pose(label_frames(compute_features(image, world), POSES))
    assert [POSES.names[i] for i in primary] == ["arms_up", "t_pose"]


def test_standing_is_excluded_by_arm_poses():
    image, world = S.frames(S.skeleton(**S.HANDS_ON_HIPS))
    assert "standing" not in labels_of(image, world)[0]


def test_poorly_seen_landmarks_produce_no_label():
    image, world = S.frames(S.skeleton(**S.SQUAT))
    image[0, 25:29, 3] = 0.04  # knees and ankles barely visible (below every pose's bar)
    assert labels_of(image, world) == [set()]
    image, world = S.frames(S.skeleton(**S.ARMS_UP))
    image[0, 15, 3] = 0.05  # left wrist barely seen: cannot claim arms_up, nor one_arm_up
    assert labels_of(image, world)[0] & {"arms_up", "one_arm_up"} == set()


def test_no_person_means_no_label():
    image, world = S.frames(S.skeleton())
    image[:], world[:] = np.nan, np.nan
    labels = label_frames(compute_features(image, world), POSES)
    assert not labels.any()
    assert primary_pose(labels).tolist() == [NO_POSE]


def test_runs_of_splits_a_sequence():
    runs = runs_of(np.array([1, 1, 2, 2, 2, -1]))
    assert [(r.label, r.start, r.stop) for r in runs] == [(1, 0, 2), (2, 2, 5), (-1, 5, 6)]


def test_hold_filter_drops_blips_and_fills_dropouts_in_seconds():
    times = np.arange(20) / 10.0  # 10 fps
    column = np.zeros(20, dtype=bool)
    column[2] = True  # 0.1 s blip: passing through
    column[8:18] = True  # 1 s hold ...
    column[12] = False  # ... with a one-frame dropout
    out = hold_filter(column[:, None], times, 2.0, 0.2)[:, 0]
    expected = np.zeros(20, dtype=bool)
    expected[8:18] = True
    np.testing.assert_array_equal(out, expected)
    # The same blip lasts 0.2 s at 5 fps: it is kept.
    kept = hold_filter(np.array([[False], [True], [False], [False]]), np.arange(4) / 5.0, 0.8, 0.2)
    assert kept[:, 0].tolist() == [False, True, False, False]


def test_smooth_primary_merges_short_runs_into_the_longer_neighbour():
    times = np.arange(10) / 10.0
    primary = np.array([0, 0, 0, 0, 1, 0, 0, 2, 2, 2])
    assert smooth_primary(primary, times, 1.0, 0.2).tolist() == [0, 0, 0, 0, 0, 0, 0, 2, 2, 2]
    assert smooth_primary(primary, times, 1.0, 0.0).tolist() == primary.tolist()


def test_a_straight_leg_held_out_low_is_a_balance_and_a_bent_one_is_a_step():
    # The foot about 0.18 leg lengths up: below the plain one_leg bar, so only or_when sees it.
    held_out = S.skeleton(left_leg=S.Leg(thigh=35))  # a straight leg swung forward
    stepping = S.skeleton(left_leg=S.Leg(thigh=-10, shin=40))  # back foot lifting, knee bent
    image, world = S.frames(held_out, stepping)
    table = compute_features(image, world)
    assert 0.15 < table.values["left_foot_lift"][0] < 0.25 and table.values["left_knee_angle"][0] > 170
    assert 0.15 < table.values["left_foot_lift"][1] < 0.25 and table.values["left_knee_angle"][1] < 150
    found = labels_of(image, world)
    assert "one_leg" in found[0] and "one_leg" not in found[1]


def test_a_jump_is_not_a_balance():
    image, world = S.frames(S.skeleton(left_leg=S.Leg(thigh=90, shin=90), right_leg=S.Leg(thigh=30, shin=80)))
    assert "one_leg" not in labels_of(image, world)[0]  # the lower leg is bent too: in the air


def test_a_body_cropped_at_the_waist_still_shows_one_arm_up():
    image, world = S.frames(S.skeleton(**S.ONE_ARM_UP))
    below = [L.RIGHT_WRIST, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE]
    image[0, below, 1] = 1.2  # the hanging hand and everything from the hips down are below the picture
    assert labels_of(image, world) == [{"one_arm_up"}]  # and no leg pose from legs nobody sees


def test_open_arms_with_the_elbows_bent_and_the_palms_up_but_not_cactus_arms():
    # Upper arms 45 degrees out, forearms on out and up to the hands at shoulder height
    # (the elbows at 90 degrees): the open arms of dance_solo_1's start. Upper arms level
    # with the forearms pointing up (cactus, goalpost) are not open arms.
    open_palms = S.skeleton(left_arm=S.Arm(45, 135), right_arm=S.Arm(45, 135))
    cactus = S.skeleton(left_arm=S.Arm(90, 180), right_arm=S.Arm(90, 180))
    found = labels_of(*S.frames(open_palms, cactus))
    assert "arms_open" in found[0] and "t_pose" not in found[0]
    assert "arms_open" not in found[1]


def test_a_half_length_portrait_with_the_arms_out_is_a_t_and_open_arms():
    # Cut off at the waist: the hips, and everything below them, under the picture's edge.
    image, world = S.frames(S.skeleton(**S.T_POSE))
    image[0, L.LEFT_HIP :, 1] = 1.2
    assert labels_of(image, world) == [{"t_pose", "arms_open"}]
    # The same arms with the hips in the picture but unseen (hidden, not cut off): the
    # torso's lean is unknown, and so are the poses that need it upright.
    image, world = S.frames(S.skeleton(**S.T_POSE))
    image[0, L.LEFT_HIP :, 3] = 0.0
    assert labels_of(image, world) == [set()]


ARM = {"left": (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST), "right": (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST)}


@pytest.mark.parametrize("hidden", ["left", "right"])
def test_hands_on_hips_in_profile_with_the_far_arm_behind_the_body(hidden):
    image, world = S.yawed(*S.frames(S.skeleton(**S.HANDS_ON_HIPS)), 90)
    image[0, list(ARM[hidden][1:]), 3] = 0.1  # the far elbow and hand are hidden by the body
    assert "hands_on_hips" in labels_of(image, world)[0]
    # Square to the camera the same picture is one hand on the hip, not both.
    image, world = S.frames(S.skeleton(**S.HANDS_ON_HIPS))
    image[0, list(ARM[hidden][1:]), 3] = 0.1
    assert "hands_on_hips" not in labels_of(image, world)[0]


def test_in_profile_a_hanging_near_arm_is_not_hands_on_hips():
    image, world = S.yawed(*S.frames(S.skeleton()), 90)
    image[0, [L.RIGHT_ELBOW, L.RIGHT_WRIST], 3] = 0.1
    assert labels_of(image, world)[0] & {"hands_on_hips", "hand_on_hip"} == set()


def test_a_plie_bends_both_knees_alike_and_a_wide_lunge_is_not_one():
    # A warrior-two lunge seen from the front: the model reads the long back leg a little
    # bent (it bends straight knees seen head-on), so both knees fall in the plié's range and
    # only how differently they bend tells the two apart.
    table = compute_features(*S.frames(S.skeleton(**S.PLIE)))
    assert "plie" in labels_in(table)[0]
    table.values["left_knee_angle"][0] = 100.0  # deep on the front leg
    for other, is_plie in ((115.0, True), (145.0, False)):
        table.values["right_knee_angle"][0] = other
        table.values["knee_difference"][0] = other - 100.0
        assert ("plie" in labels_in(table)[0]) == is_plie


def test_a_warrior_two_seen_head_on_is_a_lunge_though_its_bent_knee_reads_shallow():
    # Seen from the front the bent knee points at the camera, and the model's depth makes it
    # read 130-150 degrees; with the feet wide and the other leg long, the knees still differ.
    table = measured(S.skeleton(**S.PLIE), left_knee_angle=140.0, right_knee_angle=170.0, knee_difference=30.0)
    for stance, is_lunge in ((1.3, True), (0.9, False)):
        table.values["stance_width"][0] = stance
        found = labels_in(table)[0]
        assert ("lunge" in found) == is_lunge
        assert "plie" not in found
    table.values["stance_width"][0] = 1.3
    table.values["right_knee_angle"][0] = 150.0  # both knees a little bent, alike: no lunge
    table.values["knee_difference"][0] = 10.0
    assert "lunge" not in labels_in(table)[0]


@pytest.mark.parametrize(
    ("raised", "tip"), [(S.Leg(thigh=90), -90.0), (S.Leg(thigh=-60), 90.0)], ids=["leg_up", "leg_behind"]
)
def test_positions_on_one_standing_leg_need_the_body_up_on_it(raised, tip):
    # The same shape lying on the floor (a hamstring stretch on the back, a scissor kick) is
    # not an arabesque, a leg extension or a balance on one leg: nothing stands on the long leg.
    image, world = S.frames(S.skeleton(right_leg=raised))
    assert labels_of(image, world)[0] & {"arabesque", "leg_extension"}
    lying = labels_of(*S.pitched(image, world, tip))[0]
    assert "lie" in lying
    assert lying & {"arabesque", "attitude", "leg_extension", "one_leg"} == set()


@pytest.mark.parametrize(
    ("from_hip", "height", "on_hip"),
    [(0.2, -0.8, True), (0.75, -0.5, True), (0.75, -0.2, False), (0.9, -0.7, False)],
    ids=["on_the_hip", "on_the_waist", "up_at_the_chest", "out_from_the_body"],
)
def test_one_hand_on_the_waist_is_a_hand_on_the_hip(from_hip, height, on_hip):
    # The hand rests on the waist as often as on the hip joint (the landmark, lower down): a
    # hand further from that joint still counts while it is down at waist or hip height.
    table = measured(
        S.skeleton(left_arm=S.Arm(35, 42, across=True)), left_hand_to_hip=from_hip, left_wrist_height=height
    )
    assert ("hand_on_hip" in labels_in(table)[0]) == on_hip


@pytest.mark.parametrize(("height", "is_arabesque"), [(40.0, False), (50.0, True), (80.0, True)])
def test_an_arabesque_lifts_the_straight_leg_behind_to_45_degrees_or_more(height, is_arabesque):
    # Lower, a long leg behind is a dégagé, or the dancer stepping out of a turn: still a
    # balance on one leg.
    found = labels_of(*S.frames(S.skeleton(right_leg=S.Leg(thigh=-height))))[0]
    assert ("arabesque" in found) == is_arabesque
    assert "one_leg" in found


@pytest.mark.parametrize(("ahead", "is_passe"), [(0.0, True), (0.3, True), (0.5, False)])
def test_a_passe_devant_is_a_passe_and_a_knee_lift_with_the_foot_out_in_front_is_not(ahead, is_passe):
    # A pirouette's passé is devant: the toes in front of the standing knee put the ankle a
    # third of a leg ahead of its hip. A knee lift (the thigh level, the shin hanging) puts
    # it half a leg ahead: a balance on one leg, not a passé.
    found = labels_in(measured(S.skeleton(right_leg=S.Leg(thigh=80, shin=120)), right_leg_forward=ahead))[0]
    assert ("passe" in found) == is_passe
    assert "one_leg" in found


@pytest.mark.parametrize(("hidden", "held"), [(0.1, True), (0.02, False)])
def test_in_profile_a_standing_leg_hidden_behind_the_raised_one_still_stands(hidden, held):
    # Seen side-on, the far (standing) leg is behind the raised one: the model gives it a low
    # visibility but places it well. Only a leg it barely guesses at says nothing.
    image, world = S.yawed(*S.frames(S.skeleton(right_leg=S.Leg(thigh=90))), 90)
    image[0, [L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX], 3] = hidden
    found = labels_of(image, world)[0]
    assert ("leg_extension" in found) == held
    assert ("one_leg" in found) == held


def test_sitting_back_on_the_heels_is_kneeling_and_cross_legged_is_sitting():
    # Both have the seat low and the knees folded near the floor; kneeling keeps the knees
    # together in front, cross-legged (or soles together) opens them wide.
    table = measured(
        left_knee_height=0.05,
        right_knee_height=0.08,
        left_knee_angle=40.0,
        right_knee_angle=45.0,
        hip_floor_height=0.3,  # the hip joint, a little above the seat (sitting: 0.2 at the median)
        shoulder_floor_height=1.0,
        torso_tilt=10.0,
    )
    for spread, pose in ((1.4, "kneel"), (3.0, "sit")):
        table.values["knee_spread"][0] = spread
        floor = labels_in(table)[0] & {"kneel", "sit"}
        assert floor == {pose}
    # Seen side-on, the far knee hides behind the near one: placed well, but barely "seen".
    table.values["knee_spread"][0] = 1.4
    for name in ("right_knee_height", "right_knee_angle", "knee_spread"):
        table.visibility[name][0] = 0.15
    assert labels_in(table)[0] & {"kneel", "sit"} == {"kneel"}
    table.visibility["right_knee_height"][0] = table.visibility["right_knee_angle"][0] = 0.9
    table.visibility["knee_spread"][0] = 0.9
    # Knees on the floor with the legs long in front (sitting with the legs out) stay sitting.
    table.values["left_knee_angle"][0] = table.values["right_knee_angle"][0] = 170.0
    table.values["knee_spread"][0] = 1.0
    assert labels_in(table)[0] & {"kneel", "sit"} == {"sit"}


def test_a_low_lunge_on_the_back_knee_is_kneeling_and_the_seat_on_the_floor_is_not():
    # The back knee down and the front foot planted, the hips sunk low between them (a yoga
    # low lunge, a dragon pose): the seat is still off the floor.
    table = measured(
        left_knee_height=0.08,
        right_knee_height=0.55,
        left_knee_angle=140.0,
        right_knee_angle=85.0,
        hip_floor_height=0.37,
        shoulder_floor_height=1.2,
        torso_tilt=30.0,
        knee_spread=3.5,
    )
    assert "kneel" in labels_in(table)[0]
    table.values["hip_floor_height"][0] = 0.2  # sitting on the floor, one knee up
    assert "kneel" not in labels_in(table)[0]


def test_kneeling_bent_forward_needs_the_hands_off_the_floor():
    # A kneeling row or cable crunch tips the torso forward over the knees with the hands
    # free; on all fours (a cat stretch, a table top) the same knees and hips have the
    # hands down on the floor, and that is not kneeling up.
    table = measured(
        left_knee_height=0.02,
        right_knee_height=0.05,
        left_knee_angle=80.0,
        right_knee_angle=85.0,
        hip_floor_height=0.55,
        shoulder_floor_height=0.7,
        torso_tilt=75.0,
        knee_spread=1.3,
    )
    for wrists, kneels in ((0.7, True), (0.05, False)):
        table.values["left_wrist_floor_height"][0] = table.values["right_wrist_floor_height"][0] = wrists
        assert ("kneel" in labels_in(table)[0]) is kneels
    # One hand down (a bird dog's supporting arm) is on all fours too.
    table.values["left_wrist_floor_height"][0] = 0.7
    assert "kneel" not in labels_in(table)[0]


def test_lying_on_the_back_arms_reaching_to_the_ceiling_are_not_raised_overhead():
    # Up the picture, the hands are far above the head; but the body is lying down.
    for arms in (S.ARMS_UP, S.ONE_ARM_UP):
        reaching = {side: S.Arm(90, 90, forward=1.0, upper_lateral=0.0) for side in arms}
        lying = labels_of(*S.pitched(*S.frames(S.skeleton(**reaching)), -90))[0]
        assert "lie" in lying
        assert lying & {"arms_up", "one_arm_up"} == set()


def test_a_forward_lunge_bends_both_knees_and_is_still_a_lunge_not_a_squat():
    image, world = S.frames(S.skeleton(**S.FORWARD_LUNGE))
    features = compute_features(image, world)
    assert max(features.values["left_knee_angle"][0], features.values["right_knee_angle"][0]) < 130
    assert labels_in(features)[0] & {"lunge", "squat", "plie"} == {"lunge"}
    assert labels_of(*S.mirrored(image, world))[0] & {"lunge", "squat", "plie"} == {"lunge"}


def test_in_profile_a_far_arm_in_plain_view_swinging_is_not_hands_on_hips():
    # A runner seen side-on: the near hand passes the hip with the elbow bent, the far arm
    # swings forward in plain view. Hands on hips has the far hand at the hip or hidden.
    swing = dict(left_arm=S.Arm(35, 42, across=True), right_arm=S.Arm(60, 120, forward=1.0))
    image, world = S.yawed(*S.frames(S.skeleton(**swing)), 90)
    assert "hands_on_hips" not in labels_of(image, world)[0]
    image[0, list(ARM["right"][1:]), 3] = 0.1  # the same far arm hidden behind the body
    assert "hands_on_hips" in labels_of(image, world)[0]


def test_seen_holds_where_every_side_in_view_holds():
    from dance_analyzer.labels.classify import evaluate_condition
    from dance_analyzer.labels.definitions import Bound, Condition

    table = compute_features(*S.frames(*[S.skeleton(**S.HANDS_ON_HIPS)] * 4))
    near = np.array([0.3, 0.3, 0.3, 2.0])
    far = np.array([0.3, 2.0, 2.0, 2.0])
    far_seen = np.array([0.9, 0.9, 0.1, 0.1])
    table.values["left_hand_to_hip"][:], table.values["right_hand_to_hip"][:] = near, far
    table.visibility["left_hand_to_hip"][:] = 0.9
    table.visibility["right_hand_to_hip"][:] = far_seen
    seen = Condition((Bound("hand_to_hip", -np.inf, 0.65),), side="seen")
    # both in range; one in view out of range; the other hidden; the only one in view out of range
    assert evaluate_condition(table, seen, 0.5).tolist() == [True, False, True, False]


def test_a_cobra_lifts_the_chest_with_the_legs_behind_and_is_not_sitting():
    # Seat on the floor and shoulders up, like sitting; but the legs lie behind the hips.
    table = measured(
        hip_floor_height=0.1,
        shoulder_floor_height=0.7,
        torso_tilt=45.0,
        left_knee_angle=175.0,
        right_knee_angle=175.0,
        left_knee_height=0.05,
        right_knee_height=0.05,
        knee_spread=1.0,
    )
    table.values["left_leg_forward"][0] = table.values["right_leg_forward"][0] = 0.9
    assert "sit" in labels_in(table)[0]  # legs long in front: sitting
    table.values["left_leg_forward"][0] = table.values["right_leg_forward"][0] = -0.9
    assert "sit" not in labels_in(table)[0]


def test_a_childs_pose_folded_over_both_knees_is_not_lying():
    table = measured(torso_tilt=90.0, shoulder_floor_height=0.25, hip_floor_height=0.3)
    table.values["left_knee_angle"][0] = table.values["right_knee_angle"][0] = 170.0
    assert "lie" in labels_in(table)[0]  # level and low, legs long: lying
    table.values["left_knee_angle"][0] = table.values["right_knee_angle"][0] = 35.0
    assert "lie" not in labels_in(table)[0]  # chest on the thighs, sitting on the heels


def test_one_hand_on_the_hip_with_the_other_arm_hanging_beside_the_other_hip():
    # The free hand hangs by the other hip, near it but not on it (the arm long, not bent out).
    on_hip = S.Arm(35, 42, across=True)
    image, world = S.frames(
        S.skeleton(left_arm=on_hip),  # the other arm hanging
        S.skeleton(left_arm=on_hip, right_arm=S.Arm(170, 170)),  # the other arm up
        S.skeleton(**S.HANDS_ON_HIPS),
        S.skeleton(),
    )
    found = labels_of(image, world)
    assert "hand_on_hip" in found[0] and "hand_on_hip" in found[1]
    assert "hand_on_hip" not in found[2] and "hands_on_hips" in found[2]
    assert "hand_on_hip" not in found[3]

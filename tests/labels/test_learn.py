"""Learning a pose from one example, on synthetic skeletons whose measures are known."""

import numpy as np
import pytest

from dance_analyzer.errors import NoPersonFound
from dance_analyzer.features import compute_features
from dance_analyzer.labels.classify import label_frames
from dance_analyzer.labels.definitions import parse_definitions
from dance_analyzer.labels.learn import MARGINS, learn_definition, learn_likeness, measure
from dance_analyzer.pose.landmarks import Landmark as L
from tests.support import skeletons as S


def holds(definition, *poses):
    image, world = S.frames(*poses)
    return label_frames(compute_features(image, world), parse_definitions({"poses": [definition]}))[:, 0]


def test_a_learned_pose_holds_on_its_example_and_on_variations_within_the_margins():
    image, world = S.skeleton(**S.ONE_LEG)
    definition = learn_definition(image, world, name="knee_up", priority=500)
    assert definition["name"] == "knee_up" and definition["priority"] == 500
    assert holds(definition, S.skeleton(**S.ONE_LEG), S.skeleton(left_leg=S.Leg(thigh=80, shin=80))).all()
    assert not holds(definition, S.skeleton(), S.skeleton(**S.SQUAT), S.skeleton(**S.ARMS_UP)).any()


def test_sides_are_kept_as_shown():
    image, world = S.skeleton(**S.ONE_LEG)  # the left knee is up
    definition = learn_definition(image, world, name="left_knee_up", priority=500)
    assert set(definition["when"]["foot_lift"]) == {"left", "right"}
    right_up = S.skeleton(right_leg=S.Leg(thigh=90, shin=90))
    assert not holds(definition, right_up).any()


def test_each_bound_is_the_measure_plus_or_minus_its_units_margin_within_the_possible_range():
    image, world = S.skeleton(left_arm=S.Arm(upper=0, fore=60))  # left elbow at 120 degrees
    definition = learn_definition(image, world, name="bent", priority=500)
    elbow = measure(image, world)["left_elbow_angle"][0]
    assert definition["when"]["elbow_angle"]["left"] == [
        pytest.approx(elbow - MARGINS["degrees"], abs=0.01),
        pytest.approx(elbow + MARGINS["degrees"], abs=0.01),
    ]
    assert definition["when"]["knee_angle"]["left"][1] == 180.0  # a straight leg: no more than 180
    lift = measure(image, world)["left_foot_lift"][0]
    assert definition["when"]["foot_lift"]["left"][0] == pytest.approx(lift - MARGINS["leg lengths"], abs=0.01)


def test_only_what_the_example_shows_clearly_becomes_a_condition():
    image, world = S.skeleton(**S.T_POSE)
    for part in ("KNEE", "ANKLE"):  # the legs hidden behind a table
        image[[L[f"LEFT_{part}"], L[f"RIGHT_{part}"]], 3] = 0.2
    definition = learn_definition(image, world, name="arms_out", priority=500)
    assert {"knee_angle", "foot_lift", "hip_angle"}.isdisjoint(definition["when"])
    assert {"elbow_angle", "arm_elevation", "torso_tilt"} <= set(definition["when"])
    image[[L.LEFT_WRIST, L.RIGHT_WRIST], 3] = 0.7  # the hands a little blurred
    stricter = learn_definition(image, world, name="arms_out", priority=500, min_visibility=0.8)
    assert "elbow_angle" not in stricter["when"] and "torso_tilt" in stricter["when"]


def test_an_example_with_nothing_visible_teaches_nothing():
    image, world = S.skeleton(visibility=0.1)
    with pytest.raises(NoPersonFound):
        learn_definition(image, world, name="ghost", priority=500)
    nan = np.full((33, 4), np.nan, np.float32), np.full((33, 3), np.nan, np.float32)
    with pytest.raises(NoPersonFound):
        learn_definition(*nan, name="nobody", priority=500)


def test_a_pose_learned_by_likeness_holds_on_bodies_like_its_example_from_any_side():
    image, world = S.skeleton(**S.ONE_LEG)  # the left knee up at 90 degrees
    definition = learn_likeness(image, world, name="knee_up", priority=500)
    assert "when" not in definition and len(definition["examples"]["bodies"][0]) == 45
    similar = S.skeleton(left_leg=S.Leg(thigh=75, shin=75))
    assert holds(definition, S.skeleton(**S.ONE_LEG), similar, S.yawed(*S.skeleton(**S.ONE_LEG), 60)).all()
    others = [S.skeleton(), S.skeleton(**S.SQUAT), S.skeleton(left_leg=S.Leg(thigh=90, shin=90), **S.ARMS_UP)]
    assert not holds(definition, *others).any()


def test_a_pose_learned_by_likeness_keeps_its_side_unless_mirrored_and_widens_with_within():
    image, world = S.skeleton(**S.ONE_LEG)
    definition = learn_likeness(image, world, name="left_knee_up", priority=500)
    right_up = S.skeleton(right_leg=S.Leg(thigh=90, shin=90))
    assert not holds(definition, right_up, S.mirrored(image, world)).any()
    either = {**definition, "examples": {**definition["examples"], "mirrored": True}}
    assert holds(either, right_up, S.mirrored(image, world)).all()
    lower = S.skeleton(left_leg=S.Leg(thigh=20, shin=20))  # the knee barely lifted
    assert not holds(definition, lower).any()
    assert holds({**definition, "examples": {**definition["examples"], "within": 0.6}}, lower).all()


def test_a_pose_learned_by_likeness_needs_the_whole_body_in_view():
    image, world = S.skeleton(**S.T_POSE)
    image[[L.LEFT_ANKLE, L.LEFT_FOOT_INDEX], 3] = 0.05  # the left foot hidden
    with pytest.raises(NoPersonFound, match="whole body.*left_ankle, left_foot_index"):
        learn_likeness(image, world, name="arms_out", priority=500)
    image, world = S.skeleton(**S.T_POSE)
    image[L.RIGHT_WRIST, 0] = 1.3  # the right hand out of the picture
    with pytest.raises(NoPersonFound, match="right_wrist"):
        learn_likeness(image, world, name="arms_out", priority=500)

import pytest

from dance_analyzer.labels.definitions import DefinitionError, load_definitions, parse_definitions

BODY = [0.1] * 45  # a body as features.embedding gives it (15 joints' x, y, z)


def pose(**overrides):
    base = {"name": "p", "priority": 1, "description": "d", "when": {"torso_tilt": [0, 20]}}
    base.update(overrides)
    return base


def test_builtin_file_loads_in_priority_order_with_the_required_poses():
    poses = load_definitions()
    required = {
        "t_pose",
        "arms_up",
        "one_arm_up",
        "hands_on_hips",
        "arms_crossed",
        "squat",
        "lunge",
        "one_leg",
        "standing",
    }
    assert required <= set(poses.names)
    priorities = [p.priority for p in poses.poses]
    assert priorities == sorted(priorities, reverse=True)
    assert all(p.description for p in poses.poses)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"poses": [pose(when={"elbow_angel": {"both": [0, 1]}})]}, "unknown feature"),
        ({"poses": [pose(when={"torso_tilt": [30, 10]})]}, "empty range"),
        ({"poses": [pose(), pose(priority=2)]}, "duplicate name"),
        ({"poses": [pose(), pose(name="q")]}, "priority 1 is also used"),
        ({"poses": [pose(when={"knee_angle": [0, 90]})]}, "needs a side"),
        ({"poses": [pose(when={"knee_angle": {"sometimes": [0, 90]}})]}, "unknown side"),
        ({"poses": [pose(when={"both": {"torso_tilt": [0, 9]}})]}, "cannot take a side"),
        ({"poses": [pose(when={"torso_tilt": ["low", 9]})]}, "numbers or null"),
        ({"poses": [pose(when={"torso_tilt": [float("nan"), 9]})]}, "finite numbers"),
        ({"poses": [pose(when={"torso_tilt": [0, float("inf")]})]}, "finite numbers"),
        ({"poses": [pose(unless=["ghost"])]}, "unknown pose 'ghost'"),
        ({"poses": [pose(colour="red")]}, "unknown keys"),
        ({"poses": [pose(name="a" * 65)]}, "needs a name like 'arms_up'"),
        ({"poses": [pose(name="plié")]}, "needs a name like 'arms_up'"),
        ({"poses": [pose(name="two words")]}, "needs a name like 'arms_up'"),
        ({"poses": [pose(description="long " * 101)]}, "longer than 500 characters"),
        ({"poses": []}, "non-empty list"),
        ({"min_visibility": 3, "poses": [pose()]}, "min_visibility"),
        ({"poses": [pose(examples={"neighbours": 0})]}, "neighbours: N"),
        ({"poses": [pose(examples=7)]}, "neighbours: N"),
        ({"poses": [pose(name="cartwheel", examples={"neighbours": 7})]}, "labelled bodies of 'cartwheel'"),
        ({"poses": [pose(examples={"bodies": []})]}, "list of 1 to 200 bodies"),
        ({"poses": [pose(examples={"bodies": [[0.1] * 44]})]}, "body #1 must be 45 numbers"),
        ({"poses": [pose(examples={"bodies": [BODY, [*BODY[:-1], float("nan")]]})]}, "body #2 must be 45"),
        ({"poses": [pose(examples={"bodies": [[*BODY[:-1], True]]})]}, "body #1 must be 45"),
        ({"poses": [pose(examples={"bodies": [BODY], "within": 0})]}, "within"),
        ({"poses": [pose(examples={"bodies": [BODY], "within": "close"})]}, "within"),
        ({"poses": [pose(examples={"bodies": [BODY], "mirrored": "yes"})]}, "mirrored"),
        ({"poses": [pose(examples={"bodies": [BODY], "neighbours": 7})]}, "unknown keys in 'examples'"),
        ({"poses": [pose(examples={"bodies": [BODY], "combine": "xor"})]}, "'examples: combine' is 'and'"),
        (
            {"poses": [{"name": "p", "priority": 1, "examples": {"bodies": [BODY], "combine": "or"}}]},
            "needs conditions",
        ),
    ],
)
def test_invalid_files_are_rejected_with_a_message_naming_the_problem(data, message):
    with pytest.raises(DefinitionError, match=message):
        parse_definitions(data, "test.yaml")


def test_a_user_can_add_a_pose_in_a_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "poses:\n"
        "  - name: plie\n    priority: 5\n    description: Knees bent, heels down\n"
        "    when:\n      knee_angle: {both: [100, 150]}\n      torso_tilt: [null, 15]\n"
    )
    poses = load_definitions(path)
    assert poses.names == ("plie",)
    assert poses.poses[0].conditions[0].describe() == "both sides: knee_angle in [100, 150]"


def test_or_when_gives_a_pose_a_second_way_to_hold(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "poses:\n"
        "  - name: low\n    priority: 5\n"
        "    when: {hip_height: [null, 0.5]}\n"
        "    or_when: {torso_tilt: [80, null]}\n"
    )
    pose = load_definitions(path).poses[0]
    assert [[c.describe() for c in alt] for alt in pose.alternatives] == [["torso_tilt in [80, ]"]]
    assert load_definitions(path).to_dict()["poses"][0]["or_conditions"] == [["torso_tilt in [80, ]"]]
    path.write_text(path.read_text().replace("torso_tilt: [80, null]", "tilt: [1, 2]"))
    with pytest.raises(DefinitionError, match="or_when.*unknown feature"):
        load_definitions(path)


def test_or_when_can_list_several_ways_to_hold(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "poses:\n"
        "  - name: low\n    priority: 5\n"
        "    when: {hip_height: [null, 0.5]}\n"
        "    or_when:\n"
        "      - {torso_tilt: [80, null]}\n"
        "      - {knee_angle: {both: [null, 90]}}\n"
    )
    pose = load_definitions(path).poses[0]
    assert [[c.describe() for c in alt] for alt in pose.alternatives] == [
        ["torso_tilt in [80, ]"],
        ["both sides: knee_angle in [, 90]"],
    ]
    path.write_text(path.read_text().replace("knee_angle: {both: [null, 90]}", "tilt: [1, 2]"))
    with pytest.raises(DefinitionError, match="or_when #2.*unknown feature"):
        load_definitions(path)
    path.write_text(path.read_text().split("    or_when:")[0] + "    or_when: []\n")
    with pytest.raises(DefinitionError, match="or_when"):
        load_definitions(path)


def test_a_pose_may_be_known_by_its_examples_alone_or_with_conditions():
    by_examples = parse_definitions({"poses": [{"name": "side_bend", "priority": 1, "examples": {"neighbours": 5}}]})
    assert by_examples.poses[0].neighbours == 5 and by_examples.poses[0].conditions == ()
    assert by_examples.to_dict()["poses"][0]["examples"] == {"neighbours": 5}
    both = parse_definitions({"poses": [pose(name="side_bend", examples={"neighbours": 7})]})
    assert both.poses[0].neighbours == 7 and len(both.poses[0].conditions) == 1
    with pytest.raises(DefinitionError, match="'when' must map"):
        parse_definitions({"poses": [{"name": "p", "priority": 1}]})  # neither conditions nor examples


def test_a_pose_of_your_own_may_carry_its_own_examples_and_shows_them_back():
    own = {"name": "my_shape", "priority": 1, "examples": {"bodies": [BODY, BODY], "within": 0.25}}
    parsed = parse_definitions({"poses": [own]})
    likeness = parsed.poses[0].likeness
    assert likeness is not None and likeness.within == 0.25 and not likeness.mirrored and len(likeness.bodies) == 2
    assert parsed.poses[0].conditions == () and parsed.poses[0].neighbours is None
    shown = parsed.to_dict()["poses"][0]["examples"]
    assert shown == {"within": 0.25, "mirrored": False, "bodies": [BODY, BODY]}
    assert parse_definitions({"poses": [{**own, "examples": shown}]}).poses[0].likeness == likeness  # round trip
    either = parse_definitions({"poses": [pose(examples={"bodies": [BODY], "combine": "or"})]})
    assert either.poses[0].combine == "or" and either.to_dict()["poses"][0]["examples"]["combine"] == "or"
    assert parse_definitions({"poses": [pose(examples={"bodies": [BODY]})]}).poses[0].combine == "and"

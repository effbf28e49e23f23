"""The library of poses in use: the built-in file plus the user's own, shared through data_dir."""

import json
import os

import pytest
import yaml

from dance_analyzer.labels.definitions import DefinitionError, load_definitions
from dance_analyzer.labels.library import CUSTOM_FILE, PoseLibrary

HIGH_KNEE = {"name": "high_knee", "priority": 200, "when": {"foot_lift": {"one": [0.3, None]}}}


def test_without_custom_poses_the_library_is_the_built_in_set(tmp_path):
    library = PoseLibrary(None, tmp_path)
    assert library.current() == load_definitions()
    assert library.custom() == []
    assert library.next_priority() > max(p.priority for p in load_definitions().poses)


def test_added_poses_are_validated_with_the_whole_set_stored_and_seen_by_other_processes(tmp_path):
    library = PoseLibrary(None, tmp_path)
    merged = library.add([HIGH_KNEE])
    assert "high_knee" in merged.names and merged.names[0] == "high_knee"  # the highest priority first
    stored = yaml.safe_load((tmp_path / CUSTOM_FILE).read_text())
    assert stored == {"poses": [HIGH_KNEE]}
    other_process = PoseLibrary(None, tmp_path)  # e.g. a Celery worker sharing data_dir
    assert "high_knee" in other_process.current().names
    replaced = library.add([{**HIGH_KNEE, "description": "Knee up."}])  # same name: replaces
    assert [p.description for p in replaced.poses if p.name == "high_knee"] == ["Knee up."]
    assert len(library.custom()) == 1


def test_a_change_made_elsewhere_is_picked_up(tmp_path):
    library, writer = PoseLibrary(None, tmp_path), PoseLibrary(None, tmp_path)
    assert "high_knee" not in library.current().names
    writer.add([HIGH_KNEE])
    os.utime(tmp_path / CUSTOM_FILE, (1, 1))  # a different mtime, however fast the two writes were
    assert "high_knee" in library.current().names
    assert writer.remove("high_knee") and not writer.remove("high_knee")
    assert "high_knee" not in library.current().names


@pytest.mark.parametrize(
    ("poses", "words"),
    [
        ([{**HIGH_KNEE, "name": "squat"}], "built-in"),
        ([{**HIGH_KNEE, "priority": 80}], "priority 80"),
        ([{**HIGH_KNEE, "when": {"knee_angel": [1, 2]}}], "unknown feature"),
        ([], "at least one pose"),
        ("not a list", "at least one pose"),
    ],
)
def test_an_invalid_addition_is_refused_and_nothing_is_written(tmp_path, poses, words):
    library = PoseLibrary(None, tmp_path)
    with pytest.raises(DefinitionError, match=words):
        library.add(poses)
    assert not (tmp_path / CUSTOM_FILE).exists()


def test_a_configured_base_file_replaces_the_built_in_one(tmp_path):
    base = tmp_path / "mine.yaml"
    base.write_text(yaml.safe_dump({"poses": [{**HIGH_KNEE, "name": "only_pose", "priority": 100}]}))
    library = PoseLibrary(base, tmp_path / "data")
    assert library.current().names == ("only_pose",)
    assert library.add([HIGH_KNEE]).names == ("high_knee", "only_pose")
    with pytest.raises(DefinitionError, match="built-in"):
        library.add([{**HIGH_KNEE, "name": "only_pose", "priority": 1}])


def test_a_stored_file_with_aliases_is_refused_by_name_not_expanded(tmp_path):
    """A custom file written before aliases were refused: the server says which file, and why."""
    (tmp_path / CUSTOM_FILE).write_text(
        "poses:\n"
        "- {name: bomb, priority: 301, when: {torso_tilt: [0, 10]}, description: &a [lol, lol, lol]}\n"
        "- {name: bomb2, priority: 302, when: {torso_tilt: [0, 10]}, description: *a}\n"
    )
    with pytest.raises(DefinitionError, match=f"{CUSTOM_FILE}: .*aliases"):
        PoseLibrary(None, tmp_path).current()


def test_a_value_used_twice_is_stored_in_full_so_that_it_reads_back(tmp_path):
    shared = {"one": [0.3, None]}  # one object in two places: a plain dumper writes an alias
    library = PoseLibrary(None, tmp_path)
    library.add([{**HIGH_KNEE, "when": {"foot_lift": shared}, "or_when": {"foot_lift": shared}}])
    assert "*" not in (tmp_path / CUSTOM_FILE).read_text()
    assert "high_knee" in PoseLibrary(None, tmp_path).current().names


def test_examples_taught_at_once_from_several_processes_all_land(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    body = [0.1] * 45
    own = {"name": "my_shape", "priority": 300, "examples": {"bodies": [body]}}
    PoseLibrary(None, tmp_path).add([own])
    libraries = [PoseLibrary(None, tmp_path) for _ in range(4)]  # as if in four server processes
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: libraries[k % 4].add_example("my_shape", [0.1 + k / 100] * 45), range(24)))
    stored = PoseLibrary(None, tmp_path).custom()[0]["examples"]["bodies"]
    assert len(stored) == 25 and sorted(b[0] for b in stored[1:]) == [0.1 + k / 100 for k in range(24)]
    with pytest.raises(KeyError):
        libraries[0].add_example("nobody", body)
    libraries[0].add([HIGH_KNEE])
    with pytest.raises(DefinitionError, match="by=likeness"):
        libraries[0].add_example("high_knee", body)


def test_a_saved_pose_that_no_longer_fits_is_left_out_with_a_warning_and_kept(tmp_path, caplog):
    """Saved under older rules (a name now too long) or its priority since taken by a
    built-in pose: the server still starts and analyses with the rest, adds go on, and the
    file keeps the pose for its owner to mend or delete."""
    squat_priority = next(p.priority for p in load_definitions().poses if p.name == "squat")
    stale = [
        {**HIGH_KNEE, "name": "k" * 70, "priority": 300},
        {**HIGH_KNEE, "name": "old_knee", "priority": squat_priority},
    ]
    (tmp_path / CUSTOM_FILE).write_text(json.dumps({"poses": [*stale, HIGH_KNEE]}))  # JSON is YAML
    library = PoseLibrary(None, tmp_path)
    with caplog.at_level("WARNING", logger="dance_analyzer.poses"):
        names = library.current().names
    assert "high_knee" in names and "old_knee" not in names and "k" * 70 not in names
    assert "needs a name" in caplog.text and f"priority {squat_priority}" in caplog.text
    assert "low_knee" in library.add([{**HIGH_KNEE, "name": "low_knee", "priority": 210}]).names
    assert [p["name"] for p in library.custom()] == ["k" * 70, "old_knee", "high_knee", "low_knee"]
    assert library.remove("old_knee") and "old_knee" not in [p["name"] for p in library.custom()]

"""The CSV table of a result, from hand-made results whose every cell is known."""

from __future__ import annotations

import csv
import io

import pytest

from dance_analyzer.pose.landmarks import LANDMARK_NAMES
from dance_analyzer.reports.angles import JOINTS
from dance_analyzer.reports.export import NoFrameDetails, csv_columns, result_csv, with_file_column


def landmarks(shift: float) -> list[list[float]]:
    return [[0.1 + shift, 0.2 + k / 100, -0.3, 0.9] for k in range(33)]


def angles(knee: list[float | None], interpolated: list[bool]) -> dict:
    joints = {joint: [170.0] * len(knee) for joint in JOINTS}
    joints["left_knee"] = knee
    return {"unit": "degrees", "filter": "none", "cutoff_hz": None, "max_gap_s": 0.5, "times": [], "joints": joints,
            "interpolated": interpolated}  # fmt: skip


def result() -> dict:
    return {
        "processed_frames": 3,
        "angles": angles([150.5, 120.0, None], [False, True, False]),
        "frames": [
            {"index": 0, "t": 0.0, "poses": ["squat", "hand_on_hip"], "pose": "squat", "landmarks": landmarks(0)},
            {"index": 6, "t": 0.2, "poses": [], "pose": None, "landmarks": None},
            {"index": 12, "t": 0.4, "poses": ["standing"], "pose": "standing", "landmarks": landmarks(0.5)},
        ],
    }


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_analysed_frame_with_its_poses_angles_and_gaps():
    text = result_csv(result())
    header = text.splitlines()[0].split(",")
    assert header == ["time_s", "frame", "pose", "poses", *(f"{j}_deg" for j in JOINTS), "interpolated"]
    assert "left_knee_deg" in header and "torso_tilt_deg" in header
    table = rows(text)
    assert len(table) == 3
    assert [(r["time_s"], r["frame"], r["pose"], r["poses"]) for r in table] == [
        ("0.0", "0", "squat", "squat;hand_on_hip"),
        ("0.2", "6", "", ""),
        ("0.4", "12", "standing", "standing"),
    ]
    assert [r["left_knee_deg"] for r in table] == ["150.5", "120.0", ""]  # unknown stays empty
    assert [r["interpolated"] for r in table] == ["false", "true", "false"]
    assert all(r["right_elbow_deg"] == "170.0" for r in table)


def test_several_results_make_one_table_with_the_file_first_in_each_row():
    one, other = result_csv(result()), result_csv({**result(), "frames": result()["frames"][:1]})
    text = with_file_column([("a, b.mp4", one), ("c.jpg", other)])
    assert text.splitlines()[0] == "file," + one.splitlines()[0]  # one header
    table = rows(text)
    assert [(r["file"], r["frame"]) for r in table] == [
        ("a, b.mp4", "0"),
        ("a, b.mp4", "6"),
        ("a, b.mp4", "12"),
        ("c.jpg", "0"),
    ]
    assert [{k: v for k, v in r.items() if k != "file"} for r in table[:3]] == rows(one)


def test_landmarks_add_33_named_points_of_four_values():
    table = rows(result_csv(result(), landmarks=True))
    columns = list(table[0])
    assert len(columns) == 4 + len(JOINTS) + 1 + 33 * 4
    assert columns[-132:-128] == ["nose_x", "nose_y", "nose_z", "nose_visibility"]
    assert columns[-4:] == [f"{LANDMARK_NAMES[-1]}_{v}" for v in ("x", "y", "z", "visibility")]
    assert (table[0]["left_knee_x"], table[0]["left_knee_y"]) == ("0.1", "0.45")  # landmark 25
    assert table[2]["left_knee_x"] == "0.6" and table[2]["nose_visibility"] == "0.9"
    assert all(table[1][c] == "" for c in columns[-132:])  # nobody found


def test_a_result_without_frame_details_cannot_be_a_table():
    summary = result()
    del summary["frames"]
    with pytest.raises(NoFrameDetails, match="detail=frames"):
        result_csv(summary)


def test_a_result_stored_before_angles_existed_has_empty_angle_cells():
    old = result()
    del old["angles"]
    table = rows(result_csv(old))
    assert len(table) == 3 and all(r["left_knee_deg"] == "" and r["interpolated"] == "" for r in table)


def group_result(*, own_poses: bool = True) -> dict:
    """Two people: #2 (the main dancer, the frames' own fields) and #5, in view in the last
    frame only, arms up there (``own_poses`` False: stored before frames carried them)."""
    group = result()
    group["main_person"] = 2
    for frame in group["frames"]:
        main = {"id": 2, "box": [0, 0, 1, 1], "landmarks": frame["landmarks"]}
        if own_poses:
            main |= {"poses": frame["poses"], "pose": frame["pose"]}
        frame["people"] = [main] * bool(frame["landmarks"])
    other = {"id": 5, "box": [0, 0, 1, 1], "landmarks": landmarks(0.25)}
    if own_poses:
        other |= {"poses": ["arms_up", "one_leg"], "pose": "arms_up"}
    group["frames"][2]["people"].append(other)
    group["people"] = [
        {"id": 5, "angles": angles([None, None, 95.0], [False, False, False])},
        {"id": 2, "angles": group["angles"]},
    ]
    return group


def test_with_people_all_each_person_has_a_row_per_frame_with_their_own_poses_angles_and_landmarks():
    text = result_csv(group_result(), landmarks=True)
    assert text.splitlines()[0].split(",") == csv_columns(landmarks=True, people=True)
    table = rows(text)
    assert [(r["person"], r["frame"]) for r in table] == [(p, f) for p in ("2", "5") for f in ("0", "6", "12")]
    assert [r["left_knee_deg"] for r in table] == ["150.5", "120.0", "", "", "", "95.0"]
    assert [r["pose"] for r in table] == ["squat", "", "standing", "", "", "arms_up"]
    assert [r["poses"] for r in table][3:] == ["", "", "arms_up;one_leg"]
    assert [r["nose_x"] for r in table] == ["0.1", "", "0.6", "", "", "0.35"]


def test_a_group_result_stored_before_each_person_had_their_poses_leaves_the_others_pose_cells_empty():
    table = rows(result_csv(group_result(own_poses=False)))
    assert [r["pose"] for r in table] == ["squat", "", "standing", "", "", ""]
    assert [r["poses"] for r in table][3:] == ["", "", ""]
    assert table[5]["left_knee_deg"] == "95.0"

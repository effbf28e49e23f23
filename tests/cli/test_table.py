"""The CLI's table of a result, from hand-made results."""

from __future__ import annotations

from dance_analyzer.cli.table import result_table


def test_a_pose_held_on_the_music_says_its_count_and_how_many_counts_in_the_singular_for_one():
    result = {
        "duration_s": 4.0,
        "processed_frames": 4,
        "total_frames": 4,
        "pose_summary": [],
        "segments": [
            {"pose": "t_pose", "start_s": 0.5, "end_s": 1.0, "on_count": "2", "counts": 1, "eight": 1},
            {"pose": "squat", "start_s": 1.0, "end_s": 2.0, "on_count": "3", "counts": 2, "eight": 1},
            {"pose": "standing", "start_s": 2.0, "end_s": 2.25, "on_count": "5", "counts": 0.5, "eight": 1},
        ],
    }
    table = result_table(result)
    assert "t pose on 2 for 1 count (eight 1)" in table
    assert "squat on 3 for 2 counts (eight 1)" in table
    assert "standing on 5 for 0.5 counts (eight 1)" in table

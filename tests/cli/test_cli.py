import json
import os
import pty
import subprocess
import sys

import av
import cv2
import numpy as np

from tests.support.media import media, with_clicks
from tests.support.pictures import side_by_side


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_analyze_prints_the_result_json_and_nothing_else_on_stdout():
    r = run("analyze", str(media("squat_band_1.mp4")), "--sample-fps", "2.5", "--progress")
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["filename"] == "squat_band_1.mp4"
    assert body["total_frames"] == 65 and body["processed_frames"] == 33
    assert "squat" in {p["pose"] for p in body["pose_summary"]}
    assert "65/65 frames" in r.stderr  # the progress bar went to stderr


def test_bad_input_exits_non_zero_with_a_message(tmp_path):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video")
    r = run("analyze", str(bogus))
    assert r.returncode == 66
    assert "not a video" in r.stderr and r.stdout == ""
    assert run("analyze", str(tmp_path / "missing.mp4")).returncode == 66
    for fps in ("0", "inf", "nan"):
        refused = run("analyze", str(bogus), "--sample-fps", fps)
        assert refused.returncode == 2 and "--sample-fps: must be a positive number" in refused.stderr


def test_a_video_piped_in_on_standard_input_or_through_a_fifo_is_analysed_and_leaves_nothing(tmp_path):
    clip = media("squat_band_1.mp4")
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # where the piped video is copied to
    command = [sys.executable, "-m", "dance_analyzer.cli", "analyze", "-", "--sample-fps", "2.5", "--compact"]

    def piped(data, *extra):
        return subprocess.run([*command, *extra], input=data, capture_output=True, timeout=300, env=env)

    from_stdin = piped(clip.read_bytes())
    assert from_stdin.returncode == 0, from_stdin.stderr
    direct = json.loads(run("analyze", str(clip), "--sample-fps", "2.5").stdout)
    assert {**json.loads(from_stdin.stdout), "filename": clip.name} == direct
    fifo = tmp_path / "camera.mp4"
    os.mkfifo(fifo)
    feeder = subprocess.Popen(["sh", "-c", f"cat '{clip}' > '{fifo}'"])
    through_fifo = run("analyze", str(fifo), "--sample-fps", "2.5")
    feeder.wait(timeout=60)
    assert through_fifo.returncode == 0 and json.loads(through_fifo.stdout)["pose_summary"] == direct["pose_summary"]
    refused = piped(b"not a video\n")
    assert refused.returncode == 66 and b"-: The file is not a video" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["camera.mp4"]  # no copy left behind
    one_mb = {**env, "DANCE_MAX_UPLOAD_MB": "1"}
    capped = subprocess.run([*command[:3], "analyze", "/dev/zero"], capture_output=True, timeout=120, env=one_mb)
    # an endless "pipe" stops at the upload limit, and nothing of it is left
    assert capped.returncode == 68 and b"/dev/zero: more than 1 MB came in" in capped.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["camera.mp4"]
    twice = subprocess.run([*command[:3], "compare", "-", "-"], input=b"", capture_output=True, timeout=60)
    assert twice.returncode == 66 and b"named twice" in twice.stderr


def test_poses_command_lists_definitions_and_features():
    r = run("poses")
    assert r.returncode == 0
    assert "squat" in r.stdout and "knee_angle" in r.stdout


def test_worker_count_must_be_positive():
    r = run("analyze", str(media("squat_band_1.mp4")), "--workers", "0")
    assert r.returncode == 2 and "must be 1 or more" in r.stderr and r.stdout == ""


def test_a_worker_count_from_the_environment_is_obeyed_and_the_run_ends(monkeypatch):
    # The CLI forks one worker per core before it reads the settings; when they ask for
    # one process those workers are never used, and the run used to wait for them at exit.
    monkeypatch.setenv("DANCE_WORKERS", "1")
    r = run("analyze", str(media("squat_band_1.mp4")), "--sample-fps", "2.5")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["processed_frames"] == 33


def test_a_refused_setting_is_named_with_no_traceback_and_the_run_ends(monkeypatch):
    monkeypatch.setenv("DANCE_WORKERS", "0")
    r = run("analyze", str(media("squat_band_1.mp4")))
    assert r.returncode == 78 and r.stdout == ""
    assert "invalid setting: DANCE_WORKERS=0" in r.stderr and "Traceback" not in r.stderr


def test_overlay_writes_the_annotated_video_and_keeps_stdout_the_json(tmp_path):
    out = tmp_path / "annotated.mp4"
    r = run("analyze", str(media("squat_band_1.mp4")), "--sample-fps", "2.5", "--overlay", str(out), "--compact")
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert "frames" not in body and body["total_frames"] == 65
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 65
    bad = run("analyze", str(media("squat_band_1.mp4")), "--overlay", str(tmp_path / "missing-dir" / "x.mp4"))
    assert bad.returncode == 73 and "annotated video" in bad.stderr


def test_the_annotated_video_of_a_clip_with_music_keeps_the_music(tmp_path):
    out = tmp_path / "annotated.mp4"
    r = run("analyze", str(media("taichi_solo_1.mp4")), "--sample-fps", "2", "--overlay", str(out), "--compact")
    assert r.returncode == 0, r.stderr
    with av.open(str(media("taichi_solo_1.mp4"))) as source, av.open(str(out)) as annotated:
        assert [s.codec_context.name for s in annotated.streams] == ["h264", "aac"]
        length = float(annotated.streams.video[0].duration * annotated.streams.video[0].time_base)
        sound = float(annotated.streams.audio[0].duration * annotated.streams.audio[0].time_base)
        assert abs(sound - length) < 0.1  # the whole soundtrack, as long as the picture
        rate = annotated.streams.audio[0].rate
        assert rate == source.streams.audio[0].rate


def test_on_a_terminal_the_progress_bar_shows_without_being_asked():
    """stderr on a pseudo-terminal (unsized, as a CI runner's may be): the bar is drawn,
    stdout is still the JSON alone."""
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "dance_analyzer.cli", "analyze", str(media("squat_band_1.mp4")), "--sample-fps", "2.5"],
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=300) == 0
    assert json.loads(process.stdout.read())["total_frames"] == 65
    assert b"65/65 frames" in shown and b"squat_band_1.mp4 [" in shown


def test_the_table_shows_the_move_summary_and_each_move_with_its_times():
    clip = str(media("ballet_spin_1.mp4"))
    r = run("analyze", clip, "--format", "table", "--quiet")
    assert r.returncode == 0, r.stderr
    body = json.loads(run("analyze", clip, "--quiet").stdout)  # piped: JSON, with the same moves
    summary = " · ".join(entry["text"] for entry in body["move_summary"])
    assert "1 double pirouette clockwise" in summary
    assert f"Moves: {summary}" in r.stdout
    lines = r.stdout.splitlines()
    for move in body["moves"]:
        times = f"{move['start_s']:6.2f} – {move['end_s']:6.2f} s  {move['move']}"
        assert any(times in line for line in lines), f"{times!r} not in the table"
    turn = next(line for line in lines if "s  turn" in line)
    assert "turn 2x clockwise (pirouette" in turn
    assert "ballet_spin_1.mp4" in lines[0] and "Time per pose" in r.stdout and "one leg" in r.stdout


def test_standard_input_that_is_a_terminal_is_refused_not_waited_on():
    """Nothing piped in: reading the terminal would wait for typing."""
    main, terminal = pty.openpty()
    for args in (["analyze", "-"], ["learn", "-", "--name", "x"], ["analyze", "/dev/stdin"]):
        r = subprocess.run(
            [sys.executable, "-m", "dance_analyzer.cli", *args], stdin=terminal, capture_output=True, timeout=120
        )
        assert r.returncode == 66 and b": is a terminal: pipe the file into it" in r.stderr, (args, r.stderr)
    os.close(terminal)
    os.close(main)


def test_a_photo_reads_as_the_poses_in_it_and_its_annotated_copy_is_a_picture(tmp_path):
    tree = str(media("tree_pose_one_leg.jpg"))
    r = run("analyze", tree, "--format", "table")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "tree_pose_one_leg.jpg  photo · 426x640 · model full" and lines[1] == "Person found"
    body = json.loads(run("analyze", tree).stdout)
    assert lines[-1] == "Poses: " + ", ".join(p.replace("_", " ") for p in body["poses"]) and "one leg" in lines[-1]
    refused = run("analyze", tree, "--overlay", str(tmp_path / "tree.mp4"))
    assert refused.returncode == 73 and "photo" in refused.stderr and ".jpg, .png or .webp" in refused.stderr
    assert list(tmp_path.iterdir()) == []
    written = run("analyze", tree, "--overlay", str(tmp_path / "tree.png"))
    assert written.returncode == 0 and json.loads(written.stdout)["poses"] == body["poses"], written.stderr
    drawn, original = cv2.imread(str(tmp_path / "tree.png")), cv2.imread(tree)
    assert drawn.shape == original.shape == (640, 426, 3)
    assert np.abs(drawn.astype(int) - original.astype(int)).max(axis=2).astype(bool).mean() > 0.01  # drawn on


def test_a_group_photo_lists_each_persons_poses_and_how_alike_they_are(tmp_path):
    group = tmp_path / "duo.jpg"
    group.write_bytes(side_by_side(media("warrior2_arms_out.jpg"), media("tree_pose_one_leg.jpg")))
    body = json.loads(run("analyze", str(group), "--people", "all").stdout)
    r = run("analyze", str(group), "--people", "all", "--format", "table")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1] == "2 people found" and "People (2; the one above is person 1)" in lines
    for person in body["people"]:
        main = " (main)" if person["id"] == 1 else ""
        expected = f"  Person {person['id']}{main}: " + ", ".join(p.replace("_", " ") for p in person["poses"])
        assert expected in lines, (expected, lines)
    assert f"How alike their poses are: {body['sync']['group']['score']:.0f}/100" in lines


def test_several_files_give_a_list_and_one_that_fails_does_not_stop_the_others(tmp_path):
    tree, squat = media("tree_pose_one_leg.jpg"), media("squat_frame.png")
    bogus = tmp_path / "holiday.mp4"
    bogus.write_text("these are not the bytes of a video\n" * 20)
    r = run("analyze", str(tree), str(bogus), str(squat))
    assert r.returncode == 66, r.stderr  # the failure's own code, as for the file alone
    assert f"{bogus}: " in r.stderr and "not a video" in r.stderr
    first, failed, last = json.loads(r.stdout)
    assert failed == {"filename": "holiday.mp4", "error": failed["error"]} and "not a video" in failed["error"]
    assert (first["filename"], last["filename"]) == ("tree_pose_one_leg.jpg", "squat_frame.png")
    assert "passe" in first["poses"] and "squat" in last["poses"]
    alone = json.loads(run("analyze", str(squat)).stdout)
    assert alone == last  # each file read as it would be alone

    tables = run("analyze", str(tree), str(squat), "--format", "table")
    assert tables.returncode == 0, tables.stderr
    parts = tables.stdout.rstrip("\n").split("\n\n")
    starts = [part.splitlines()[0] for part in parts if "photo · " in part.splitlines()[0]]
    assert starts == [
        "tree_pose_one_leg.jpg  photo · 426x640 · model full",
        "squat_frame.png  photo · 720x1280 · model full",
    ]

    table = run("analyze", str(tree), str(squat), "--format", "csv").stdout.splitlines()
    assert table[0].startswith("file,time_s,frame,pose,poses,")
    assert [row.split(",")[:4] for row in table[1:]] == [
        ["tree_pose_one_leg.jpg", "0.0", "0", first["poses"][0]],
        ["squat_frame.png", "0.0", "0", last["poses"][0]],
    ]


def test_several_files_write_their_annotated_copies_into_a_folder(tmp_path):
    out = tmp_path / "annotated.mp4"
    clip, tree = str(media("squat_band_1.mp4")), str(media("tree_pose_one_leg.jpg"))
    r = run("analyze", clip, clip, "--overlay", str(out))  # one file's name for several: refused
    assert r.returncode == 2 and "--overlay" in r.stderr and "name a folder" in r.stderr and r.stdout == ""
    assert not out.exists()
    folder = tmp_path / "annotated"
    folder.mkdir()
    r = run("analyze", clip, tree, clip, "--overlay", str(folder), "--sample-fps", "2.5")
    assert r.returncode == 0, r.stderr
    filenames = [result["filename"] for result in json.loads(r.stdout)]
    assert filenames == ["squat_band_1.mp4", "tree_pose_one_leg.jpg", "squat_band_1.mp4"]
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["squat_band_1-annotated-2.mp4", "squat_band_1-annotated.mp4", "tree_pose_one_leg-annotated.jpg"]
    with av.open(str(folder / "squat_band_1-annotated-2.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 65  # every frame of the clip
    assert cv2.imread(str(folder / "tree_pose_one_leg-annotated.jpg")).shape == (640, 426, 3)


def test_on_a_terminal_the_result_is_a_table_not_json():
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "dance_analyzer.cli", "analyze", str(media("ballet_spin_1.mp4")), "--quiet"],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=300) == 0
    text = shown.decode()
    assert "Moves: " in text and "double pirouette" in text and not text.lstrip().startswith("{")


def test_moves_command_lists_every_move_with_its_description_and_thresholds(tmp_path):
    r = run("moves")
    assert r.returncode == 0, r.stderr
    for name in ("turn", "jump", "kick", "step", "sway", "bounce", "floor_work"):
        assert f"\n{name}\n" in r.stdout
    assert "pirouette" in r.stdout and "min_rotation_deg" in r.stdout and "min_airtime_s" in r.stdout
    tuned = tmp_path / "moves.yaml"
    tuned.write_text("moves:\n  jump:\n    min_airtime_s: 0.1\n  kick:\n    enabled: false\n")
    r = run("moves", "--file", str(tuned))
    assert r.returncode == 0 and "moves from moves.yaml" in r.stdout and "kick  (disabled)" in r.stdout
    assert any(line.split() == ["min_airtime_s", "0.1"] for line in r.stdout.splitlines())
    tuned.write_text("moves:\n  jump:\n    min_airtime: 0.1\n")
    r = run("moves", "--file", str(tuned))
    assert r.returncode == 65 and "unknown key 'min_airtime'" in r.stderr and r.stdout == ""
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


BAD_YAML = "poses: [\n  - name: x\n"
MISSPELT = """
poses:
  - name: high_knee
    priority: 5
    description: One knee up.
    when:
      knee_angel: [0, 90]
"""


def one_line_error(r, *names: str) -> str:
    """The single stderr line of a failed command, which must name every one of ``names``."""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert lines[0].startswith("dance-analyzer: error: "), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def test_a_bad_pose_file_is_one_line_naming_it_and_the_problem(tmp_path):
    not_yaml = tmp_path / "not_yaml.yaml"
    not_yaml.write_text(BAD_YAML)
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(MISSPELT)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    cases = [
        (not_yaml, 65, "not valid YAML"),
        (misspelt, 65, "knee_angel"),
        (binary, 66, "not a text file"),
        (tmp_path / "missing.yaml", 66, "no such file"),
        (tmp_path, 66, "is a directory"),
    ]
    for path, code, problem in cases:
        for command in ("poses", "moves"):
            r = run(command, "--file", str(path))
            assert r.returncode == code, (command, path, r.stderr)
            one_line_error(r, str(path), problem if command == "poses" or code == 66 else "")


def test_an_analysis_with_a_bad_pose_file_in_the_settings_says_so(tmp_path):
    misspelt = tmp_path / "mine.yaml"
    misspelt.write_text(MISSPELT)
    r = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "analyze", str(media("squat_band_1.mp4"))],
        capture_output=True, text=True, timeout=300, env={**os.environ, "DANCE_POSES_FILE": str(misspelt)},
    )  # fmt: skip
    assert r.returncode == 65
    one_line_error(r, str(misspelt), "knee_angel")


def test_bad_videos_are_one_line_naming_the_file(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    for path, code in ((text, 66), (empty, 65), (tmp_path / "gone.mp4", 66), (tmp_path, 66)):
        r = run("analyze", str(path), "--workers", "1")
        assert r.returncode == code, (path, r.stderr)
        one_line_error(r, str(path))
    # compare says which of its two videos is wrong
    r = run("compare", str(media("squat_band_1.mp4")), str(text), "--workers", "1", "--sample-fps", "2")
    assert r.returncode == 66
    assert "attempt video" in one_line_error(r)


def test_compare_scores_an_attempt_on_stdout_or_into_a_file(tmp_path):
    clip = str(media("squat_band_1.mp4"))
    printed = run("compare", clip, clip, "--workers", "1", "--sample-fps", "2", "--compact")
    assert printed.returncode == 0, printed.stderr
    result = json.loads(printed.stdout)
    assert result["similarity"] == 100.0 and result["reference"]["filename"] == "squat_band_1.mp4"
    out = tmp_path / "score.json"
    written = run("compare", clip, clip, "--workers", "1", "--sample-fps", "2", "-o", str(out))
    assert written.returncode == 0 and written.stdout == "" and f"wrote {out}" in written.stderr
    assert json.loads(out.read_text()) == result
    # A photo of a pose against a clip: matched with the clip's closest moment.
    photo = run("compare", str(media("warrior2_arms_out.jpg")), clip, "--workers", "1", "--sample-fps", "2")
    assert photo.returncode == 0, photo.stderr
    scored = json.loads(photo.stdout)
    assert scored["reference"]["photo"] is True and 0 <= scored["closest_moment"]["attempt_s"] <= 13


def test_settings_that_keep_a_server_worker_or_analysis_from_starting_are_one_line(tmp_path):
    # `check` is what the container's entry point runs first: the same checks, alone.
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    env = {**os.environ, "DANCE_DATA_DIR": str(a_file), "DANCE_PORT": "1", "DANCE_BROKER_URL": "redis://localhost:1/0"}
    for command in ("serve", "worker", "check"):
        r = subprocess.run(
            [sys.executable, "-m", "dance_analyzer.cli", command], capture_output=True, text=True, timeout=120, env=env
        )
        assert r.returncode == 78, (command, r.stderr)
        assert r.stderr.strip() == f"dance-analyzer: error: DANCE_DATA_DIR={a_file}: cannot use it: Not a directory"
    env["DANCE_DATA_DIR"] = str(tmp_path / "data")
    misspelt = tmp_path / "moves.yaml"
    misspelt.write_text("moves: {turn: {min_rotation_deg: half}}\n")
    for setting, value, code, words in (
        ("DANCE_POSES_FILE", tmp_path / "gone.yaml", 66, "gone.yaml: no such file"),
        ("DANCE_MOVES_FILE", misspelt, 65, "min_rotation_deg: expected a number, got 'half'"),
    ):
        for command in ("serve", "worker", "check"):
            r = subprocess.run(
                [sys.executable, "-m", "dance_analyzer.cli", command],
                capture_output=True, text=True, timeout=120, env={**env, setting: str(value)},
            )  # fmt: skip
            assert r.returncode == code and words in r.stderr and len(r.stderr.splitlines()) == 1, (command, r.stderr)
    analysed = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "analyze", str(media("ballet_spin_1.mp4"))],
        capture_output=True, text=True, timeout=300, env={**env, "DANCE_MOVES_FILE": str(misspelt)},
    )  # fmt: skip
    assert analysed.returncode == 65 and "got 'half'" in analysed.stderr and analysed.stdout == ""
    fine = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "check"], capture_output=True, text=True, timeout=120, env=env
    )
    assert fine.returncode == 0 and fine.stderr == "", fine.stderr
    assert fine.stdout.startswith(f"ok: model full, data in {tmp_path / 'data'}, models installed: ")
    wordy = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "check"],
        capture_output=True, text=True, timeout=120, env={**env, "DANCE_LOG_LEVEL": "verbose"},
    )  # fmt: skip
    assert wordy.returncode == 78 and len(wordy.stderr.splitlines()) == 1 and "DANCE_LOG_LEVEL=verbose" in wordy.stderr


def test_version_and_help_for_every_option():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("dance-analyzer ")
    from dance_analyzer.cli.parser import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    assert "exit codes" in run("analyze", "--help").stdout
    assert "%(" not in run("analyze", "--help").stdout  # no format markup leaks
    from dance_analyzer.cli.commands import EXIT_CODES
    from dance_analyzer.cli.parser import EPILOG

    listed = {int(line.split()[0]) for line in EPILOG.splitlines()[1:] if line.split()[0].isdigit()}
    assert set(EXIT_CODES.values()) <= listed  # every code a script may meet is explained


def test_output_to_a_file_in_each_format(tmp_path):
    import csv

    clip = str(media("squat_band_1.mp4"))
    out = tmp_path / "result.csv"
    r = run("analyze", clip, "--format", "csv", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and f"wrote {out}" in r.stderr
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 65 and "left_knee_deg" in rows[0] and {row["pose"] for row in rows} >= {"squat", "standing"}
    table = tmp_path / "result.txt"
    assert run("analyze", clip, "--format", "table", "-o", str(table)).returncode == 0
    assert "3 × squat" in table.read_text()
    as_json = tmp_path / "result.json"
    assert run("analyze", clip, "-o", str(as_json)).returncode == 0  # JSON when not a terminal
    body = json.loads(as_json.read_text())
    assert {"duration_s", "pose_summary", "processed_frames", "total_frames"} <= set(body)
    r = run("analyze", clip, "-o", str(tmp_path / "no-such-dir" / "x.json"))
    assert r.returncode == 73
    one_line_error(r, "no-such-dir")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv", "result.json", "result.txt"]


def test_precision_auto_from_the_cli_with_workers_and_in_one_process_and_in_settings():
    clip = str(media("dance_solo_1.mp4"))
    answers = [
        json.loads(run("analyze", clip, "--precision", "auto", *workers).stdout)
        for workers in (["--workers", "2"], ["--workers", "1"])
    ]
    for body in answers:
        assert body["precision"] == "auto" and body["processed_frames"] == 288
        assert 0 < body["model_frames"] < 0.75 * 288
        assert "standing" in {p["pose"] for p in body["pose_summary"]}
    env = {**os.environ, "DANCE_PRECISION": "auto"}
    r = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "analyze", "--workers", "1", "--sample-fps", "8", clip],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert json.loads(r.stdout)["precision"] == "auto"
    assert "invalid choice" in run("analyze", clip, "--precision", "fast").stderr


def test_with_every_dancer_followed_the_table_shows_each_person_and_the_group_sync(tmp_path):
    clip = str(media("multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4"))
    out = tmp_path / "result.json"
    r = run("analyze", clip, "--people", "all", "--sample-fps", "10", "--quiet", "-o", str(out))
    assert r.returncode == 0, r.stderr
    body = json.loads(out.read_text())
    table = run("analyze", clip, "--people", "all", "--sample-fps", "10", "--quiet", "--format", "table").stdout
    assert len(body["people"]) == 2
    assert f"People (2; the one above is person {body['main_person']})" in table
    for person in body["people"]:
        main = " (main)" if person["id"] == body["main_person"] else ""
        assert f"Person {person['id']}{main}: " in table
    group = body["sync"]["group"]["score"]
    assert f"How in sync: {group:.0f}/100" in table


def test_with_music_the_table_says_whether_each_dancers_bounce_keeps_time(tmp_path):
    group = media("multi_person/sports2d_demo_jumpingjacks_flip_walker.mp4")  # its own sound is silent
    clip = str(with_clicks(group, tmp_path / "group-to-music.mp4", bpm=120))
    out = tmp_path / "result.json"
    args = ("analyze", clip, "--people", "all", "--rhythm", "--sample-fps", "10", "--quiet")
    assert run(*args, "-o", str(out)).returncode == 0
    body = json.loads(out.read_text())
    table = run(*args, "--format", "table").stdout
    timed = [p for p in body["people"] if p["rhythm"].get("bounce")]
    assert len(timed) >= 2  # the jumping jacks and the walker
    assert table.count("\n    music: ") == len(timed)
    for person in timed:
        bounce = person["rhythm"]["bounce"]
        timing = f"bounce in time: down {bounce['where']}" if bounce["in_time"] else "no steady bounce to the beat"
        assert f"\n    music: {timing}, steady {bounce['steadiness']}/100\n" in table


def time_per_pose(video, poses_file):
    """Frames per pose of an analysis made with this pose file (DANCE_POSES_FILE)."""
    r = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "analyze", str(video), "--format", "json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "DANCE_POSES_FILE": str(poses_file)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return {p["pose"]: p["frames_detected"] for p in json.loads(r.stdout)["pose_summary"]}


def test_learn_prints_a_pose_file_that_later_analyses_use(tmp_path):
    import yaml

    from tests.support.media import photos_video

    tree, warrior = media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg")
    learned = tmp_path / "mine.yaml"
    r = run("learn", str(tree), "--name", "my_tree", "--by", "likeness", "-o", str(learned))
    assert r.returncode == 0, r.stderr
    pose = yaml.safe_load(learned.read_text())["poses"][0]
    assert pose["name"] == "my_tree" and len(pose["examples"]["bodies"][0]) == 45
    piped = subprocess.run(
        [sys.executable, "-m", "dance_analyzer.cli", "learn", "-", "--name", "my_tree", "--by", "likeness"],
        input=tree.read_bytes(), capture_output=True, timeout=300,
    )  # fmt: skip
    assert piped.returncode == 0 and yaml.safe_load(piped.stdout)["poses"][0] == pose  # the same, piped in
    shown = run("poses", "--file", str(learned))
    assert shown.returncode == 0 and "and within 0.4 torso lengths of one of its 1 example bodies" in shown.stdout

    video = photos_video(tmp_path / "two.mp4", [tree, warrior], frames_each=5)
    assert time_per_pose(video, poses_file=learned) == {"my_tree": 5}


def test_learn_into_a_pose_file_adds_poses_and_examples_and_checks_the_file(tmp_path):
    import yaml

    from tests.support.media import photos_video

    tree, warrior, squat = media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg"), media("squat_frame.png")
    mine = tmp_path / "mine.yaml"
    for photo, name, by in (
        (tree, "my_shape", "likeness"),
        (warrior, "my_shape", "likeness"),
        (squat, "low", "measures"),
    ):
        r = run("learn", str(photo), "--name", name, "--by", by, "--into", str(mine))
        assert r.returncode == 0, r.stderr
    poses = {p["name"]: p for p in yaml.safe_load(mine.read_text())["poses"]}
    assert set(poses) == {"my_shape", "low"} and len(poses["my_shape"]["examples"]["bodies"]) == 2
    assert poses["low"]["priority"] > poses["my_shape"]["priority"] and "knee_angle" in poses["low"]["when"]

    video = photos_video(tmp_path / "two.mp4", [tree, warrior], frames_each=5)
    assert time_per_pose(video, poses_file=mine) == {"my_shape": 10}

    broken = tmp_path / "broken.yaml"
    broken.write_text("poses: [{name: x, priority: 1, when: {knee_angel: {both: [0, 90]}}}]\n")
    r = run("learn", str(tree), "--name", "my_shape", "--into", str(broken))
    assert r.returncode == 65 and "knee_angel" in r.stderr and "knee_angel" in broken.read_text()
    both = run("learn", str(tree), "--name", "x", "--into", str(mine), "-o", str(tmp_path / "x.yaml"))
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_learn_says_what_is_wrong(tmp_path):
    import cv2
    import numpy as np

    grey = tmp_path / "grey.png"
    cv2.imwrite(str(grey), np.full((240, 320, 3), 128, np.uint8))
    r = run("learn", str(grey), "--name", "nobody")
    assert r.returncode == 67 and "no person" in r.stderr.lower() and r.stdout == ""
    assert run("learn", str(media("tree_pose_one_leg.jpg")), "--name", "../x").returncode == 2
    assert run("learn", str(tmp_path / "missing.jpg"), "--name", "x").returncode == 66
    negative = run("learn", str(media("tree_pose_one_leg.jpg")), "--name", "x", "--time", "-1")
    assert negative.returncode == 2 and "must be 0 or more" in negative.stderr
    clip = media("ballet_spin_1.mp4")
    past = run("learn", str(clip), "--name", "x", "--time", "60")
    assert past.returncode == 64 and "no frame at 60 s: the video ends" in past.stderr and past.stdout == ""


def test_with_music_the_table_says_the_count_each_pose_and_move_starts_on(tmp_path):
    clip = str(with_clicks(media("ballet_spin_1.mp4"), tmp_path / "spin-to-music.mp4", bpm=120))
    body = json.loads(run("analyze", clip, "--rhythm").stdout)
    table = run("analyze", clip, "--rhythm", "--format", "table").stdout
    counted = [s for s in body["segments"] if "on_count" in s]
    assert counted and all(s["eight"] == 1 for s in counted)  # a 3 s clip at 120 bpm: one eight
    for s in counted:
        held = f" for {s['counts']:g} count{'' if s['counts'] == 1 else 's'}" if "counts" in s else ""
        assert f"  {s['pose'].replace('_', ' ')} on {s['on_count']}{held} (eight 1)" in table
    turn = next(m for m in body["moves"] if m["move"] == "turn")
    line = next(line for line in table.splitlines() if " turn " in line)
    assert f" on {turn['on_count']} (" in line and line.endswith(", eight 1)")
    music = body["rhythm"]
    assert f"\nMusic: {music['audio_tempo_bpm']:.0f} bpm, counted from {music['beats'][0]:.2f} s" in table


def test_a_soundtrack_of_speech_is_not_counted_to():
    clip = str(media("taichi_solo_1.mp4"))  # a man talking over the form: no beat
    body = json.loads(run("analyze", clip, "--rhythm", "--sample-fps", "5").stdout)
    assert body["rhythm"]["audio"] is True and body["rhythm"]["beat_clarity"] < 0.2
    assert "audio_tempo_bpm" not in body["rhythm"] and "beats" not in body["rhythm"]
    assert body["moves"] and not any("on_count" in m for m in body["moves"] + body["segments"])
    table = run("analyze", clip, "--rhythm", "--sample-fps", "5", "--format", "table").stdout
    assert "\nMusic: no steady beat heard, nothing to count to\n" in table and " on 1" not in table


def test_compare_as_a_table_gives_the_score_and_the_moves_made_and_missed(tmp_path):
    reference = media("ballet_spin_1.mp4")
    attempt = tmp_path / "stopped-early.mp4"  # stopped 1.6 s in: the pirouette cut short, the kick missing
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(reference), "-t", "1.6", "-c:v", "libx264", str(attempt)], check=True
    )
    body = json.loads(run("compare", str(reference), str(attempt), "--format", "json").stdout)
    table = run("compare", str(reference), str(attempt), "--format", "table")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "stopped-early.mp4 against ballet_spin_1.mp4"
    assert f"Similarity {body['similarity']:.0f}/100 (mirrored: {body['mirrored_similarity']:.0f})" in table.stdout
    assert f"Moves: {body['moves']['summary']}" in lines
    kick = next(m for m in body["moves"]["missed"] if m["move"] == "kick")
    assert f"  {kick['reference_s']:6.2f} s  kick       missed" in lines
    assert len(
        [line for line in lines if line.startswith("  ") and " s  " in line and ("made" in line or "missed" in line)]
    ) == (len(body["moves"]["made"]) + len(body["moves"]["missed"]))

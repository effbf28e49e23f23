import json
import os
import pty
import subprocess
import sys

import av

from tests.support.media import media


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
    assert run("analyze", str(bogus), "--sample-fps", "0").returncode == 2


def test_poses_command_lists_definitions_and_features():
    r = run("poses")
    assert r.returncode == 0
    assert "squat" in r.stdout and "knee_angle" in r.stdout


def test_worker_count_must_be_positive():
    r = run("analyze", str(media("squat_band_1.mp4")), "--workers", "0")
    assert r.returncode == 2 and "must be 1 or more" in r.stderr and r.stdout == ""


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

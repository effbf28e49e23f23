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

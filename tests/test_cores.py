"""The default number of workers follows the cores this process may use, not the host's."""

import os
import shutil
import subprocess
import sys

import pytest

from dance_analyzer.cores import usable_cores

ALLOWED = len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("max 100000\n", ALLOWED),  # no quota
        ("50000 100000\n", 1),  # half a core: still one worker
        ("100000 100000\n", 1),
        (f"{ALLOWED * 100000 + 1} 100000\n", ALLOWED),  # a quota over the cores allowed: the cores
        ("garbage", ALLOWED),
        ("", ALLOWED),
    ],
)
def test_a_containers_cpu_quota_caps_the_cores(tmp_path, cpu_max, expected):
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max)
    assert usable_cores(path) == expected


def test_a_quota_of_one_and_a_half_cores_rounds_up(tmp_path):
    if ALLOWED < 2:
        pytest.skip("needs two cores")
    path = tmp_path / "cpu.max"
    path.write_text("150000 100000\n")
    assert usable_cores(path) == 2


def test_a_process_pinned_to_one_core_defaults_to_one_worker(tmp_path):
    if ALLOWED < 2 or shutil.which("taskset") is None:
        pytest.skip("needs two cores and taskset")
    script = "from dance_analyzer.config import Settings; print(Settings().workers)"
    pinned = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60, env={k: v for k, v in os.environ.items() if k != "DANCE_WORKERS"},
    )  # fmt: skip
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.stdout.strip() == "1"

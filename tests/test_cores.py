"""The default number of workers follows the cores this process may use, not the host's."""

import os
import shutil
import subprocess
import sys

import pytest

from dance_analyzer.cores import usable_cores

ALLOWED = len(os.sched_getaffinity(0))


def cgroup_v2(tmp_path, cpu_max):
    (tmp_path / "cpu.max").write_text(cpu_max)
    return tmp_path


def cgroup_v1(tmp_path, quota, period="100000"):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(quota + "\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(period + "\n")
    return tmp_path


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
    assert usable_cores(cgroup_v2(tmp_path, cpu_max)) == expected


@pytest.mark.parametrize(("quota", "period", "expected"), [("-1", "100000", ALLOWED), ("100000", "100000", 1)])
def test_cgroup_v1_quotas_count_too(tmp_path, quota, period, expected):
    assert usable_cores(cgroup_v1(tmp_path, quota, period)) == expected


def test_no_cgroup_files_leaves_the_affinity(tmp_path):
    assert usable_cores(tmp_path) == ALLOWED


def test_a_quota_of_one_and_a_half_cores_rounds_up(tmp_path):
    if ALLOWED < 2:
        pytest.skip("needs two cores")
    assert usable_cores(cgroup_v2(tmp_path, "150000 100000\n")) == 2


def test_a_process_pinned_to_one_core_defaults_to_one_worker():
    if ALLOWED < 2 or shutil.which("taskset") is None:
        pytest.skip("needs two cores and taskset")
    script = "from dance_analyzer.config import Settings; print(Settings().workers)"
    pinned = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60, env={k: v for k, v in os.environ.items() if k != "DANCE_WORKERS"},
    )  # fmt: skip
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.stdout.strip() == "1"

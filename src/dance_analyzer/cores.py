"""How many cores this process may use: the default number of worker processes.

``os.cpu_count()`` counts the host's cores. A container limited to two CPUs on a
64-core host (``podman run --cpus=2``, a Kubernetes CPU limit) or a process pinned with
``taskset`` would start a worker per host core: each loads the models, and together they
only take turns on the cores they are allowed, slower than one per core and many times
the memory.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")  # a container's own, in its cgroup namespace


def usable_cores(cgroup: Path = CGROUP) -> int:
    """The cores in this process's CPU affinity, at most its cgroup's CPU quota (rounded up)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota(cgroup)
    if quota is not None:
        cores = min(cores, max(1, math.ceil(quota)))
    return max(1, cores)


def cpu_quota(cgroup: Path = CGROUP) -> float | None:
    """The CPUs' worth of time the cgroup may use (None: no limit): cgroup v2's ``cpu.max``
    ("<quota> <period>", or "max <period>"), else v1's ``cpu.cfs_quota_us`` (-1: none)
    over ``cpu.cfs_period_us``."""
    try:
        if (cgroup / "cpu.max").exists():
            quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        else:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        return None if quota in ("max", "-1") else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None

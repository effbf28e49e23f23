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

CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"


def usable_cores(cpu_max: Path = CPU_MAX) -> int:
    """The cores in this process's CPU affinity, at most its cgroup's CPU quota (rounded up)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = _quota(cpu_max)
    if quota is not None:
        cores = min(cores, max(1, math.ceil(quota)))
    return max(1, cores)


def _quota(cpu_max: Path) -> float | None:
    try:
        fields = cpu_max.read_text().split()
        return None if fields[0] == "max" else int(fields[0]) / int(fields[1])
    except (OSError, ValueError, IndexError, ZeroDivisionError):
        return None

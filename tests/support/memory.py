"""What one statement costs in memory, measured in a fresh interpreter.

A test process has allocated and freed plenty before it gets to a given statement, so
its own peak RSS says nothing about that statement. A fresh process that has imported
the decoders first (the baseline) and then runs only the statement does: the growth of
its peak RSS is what the statement made the decoders allocate, at most. The peak is
read from ``VmHWM``, not ``getrusage``: Linux carries ``ru_maxrss`` over from the parent
across fork and exec, so a child of a big test process would start at its parent's peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

# Address space a measured statement may add: ten times what the tests allow it to use,
# a tenth of what a decoder given a hostile file would take.
CEILING_MB = 2048

_HARNESS = f"""
import json, resource, sys
from pathlib import Path
import av, cv2, numpy
from dance_analyzer.media import still, video

def status_kb(field):
    return int(open("/proc/self/status").read().split(field + ":")[1].split()[0])

before = status_kb("VmHWM")
# A guard for the machine, not part of the measure: a statement that would allocate
# gigabytes fails with MemoryError here instead of calling in the OOM killer.
vm_kb = status_kb("VmSize")
resource.setrlimit(resource.RLIMIT_AS, (vm_kb * 1024 + {CEILING_MB} * 2**20, resource.RLIM_INFINITY))
error = None
try:
    exec(sys.argv[1])
except Exception as exc:
    error = [type(exc).__name__, str(exc)]
grown = status_kb("VmHWM") - before
print(json.dumps({{"error": error, "grown_mb": grown / 1024}}))
"""


@dataclass(frozen=True)
class Cost:
    error: str | None  # the exception's class name, if the statement raised
    message: str
    grown_mb: float  # growth of the peak RSS over the baseline


def peak_memory_of(statement: str) -> Cost:
    """Run ``statement`` (with ``Path``, ``video`` and ``still`` in scope) in a new process."""
    done = subprocess.run([sys.executable, "-c", _HARNESS, statement], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    error, message = report["error"] or (None, "")
    return Cost(error, message, report["grown_mb"])

"""SciPy is imported beside the reading of a video, never before it."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys, threading
import dance_analyzer.pipeline, dance_analyzer.cli.commands, dance_analyzer.workers.pool
from dance_analyzer.workers.processes import WORKER_MODULES
for module in WORKER_MODULES:
    __import__(module)
print(sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy.")))
from dance_analyzer import preload
preload.in_background()
for thread in threading.enumerate():
    if thread.name == "preload":
        thread.join(timeout=60)
print(all(m in sys.modules for m in preload.MODULES))
preload.in_background()  # all imported: no thread this time
print(sum(t.name == "preload" for t in threading.enumerate()))
"""


def test_the_pipeline_and_the_workers_import_no_scipy_until_the_preload_does():
    """A SciPy import at the top of a module would again delay every CLI run's first
    frame by most of a second (see dance_analyzer.preload)."""
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after, threads = out.stdout.split("\n")[:3]
    assert before == "[]"
    assert after == "True"
    assert threads == "0"

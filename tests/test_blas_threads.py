"""One BLAS thread per analysing process (see dance_analyzer/__init__.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The threads a fresh interpreter has once NumPy is imported and has run a product.
COUNT = """
import os
{first}
import numpy
numpy.ones((300, 300)) @ numpy.ones((300, 300))
print(len(os.listdir("/proc/self/task")))
"""


def threads_after_numpy(first: str, **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", COUNT.format(first=first)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip())


@pytest.fixture(scope="module")
def blas_threads_by_default() -> int:
    if (os.cpu_count() or 1) < 2 or not os.path.isdir("/proc/self/task"):
        pytest.skip("needs two cores and /proc: OpenBLAS starts no extra thread on one core")
    threads = threads_after_numpy("")
    if threads < 2:
        pytest.skip("this NumPy's BLAS starts no threads of its own")
    return threads


def test_importing_the_package_first_leaves_numpy_one_blas_thread(blas_threads_by_default):
    threads = threads_after_numpy("import dance_analyzer")
    assert threads < blas_threads_by_default
    assert threads == 1


def test_a_blas_thread_count_the_user_set_is_kept(blas_threads_by_default):
    assert threads_after_numpy("import dance_analyzer", OPENBLAS_NUM_THREADS="2") == 2

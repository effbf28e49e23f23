"""SciPy, imported beside the reading of a video rather than before it.

The analysis needs SciPy (peak finding, filters, the optimal assignment) only once the
landmarks are read, and importing those packages costs most of a second of CPU (SciPy
parses docstrings as it loads them). Imported at the top of the modules that use them,
that second came before the first frame, and in a one-shot CLI run the worker forked at
start-up sat idle through it. So they are imported inside the functions that use them,
and :func:`in_background` imports them in a thread while the landmarks are read: the
landmark model and the decoder release the GIL, so the import shares the cores with that
work instead of adding to the time before or after it.
"""

from __future__ import annotations

import importlib
import sys
import threading

MODULES = ("scipy.optimize", "scipy.ndimage", "scipy.signal")


def in_background() -> None:
    """Start importing whichever of ``MODULES`` is not imported yet (nothing, once all are).

    A caller that needs one of them before the thread is done waits on the import system's
    own lock for that module, then finds it whole."""
    missing = [name for name in MODULES if name not in sys.modules]
    if missing:
        threading.Thread(target=_import, args=(missing,), daemon=True, name="preload").start()


def _import(names: list[str]) -> None:
    for name in names:
        importlib.import_module(name)

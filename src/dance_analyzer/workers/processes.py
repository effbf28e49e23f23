"""Starting worker processes: from a forkserver (the server), or forked from a CLI run itself.

Analysis runs in separate processes for two reasons: MediaPipe inference is CPU bound
and holds the GIL, so processes are the only way to use every core; and video decoders
are native code fed with untrusted bytes, so a crash must take down a worker, never the
server.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import multiprocessing.util
import os
import shutil
import socket
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..pose.models import DEFAULT_MODEL
from . import tasks

# Modules every worker needs: imported once, by the forkserver or by a CLI run that forks
# its workers itself (see start_workers_early), before any worker is forked.
WORKER_MODULES = ["dance_analyzer.pose.crowd", "dance_analyzer.pose.extract", "dance_analyzer.workers.spans"]
# The forkserver first takes on the workers' process set-up (signals ignored, stdout
# released); a CLI process must keep its own, so workers it forks do that in init_worker.
# It also imports SciPy's assignment solver (a quarter of a second), which a worker needs
# only when it must tell people apart again, and a CLI run only once its workers are going.
WORKER_PRELOAD = ["dance_analyzer.workers.process_setup", *WORKER_MODULES, "scipy.optimize"]

ProgressQueue = Any  # multiprocessing.Queue of (token, span, frames done); a context's Queue has no usable type

# A socket's path holds at most 107 bytes; the forkserver's is <dir>/pymp-XXXXXXXX/listener-XXXXXXXX.
_SOCKET_PATH_MAX = 107
_SOCKET_NAME_LEN = len("/pymp-XXXXXXXX/listener-XXXXXXXX")


def fresh_temp_dir(directory: Path) -> None:
    """Make ``directory`` this process's scratch space, emptied of what an earlier run left.

    multiprocessing keeps the forkserver's socket in a ``pymp-*`` directory of the system
    temp dir, removed at exit only if the process exits normally: every killed server
    left one there. Here it is made under ``directory`` instead, which is emptied now
    (keeping this process's own, if it made one already), so nothing is left for good.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ours = _make_multiprocessing_temp_dir_in(directory)
    for entry in directory.iterdir():
        if entry == ours:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _make_multiprocessing_temp_dir_in(directory: Path) -> Path:
    """multiprocessing's temp dir, made in ``directory`` if it is not made yet and can hold
    the socket (a short enough path, a file system with sockets); else where it is."""
    saved = tempfile.tempdir
    if len(os.fsencode(directory)) + _SOCKET_NAME_LEN <= _SOCKET_PATH_MAX and _holds_sockets(directory):
        tempfile.tempdir = str(directory)
    try:
        return Path(multiprocessing.util.get_temp_dir())  # made once per process; later calls return it
    finally:
        tempfile.tempdir = saved


def _holds_sockets(directory: Path) -> bool:
    probe = directory / f".socket-probe-{os.getpid()}"
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(probe))
        return True
    except OSError:  # e.g. a network or FUSE file system without socket files
        return False
    finally:
        probe.unlink(missing_ok=True)


def worker_context() -> multiprocessing.context.BaseContext:
    """Fork workers from a single-threaded server process that has imported what they run
    (the model runtime, NumPy, the decoder).

    Plain fork is unsafe here (the API process runs threads; a child forked mid-lock
    deadlocks) and spawn makes every worker import all that again (seconds of CPU
    each). A forkserver imports once, holds no threads, and forks workers that start in
    a fraction of a second. (A CLI run forks its first workers itself, while it still
    has a single thread: see start_workers_early.)
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


def start_processes(
    context: multiprocessing.context.BaseContext, count: int, cancelled: Any, model: str
) -> tuple[ProcessPoolExecutor, ProgressQueue]:
    """``count`` workers, each loading ``model`` as it starts (others when first asked for)."""
    progress = context.Queue()
    executor = ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=tasks.init_worker, initargs=(progress, cancelled, model)
    )
    # The executor starts a process per submission while none is idle: ask for all of
    # them now, so every model loads at once instead of one per chunk.
    for _ in range(count):
        executor.submit(tasks.ready)
    return executor, progress


def new_cancel_list(context: multiprocessing.context.BaseContext) -> Any:
    """The shared ring of withdrawn analyses' tokens (see tasks.CANCEL_SLOTS)."""
    return context.Array("q", tasks.CANCEL_SLOTS, lock=False)


# Worker processes a one-shot CLI run forked at start-up, until its pool adopts them:
# (count, executor, progress queue, cancel list).
_early_workers: tuple[int, ProcessPoolExecutor, ProgressQueue, Any] | None = None


def start_workers_early(processes: int = 0, model: str = DEFAULT_MODEL) -> None:
    """Get the worker processes going now, so that their start overlaps the caller's own.

    By default this starts the forkserver, which imports the workers' modules while the caller
    imports the rest; a pool created a moment later forks its workers at once. A one-shot
    CLI run passes ``processes`` before it has started any thread: it then imports what
    the workers need and forks them from itself straight away, which skips a second
    interpreter's start and imports (the workers start 0.2-0.3 s sooner) while the caller
    goes on reading its settings. The first pool that wants that many processes adopts
    them; a pool sized otherwise by the settings shuts them down and starts its own.
    """
    global _early_workers
    if processes > 0 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        for module in WORKER_MODULES:
            importlib.import_module(module)
        fork = multiprocessing.get_context("fork")
        # Every object imported so far is shared with the workers until either side
        # writes to its page: a garbage collection walking them all would make each
        # process copy them. Frozen, no collection looks at them again.
        gc.freeze()
        cancelled = new_cancel_list(fork)
        # Whatever model they start with, workers load another when first asked for it.
        _early_workers = (processes, *start_processes(fork, processes, cancelled, model), cancelled)
        return
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def adopt_early_workers(count: int) -> tuple[ProcessPoolExecutor, ProgressQueue, Any] | None:
    """The processes start_workers_early forked, if there are ``count`` of them."""
    global _early_workers
    if _early_workers is None or _early_workers[0] != count:
        stop_early_workers()
        return None
    early, _early_workers = _early_workers, None
    return early[1:]


def stop_early_workers() -> None:
    """Stop the processes start_workers_early forked if no pool adopted them: the settings
    asked for another number, or the command ended before its pool. Idle, they wait for
    work for ever, and the interpreter's exit waits for them. Stopped with a wait (until
    each has loaded its model and read the stop): the clean-up at exit, which closes the
    executor's queue while a stop may still be in it, left them waiting."""
    global _early_workers
    early, _early_workers = _early_workers, None
    if early is not None:
        early[1].shutdown(wait=True, cancel_futures=True)

"""The container's server: gunicorn supervising one uvicorn worker, guarded as ``serve`` is.

``--worker-class dance_analyzer.api.gunicorn_worker.GuardedUvicornWorker`` (the
Dockerfile's command) gets the same connection cap, header timeout and linger as
``dance-analyzer serve``, and the same clean exit.
"""

from __future__ import annotations

import signal
from typing import Any

from uvicorn.workers import UvicornWorker

from ..config import get_settings
from .server import uvicorn_options


def _exit(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


class GuardedUvicornWorker(UvicornWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, **uvicorn_options(get_settings())}
        super().__init__(*args, **kwargs)

    def init_signals(self) -> None:
        """Uvicorn raises SIGTERM again after its graceful stop; with the default handler the
        worker died of it before its exit handlers ran, which leaves multiprocessing's temp
        dir and semaphores behind. Exiting here runs them."""
        super().init_signals()
        signal.signal(signal.SIGTERM, _exit)

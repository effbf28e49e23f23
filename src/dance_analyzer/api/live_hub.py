"""The live sessions of one server process: how many there are, and their frames
classified together.

Classifying one frame costs about what classifying twenty does (``live.add_frames``), so
frames are not classified as each arrives: while one batch is being classified on a
worker thread, the frames arriving from every session wait for the next, and each
session's handler awaits its own frame's answer. Under load the batches grow, not the
queue.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..live import Incoming, LiveInputError, add_frames


class LiveHub:
    def __init__(self, max_sessions: int, max_server_sessions: int = 0) -> None:
        self.max_sessions = max_sessions
        self.max_server_sessions = max_server_sessions
        self.active = 0
        self.server_active = 0
        self._pending: list[tuple[Incoming, asyncio.Future[dict[str, Any] | LiveInputError]]] = []
        self._draining: asyncio.Task[None] | None = None

    def open(self) -> bool:
        """Room for one more session (counted until :meth:`close`)?"""
        if self.active >= self.max_sessions:
            return False
        self.active += 1
        return True

    def close(self) -> None:
        self.active -= 1

    def open_server_model(self) -> bool:
        """Room for one more session whose model runs here (until :meth:`close_server_model`)?"""
        if self.server_active >= self.max_server_sessions:
            return False
        self.server_active += 1
        return True

    def close_server_model(self) -> None:
        self.server_active -= 1

    async def add(self, frame: Incoming) -> dict[str, Any]:
        """The answer to the frame once its batch is classified; raises LiveInputError for a
        frame the session refuses."""
        future: asyncio.Future[dict[str, Any] | LiveInputError] = asyncio.get_running_loop().create_future()
        self._pending.append((frame, future))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        answer = await future
        if isinstance(answer, LiveInputError):
            raise answer
        return answer

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                answers = await run_in_threadpool(add_frames, [frame for frame, _ in batch])
            except Exception as exc:  # noqa: BLE001 - every waiting session must hear of it
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), answer in zip(batch, answers, strict=True):
                if not future.done():  # its session may have gone meanwhile
                    future.set_result(answer)

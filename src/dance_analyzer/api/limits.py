"""What one client may cost: calls a minute, and how long it may keep a body waiting.

Clients that disconnect are part of the same story: a body that stops because the
client left is the client's doing, so it is logged and counted as that, never as a
server error.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Hashable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect
from starlette.types import Message, Receive

from ..metrics import ERRORS
from .errors import error_response

log = logging.getLogger("dance_analyzer.http")

# Status for a request whose client left before it was answered (nginx's convention):
# nobody receives it, but the log line and the metrics say what happened.
CLIENT_CLOSED_REQUEST = 499
# A bucket idle this long is full again: forgetting it changes nothing.
_IDLE_S = 60.0


class RateLimiter:
    """A token bucket per caller: ``per_minute`` calls in a burst, then one every 60/per_minute s.

    Used from the event loop only, so it needs no lock.
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # caller -> (tokens, when)

    def retry_after(self, caller: Hashable) -> int | None:
        """None if the call may go ahead (and it is counted); else seconds until it may."""
        now = time.monotonic()
        if len(self._buckets) > 10_000:  # without keys, callers are addresses: keep it bounded
            self._buckets = {c: state for c, state in self._buckets.items() if now - state[1] < _IDLE_S}
        tokens, then = self._buckets.get(caller, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * self._rate)
        if tokens >= 1:
            self._buckets[caller] = (tokens - 1, now)
            return None
        self._buckets[caller] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self._rate))


class BodyTimeout(Exception):
    """The client stopped sending its request body."""


def receive_within(receive: Receive, timeout_s: float) -> Receive:
    """``receive``, failing with :class:`BodyTimeout` when the body stops for ``timeout_s``.

    Only the app's waits for the body count (not the time it spends on what arrived), and
    once the body is complete later calls pass straight through: they only wait for the
    client to disconnect, e.g. while a file streams back.
    """
    complete = False

    async def receive_body() -> Message:
        nonlocal complete
        if complete:
            return await receive()
        try:
            message = await asyncio.wait_for(receive(), timeout_s)
        except asyncio.TimeoutError:
            raise BodyTimeout(f"The request body stopped arriving: nothing came for {timeout_s:g} s") from None
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return receive_body


def install_client_handlers(app: FastAPI) -> None:
    """Answers for requests that end because of the client: it stalled, or it left."""

    @app.exception_handler(BodyTimeout)
    async def body_timeout(_: Request, exc: BodyTimeout) -> JSONResponse:
        ERRORS.labels("body_timeout").inc()
        return error_response(408, str(exc), {"Connection": "close"})

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, _: ClientDisconnect) -> JSONResponse:
        ERRORS.labels("client_disconnected").inc()
        log.info("the client disconnected before its request was read: %s %s", request.method, request.url.path)
        return error_response(CLIENT_CLOSED_REQUEST, "The client disconnected")

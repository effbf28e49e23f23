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


def receive_within(receive: Receive, timeout_s: float, min_rate_bytes_s: float = 0) -> Receive:
    """``receive``, failing with :class:`BodyTimeout` when the body stops for ``timeout_s``,
    or arrives slower than ``min_rate_bytes_s`` on average after the first ``timeout_s``:
    a client dripping a byte a second never lets it stop, yet holds a connection and a
    staged file for as long as it likes.

    Once the body is complete later calls pass straight through: they only wait for the
    client to disconnect, e.g. while a file streams back.
    """
    started = time.monotonic()
    received = 0
    complete = False

    async def receive_body() -> Message:
        nonlocal received, complete
        if complete:
            return await receive()
        wait_s = timeout_s
        if min_rate_bytes_s:  # the average rate so far must keep up, after a first timeout_s
            wait_s = min(wait_s, started + timeout_s + received / min_rate_bytes_s - time.monotonic())
        try:
            message = await asyncio.wait_for(receive(), max(wait_s, 0.0))
        except asyncio.TimeoutError:
            raise BodyTimeout(_too_slow(wait_s < timeout_s, timeout_s, min_rate_bytes_s)) from None
        received += len(message.get("body", b""))
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return receive_body


def _too_slow(rate: bool, timeout_s: float, min_rate_bytes_s: float) -> str:
    if rate:
        return f"The request body arrives too slowly: under {min_rate_bytes_s / 1024:g} KB/s"
    return f"The request body stopped arriving: nothing came for {timeout_s:g} s"


def install_client_handlers(app: FastAPI) -> None:
    """Answers for requests that end because of the client: it stalled, or it left."""

    @app.exception_handler(BodyTimeout)
    async def body_timeout(_: Request, exc: BodyTimeout) -> JSONResponse:
        # No "Connection: close", which makes uvicorn close at once and may reset the
        # connection under a client still sending, before it reads this: the server's
        # protocol closes connections whose body is unread after a linger (server.py).
        ERRORS.labels("body_timeout").inc()
        return error_response(408, str(exc))

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, _: ClientDisconnect) -> JSONResponse:
        ERRORS.labels("client_disconnected").inc()
        log.info("the client disconnected before its answer: %s %s", request.method, request.url.path)
        return error_response(CLIENT_CLOSED_REQUEST, "The client disconnected")

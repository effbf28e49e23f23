"""How the server holds connections, so that slow, idle or numerous clients cannot exhaust it.

Uvicorn waits forever for a request's headers, keeps a connection whose response went
out before its body was read open for as long as the client drips that body, and
accepts every connection. Each held connection costs a file descriptor, memory and,
for an upload, a staged file. Its HTTP protocol is extended here, and the app keeps
the body timeout (see ``limits.receive_within``), where it knows when it is waiting.
"""

from __future__ import annotations

import asyncio
import json
import logging
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..config import Settings
from ..metrics import ERRORS
from .headers import security_headers

log = logging.getLogger("dance_analyzer.http")

# Seconds an idle connection is kept between requests, for clients that poll.
KEEP_ALIVE_S = 30
# After answering a request whose body was not read (refused as too large, unauthorised,
# the queue full), the rest of the body is read and dropped for at most this long: closing
# at once would reset the connection under a client still sending, which then may never
# see the answer. A body that ends in time leaves the connection open for the client's
# next request (a client reusing it must not find it half-closed); one that does not
# (dripped, or too large to send in time) has its connection closed.
LINGER_S = 10.0
# Seconds a client refused for too many connections is told to wait.
RETRY_AFTER_S = 5


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What ``uvicorn.run`` (and the gunicorn worker) need beyond the app and the address."""
    return {"http": guarded_protocol(settings), "timeout_keep_alive": KEEP_ALIVE_S}


def guarded_protocol(settings: Settings) -> type[GuardedHttpProtocol]:
    class Configured(GuardedHttpProtocol):
        max_connections = settings.max_connections
        header_timeout_s = settings.header_timeout_s

    return Configured


def raw_answer(status: int, message: str, extra: dict[str, str] | None = None) -> bytes:
    """A whole JSON error answer, for the moments before (or instead of) the app."""
    body = json.dumps({"error": message}).encode()
    headers = {
        "content-type": "application/json",
        "content-length": str(len(body)),
        "connection": "close",
        **dict(security_headers("")),
        **(extra or {}),
    }
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


class GuardedHttpProtocol(HttpToolsProtocol):
    """Uvicorn's HTTP/1.1 protocol with a connection cap, a header timeout and a bounded
    linger after answers that left the request body unread."""

    max_connections = 200
    header_timeout_s = 30.0
    _header_timer: asyncio.TimerHandle | None = None
    _linger_timer: asyncio.TimerHandle | None = None
    _lingering = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            ERRORS.labels("too_many_connections").inc()
            log.warning("refused a connection: %d are open already", self.max_connections)
            message = "The server has too many open connections; try again shortly"
            self._refuse(503, message, {"Retry-After": str(RETRY_AFTER_S)})
            return
        self._expect_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._header_timer, self._linger_timer):
            if timer is not None:
                timer.cancel()
        super().connection_lost(exc)

    def on_message_complete(self) -> None:
        super().on_message_complete()  # an answered request's body is dropped as it is parsed
        if self._lingering:  # the unread body has ended: the connection serves the next request
            self._lingering = False
            if self._linger_timer is not None:
                self._linger_timer.cancel()
                self._linger_timer = None

    # -- parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._expect_headers()  # the next request on a kept-alive connection

    def on_headers_complete(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        cycle = self.cycle
        super().on_response_complete()
        if cycle is not None and cycle.more_body and not self.transport.is_closing():
            self._linger()

    def send_400_response(self, msg: str) -> None:
        """Uvicorn's answer to bytes that are not HTTP, as JSON like every other error."""
        ERRORS.labels("bad_http").inc()
        self._refuse(400, "The request is not valid HTTP/1.1")

    # -- the guards

    def _expect_headers(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            self._expect_headers()  # answering the request before: its successor waits its turn
            return
        ERRORS.labels("header_timeout").inc()
        self._refuse(408, f"The request's headers did not arrive within {self.header_timeout_s:g} s")

    def _linger(self) -> None:
        """Answered, but the client may still be sending the body: read and drop it for a
        while (uvicorn's parser drops an answered request's body), closing if it does not end."""
        self._lingering = True
        self._linger_timer = self.loop.call_later(LINGER_S, self.transport.close)

    def _refuse(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        if not self.transport.is_closing():
            self.transport.write(raw_answer(status, message, extra))
            self.transport.close()

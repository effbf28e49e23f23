"""What every request goes through: a request id, the API key check, a log line, metrics,
and the headers that harden every answer; OPTIONS is answered here, without a key.

Plain ASGI rather than Starlette's BaseHTTPMiddleware, so upload bodies stream through
untouched (the size limit is enforced while they stream) and nothing is buffered.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..logs import REQUEST_ID
from ..metrics import ERRORS, REQUEST_SECONDS, REQUESTS
from .headers import add_security_headers, allow_header, allowed_methods
from .keys import NOBODY, KeyRing, Tenant
from .limits import RateLimiter, receive_within

log = logging.getLogger("dance_analyzer.http")

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# Open without a key: the page and its files, liveness, and the API's own description.
PUBLIC_PATHS = (
    "/health",
    "/docs",
    "/redoc",
    "/docs-assets/",
    "/openapi.json",
    "/static/",
    "/favicon.ico",
    "/favicon.svg",
    "/live.html",
    "/live-assets/",
)


def _is_public(path: str) -> bool:
    return path == "/" or any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC_PATHS)


def _offered_key(headers: Headers) -> str:
    offered = headers.get("x-api-key") or ""
    auth = headers.get("authorization") or ""
    if not offered and auth.lower().startswith("bearer "):
        offered = auth[7:].strip()
    return offered


class RequestMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: KeyRing,
        routes: Sequence[BaseRoute],
        cors: bool,
        rate_limit_per_minute: int = 0,
        body_timeout_s: float | None = None,
        body_min_rate_bytes_s: float = 0,
    ) -> None:
        """``routes``: the app's, to say which methods a path takes; ``cors``: whether CORS
        preflights go on to the CORS middleware (otherwise OPTIONS is answered here)."""
        self.app = app
        self.keys = keys
        self.routes = routes
        self.cors = cors
        self.limiter = RateLimiter(rate_limit_per_minute) if rate_limit_per_minute else None
        self.body_timeout_s = body_timeout_s
        self.body_min_rate_bytes_s = body_min_rate_bytes_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        offered_id = headers.get("x-request-id", "")
        request_id = offered_id if _CLIENT_REQUEST_ID.match(offered_id) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = MutableHeaders(scope=message)
                response_headers.append("X-Request-ID", request_id)
                add_security_headers(response_headers, scope["path"])
            await send(message)

        if self.body_timeout_s is not None:
            receive = receive_within(receive, self.body_timeout_s, self.body_min_rate_bytes_s)
        try:
            response = self._answer_here(scope, headers)
            if response is not None:
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_of(scope)
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            REQUEST_SECONDS.labels(route).observe(elapsed)
            client = scope.get("client")
            log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "client": client[0] if client else None,
                },
            )
            REQUEST_ID.reset(token)

    def _answer_here(self, scope: Scope, headers: Headers) -> Response | None:
        """OPTIONS (but a CORS preflight, when CORS is on), a missing key and a caller over
        its rate are answered here; None lets the request through to the app."""
        if scope["method"] == "OPTIONS":
            if self.cors and "access-control-request-method" in headers:
                return None
            return _options(self.routes, scope)
        # Whose request this is: what it creates is theirs, and they see only what is theirs.
        tenant = self.keys.identify(_offered_key(headers))
        scope.setdefault("state", {})["tenant"] = tenant or NOBODY
        if _is_public(scope["path"]):
            return None
        if tenant is None:
            ERRORS.labels("unauthorized").inc()
            return JSONResponse(
                {"error": "A valid API key is required (X-API-Key header or Authorization: Bearer)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return self._over_rate(scope, tenant)

    def _over_rate(self, scope: Scope, tenant: Tenant) -> Response | None:
        """A 429 for a caller (its key's owner; without keys, its address) over the rate, else None."""
        if self.limiter is None:
            return None
        client = scope.get("client")
        caller = tenant.name if self.keys.enabled else client[0] if client else ""
        wait_s = self.limiter.retry_after(caller)
        if wait_s is None:
            return None
        ERRORS.labels("rate_limited").inc()
        per = "key" if self.keys.enabled else "client"
        return JSONResponse(
            {"error": f"Too many requests: at most {self.limiter.per_minute} a minute per {per}; retry in {wait_s} s"},
            status_code=429,
            headers={"Retry-After": str(wait_s)},
        )


def _options(routes: Sequence[BaseRoute], scope: Scope) -> Response:
    """What the path takes: nothing about the resource itself, so no key is needed."""
    methods = allowed_methods(routes, scope)
    if not methods:
        return JSONResponse({"error": "Not Found"}, status_code=404)
    return Response(status_code=204, headers=allow_header(methods))


def _route_of(scope: Scope) -> str:
    """The route template (``/jobs/{job_id}``), never the raw path: bounded metric labels."""
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"

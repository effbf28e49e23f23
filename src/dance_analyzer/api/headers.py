"""What every answer tells a browser, and which methods a path takes (OPTIONS, 405).

The page is served by the API itself, so one origin holds both the page and what its
key unlocks: browsers are told not to guess content types, not to let other sites frame
the page (clickjacking), not to run anything but this server's own scripts, and not to
send the page's address elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# The page: its own scripts, styles and API calls; videos and downloads it makes from blobs.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The interactive docs (/docs, /redoc): FastAPI's HTML, whose viewer (served from this
# server, api/docs.py) is started by an inline script and draws with inline styles.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
# Live mode: the page also compiles MediaPipe's WebAssembly (served from this server,
# /live-assets) and talks to /live over a WebSocket on this same origin.
LIVE_POLICY = PAGE_POLICY.replace("default-src 'self';", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval';")
LIVE_PATHS = ("/live.html",)
HARDENING = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)
# What a route can take; OPTIONS itself is answered for every path that exists.
_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
_STATIC_METHODS = {"GET", "HEAD"}


def security_headers(path: str) -> list[tuple[str, str]]:
    policy = DOCS_POLICY if path in DOCS_PATHS else LIVE_POLICY if path in LIVE_PATHS else PAGE_POLICY
    return [*HARDENING, ("Content-Security-Policy", policy)]


def add_security_headers(headers: MutableHeaders, path: str) -> None:
    for name, value in security_headers(path):
        if name not in headers:
            headers[name] = value


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """The methods some route takes at this path, OPTIONS included; [] when no route has it.

    Asked of the routes themselves, method by method: the router's own 405 lists only the
    first matching route's methods, and included routers do not expose theirs.
    """
    found: set[str] = set()
    for route in routes:
        found |= _route_methods(route, scope)
    return sorted(found | {"OPTIONS"}) if found else []


def _route_methods(route: BaseRoute, scope: Scope) -> set[str]:
    if isinstance(route, Mount):  # a mount takes any method; static files answer only two
        matched = route.matches({**scope, "method": "GET"})[0] is not Match.NONE
        return (_STATIC_METHODS if isinstance(route.app, StaticFiles) else set(_METHODS)) if matched else set()
    return {method for method in _METHODS if route.matches({**scope, "method": method})[0] is Match.FULL}


def allow_header(methods: Iterable[str]) -> dict[str, str]:
    return {"Allow": ", ".join(methods)}

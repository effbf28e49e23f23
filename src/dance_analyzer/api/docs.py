"""The interactive API docs (/docs, /redoc), working offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a server without internet
access (or a browser behind a strict proxy) they are blank. The viewers are installed with
the server instead (``scripts/install_assets.py``, pinned npm packages, checksummed) and
served from here. The API key is declared as a security scheme, so "Authorize" in Swagger
UI sends it with every "Try it out".
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from .errors import error_response

ASSETS_DIR = Path(sys.prefix) / "share" / "dance-analyzer" / "docs"
ASSETS_URL = "/docs-assets"
_NEEDED = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")
# Paths that never ask for a key (api/middleware.py's PUBLIC_PATHS that are operations).
_OPEN_OPERATIONS = ("/health",)

_UNAUTHORISED = {
    "description": "No API key, or a key this server does not know (send it as X-API-Key or a bearer token)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}

router = APIRouter(include_in_schema=False)


def _missing() -> Response | None:
    absent = [name for name in _NEEDED if not (ASSETS_DIR / name).is_file()]
    if not absent:
        return None
    return error_response(
        503,
        f"The API docs' viewers are not installed ({', '.join(absent)} missing from {ASSETS_DIR}): "
        "run scripts/install.sh, or python scripts/install_assets.py in this environment",
    )


@router.get("/docs")
async def swagger_ui() -> Response:
    missing = _missing()
    if missing is not None:
        return missing
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="dance-analyzer: API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        # Keep a key entered in "Authorize" across reloads of the page (the browser's own
        # storage, never the URL).
        swagger_ui_parameters={"persistAuthorization": True, "tryItOutEnabled": False},
    )


@router.get("/redoc")
async def redoc() -> Response:
    missing = _missing()
    if missing is not None:
        return missing
    return get_redoc_html(
        openapi_url="/openapi.json",
        title="dance-analyzer: API",
        redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        with_google_fonts=False,
    )


def docs_assets() -> StaticFiles:
    """The viewers' files; absent ones answer 404 (and /docs says how to install them)."""
    return StaticFiles(directory=ASSETS_DIR, check_dir=False)


def declare_api_keys(app: FastAPI, *, required: bool) -> None:
    """Describe the key in the OpenAPI document: an ``X-API-Key`` header, or a bearer token.

    Keys are checked by the request middleware, not by route dependencies, so FastAPI does
    not know of them; without this, Swagger UI has no "Authorize" button and "Try it out"
    gets 401 on a server with keys. Without keys configured they are optional.
    """
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()  # FastAPI's own document, which it also caches in app.openapi_schema
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["ApiKey"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "A key from DANCE_API_KEYS or DANCE_API_KEYS_FILE; each key sees only its own jobs.",
        }
        schemes["Bearer"] = {"type": "http", "scheme": "bearer", "description": "The same key as a bearer token."}
        security: list[dict[str, list[str]]] = [{"ApiKey": []}, {"Bearer": []}]
        schema["security"] = security if required else [*security, {}]
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                if path in _OPEN_OPERATIONS:
                    operation["security"] = []
                elif required:
                    operation.setdefault("responses", {})["401"] = _UNAUTHORISED
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

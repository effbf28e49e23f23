"""Every error leaves the API as ``{"error": "..."}`` with a status a client can act on."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    AnalysisError,
    CorruptVideo,
    EmptyFile,
    ModelNotInstalled,
    NoFrameAt,
    NoPersonFound,
    NotAVideo,
    TimeLimitExceeded,
    TooLarge,
    TooLong,
)
from ..jobs.service import BrokerUnavailable
from ..metrics import ERRORS
from .headers import allow_header, allowed_methods

log = logging.getLogger("dance_analyzer.api")

STATUS_BY_ERROR: dict[type[AnalysisError], int] = {
    EmptyFile: 400,
    ModelNotInstalled: 400,
    NotAVideo: 415,
    TooLarge: 413,
    TooLong: 413,
    TimeLimitExceeded: 413,
    CorruptVideo: 422,
    NoPersonFound: 422,
    NoFrameAt: 422,
}


class UploadError(Exception):
    """A problem with the request itself (missing part, bad multipart, too big)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class Busy(Exception):
    """No capacity right now: the client should retry after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int, status_code: int = 429) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_s = retry_after_s
        self.status_code = status_code


def error_response(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AnalysisError)
    async def analysis_error(_: Request, exc: AnalysisError) -> JSONResponse:
        ERRORS.labels(type(exc).__name__).inc()
        return error_response(STATUS_BY_ERROR.get(type(exc), 422), exc.message)

    @app.exception_handler(UploadError)
    async def upload_error(_: Request, exc: UploadError) -> JSONResponse:
        ERRORS.labels("bad_upload").inc()
        return error_response(exc.status_code, exc.message)

    @app.exception_handler(Busy)
    async def busy(_: Request, exc: Busy) -> JSONResponse:
        ERRORS.labels("busy").inc()
        return error_response(exc.status_code, exc.message, {"Retry-After": str(exc.retry_after_s)})

    @app.exception_handler(BrokerUnavailable)
    async def broker_unavailable(_: Request, exc: BrokerUnavailable) -> JSONResponse:
        ERRORS.labels("broker_unavailable").inc()
        return error_response(503, exc.message, {"Retry-After": str(exc.retry_after_s)})

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        ERRORS.labels("bad_request").inc()
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()) if p not in ('query', 'body'))}: {err.get('msg')}"
            for err in exc.errors()
        )
        return error_response(400, f"Invalid request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette lists only the first matching route's methods
            headers = {**(headers or {}), **allow_header(allowed_methods(request.app.router.routes, request.scope))}
        return error_response(exc.status_code, str(exc.detail), headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        ERRORS.labels("internal").inc()
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "Internal server error")

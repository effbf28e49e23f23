"""Application factory: one warm worker pool per server process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..config import Settings, get_settings
from ..definitions import load_definitions
from ..pipeline import limits_from
from ..workers import AnalysisPool
from .errors import install_error_handlers
from .routes import analyze, meta


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = AnalysisPool(settings.workers, poses=app.state.poses, limits=limits_from(settings))
        app.state.pool = pool
        pool.warm_up()
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="dance-analyzer",
        version=__version__,
        description="Upload a dance video; get the poses the dancer strikes, as a summary and a timeline.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Loaded when the app is created, so a broken pose file stops the server loudly;
    # the worker pool classifies with this same set.
    app.state.poses = load_definitions(settings.poses_file)
    install_error_handlers(app)
    app.include_router(analyze.router)
    app.include_router(meta.router)
    return app

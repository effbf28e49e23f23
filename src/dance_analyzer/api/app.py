"""Application factory: one warm worker pool per server process, and the job service."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__, preload
from ..config import Settings, get_settings
from ..jobs.models import JobStatus
from ..jobs.service import JobService
from ..jobs.storage import JobFiles
from ..jobs.store import JobStore
from ..labels.library import PoseLibrary
from ..labels.moves import load_moves
from ..logs import configure_logging
from ..media.video import Limits
from ..metrics import QUEUE_DEPTH
from ..workers.pool import AnalysisPool
from ..workers.processes import fresh_temp_dir
from .docs import ASSETS_URL, declare_api_keys, docs_assets
from .docs import router as docs_router
from .errors import install_error_handlers
from .keys import KeyRing
from .limits import install_client_handlers
from .live_hub import LiveHub
from .middleware import RequestMiddleware
from .routes import analyze, compare, job_files, jobs, live, meta, moves, poses, web


def create_job_service(settings: Settings, pool: AnalysisPool, library: PoseLibrary) -> JobService:
    """Embedded runner by default; Celery workers when a broker is configured."""
    store = JobStore(settings.data_dir / "jobs.sqlite3")
    storage = JobFiles(settings.data_dir)
    if settings.broker_url:
        from ..jobs.celery_app import create_celery
        from ..jobs.remote import CeleryJobService

        return CeleryJobService(
            store, storage, create_celery(settings), max_queued=settings.max_queued_jobs, ttl_s=settings.job_ttl_s
        )
    from ..jobs.local import LocalJobService

    return LocalJobService(
        store,
        storage,
        pool,
        library.current,
        max_queued=settings.max_queued_jobs,
        ttl_s=settings.job_ttl_s,
        concurrency=settings.job_concurrency,
        max_attempts=settings.job_max_attempts,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        fresh_temp_dir(settings.temp_dir)  # before the pool starts the forkserver
        pool = AnalysisPool(
            settings.workers,
            model=settings.model,
            limits=Limits.from_settings(settings),
            time_limit_s=settings.analysis_time_limit_s,
        )
        app.state.pool = pool
        app.state.analysis_slots = threading.BoundedSemaphore(settings.max_concurrent_analyses)
        job_service = create_job_service(settings, pool, app.state.pose_library)
        app.state.jobs = job_service
        QUEUE_DEPTH.set_function(lambda: job_service.store.count(JobStatus.QUEUED))
        pool.warm_up()
        preload.in_background()  # else the first live session's first moves would wait for SciPy
        job_service.start()
        try:
            yield
        finally:
            job_service.close()
            pool.close()

    app = FastAPI(
        title="dance-analyzer",
        version=__version__,
        description="Upload a dance video; get the poses the dancer strikes, as a summary and a timeline.",
        lifespan=lifespan,
        docs_url=None,  # api/docs.py serves both from installed files, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.keys = KeyRing(settings.api_key_list, settings.api_keys_file)
    app.state.live = LiveHub(settings.max_live_sessions, settings.max_server_live_sessions)
    # Loaded when the app is created, so a broken pose or move file stops the server
    # loudly; every analysis classifies with the library's current set (custom poses
    # included).
    app.state.pose_library = PoseLibrary(settings.poses_file, settings.data_dir)
    app.state.pose_library.current()
    load_moves(settings.moves_file)
    install_error_handlers(app)
    install_client_handlers(app)
    app.include_router(analyze.router)
    app.include_router(compare.router)
    app.include_router(jobs.router)
    app.include_router(job_files.router)
    app.include_router(meta.router)
    app.include_router(poses.router)
    app.include_router(moves.router)
    app.include_router(live.router)
    app.include_router(web.router)
    app.include_router(docs_router)
    app.mount("/static", web.static_files(), name="static")
    app.mount(ASSETS_URL, docs_assets(), name="docs-assets")
    app.mount(web.LIVE_ASSETS_URL, web.live_assets(), name="live-assets")
    declare_api_keys(app, required=bool(settings.api_key_list or settings.api_keys_file))
    if settings.cors_origin_list:  # closed unless configured: browsers on other origins get no access
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "X-Request-ID"],
            expose_headers=["Location", "Retry-After", "X-Request-ID"],
        )
    # Outermost, so that even CORS preflights and 401s get a request id, a log line and metrics.
    app.add_middleware(
        RequestMiddleware,
        keys=app.state.keys,
        routes=app.router.routes,
        cors=bool(settings.cors_origin_list),
        rate_limit_per_minute=settings.rate_limit_per_minute,
        body_timeout_s=settings.body_timeout_s,
        body_min_rate_bytes_s=settings.body_min_rate_kb_s * 1024,
    )
    return app

"""The page people use: static files served by the API itself, no separate web server."""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
# MediaPipe's in-browser pose runtime, for live mode: installed with the server
# (scripts/install_assets.py), never fetched from a CDN.
LIVE_ASSETS_DIR = Path(sys.prefix) / "share" / "dance-analyzer" / "live"
LIVE_ASSETS_URL = "/live-assets"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> FileResponse:
    return FileResponse(WEB_DIR / "index.html", media_type="text/html")


@router.get("/favicon.svg")
@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    return FileResponse(WEB_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/live.html")
async def live_page() -> FileResponse:
    return FileResponse(WEB_DIR / "live.html", media_type="text/html")


def live_assets() -> StaticFiles:
    return StaticFiles(directory=LIVE_ASSETS_DIR, check_dir=False)


def static_files() -> StaticFiles:
    return StaticFiles(directory=WEB_DIR)

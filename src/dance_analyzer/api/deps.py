"""Request-scoped access to what the app holds: settings, pose set, worker pool, jobs."""

from __future__ import annotations

from fastapi import Request

from ..config import Settings
from ..definitions import PoseSet
from ..jobs.service import JobService
from ..pose_library import PoseLibrary
from ..workers import AnalysisPool


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_pool(request: Request) -> AnalysisPool:
    return request.app.state.pool


def get_poses(request: Request) -> PoseSet:
    return request.app.state.pose_library.current()


def get_pose_library(request: Request) -> PoseLibrary:
    return request.app.state.pose_library


def get_jobs(request: Request) -> JobService:
    return request.app.state.jobs

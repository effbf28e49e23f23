"""One typed settings object, read from ``DANCE_*`` environment variables.

Every layer (HTTP, CLI, workers) reads the same object so a limit set once applies
everywhere; nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DANCE_", extra="ignore")

    host: str = "0.0.0.0"
    port: int = Field(5000, ge=1, le=65535)

    # Limits checked before and during decoding, so a hostile file cannot make the
    # server spend unbounded CPU, memory or disk.
    max_upload_mb: float = Field(200.0, gt=0)
    max_duration_s: float = Field(600.0, gt=0)
    max_frames: int = Field(36_000, gt=0)
    max_pixels: int = Field(4096 * 4096, gt=0)

    # Analysis defaults (each request may override sample_fps).
    sample_fps: float | None = Field(None, gt=0)
    min_segment_s: float = Field(0.2, ge=0)
    poses_file: Path | None = None

    # Where uploads are staged while they are analysed; None means the system temp dir.
    upload_dir: Path | None = None

    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    log_level: str = "info"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@lru_cache
def get_settings() -> Settings:
    return Settings()

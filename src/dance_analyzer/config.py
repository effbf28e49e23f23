"""One typed settings object, read from ``DANCE_*`` environment variables.

Every layer (HTTP, CLI, workers) reads the same object so a limit set once applies
everywhere; nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

from .cores import usable_cores
from .errors import InvalidSettings


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "dance-analyzer"


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

    # Analysis defaults (each request may override sample_fps and model).
    model: Literal["lite", "full", "heavy"] = "full"  # the pose landmark model (see pose/models.py)
    sample_fps: float | None = Field(None, gt=0, allow_inf_nan=False)
    min_segment_s: float = Field(0.2, ge=0, allow_inf_nan=False)
    poses_file: Path | None = None
    # A move file (same shape as labels/moves/moves.yaml; kinds and keys left out keep
    # their built-in values). Loaded when the server or a CLI analysis starts.
    moves_file: Path | None = None
    max_people: int = Field(8, ge=1, le=16)  # with people=all: at most this many people followed
    # The angles over time: zero-phase Butterworth low-pass (6 Hz), or raw (reports/angles.py).
    angle_filter: Literal["butterworth", "none"] = "butterworth"
    # every_frame: the landmark model on every (sampled) frame; auto: on a coarse stride,
    # refined to every frame wherever the answer could change (pose/adaptive.py).
    precision: Literal["auto", "every_frame"] = "every_frame"

    workers: int = Field(default_factory=usable_cores, ge=1)  # worker processes: one per core
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    log_format: Literal["json", "text"] = "json"  # json: one object per line, with the request id

    # An analysis (request or job) still running after this long is stopped and fails:
    # a pathological file must not hold the workers forever.
    analysis_time_limit_s: float = Field(900.0, gt=0)

    # Access. With keys set, every API call needs one (X-API-Key or Authorization: Bearer),
    # and each key sees only its own jobs and custom poses: `name:key` entries,
    # comma-separated, and/or a YAML keys file re-read when it changes (api/keys.py).
    # CORS is closed unless origins are listed (comma-separated, or *).
    api_keys: str = ""
    api_keys_file: Path | None = None
    cors_origins: str = ""
    # API calls a key (or, without keys, a client address) may make per minute; 0: no limit.
    rate_limit_per_minute: int = Field(0, ge=0)

    # Connections, so that slow or idle clients cannot hold the server's files and memory:
    # at most max_connections at once (more are answered 503 and closed); a request's
    # headers must arrive within header_timeout_s (of connecting, or of the request's first
    # byte), else 408; a request body that stops arriving for body_timeout_s, or arrives
    # slower than body_min_rate_kb_s on average after that long (0: any rate), is answered
    # 408 (its upload deleted).
    max_connections: int = Field(200, ge=1)
    header_timeout_s: float = Field(30.0, gt=0)
    body_timeout_s: float = Field(60.0, gt=0)
    body_min_rate_kb_s: float = Field(1.0, ge=0)

    # /analyze answers within the request. When this many analyses are already
    # running, a new one waits up to busy_wait_s for a slot, then gets a 429.
    max_concurrent_analyses: int = Field(2, ge=1)
    busy_wait_s: float = Field(10.0, ge=0)

    # Jobs (/jobs): job records (SQLite) and uploads waiting for a worker live under
    # data_dir, which API and Celery workers must share in scale-out mode.
    data_dir: Path = Field(default_factory=_default_data_dir)
    max_queued_jobs: int = Field(32, ge=1)  # beyond this POST /jobs answers 429
    job_concurrency: int = Field(1, ge=1)  # jobs run at once by the embedded runner
    job_ttl_s: float = Field(24 * 3600, gt=0)  # finished jobs and results are deleted after this
    job_max_attempts: int = Field(2, ge=1)  # starts before a job a worker keeps dying on fails

    # Live sessions (/live, a WebSocket): the browser sends landmarks, the server answers
    # poses and moves. At most max_live_sessions at once (more are refused, close code
    # 1013); one idle for live_idle_s is closed; one lasts at most live_max_s.
    max_live_sessions: int = Field(32, ge=1)
    # Of those, sessions whose browser sends camera pictures and leaves the model to the
    # server (each costs one landmark run per frame here).
    max_server_live_sessions: int = Field(2, ge=0)
    live_idle_s: float = Field(30.0, gt=0)
    live_max_s: float = Field(600.0, gt=0)

    # Scale-out: with a broker URL, jobs go to Celery workers (`dance-analyzer worker`).
    broker_url: str | None = None
    result_backend: str | None = None  # defaults to the broker URL
    # Redis redelivers a job whose worker died (never acknowledged) after this long;
    # keep it above the longest job, since a live job is also redelivered after it.
    broker_visibility_timeout_s: float = Field(3600.0, gt=0)

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @property
    def temp_dir(self) -> Path:
        """The server's own scratch space: uploads while they are received and analysed, and
        the worker processes' socket. Emptied at start-up, so a killed server's files go."""
        return self.data_dir / "tmp"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def api_key_list(self) -> list[str]:
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


@lru_cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise InvalidSettings("invalid setting: " + "; ".join(map(_problem, exc.errors()))) from None


def _problem(error: ErrorDetails) -> str:
    """One refused value, named by its environment variable; its value is repeated unless
    it may hold a secret (a key, or a URL with a password in it)."""
    if not error["loc"]:
        return error["msg"]
    name = f"{Settings.model_config['env_prefix']}{str(error['loc'][0]).upper()}"
    secret = any(word in name for word in ("KEY", "SECRET", "PASSWORD", "TOKEN", "URL"))
    return f"{name}{'' if secret else '=' + str(error['input'])}: {error['msg']}"

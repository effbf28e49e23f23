"""Job records in SQLite, so a restart loses no finished result and no queued job.

SQLite because the embedded mode must need no extra service, and one file under the
data directory is easy to back up and inspect. One connection per call (WAL mode)
keeps it safe from the request threads, the job runner and the progress relay at
once; the writes are tiny.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .models import Job, JobStatus, options_from_dict, options_to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    frames_done INTEGER NOT NULL DEFAULT 0,
    frames_total INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT,
    result TEXT,
    error TEXT,
    error_kind TEXT,
    overlay INTEGER NOT NULL DEFAULT 0,
    compare TEXT,
    owner TEXT NOT NULL DEFAULT '',
    photo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
"""
# Columns added since the first schema, for databases made before them.
MIGRATIONS = {
    "owner": "ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
    "photo": "ALTER TABLE jobs ADD COLUMN photo INTEGER NOT NULL DEFAULT 0",
}

_COLUMNS = (
    "id, filename, options, status, created_at, started_at, finished_at, frames_done, frames_total, "
    "attempts, worker, result, error, error_kind, overlay, compare, owner, photo"
)
_N_COLUMNS = _COLUMNS.count(",") + 1


class QueueFull(Exception):
    """No room for another job: the client should retry later."""


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            present = {row[1] for row in db.execute("PRAGMA table_info(jobs)")}
            for column, statement in MIGRATIONS.items():
                if column not in present:
                    db.execute(statement)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def add(self, job: Job, *, max_unfinished: int | None = None) -> None:
        """Insert a job; with ``max_unfinished``, refuse it (QueueFull) when the queue is full.

        Count and insert happen in one transaction, so concurrent uploads cannot
        overshoot the limit together.
        """
        with self._write_lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if max_unfinished is not None:
                    (queued,) = db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()
                    if queued >= max_unfinished:
                        raise QueueFull(f"{queued} jobs are already waiting")
                db.execute(f"INSERT INTO jobs ({_COLUMNS}) VALUES ({', '.join('?' * _N_COLUMNS)})", _row(job))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def save(self, job: Job) -> bool:
        """Write a job's current state; False if it was deleted meanwhile (cancelled)."""
        with self._write_lock, self._connect() as db:
            row = _row(job)
            cursor = db.execute(
                f"UPDATE jobs SET ({_COLUMNS}) = ({', '.join('?' * _N_COLUMNS)}) WHERE id = ?",
                (*row, job.id),
            )
            return cursor.rowcount == 1

    def get(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def list(self, *, limit: int = 50, status: JobStatus | None = None, owner: str | None = None) -> builtins.list[Job]:
        """Newest first; results are left out (a list of big results helps nobody).
        ``owner`` None lists every owner's jobs."""
        conditions, args = [], []
        if status is not None:
            conditions.append("status = ?")
            args.append(status.value)
        if owner is not None:
            conditions.append("owner = ?")
            args.append(owner)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS.replace('result', 'NULL')} FROM jobs {where} ORDER BY created_at DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        return [_job(row) for row in rows]

    def with_status(self, *statuses: JobStatus) -> builtins.list[Job]:
        """Oldest first: the order jobs were submitted in."""
        marks = ", ".join("?" * len(statuses))
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE status IN ({marks}) ORDER BY created_at",
                [s.value for s in statuses],
            ).fetchall()
        return [_job(row) for row in rows]

    def count(self, status: JobStatus) -> int:
        with self._connect() as db:
            (n,) = db.execute("SELECT COUNT(*) FROM jobs WHERE status = ?", (status.value,)).fetchone()
        return int(n)

    def delete(self, job_id: str) -> bool:
        with self._write_lock, self._connect() as db:
            return db.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount == 1

    def expired(self, ttl_s: float, now: float | None = None) -> builtins.list[str]:
        """Ids of jobs finished longer than ``ttl_s`` ago."""
        cutoff = (now if now is not None else time.time()) - ttl_s
        with self._connect() as db:
            rows = db.execute("SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?", (cutoff,))
            return [row[0] for row in rows.fetchall()]


def _row(job: Job) -> tuple[Any, ...]:
    return (
        job.id,
        job.filename,
        json.dumps(options_to_dict(job.options)),
        job.status.value,
        job.created_at,
        job.started_at,
        job.finished_at,
        job.frames_done,
        job.frames_total,
        job.attempts,
        job.worker,
        json.dumps(job.result) if job.result is not None else None,
        job.error,
        job.error_kind,
        int(job.overlay),
        json.dumps(job.compare) if job.compare is not None else None,
        job.owner,
        int(job.photo),
    )


def _job(row: tuple[Any, ...]) -> Job:
    (
        id_,
        filename,
        options,
        status,
        created_at,
        started_at,
        finished_at,
        frames_done,
        frames_total,
        attempts,
        worker,
        result,
        error,
        error_kind,
        overlay,
        compare,
        owner,
        photo,
    ) = row
    return Job(
        id=id_,
        filename=filename,
        options=options_from_dict(json.loads(options)),
        status=JobStatus(status),
        created_at=created_at,
        started_at=started_at,
        finished_at=finished_at,
        frames_done=frames_done,
        frames_total=frames_total,
        attempts=attempts,
        worker=worker,
        result=json.loads(result) if result else None,
        error=error,
        error_kind=error_kind,
        overlay=bool(overlay),
        compare=json.loads(compare) if compare else None,
        owner=owner,
        photo=bool(photo),
    )

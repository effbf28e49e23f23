"""Prometheus metrics, defined once: the API, the job runners and the error handlers count here.

Served at ``/metrics``. Labels are bounded sets (route templates, status codes, error
kinds), never request data, so a hostile client cannot blow up the series count.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("dance_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "dance_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320),
)
FRAMES_ANALYSED = Counter("dance_frames_analysed_total", "Video frames run through the pose model")
ANALYSES = Counter("dance_analyses_total", "Analyses finished", ["path", "outcome"])
ERRORS = Counter("dance_errors_total", "Errors answered or recorded, by kind", ["kind"])
IN_PROGRESS = Gauge("dance_analyses_in_progress", "Analyses running now in this process")
QUEUE_DEPTH = Gauge("dance_jobs_queued", "Jobs waiting for a worker")

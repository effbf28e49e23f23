# dance-analyzer: HTTP server with the pose model baked in (nothing is downloaded at run time).
FROM python:3.11-slim

# OpenCV, pulled in by MediaPipe, needs libGL and GLib at import time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 app \
    && mkdir /data && chown app /data
WORKDIR /app

COPY constraints.txt pyproject.toml README.md ./
# Dependencies in their own layer (installed through a placeholder package), so editing
# the source does not reinstall them.
RUN mkdir -p src/dance_analyzer && touch src/dance_analyzer/__init__.py \
    && pip install --no-cache-dir -c constraints.txt . \
    && pip uninstall -y -q dance-analyzer && rm -rf src build
COPY src ./src
RUN pip install --no-cache-dir --no-deps . \
    && python -c "import dance_analyzer.pose.estimator"

USER app
ENV DANCE_HOST=0.0.0.0 \
    DANCE_PORT=5000 \
    DANCE_UPLOAD_DIR=/tmp \
    DANCE_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
EXPOSE 5000
# Job records and waiting uploads: a volume, shared with workers in scale-out mode.
VOLUME /data

# The worker pool loads one model per core at start-up: allow time before the first check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4)"

# One gunicorn worker holding the analysis process pool; --timeout leaves room for long
# videos, --graceful-timeout lets in-flight analyses finish on shutdown.
CMD ["gunicorn", "dance_analyzer.api:create_app()", "--worker-class", "uvicorn.workers.UvicornWorker", \
     "--workers", "1", "--bind", "0.0.0.0:5000", "--timeout", "600", "--graceful-timeout", "60", \
     "--keep-alive", "30", "--access-logfile", "-"]

# dance-analyzer: HTTP server with the pose model baked in (nothing is downloaded at run time).
#
# Two stages: the builder installs the pinned, slim set of packages into a venv at /opt/venv;
# the runtime image is python:3.11-slim plus that venv, nothing else. Every wheel bundles its
# native libraries (OpenCV is the headless build, MediaPipe carries its own), so no apt step.

# ---------------------------------------------------------------------------------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build

COPY constraints.txt pyproject.toml README.md ./
COPY requirements/ ./requirements/
COPY scripts/install_assets.py ./scripts/
# Dependencies in their own layer (installed through a placeholder package), so editing
# the source does not reinstall them. MediaPipe comes without its declared requirements
# (jax, matplotlib, opencv-contrib-python, ...: see requirements/mediapipe.txt); its lite
# and heavy landmark models come from the npm package @mediapipe/pose, and the API docs'
# viewers from swagger-ui-dist and redoc, all pinned and sha256-checked.
RUN mkdir -p src/dance_analyzer && touch src/dance_analyzer/__init__.py \
    && pip install --no-cache-dir -c constraints.txt . \
    && pip install --no-cache-dir --no-deps --require-hashes -r requirements/mediapipe.txt \
    && python scripts/install_assets.py --cache /tmp/npm-cache && rm -rf /tmp/npm-cache \
    && pip uninstall -y -q dance-analyzer && rm -rf src build
COPY src ./src
# Then: the app itself and a smoke test of its imports; out goes what the runtime never uses:
# - pip and setuptools (nothing imports them at run time);
# - scikit-learn (with narwhals and threadpoolctl, only it needs them): librosa requires it
#   but imports it only in librosa.segment/decompose, never for the onset strength and beat
#   tracking that rhythm=true uses (checked: not in sys.modules after beat_track);
# - the packages' own test suites, MediaPipe's *_test.py files;
# - MediaPipe's other solutions' models (face, hands, iris, ...) and its Tasks API: the pose
#   solution's graph reads only modules/pose_detection and modules/pose_landmark.
# Everything is then byte-compiled once, with hash-based .pyc files that stay valid whatever
# the copied files' timestamps (the runtime user cannot write .pyc files next to them).
RUN set -eu; \
    pip install --no-cache-dir --no-deps .; \
    python -c "import dance_analyzer.pose.estimator, cv2, librosa, celery, gunicorn, uvicorn"; \
    python -m pip uninstall -y -q scikit-learn narwhals threadpoolctl setuptools pip; \
    site=$(python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])"); \
    for pkg in numpy scipy numba llvmlite; do \
        [ ! -d "$site/$pkg" ] || find "$site/$pkg" -depth -type d -name tests -exec rm -rf {} +; \
    done; \
    find "$site/mediapipe" -name '*_test.py' -delete; \
    find "$site/mediapipe/modules" -mindepth 1 -maxdepth 1 -type d ! -name 'pose_*' ! -name __pycache__ \
        -exec sh -c 'rm -f "$1"/*.tflite "$1"/*.binarypb' _ {} \; ; \
    rm -rf "$site/mediapipe/tasks"; \
    find /opt/venv -depth -type d -name __pycache__ -exec rm -rf {} +; \
    python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$site"; \
    python -c "import dance_analyzer.pose.estimator, librosa.beat, librosa.onset"; \
    python -c "from dance_analyzer.pose.estimator import PoseEstimator as P; [P(m).prime() for m in ('lite', 'full', 'heavy')]"

# ---------------------------------------------------------------------------------------
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 app \
    && mkdir /data && chown app /data
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app

USER app
ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    DANCE_HOST=0.0.0.0 \
    DANCE_PORT=5000 \
    DANCE_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
EXPOSE 5000
# Job records and waiting uploads: a volume, shared with workers in scale-out mode.
VOLUME /data

# The worker pool loads one model per core at start-up: allow time before the first check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4)"

# Every command (the server below, or `dance-analyzer worker` in its place) starts with
# `dance-analyzer check`: a wrong DANCE_* setting, data folder, model, pose or move file
# stops the container with one line naming it (and serve's exit code), not a traceback
# from inside gunicorn.
ENTRYPOINT ["sh", "-c", "dance-analyzer check >/dev/null && exec \"$@\"", "--"]
# One gunicorn worker holding the analysis process pool, with the connection limits of
# `dance-analyzer serve` (DANCE_MAX_CONNECTIONS, DANCE_HEADER_TIMEOUT_S); --timeout leaves
# room for long videos, --graceful-timeout lets in-flight analyses finish on shutdown.
CMD ["gunicorn", "dance_analyzer.api:create_app()", \
     "--worker-class", "dance_analyzer.api.gunicorn_worker.GuardedUvicornWorker", \
     "--workers", "1", "--bind", "0.0.0.0:5000", "--timeout", "600", "--graceful-timeout", "60", \
     "--keep-alive", "30", "--access-logfile", "-"]

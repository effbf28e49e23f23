#!/usr/bin/env bash
# Install (with test tools) and run the whole test suite. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# ffmpeg's CLI is the reference the rotation test compares against; the Celery tests start
# a real redis-server; the page's tests drive a real headless chromium; libheif's heif-enc
# makes the HEIC photos (an iPhone's format) the photo tests read.
need_apt=()
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v heif-enc >/dev/null || need_apt+=(libheif-examples)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
bash scripts/install.sh test
.venv/bin/ruff check src tests
.venv/bin/ruff format --check -q src tests
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"

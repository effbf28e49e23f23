#!/usr/bin/env bash
# Install dance-analyzer into .venv/ in the repo root, pinned by constraints.txt.
# Usage: scripts/install.sh [extras]   e.g. scripts/install.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# OpenCV (pulled in by MediaPipe) needs libGL and GLib at import time.
need_apt=()
ldconfig -p 2>/dev/null | grep -q 'libGL.so.1' || need_apt+=(libgl1)
ldconfig -p 2>/dev/null | grep -q 'libgthread-2.0.so.0' || need_apt+=(libglib2.0-0)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing system libraries ${need_apt[*]}; install them with your package manager" >&2
  fi
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
spec="."
[ -n "$extras" ] && spec=".[$extras]"
.venv/bin/python -m pip install -q -c constraints.txt -e "$spec" 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c "import dance_analyzer.pose.estimator" # fails loudly if the install is broken

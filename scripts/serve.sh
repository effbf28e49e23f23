#!/usr/bin/env bash
# Install (if needed) and start the server on port 5000 (DANCE_PORT to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/dance-analyzer serve "$@"

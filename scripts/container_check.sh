#!/usr/bin/env bash
# Prove that the repo's Dockerfile builds and serves: build the image, run it, wait for
# /health, analyse a real clip through /analyze and check an error answer, then remove the
# container. Exits 0 on success, non-zero on any failure, and 0 with a message starting
# with "SKIP:" where containers cannot be built or run here.
#
# Engines: a `docker` CLI with a working daemon if there is one; otherwise podman (root only).
# With podman and no registry (FROM python:3.11-slim cannot be pulled), it builds a stand-in
# base image once from Debian packages (debootstrap bookworm + Debian's python3/pip) and tags
# it docker.io/library/python:3.11-slim, so the Dockerfile builds unchanged; the stand-in is
# cached in podman's store, so re-runs only rebuild what the Dockerfile's layer cache misses.
#
# Usage: bash scripts/container_check.sh
# Environment (all optional):
#   CONTAINER_ENGINE=docker|podman   force an engine (default: docker if `docker info` works)
#   CONTAINER_CHECK_REQUIRE=1        turn every SKIP into a failure (exit 1)
#   CONTAINER_CHECK_CLIP=path.mp4    clip for /analyze (default: ../shared/media/squat_band_1.mp4)
#   CONTAINER_CHECK_REBUILD_BASE=1   rebuild the stand-in base image even if it is present
#   CONTAINER_CHECK_HEALTH_TIMEOUT=180  seconds to wait for /health to say model_loaded
#   DEBIAN_MIRROR=http://...         mirror for debootstrap (default: from /etc/apt/sources*)
#   IMAGE=dance-analyzer:check       tag of the image built from the Dockerfile
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

IMAGE="${IMAGE:-dance-analyzer:check}"
BASE_IMAGE="docker.io/library/python:3.11-slim"
ROOTFS_IMAGE="localhost/dance-check-rootfs:bookworm"
BASE_LABEL="dance-analyzer.container-check.base"
HEALTH_TIMEOUT="${CONTAINER_CHECK_HEALTH_TIMEOUT:-180}"
CLIP="${CONTAINER_CHECK_CLIP:-$REPO_ROOT/../shared/media/squat_band_1.mp4}"
CONTAINERS_CONF=/etc/containers/containers.conf

ENGINE=""
CONTAINER=""
TMP=""
RESP=""
LOGS_SHOWN=0
T0=$(date +%s)

log() { printf '[container-check %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[container-check %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

skip() {
  if [ "${CONTAINER_CHECK_REQUIRE:-0}" = 1 ]; then
    printf 'FAIL: %s (CONTAINER_CHECK_REQUIRE=1 turns skips into failures)\n' "$*" >&2
    exit 1
  fi
  printf 'SKIP: %s\n' "$*"
  exit 0
}

show_logs() {
  if [ -n "$CONTAINER" ] && [ "$LOGS_SHOWN" = 0 ]; then
    LOGS_SHOWN=1
    echo "----- logs of container $CONTAINER (last 200 lines) -----" >&2
    "$ENGINE" logs --tail 200 "$CONTAINER" >&2 2>&1 || true
    echo "----- end of logs -----" >&2
  fi
}

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  show_logs
  exit 1
}

cleanup() {
  local rc=$?
  set +e
  if [ "$rc" != 0 ]; then show_logs; fi
  if [ -n "$CONTAINER" ]; then
    log "removing container $CONTAINER"
    "$ENGINE" rm -f -v "$CONTAINER" >/dev/null 2>&1
  fi
  [ -n "$RESP" ] && rm -f "$RESP"
  if [ -n "$TMP" ] && [ -d "$TMP" ]; then
    # debootstrap mounts /proc and /sys inside its target; never rm -rf across a mount.
    local m
    awk -v t="$TMP/" 'index($2, t) == 1 {print $2}' /proc/mounts 2>/dev/null | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf --one-file-system "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() { # apt_install PKG... (root + apt-get only); returns non-zero on failure
  log "apt-get install $*"
  apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------------------------------
# 1. Engine and tools
# ---------------------------------------------------------------------------------------
pick_engine() {
  local want="${CONTAINER_ENGINE:-}"
  if [ -z "$want" ] || [ "$want" = docker ]; then
    if command -v docker >/dev/null && timeout 30 docker info >/dev/null 2>&1; then
      ENGINE=docker
      return
    fi
    [ "$want" = docker ] && skip "CONTAINER_ENGINE=docker but no docker daemon answers (docker info fails)"
  fi
  ENGINE=podman
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v curl >/dev/null || missing+=(curl)
  if ! is_root; then
    skip "no working docker daemon, and the podman path needs root (it may install packages, write $CONTAINERS_CONF and run debootstrap)"
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || skip "no working docker daemon, ${missing[*]} missing and no apt-get to install them"
    apt_install "${missing[@]}" || skip "could not install ${missing[*]} with apt-get (no Debian mirror reachable?)"
  fi
}

need_curl() {
  command -v curl >/dev/null && return
  if is_root && command -v apt-get >/dev/null && apt_install curl; then return; fi
  skip "curl is missing and cannot be installed"
}

# ---------------------------------------------------------------------------------------
# 2. containers.conf: nofile/nproc limits the sandbox allows, and runc (crun fails on hybrid
#    cgroups). Written if absent; an existing file keeps its content, with the missing keys
#    added under their sections (after a backup copy).
# ---------------------------------------------------------------------------------------
ensure_containers_conf() {
  local hard_nofile hard_nproc nofile nproc ulimits
  hard_nofile=$(ulimit -Hn)
  hard_nproc=$(ulimit -Hu)
  nofile=1048576
  [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt "$nofile" ] && nofile=$hard_nofile
  nproc=32768
  [ "$hard_nproc" != unlimited ] && [ "$hard_nproc" -lt "$nproc" ] && nproc=$hard_nproc
  ulimits="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"

  if [ ! -e "$CONTAINERS_CONF" ]; then
    log "writing $CONTAINERS_CONF (runtime = runc, default_ulimits within this machine's hard limits)"
    mkdir -p "$(dirname "$CONTAINERS_CONF")"
    cat >"$CONTAINERS_CONF" <<EOF
# Written by dance-analyzer's scripts/container_check.sh.
# Containers get limits within the host's hard limits (podman's defaults are above them
# here: "setrlimit RLIMIT_NOFILE: Operation not permitted"), and runc, because crun
# refuses hybrid cgroups ("cgroups in hybrid mode not supported").
[containers]
$ulimits

[engine]
runtime = "runc"
EOF
    return
  fi

  local has_ulimits=0 has_runtime=0
  grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$CONTAINERS_CONF" && has_ulimits=1
  grep -Eq '^[[:space:]]*runtime[[:space:]]*=' "$CONTAINERS_CONF" && has_runtime=1
  if [ "$has_ulimits" = 1 ] && [ "$has_runtime" = 1 ]; then
    log "$CONTAINERS_CONF already sets default_ulimits and runtime: leaving it as it is"
    return
  fi
  local backup
  backup="$CONTAINERS_CONF.bak.$(date +%Y%m%d%H%M%S)"
  cp -p "$CONTAINERS_CONF" "$backup"
  log "adding missing settings to $CONTAINERS_CONF (previous content kept in $backup)"
  local add_containers="" add_engine=""
  [ "$has_ulimits" = 0 ] && add_containers=$ulimits
  [ "$has_runtime" = 0 ] && add_engine='runtime = "runc"'
  awk -v c="$add_containers" -v e="$add_engine" '
    /^[[:space:]]*\[containers\][[:space:]]*$/ { print; if (c != "") print c; c = ""; next }
    /^[[:space:]]*\[engine\][[:space:]]*$/     { print; if (e != "") print e; e = ""; next }
    { print }
    END {
      if (c != "") { print ""; print "[containers]"; print c }
      if (e != "") { print ""; print "[engine]"; print e }
    }' "$backup" >"$CONTAINERS_CONF"
}

# ---------------------------------------------------------------------------------------
# 3. Stand-in base image (podman only, built once)
# ---------------------------------------------------------------------------------------
debian_mirror() {
  # The URI of a Debian archive entry in apt's sources, one-line (*.list) or deb822
  # (*.sources) format. Prefers an entry for bookworm; else any plain-codename entry.
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local files=() f
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && files+=("$f"); done
  local entries
  entries=$(
    {
      # one-line format: deb [opts] URI SUITE COMPONENTS...
      if [ ${#files[@]} -gt 0 ]; then
        sed -E -e 's/#.*//' -e 's/\[[^]]*\]//' "${files[@]}" |
          awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
      fi
      # deb822 format: paragraphs with Types, URIs, Suites, Enabled
      for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no")
              for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print uris[i], suites[j]
            types = ""; enabled = ""; nu = 0; ns = 0
          }
          /^[[:space:]]*#/ { next }
          /^[[:space:]]*$/ { flush(); next }
          {
            line = $0; key = tolower(line); sub(/:.*/, "", key)
            val = line; sub(/^[^:]*:[[:space:]]*/, "", val)
            if (key == "types") types = val
            else if (key == "enabled") enabled = val
            else if (key == "uris") nu = split(val, uris, /[[:space:]]+/)
            else if (key == "suites") ns = split(val, suites, /[[:space:]]+/)
          }
          END { flush() }' "$f"
      done
    } | awk '$1 ~ /^(https?|ftp|file):/'
  )
  local uri
  uri=$(awk '$2 == "bookworm" { print $1; exit }' <<<"$entries")
  [ -z "$uri" ] && uri=$(awk '$2 ~ /^[a-z]+$/ && $1 !~ /security/ { print $1; exit }' <<<"$entries")
  if [ -z "$uri" ]; then
    uri=http://deb.debian.org/debian
    warn "no Debian archive found in /etc/apt/sources.list*; using $uri (set DEBIAN_MIRROR to change)"
  fi
  echo "$uri"
}

base_is_present() { podman image exists "$BASE_IMAGE"; }

# Can podman start a container here at all (runtime, cgroups, limits, network)? If not,
# that is this machine, not the Dockerfile: skip, showing podman's own error.
probe_podman_run() {
  local err
  if ! err=$(podman run --rm "$1" true 2>&1); then
    printf '%s\n' "$err" >&2
    skip "podman cannot start a container here (see its error above)"
  fi
}

build_base_image() {
  if base_is_present && [ "${CONTAINER_CHECK_REBUILD_BASE:-0}" != 1 ]; then
    local ours
    ours=$(podman image inspect -f "{{ index .Labels \"$BASE_LABEL\" }}" "$BASE_IMAGE" 2>/dev/null || true)
    if [ -n "$ours" ] && [ "$ours" != "<no value>" ]; then
      log "base image $BASE_IMAGE present (local stand-in: $ours): not rebuilding"
    else
      log "base image $BASE_IMAGE present: using it"
    fi
    probe_podman_run "$BASE_IMAGE"
    return
  fi

  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || skip "cannot build the stand-in base image: ${missing[*]} missing and no apt-get"
    apt_install "${missing[@]}" || skip "could not install ${missing[*]} with apt-get"
  fi

  local mirror t
  mirror=$(debian_mirror)
  TMP=$(mktemp -d "${TMPDIR:-/var/tmp}/container-check.XXXXXX")
  local rootfs="$TMP/rootfs" ctx="$TMP/base"
  mkdir -p "$ctx/extra-ca"

  log "debootstrap --variant=minbase bookworm from $mirror (about a minute; log in $TMP/debootstrap.log)"
  t=$(now_ms)
  if ! debootstrap --variant=minbase --include=ca-certificates \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    bookworm "$rootfs" "$mirror" >"$TMP/debootstrap.log" 2>&1; then
    tail -n 30 "$TMP/debootstrap.log" >&2
    skip "debootstrap of Debian bookworm from $mirror failed (see above): cannot make a base image here"
  fi
  rm -rf "${rootfs:?}"/var/cache/apt/archives/*.deb "${rootfs:?}"/var/lib/apt/lists/*
  log "debootstrap done in $(secs_since "$t") s; importing it as $ROOTFS_IMAGE"
  tar --numeric-owner -C "$rootfs" -c . | podman import - "$ROOTFS_IMAGE" >/dev/null
  rm -rf --one-file-system "$rootfs"
  probe_podman_run "$ROOTFS_IMAGE"

  # HTTPS from inside the build (pip) goes through the host's certificate chain: give the
  # base image the host's extra CA certificates (never the Dockerfile).
  local n=0 crt
  while IFS= read -r -d '' crt; do
    cp "$crt" "$ctx/extra-ca/host-$n-$(basename "$crt")"
    n=$((n + 1))
  done < <(find /usr/local/share/ca-certificates -type f -name '*.crt' -print0 2>/dev/null)
  [ "$n" -gt 0 ] && log "adding $n extra CA certificate(s) from /usr/local/share/ca-certificates to the base image"
  touch "$ctx/extra-ca/.keep"

  cat >"$ctx/Containerfile" <<EOF
# Stand-in for python:3.11-slim, from Debian bookworm's packages (python 3.11 in /usr).
FROM $ROOTFS_IMAGE
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN rm -f /usr/local/share/ca-certificates/.keep \\
    && update-ca-certificates >/dev/null \\
    && apt-get update -qq \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
         python3 python3-pip python3-venv python-is-python3 >/dev/null \\
    && ([ -e /usr/bin/pip ] || ln -s pip3 /usr/bin/pip) \\
    && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
    && apt-get clean && rm -rf /var/lib/apt/lists/* \\
    && python --version && pip --version
ENV LANG=C.UTF-8 PIP_BREAK_SYSTEM_PACKAGES=1
LABEL $BASE_LABEL="debootstrap bookworm, built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
CMD ["python3"]
EOF
  log "building the stand-in base image $BASE_IMAGE (python3, pip, venv from Debian)"
  t=$(now_ms)
  podman build --format docker -t "$BASE_IMAGE" "$ctx" ||
    fail "building the stand-in base image failed"
  log "base image built in $(secs_since "$t") s"
  podman rmi "$ROOTFS_IMAGE" >/dev/null 2>&1 || true
  rm -rf --one-file-system "$TMP"
  TMP=""
}

# ---------------------------------------------------------------------------------------
# 5. Helpers for the run
# ---------------------------------------------------------------------------------------
free_port() {
  local p
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  return 1
}

container_running() {
  [ "$("$ENGINE" inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null)" = true ]
}

# json_check FILE PYTHON-EXPR GREP-REGEX: true if the JSON in FILE satisfies the expression
# (d is the parsed document); without python3, falls back to grep -E on the raw text.
json_check() {
  if command -v python3 >/dev/null; then
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null
  else
    grep -Eq "$3" "$1"
  fi
}

# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------
pick_engine
need_curl
log "engine: $ENGINE ($("$ENGINE" --version 2>/dev/null | head -n 1))"

if [ "$ENGINE" = podman ]; then
  ensure_containers_conf
  if ! info_err=$(podman info 2>&1 >/dev/null); then
    printf '%s\n' "$info_err" >&2
    skip "podman is installed but does not work here (podman info fails, see above)"
  fi
  # One base-image build at a time on this machine.
  if command -v flock >/dev/null; then
    mkdir -p /run/lock
    exec 9>/run/lock/dance-analyzer-container-check.lock
    flock 9
  fi
  build_base_image
  if command -v flock >/dev/null; then flock -u 9; fi
fi

# 4. Build the repo's Dockerfile, unchanged.
old_id=$("$ENGINE" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
log "building $IMAGE from $REPO_ROOT/Dockerfile (the first build pip-installs MediaPipe etc.: several minutes)"
build_args=(build -t "$IMAGE")
[ "$ENGINE" = podman ] && build_args+=(--format docker) # keeps the HEALTHCHECK (OCI images drop it)
t=$(now_ms)
"$ENGINE" "${build_args[@]}" . || fail "$ENGINE build of the Dockerfile failed"
BUILD_S=$(secs_since "$t")
new_id=$("$ENGINE" image inspect -f '{{.Id}}' "$IMAGE")
log "image $IMAGE built in $BUILD_S s"
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  # The previous build of this tag is now unused: drop it rather than pile up images.
  "$ENGINE" rmi "$old_id" >/dev/null 2>&1 || true
fi

# 5. Run it and ask it questions.
RESP=$(mktemp "${TMPDIR:-/tmp}/container-check-resp.XXXXXX")
CONTAINER="dance-check-$(date +%s)-$$"
run_opts=()
if [ "$ENGINE" = podman ] && [ ! -d /run/systemd/system ]; then
  # Podman runs HEALTHCHECKs from systemd timers: there is no systemd here, so no timer;
  # the check is run by hand below instead (podman healthcheck run).
  run_opts+=(--health-interval=disable)
fi
PORT=""
for attempt in 1 2 3; do
  PORT=$(free_port) || fail "no free local port found"
  log "starting container $CONTAINER on 127.0.0.1:$PORT"
  run_ok=0
  "$ENGINE" run -d --name "$CONTAINER" -p "127.0.0.1:$PORT:5000" -e DANCE_WORKERS=1 "${run_opts[@]}" "$IMAGE" \
    >/dev/null 2>"$RESP" && run_ok=1
  # Podman 4.3 still tries systemd timers for the HEALTHCHECK: drop that harmless noise.
  grep -v 'unable to get systemd connection' "$RESP" >&2 || true
  [ "$run_ok" = 1 ] && break
  "$ENGINE" rm -f -v "$CONTAINER" >/dev/null 2>&1 || true
  [ "$attempt" = 3 ] && fail "$ENGINE run failed three times"
  warn "$ENGINE run failed (port taken?): trying another port"
done
URL="http://127.0.0.1:$PORT"

log "waiting up to ${HEALTH_TIMEOUT} s for $URL/health to say model_loaded: true"
t=$(now_ms)
deadline=$(($(date +%s) + HEALTH_TIMEOUT))
health=""
while :; do
  health=$(curl -fsS --max-time 5 "$URL/health" 2>/dev/null || true)
  if printf '%s' "$health" | grep -Eq '"model_loaded"[[:space:]]*:[[:space:]]*true'; then break; fi
  container_running || fail "the container exited before becoming healthy"
  [ "$(date +%s)" -ge "$deadline" ] && fail "no healthy answer from $URL/health within ${HEALTH_TIMEOUT} s (last answer: ${health:-none})"
  sleep 2
done
HEALTHY_S=$(secs_since "$t")
log "healthy after $HEALTHY_S s: $health"


# The seed error: no file part -> 400 {"error": "No file part in the request"}.
no_file_expr='d == {"error": "No file part in the request"}'
no_file_re='"error"[[:space:]]*:[[:space:]]*"No file part in the request"'
code=$(curl -sS -o "$RESP" -w '%{http_code}' --max-time 30 -X POST "$URL/analyze") ||
  fail "POST /analyze without a body: request failed"
{ [ "$code" = 400 ] && json_check "$RESP" "$no_file_expr" "$no_file_re"; } ||
  fail "POST /analyze without a body: expected 400 {\"error\": \"No file part in the request\"}, got $code $(head -c 500 "$RESP")"
code=$(curl -sS -o "$RESP" -w '%{http_code}' --max-time 30 -F note=hello "$URL/analyze") ||
  fail "POST /analyze with a multipart body and no file: request failed"
{ [ "$code" = 400 ] && json_check "$RESP" "$no_file_expr" "$no_file_re"; } ||
  fail "POST /analyze with no file part: expected 400 {\"error\": \"No file part in the request\"}, got $code $(head -c 500 "$RESP")"
log "POST /analyze with no file part: 400 {\"error\": \"No file part in the request\"} (ok)"

ANALYZE_S="skipped"
if [ -f "$CLIP" ]; then
  log "POST /analyze?sample_fps=5 with $(basename "$CLIP")"
  t=$(now_ms)
  code=$(curl -sS -o "$RESP" -w '%{http_code}' --max-time 600 -F "file=@$CLIP" "$URL/analyze?sample_fps=5") ||
    fail "POST /analyze with $CLIP: request failed"
  ANALYZE_S=$(secs_since "$t")
  [ "$code" = 200 ] || fail "POST /analyze with $CLIP: expected 200, got $code $(head -c 500 "$RESP")"
  json_check "$RESP" 'isinstance(d.get("pose_summary"), list) and d.get("total_frames", 0) > 0' \
    '"pose_summary".*"total_frames"|"total_frames".*"pose_summary"' ||
    fail "POST /analyze with $CLIP: 200 but not the expected JSON: $(head -c 500 "$RESP")"
  if command -v python3 >/dev/null; then
    summary=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
poses = ", ".join("%s %s" % (p.get("pose"), p.get("frames_detected")) for p in d["pose_summary"])
print("total_frames=%s processed_frames=%s poses: %s" % (d["total_frames"], d.get("processed_frames"), poses or "none"))' "$RESP")
  else
    summary="$(head -c 200 "$RESP")"
  fi
  log "POST /analyze: 200 in $ANALYZE_S s: $summary"
else
  echo "SKIP: /analyze with a real clip: $CLIP is absent (set CONTAINER_CHECK_CLIP to a video)"
fi

# A wrong setting stops the container at once, with one line naming it (no traceback).
bad_out=$("$ENGINE" run --rm -e DANCE_LOG_LEVEL=verbose "${run_opts[@]}" "$IMAGE" 2>&1 \
  | grep -v 'unable to get systemd connection') && bad_rc=0 || bad_rc=$?
[ "$bad_rc" = 78 ] || fail "with DANCE_LOG_LEVEL=verbose the container exited $bad_rc, not 78: $bad_out"
case "$bad_out" in
  *Traceback*) fail "a wrong setting gave a traceback: $bad_out" ;;
  "dance-analyzer: error: invalid setting: DANCE_LOG_LEVEL=verbose"*)
    [ "$(printf '%s\n' "$bad_out" | wc -l)" = 1 ] || fail "a wrong setting gave more than one line: $bad_out" ;;
  *) fail "a wrong setting was not named in one line: $bad_out" ;;
esac
log "DANCE_LOG_LEVEL=verbose: exit 78, one line naming it (ok)"

# Still up, and the image's own HEALTHCHECK passes.
container_running || fail "the container is no longer running after the requests"
if [ "$ENGINE" = podman ]; then
  podman healthcheck run "$CONTAINER" >/dev/null || fail "podman healthcheck run $CONTAINER: unhealthy"
  log "container still running; the image's HEALTHCHECK passes (podman healthcheck run)"
else
  hs=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$CONTAINER" 2>/dev/null || echo unknown)
  [ "$hs" = unhealthy ] && fail "docker reports the container unhealthy"
  log "container still running (docker health status: $hs)"
fi

echo
echo "PASS: $IMAGE builds and serves ($ENGINE)"
echo "  build:            $BUILD_S s"
echo "  start to healthy: $HEALTHY_S s"
if [ "$ANALYZE_S" = skipped ]; then
  echo "  /analyze:         skipped (no clip at $CLIP)"
else
  echo "  /analyze:         $ANALYZE_S s ($(basename "$CLIP"), sample_fps=5)"
fi
echo "  total:            $(($(date +%s) - T0)) s"

#!/usr/bin/env bash
# Shared by start.sh and test.sh: make a fresh machine ready (pnpm, dependencies, build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="12.4.2"

log() { printf '\033[1;36m[nitro]\033[0m %s\n' "$*" >&2; }

# stop_pids SECONDS PID...: SIGTERM, wait up to SECONDS for every one to exit, then SIGKILL (and name) what is left.
stop_pids() {
  local secs=$1 p alive i; shift
  [ "$#" -gt 0 ] || return 0
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for ((i = 0; i < secs * 10; i++)); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for p in "$@"; do
    if kill -0 "$p" 2>/dev/null; then
      log "process $p ($(ps -o args= -p "$p" 2>/dev/null | cut -c1-80)) did not stop within ${secs} s: killing it"
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
}

ensure_node() {
  command -v node >/dev/null || { log "Node.js 20+ is required (https://nodejs.org or apt-get install nodejs)"; exit 1; }
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { log "Node.js $(node -v) is too old: 20 or newer is required"; exit 1; }
}

ensure_pnpm() {
  if command -v pnpm >/dev/null && [ "$(pnpm -v 2>/dev/null)" = "$PNPM_VERSION" ]; then return; fi
  log "installing pnpm $PNPM_VERSION"
  npm install -g -E "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || { log "npm install -g pnpm failed (try with sudo, or corepack enable)"; exit 1; }
}

ensure_deps() {
  cd "$ROOT"
  if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.pnpm/lock.yaml ]; then
    log "installing dependencies (pnpm install --frozen-lockfile)"
    pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -v '^Progress' | tail -5
  fi
}

ensure_system() { # runtime|test
  if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then
    bash "$ROOT/scripts/install-system-deps.sh" "$1"
  else
    log "not root: skipping apt-get; voice needs ffmpeg, flite, espeak-ng, pocketsphinx, pocketsphinx-en-us"
  fi
}

build() { cd "$ROOT" && bash scripts/build.sh; }

redis_ping() { # url
  node -e 'const n=require("net");const u=new URL(process.argv[1]);const s=n.connect(+u.port||6379,u.hostname);s.setTimeout(800);s.on("connect",()=>s.write("PING\r\n"));s.on("data",d=>{process.exit(String(d).includes("PONG")?0:1)});s.on("error",()=>process.exit(1));s.on("timeout",()=>process.exit(1));' "$1"
}

# The gateway listens on loopback unless HOST says otherwise: a fresh machine is not exposed to its network
# (registration is open until the first admin closes it). HOST=0.0.0.0 lets other machines in.
gateway_host() { echo "${HOST:-127.0.0.1}"; }

# Chat needs a model. Nothing to do when the operator set LOCAL_MODEL_PATH or <dir> has a *.gguf; with neither, fetches
# the default chat model (apps/ai-router/src/models/provisioning/default-model.ts; NITRO_DEFAULT_MODEL_URL/_SHA256
# override it, NITRO_DOWNLOAD_MODEL=0 turns it off): progress bar, sha256 checked before use. Never stops or hangs a
# start: the download has answer and stall timeouts, and a failure prints how to provide a model and which providers
# answer. It exports nothing: ai-router serves every file in MODELS_DIR, and a LOCAL_MODEL_PATH set here would pin
# (and forbid deleting) whichever file happened to sort first, e.g. one the admin pulled later.
provision_model() { # models-dir
  local dir="$1"
  if [ -n "${LOCAL_MODEL_PATH:-}" ]; then return 0; fi
  mkdir -p "$dir"
  if [ -f "$ROOT/dist/apps/ai-router/src/model-download.js" ]; then
    node "$ROOT/dist/apps/ai-router/src/model-download.js" --dir "$dir" --if-missing-any \
      || log "model provisioning failed (see above): chat uses Ollama or Gemini if configured"
  fi
  return 0
}

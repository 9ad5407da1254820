#!/usr/bin/env bash
# Starts the whole platform on one machine with embedded defaults: no keys; the network only for the first model.
#   Redis: uses REDIS_URL if it answers, else starts redis-server on 127.0.0.1:6379 (data in .data/redis).
#   S3:    uses S3_ENDPOINT if set, else starts a local S3-compatible server (s3rver) on 127.0.0.1:9000.
#   Chat:  Ollama/Gemini when configured, else the local GGUF model (LOCAL_MODEL_PATH or models/*.gguf); with no
#          model at all, the first start downloads the default chat model (sha256-checked; NITRO_DOWNLOAD_MODEL=0: not).
# Then gateway (PORT, default 8000), ai-router, media, voice, search and agents as separate processes.
# The gateway listens on 127.0.0.1 unless HOST is set (HOST=0.0.0.0 to accept other machines).
source "$(dirname "$0")/lib.sh"
ensure_node; ensure_pnpm; ensure_deps; ensure_system runtime; build
cd "$ROOT"
mkdir -p .data/logs .data/redis .data/s3 models
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
pids=()   # gateway and services: stopped first, while Redis and S3 are still there
infra=()  # redis-server, s3rver: stopped last
# Services give shutdown SHUTDOWN_TIMEOUT_MS (10 s) then exit by themselves; whatever is still running 5 s later is killed.
STOP_WAIT_S=$(( ${SHUTDOWN_TIMEOUT_MS:-10000} / 1000 + 5 ))
cleanup() {
  trap - EXIT INT TERM
  log "stopping"
  stop_pids "$STOP_WAIT_S" "${pids[@]}"
  stop_pids 5 "${infra[@]}"
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if ! redis_ping "$REDIS_URL"; then
  log "no Redis at $REDIS_URL: starting redis-server (AOF in .data/redis)"
  port=$(node -e 'console.log(new URL(process.argv[1]).port||6379)' "$REDIS_URL")
  # In a session of its own (setsid): Ctrl-C or a signal to this script's process group must not stop Redis before
  # the services (they would spend their whole shutdown timeout reconnecting); cleanup stops it last.
  setsid redis-server --port "$port" --bind 127.0.0.1 --dir "$ROOT/.data/redis" --appendonly yes --save '' --daemonize no > .data/logs/redis.log 2>&1 &
  infra+=($!)
  for _ in $(seq 1 50); do redis_ping "$REDIS_URL" && break; sleep 0.1; done
fi

if [ -z "${S3_ENDPOINT:-}" ]; then
  export S3_ENDPOINT="http://127.0.0.1:9000" S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:-S3RVER}" S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:-S3RVER}"
  if [ -f dist/apps/media/src/dev/s3rver.main.js ]; then
    log "no S3_ENDPOINT: starting a local S3-compatible server on $S3_ENDPOINT (data in .data/s3)"
    S3RVER_DIR="$ROOT/.data/s3" setsid node dist/apps/media/src/dev/s3rver.main.js > .data/logs/s3rver.log 2>&1 &
    infra+=($!)
  fi
fi

# Chat: LOCAL_MODEL_PATH, else MODELS_DIR's *.gguf, else the default chat model is downloaded now (NITRO_DOWNLOAD_MODEL=0: not).
provision_model "${MODELS_DIR:-$ROOT/models}"

for svc in ai-router media voice search agents; do
  if [ -f "dist/apps/$svc/src/main.js" ]; then
    node "dist/apps/$svc/src/main.js" > ".data/logs/$svc.log" 2>&1 &
    pids+=($!)
  fi
done
export HOST="$(gateway_host)"
if [ "$HOST" = "127.0.0.1" ] || [ "$HOST" = "::1" ] || [ "$HOST" = "localhost" ]; then
  log "gateway on http://127.0.0.1:${PORT:-8000} (Swagger UI at /docs), this machine only: set HOST=0.0.0.0 to accept other machines; the gateway logs here, the other services in .data/logs/"
else
  log "gateway listening on $HOST:${PORT:-8000} (Swagger UI at /docs): reachable from other machines, and registration is open until an admin closes it; the gateway logs here, the other services in .data/logs/"
fi
node dist/apps/gateway/src/main.js &
pids+=($!)
wait -n "${pids[@]}" "${infra[@]}" || true
log "a process exited; see .data/logs/"

#!/usr/bin/env bash
# Runs every check CI runs: typecheck, lint, unit specs, then integration and end-to-end specs
# against real Redis servers, real engines and real processes (each suite starts what it needs).
source "$(dirname "$0")/lib.sh"
ensure_node; ensure_pnpm; ensure_deps; ensure_system test; build
cd "$ROOT"
# The committed test model (test/fixtures/models/README.md); set LOCAL_MODEL_PATH to test with another.
export LOCAL_MODEL_PATH="${LOCAL_MODEL_PATH:-$ROOT/test/fixtures/models/stories260K.gguf}"
rm -rf tmp/test-logs
log "typecheck"; npx tsc -p tsconfig.json --noEmit && npx tsc -p apps/web/tsconfig.json --noEmit
log "lint"; bash scripts/lint.sh
log "unit"; npx jest --selectProjects unit --ci
log "integration"; npx jest --selectProjects integration --ci --runInBand
for check in tools/validate/*.sh; do [ -f "$check" ] && { log "$check"; bash "$check"; }; done
log "all tests passed"

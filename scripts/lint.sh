#!/usr/bin/env bash
# The one lint entry point (`pnpm lint` and scripts/test.sh run this, over the same files).
# Nx's @nx/enforce-module-boundaries silently skips itself when no project graph has been computed
# (a fresh clone has none), so compute it first: the boundary rules then always run.
set -euo pipefail
cd "$(dirname "$0")/.."
npx nx show projects >/dev/null
exec npx eslint --max-warnings=0 apps libs bench test tools "$@"

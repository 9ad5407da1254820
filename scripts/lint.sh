#!/usr/bin/env bash
# The one lint entry point (`pnpm lint` and scripts/test.sh run this, over the same files).
# Nx's @nx/enforce-module-boundaries silently skips itself when no project graph has been computed
# (a fresh clone has none), so compute it first: the boundary rules then always run.
set -euo pipefail
cd "$(dirname "$0")/.."
npx nx show projects >/dev/null
# One format for the house (.prettierrc.json): `pnpm format` rewrites, this only checks.
git ls-files '*.ts' '*.mjs' | grep -v '/fixtures/' | xargs npx prettier --check --log-level warn
exec npx eslint --max-warnings=0 apps libs bench test tools "$@"

#!/usr/bin/env bash
# Builds every service (swc, CommonJS, ~2 s) into dist/ and the PWA (vite) when present.
set -euo pipefail
cd "$(dirname "$0")/.."
# No clean step: swc overwrites, and other processes may be running from dist/ while we build.
npx swc apps libs bench -d dist --config-file .swcrc --quiet --ignore "apps/web/**"
if [ -f apps/web/vite.config.ts ]; then
  npx vite build --config apps/web/vite.config.ts --logLevel warn
fi
echo "build: ok (dist/)"

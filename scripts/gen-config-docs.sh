#!/usr/bin/env bash
# Regenerates docs/configuration.md and .env.example from libs/config/src/*.env.ts and docker-compose.yml
# (tools/config-doc). Run after adding or changing a variable; test/deploy/config-docs fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE_CONFIG_DOCS=1 npx jest --selectProjects integration --testPathPatterns test/deploy/config-docs --silent
git --no-pager diff --stat -- docs/configuration.md .env.example || true

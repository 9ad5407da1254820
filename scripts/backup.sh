#!/usr/bin/env bash
# Backs up what Nitro AI keeps: Redis (accounts with the uid each gallery is keyed by, sessions, API keys,
# conversations, queues, the gallery index) as a point-in-time RDB snapshot, and every object of the
# S3/MinIO gallery bucket (users/<uid>/...). Back up both together.
#   bash scripts/backup.sh <backup-dir>
# Env: REDIS_URL (default redis://127.0.0.1:6379), S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY.
# Compose and Kubernetes: docs/backup.md (port-forward, or run it inside the network).
set -euo pipefail
dest="${1:?usage: backup.sh <backup-dir>}"
cd "$(dirname "$0")/.."
mkdir -p "$dest"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
# --rdb asks the server for a snapshot over the replication protocol: no access to its disk needed.
redis-cli -u "$REDIS_URL" --rdb "$dest/redis.rdb" >/dev/null
node scripts/s3-mirror.js backup "$dest/s3"
date -u +%Y-%m-%dT%H:%M:%SZ > "$dest/CREATED_AT"
echo "backup: $dest (redis.rdb, s3/)"

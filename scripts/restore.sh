#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh. Stop the gateway and services first.
#   REDIS_DATA_DIR=<dir of the STOPPED redis-server> bash scripts/restore.sh <backup-dir>
# Redis: the current append-only files are moved aside (<dir>.before-restore-<time>), and the snapshot
# becomes both dump.rdb (appendonly no) and the base of a new Redis 7 multi-part AOF (appendonly yes:
# appendonlydir/appendonly.aof.1.base.rdb and its manifest), so Redis loads it whichever mode it runs in.
# Start Redis, then the services.
# S3: every object is put back into S3_BUCKET (created when missing); objects not in the backup stay.
set -euo pipefail
src="${1:?usage: restore.sh <backup-dir>}"
cd "$(dirname "$0")/.."
[ -f "$src/redis.rdb" ] || { echo "restore: $src/redis.rdb not found" >&2; exit 1; }
data="${REDIS_DATA_DIR:?set REDIS_DATA_DIR to the data folder of the stopped redis-server}"
if [ -n "${REDIS_URL:-}" ] && redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  echo "restore: Redis at $REDIS_URL still answers: stop it first (it would overwrite the restored files)" >&2
  exit 1
fi
mkdir -p "$data"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for aof in "$data/appendonlydir" "$data/appendonly.aof"; do
  if [ -e "$aof" ]; then mv "$aof" "$aof.before-restore-$stamp"; fi
done
cp "$src/redis.rdb" "$data/dump.rdb"
aof_name="${REDIS_AOF_FILENAME:-appendonly.aof}"
mkdir -p "$data/appendonlydir"
cp "$src/redis.rdb" "$data/appendonlydir/$aof_name.1.base.rdb"
printf 'file %s seq 1 type b\n' "$aof_name.1.base.rdb" > "$data/appendonlydir/$aof_name.manifest"
node scripts/s3-mirror.js restore "$src/s3"
echo "restore: Redis snapshot in $data/dump.rdb; start redis-server, then the services"

#!/usr/bin/env bash
# Installs the Debian packages Nitro AI's services and tests use, only those missing.
# Usage: scripts/install-system-deps.sh [runtime|test]   (test adds chromium, nginx, wrk, kubectl)
set -euo pipefail
mode="${1:-runtime}"
want=(redis-server ffmpeg flite espeak-ng pocketsphinx pocketsphinx-en-us)
if [ "$mode" = "test" ]; then
  want+=(chromium nginx wrk fonts-dejavu-core)
  command -v kubectl >/dev/null 2>&1 || want+=(kubernetes-client)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "system packages: all present"; exit 0; }
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

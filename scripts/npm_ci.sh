#!/usr/bin/env bash
# Usage: scripts/npm_ci.sh DIR...
# Installs each DIR's npm dependencies exactly as its committed package-lock.json says (`npm ci`)
# when DIR/node_modules is missing or was installed from a different lock; otherwise does nothing.
# The lock's SHA-256 is kept in DIR/node_modules/.winnow-lock.sha256 (a content check: a fresh
# clone's file times say nothing). Used by scripts/setup.sh (web, tests/browser, tests/compat)
# and, as a ctest fixture, before the compat tests.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null || { echo "npm_ci: npm is missing (scripts/setup.sh installs nodejs/npm)" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: scripts/npm_ci.sh DIR..." >&2; exit 2; }
for dir in "$@"; do
  [ -f "$dir/package-lock.json" ] || { echo "npm_ci: $dir/package-lock.json not found" >&2; exit 1; }
  stamp="$dir/node_modules/.winnow-lock.sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    continue
  fi
  echo "npm_ci: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
done

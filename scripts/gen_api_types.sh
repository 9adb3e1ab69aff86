#!/usr/bin/env bash
# Usage: scripts/gen_api_types.sh [--check] [WINNOW_BINARY (default build/winnow)]
#
# The dashboard's wire types from the server itself: starts WINNOW_BINARY serve on a free port
# (tests/openapi/print_document.mjs), keeps its /v1/openapi.json beside the binary
# (build/openapi.json) and runs openapi-typescript (pinned in web/package.json) over it into
# web/src/api/openapi.gen.ts, which web/src/api/types.ts aliases. The generated file is
# committed, so that the dashboard builds without a C++ build; --check (ctest
# openapi.web_types_fresh) regenerates into a temporary file and fails with the diff when the
# committed one is stale. Run it without --check after changing a schema in src/api.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
winnow=${1:-build/winnow}
out=web/src/api/openapi.gen.ts
gen=web/node_modules/.bin/openapi-typescript
[ -x "$winnow" ] || { echo "gen_api_types: $winnow is not an executable (build first)" >&2; exit 1; }
[ -x "$gen" ] || { echo "gen_api_types: $gen missing: run scripts/npm_ci.sh web" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
document="$(dirname "$winnow")/openapi.json"
node tests/openapi/print_document.mjs "$winnow" >"$tmp/openapi.json"
cp "$tmp/openapi.json" "$document"
"$gen" "$tmp/openapi.json" --output "$tmp/openapi.gen.ts" >"$tmp/log" 2>&1 ||
  { cat "$tmp/log" >&2; exit 1; }
if [ "$check" = 1 ]; then
  if ! diff -u "$out" "$tmp/openapi.gen.ts"; then
    echo "gen_api_types: $out is stale against $winnow's /v1/openapi.json:" \
         "run scripts/gen_api_types.sh and commit the result" >&2
    exit 1
  fi
  echo "gen_api_types: $out matches $document"
else
  cp "$tmp/openapi.gen.ts" "$out"
  echo "gen_api_types: wrote $out from $document"
fi

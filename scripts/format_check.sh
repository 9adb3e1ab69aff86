#!/usr/bin/env bash
# Formatting check (CI runs it first): every tracked C++ file must be what clang-format makes of
# it with the repository's .clang-format (Debian's clang-format 14), and the dashboard's
# TypeScript what Prettier makes of it (web/package.json pins the version; `npm run format`
# rewrites). Exit 1 lists the files that differ; `scripts/format_check.sh --fix` rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
[ "${1:-}" = "--fix" ] && fix=1
command -v clang-format > /dev/null || { echo "format_check: needs clang-format (scripts/setup.sh)" >&2; exit 1; }
mapfile -t cpp < <(git ls-files '*.cc' '*.h')
if [ "$fix" = 1 ]; then
  clang-format -i "${cpp[@]}"
else
  bad=()
  for f in "${cpp[@]}"; do
    clang-format --dry-run -Werror "$f" > /dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "format_check: ${#bad[@]} C++ file(s) differ from clang-format (run scripts/format_check.sh --fix):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
fi
echo "format_check: ${#cpp[@]} C++ files formatted"
[ -x web/node_modules/.bin/prettier ] || { echo "format_check: needs web/node_modules (scripts/setup.sh runs npm ci there)" >&2; exit 1; }
if [ "$fix" = 1 ]; then
  (cd web && npm run --silent format)
else
  (cd web && npm run --silent format:check) || {
    echo "format_check: the dashboard's TypeScript differs from Prettier (run scripts/format_check.sh --fix)" >&2
    exit 1
  }
fi
echo "format_check: dashboard TypeScript formatted"

#!/usr/bin/env bash
# The libraries' dependency direction (CMakeLists.txt): no engine source or header includes a
# header of the service (store, jobs, api, hub) or of the charts (Cairo), so the engine links
# without them. Unit test files are exempt: their executable links every library.
# Usage: layers_check.sh REPO "ENGINE_DIRS" "SERVICE_DIRS" "CHART_SOURCES"
set -euo pipefail
repo=$1
read -ra engine <<<"$2"
read -ra service <<<"$3"
read -ra charts <<<"$4"
chart_headers=()
for c in "${charts[@]}"; do chart_headers+=("$(basename "${c%.cc}").h"); done
above="($(IFS='|'; echo "${service[*]}"))/|report/($(IFS='|'; echo "${chart_headers[*]//./\\.}"))"
pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*\"($above)"

files=()
for d in "${engine[@]}"; do
  for f in "$repo/src/$d"/*.h "$repo/src/$d"/*.cc; do
    case $f in *_test.cc) continue ;; esac
    for c in "${charts[@]}"; do
      [ "$f" = "$repo/$c" ] || [ "$f" = "$repo/${c%.cc}.h" ] && continue 2
    done
    files+=("$f")
  done
done
[ "${#files[@]}" -gt 50 ] || { echo "FAIL: only ${#files[@]} engine files found" >&2; exit 1; }
# The pattern must match the service's own includes of each other, or it checks nothing.
grep -qE "$pattern" "$repo"/src/api/*.cc || { echo "FAIL: pattern matches nothing" >&2; exit 1; }
if grep -nE "$pattern" "${files[@]}"; then
  echo "FAIL: engine files above include service or chart headers" >&2
  exit 1
fi
echo "PASS: ${#files[@]} engine files include no header of ${service[*]} or the charts"

#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang, ASan + UBSan) in build-asan/, the sanitizer tree it
# shares with scripts/sanitize.sh (scripts/asan_tree.sh; only the fuzz targets are built here),
# and runs each one for SECONDS_PER_TARGET seconds (default 60) from its committed seed corpus.
# The corpus is copied to a temporary directory first, so runs never grow fuzz/corpus/. Any
# crash, sanitizer report, timeout or out-of-memory fails the run; the input that caused it is
# kept in build-asan/findings/<target>/ and its path printed. Reproduce with
#   build-asan/fuzz/fuzz_<target> build-asan/findings/<target>/crash-...
# WINNOW_FUZZ_TARGETS="csv_reader model_loader" picks targets (default: all in fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2; }

WINNOW_SETUP_NO_BUILD=1 scripts/setup.sh
scripts/asan_tree.sh
cmake --build build-asan -j"$(nproc)" --target winnow_fuzz_targets

if [ -n "${WINNOW_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$WINNOW_FUZZ_TARGETS"
else
  targets=()
  for f in fuzz/*_fuzz.cc; do targets+=("$(basename "$f" _fuzz.cc)"); done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=()
printf '%-18s %8s %10s %8s %8s %s\n' target seconds execs exec/s cov result
for t in "${targets[@]}"; do
  binary="build-asan/fuzz/fuzz_$t"
  findings="build-asan/findings/$t"
  mkdir -p "$findings" "$work/$t"
  cp -r "fuzz/corpus/$t/." "$work/$t/"
  # One input may take 10 s; the HTTP target 20 s: the server answers within about 2 s (its
  # socket timeout) on a quiet machine, later on a loaded one.
  timeout=10
  [ "$t" = http_request ] && timeout=20
  args=("$work/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout="$timeout"
        -rss_limit_mb=2048 -malloc_limit_mb=512 -artifact_prefix="$findings/")
  [ -f "fuzz/$t.dict" ] && args+=(-dict="fuzz/$t.dict")
  log="$findings/last-run.log"
  set +e
  "$binary" "${args[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $rc)"
    failed+=("$t")
  fi
  printf '%-18s %8s %10s %8s %8s %s\n' "$t" "$seconds" "${execs:--}" "${rate:--}" "${cov:--}" "$result"
  if [ "$rc" -ne 0 ]; then
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz property violated|.*runtime error)' "$log" | head -5 | sed 's/^/    /'
    grep -oE "Test unit written to [^ ]+" "$log" | sed 's/^Test unit written to /    crashing input: /'
    echo "    full log: $log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"

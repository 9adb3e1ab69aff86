#!/usr/bin/env bash
# Configures build-asan/, the one sanitizer tree that scripts/sanitize.sh (unit + integration
# tests) and scripts/fuzz.sh (libFuzzer targets) share: clang, AddressSanitizer +
# UndefinedBehaviorSanitizer with no recovery (any report aborts), libFuzzer coverage
# instrumentation on every target (-DWINNOW_FUZZ=ON), tests on. -O1 keeps the tests and the
# fuzzers quick; asserts stay on (no NDEBUG); line tables are all a sanitizer stack needs.
# Run by those two scripts; WINNOW_CMAKE_ARGS is appended to the configure line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A build-asan/ configured by the older gcc Debug sanitize.sh cannot switch compilers in place.
if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
cmake -S . -B build-asan -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" -DWINNOW_FUZZ=ON -DWINNOW_BUILD_TESTS=ON \
  ${WINNOW_CMAKE_ARGS:-} >/dev/null

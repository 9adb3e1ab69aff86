#!/usr/bin/env bash
# The slower suite: builds with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/
# and runs the unit and integration tests there. Any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
WINNOW_SETUP_NO_BUILD=1 scripts/setup.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWINNOW_SANITIZE=address,undefined \
  -DCMAKE_CXX_FLAGS="-fno-sanitize-recover=undefined" ${WINNOW_CMAKE_ARGS:-}
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The Node.js client suites (compat_*: SDK, curl tutorial, crash, quickstart) are left to the
# plain build: under ASan at -O0 their training runs take minutes, and the server code they reach
# is covered here by the C++ suites of tests/api and tests/reliability.
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -L "unit|integration" -E "^compat_" \
  --timeout 900

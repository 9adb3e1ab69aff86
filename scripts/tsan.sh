#!/usr/bin/env bash
# Builds with ThreadSanitizer into build-tsan/ and runs the tests that exercise threads: the
# ctest label `tsan` (tests/CMakeLists.txt and tests/reliability/CMakeLists.txt,
# winnow_add_tsan_tests): the worker team, Hogwild training, the parallel row scan, batch
# classification, the hub client against a real HTTP server, the prepare / train / classify
# commands, the SQLite store and the job service (worker pool, cancel, restart recovery), and
# the server suites of tests/api and tests/reliability, which run a ThreadSanitizer-built
# `winnow serve` (concurrent HTTP threads beside the job workers). Any data race report fails the
# run: in the test process by aborting it, in a server child by its report on stderr, which the
# test checks (tests/test_support.h, sanitizer_reports). Only the targets those tests need are
# built. Hogwild SGD races on purpose; how that is handled: tests/sanitizers/tsan.supp.
set -euo pipefail
cd "$(dirname "$0")/.."
WINNOW_SETUP_NO_BUILD=1 scripts/setup.sh
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWINNOW_SANITIZE=thread \
  ${WINNOW_CMAKE_ARGS:-} >/dev/null
cmake --build build-tsan -j"$(nproc)" --target winnow_unit_tests winnow_cli_tests \
  winnow_api_tests winnow_reliability_tests
# Exported, so the `winnow serve` and CLI children the tests start run with it too.
export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp"
ctest --test-dir build-tsan --output-on-failure -j"$(nproc)" -L tsan --timeout 900

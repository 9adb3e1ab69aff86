#!/usr/bin/env bash
# The test command: installs what the build and tests need, builds, runs the fast suites
# (unit + integration). Set WINNOW_TEST_LABELS to a ctest label regex to choose other suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
labels="${WINNOW_TEST_LABELS:-unit|integration}"
ctest --test-dir build --output-on-failure -j"$(nproc)" -L "$labels" --timeout 600

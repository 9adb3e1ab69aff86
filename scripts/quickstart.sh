#!/usr/bin/env bash
# The main job, end to end on embedded defaults: installs and builds (scripts/setup.sh), prepares
# a civil_comments-layout dataset into classifier JSONL with the tutorial's settings, validates
# it and charts its label distribution.
#   scripts/quickstart.sh [DATA_DIR]          DATA_DIR holds train/validation/test .csv or .jsonl
#                                             (default: ../shared/data/civil_spans)
#   scripts/quickstart.sh --hub DATASET       fetch from the Hugging Face dataset viewer instead
# Output goes to ${WINNOW_OUT:-out/quickstart}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
OUT=${WINNOW_OUT:-out/quickstart}
mkdir -p "$OUT"
if [ "${1:-}" = "--hub" ]; then
  [ -n "${2:-}" ] || { echo "usage: scripts/quickstart.sh --hub DATASET" >&2; exit 2; }
  build/winnow prepare --hub "$2" --out "$OUT/data"
else
  DATA=${1:-../shared/data/civil_spans}
  [ -d "$DATA" ] || { echo "quickstart: no data directory $DATA (give one, or --hub google/civil_comments)" >&2; exit 1; }
  build/winnow prepare --input "$DATA" --out "$OUT/data"
fi
build/winnow validate "$OUT/data/training_file.jsonl" "$OUT/data/validation_file.jsonl" "$OUT/data/test_file.jsonl"
build/winnow stats "$OUT/data" --out "$OUT/distribution"
echo
echo "quickstart: classifier JSONL in $OUT/data, charts at $OUT/distribution.png and .svg"

#!/usr/bin/env bash
# Throughput of `winnow prepare` against the tutorial's pandas pipeline on the same input:
# a 1,000,000 / 50,000 / 50,000-row civil_comments-layout CSV set (~270 MB) made by repeating
# ../shared/data/civil_spans rows. Prints wall time and peak RSS of both and the ratios.
# Each tool runs RUNS times (default 3); the median wall time and its peak RSS are reported.
# Usage: bench/prepare.sh [WORK_DIR]   (default: bench/out/prepare)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data/civil_spans
WORK=${1:-bench/out/prepare}
N_TRAIN=${N_TRAIN:-1000000} N_VAL=${N_VAL:-50000} N_TEST=${N_TEST:-50000}
RUNS=${RUNS:-3}
[ -f "$DATA/train.csv" ] || { echo "bench/prepare.sh: needs $DATA (the shared data folder)" >&2; exit 1; }
[ -x build/winnow ] || { echo "bench/prepare.sh: build first (scripts/setup.sh)" >&2; exit 1; }
/usr/bin/python3 -c 'import pandas, tqdm' 2>/dev/null || { echo "bench/prepare.sh: needs python3-pandas and python3-tqdm (scripts/setup.sh installs them)" >&2; exit 1; }

mkdir -p "$WORK/input" "$WORK/pandas" "$WORK/winnow"
if [ ! -f "$WORK/input/.complete-$N_TRAIN-$N_VAL-$N_TEST" ]; then
  echo "generating input ($N_TRAIN / $N_VAL / $N_TEST rows)..."
  /usr/bin/python3 bench/make_large_civil.py "$DATA" "$WORK/input" "$N_TRAIN" "$N_VAL" "$N_TEST"
  touch "$WORK/input/.complete-$N_TRAIN-$N_VAL-$N_TEST"
fi
du -sh "$WORK/input" | awk '{print "input size: " $1}'
# Warm the page cache so both tools read from memory.
cat "$WORK"/input/*.csv > /dev/null

measure_once() {  # measure_once NAME CMD... → prints "seconds kbytes"
  local name=$1; shift
  /usr/bin/time -v "$@" > "$WORK/$name.stdout" 2> "$WORK/$name.time" || {
    echo "bench/prepare.sh: $name failed:" >&2; tail -20 "$WORK/$name.time" >&2; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/$name.time" | awk -F': ' '{print $2}' |
         awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep 'Maximum resident set size' "$WORK/$name.time" | awk -F': ' '{print $2}')
  echo "$wall $rss"
}

measure() {  # measure NAME CMD... → the run with the median wall time: "seconds kbytes"
  local name=$1; shift
  for _ in $(seq "$RUNS"); do measure_once "$name" "$@"; done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

read -r p_wall p_rss < <(measure pandas /usr/bin/python3 ../shared/tools/seed_pipeline.py "$WORK/input" "$WORK/pandas")
read -r w_wall w_rss < <(measure winnow build/winnow prepare --quiet --input "$WORK/input" --out "$WORK/winnow" \
  --n-train "$N_TRAIN" --n-validation "$N_VAL" --n-test "$N_TEST")

rows() { wc -l < "$1" | tr -d ' '; }
printf '\nmedian of %s runs each\n%-28s %12s %14s %22s\n' "$RUNS" "tool" "wall (s)" "peak RSS (MB)" "rows out (train/val/test)"
printf '%-28s %12.2f %14.1f %22s\n' "pandas (seed_pipeline.py)" "$p_wall" "$(echo "$p_rss/1024" | bc -l)" \
  "$(rows "$WORK/pandas/training_file.jsonl")/$(rows "$WORK/pandas/validation_file.jsonl")/$(rows "$WORK/pandas/test_file.jsonl")"
printf '%-28s %12.2f %14.1f %22s\n' "winnow prepare" "$w_wall" "$(echo "$w_rss/1024" | bc -l)" \
  "$(rows "$WORK/winnow/training_file.jsonl")/$(rows "$WORK/winnow/validation_file.jsonl")/$(rows "$WORK/winnow/test_file.jsonl")"
printf '\nspeed-up (pandas wall / winnow wall): %.1fx   (target >= 30x)\n' "$(echo "$p_wall/$w_wall" | bc -l)"
printf 'memory (winnow RSS / pandas RSS):     %.3f   (target <= 0.1)\n' "$(echo "$w_rss/$p_rss" | bc -l)"

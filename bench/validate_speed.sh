#!/usr/bin/env bash
# Throughput of `winnow validate` on a generated classifier JSONL of N lines (default 1,000,000):
# the rows of ../shared/data/civil_spans/train.csv repeated, labelled as the tutorial does
# (score > 0.5, else "safe"). For scale, the same lines through Python's json.loads (parse only,
# no checks) run beside it. Data goes to bench/out/ (gitignored), never into the repository.
# Usage: bench/validate_speed.sh [lines] [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-1000000}"
build="${2:-build}"
csv=../shared/data/civil_spans/train.csv
out=bench/out
mkdir -p "$out"
data="$out/validate_${lines}.jsonl"

if [[ ! -s "$data" ]]; then
  /usr/bin/python3 - "$csv" "$data" "$lines" <<'PY'
import csv, json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.DictReader(open(src, newline="")))
heads = [k for k in rows[0] if k not in ("id", "text")]
with open(dst, "w") as f:
    for i in range(n):
        r = rows[i % len(rows)]
        labels = [k for k in heads if float(r[k]) > 0.5] or ["safe"]
        f.write(json.dumps({"text": r["text"], "labels": {"moderation": labels}}) + "\n")
PY
fi

seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}

size_mb=$(( $(stat -c %s "$data") / 1000000 ))
echo "input: $data ($lines lines, $size_mb MB)"
winnow_s=$(seconds "$build/winnow" validate "$data")
python_s=$(seconds /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    json.loads(line)' "$data")
awk -v n="$lines" -v w="$winnow_s" -v p="$python_s" 'BEGIN {
  printf "winnow validate     %6.2f s  %10.0f lines/s\n", w, n / w
  printf "python json.loads   %6.2f s  %10.0f lines/s\n", p, n / p
  printf "ratio               %6.1fx\n", p / w
}'

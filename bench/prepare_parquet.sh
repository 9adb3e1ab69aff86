#!/usr/bin/env bash
# `winnow prepare` on the same rows as CSV and as Parquet (snappy, dictionary pages, float32
# scores, 100,000-row row groups: like the hub's files). The rows are synthetic
# civil_comments-layout rows (no shared data needed), written as CSV by Python and as Parquet by
# tests/parquet/write_parquet.mjs (npm parquet-wasm). Prints the median wall time and peak RSS of
# each and the Parquet/CSV ratios, and checks that both outputs are identical.
# Usage: bench/prepare_parquet.sh [WORK_DIR]   (default bench/out/prepare_parquet); N_ROWS=300000 RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-bench/out/prepare_parquet}
N_ROWS=${N_ROWS:-300000}
RUNS=${RUNS:-3}
[ -x build/winnow ] || { echo "bench/prepare_parquet.sh: build first (scripts/setup.sh)" >&2; exit 1; }
scripts/npm_ci.sh tests/parquet >/dev/null
mkdir -p "$WORK/in_csv" "$WORK/in_pq"
if [ ! -f "$WORK/.complete-$N_ROWS" ]; then
  echo "generating $N_ROWS rows..."
  /usr/bin/python3 - "$WORK" "$N_ROWS" <<'PY'
import json, struct, sys
work, n = sys.argv[1], int(sys.argv[2])
labels = ["toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack", "sexual_explicit"]
words = "the a you idiot thanks article great stupid agree policy people vote tax city road school".split()
f32 = lambda x: struct.unpack("f", struct.pack("f", x))[0]
rows = []
with open(f"{work}/in_csv/train.csv", "w") as csv:
    csv.write("id,text," + ",".join(labels) + "\n")
    for i in range(n):
        text = " ".join(words[(i * k * 7 + k) % len(words)] for k in range(5 + i % 40))
        scores = [f32(((i * (k + 3)) % 17) / 16) for k in range(7)]
        csv.write(f'{i},"{text}",' + ",".join(repr(s) for s in scores) + "\n")
        rows.append([i, text] + scores)
cols = [{"name": "id", "type": "int64", "nullable": False}, {"name": "text", "type": "utf8"}]
cols += [{"name": l, "type": "float32"} for l in labels]
json.dump({"out": f"{work}/in_pq/train.parquet", "columns": cols, "rows": rows, "compression": "snappy",
           "row_group_rows": 100000}, open(f"{work}/spec.json", "w"))
PY
  node tests/parquet/write_parquet.mjs "$WORK/spec.json"
  rm -f "$WORK/spec.json"
  touch "$WORK/.complete-$N_ROWS"
fi
ls -l "$WORK/in_csv/train.csv" "$WORK/in_pq/train.parquet" | awk '{print "input: " $NF " " $5 " bytes"}'
cat "$WORK"/in_csv/* "$WORK"/in_pq/* >/dev/null

measure() {  # measure NAME INPUT → "median_seconds peak_kb"
  local name=$1 input=$2
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/$name.time" build/winnow prepare --quiet --train "$input" \
      --n-train "$N_ROWS" --out "$WORK/out_$name" >/dev/null
    cat "$WORK/$name.time"
  done | sort -n | awk -v r="$RUNS" 'NR == int((r + 1) / 2) {print}'
}
read -r csv_s csv_kb < <(measure csv "$WORK/in_csv/train.csv")
read -r pq_s pq_kb < <(measure parquet "$WORK/in_pq/train.parquet")
cmp -s "$WORK/out_csv/training_file.jsonl" "$WORK/out_parquet/training_file.jsonl" \
  && echo "outputs: identical" || { echo "outputs DIFFER" >&2; exit 1; }
printf '%-8s %10s %12s\n' input seconds peak_MB
printf '%-8s %10s %12.1f\n' csv "$csv_s" "$(echo "$csv_kb / 1024" | bc -l)"
printf '%-8s %10s %12.1f\n' parquet "$pq_s" "$(echo "$pq_kb / 1024" | bc -l)"
printf 'parquet/csv: time %.2f, memory %.2f\n' "$(echo "$pq_s / $csv_s" | bc -l)" "$(echo "$pq_kb / $csv_kb" | bc -l)"

#!/usr/bin/env bash
# Training time and memory by data size: `winnow train --training-steps 200 --learning-rate 5e-5`
# with validation (the tutorial's command) on 10k rows, on the 219k training rows that
# `winnow prepare` makes of bench/prepare.sh's 1,000,000/50,000/50,000-row input, and on 1.8 M
# rows (those rows repeated), beside fastText (`fasttext supervised -loss ova`, Debian's CLI,
# the settings of ../shared/tools/baselines.py but one epoch, about as much data as the 200
# steps see) on the 219k rows. Prints rows, wall s, CPU s (user + sys) and peak RSS from
# /usr/bin/time -v, the validation macro ROC-AUC winnow reports, and ratios against fastText.
# Usage: bench/train_scale.sh [--skip-1.8m] [WORK_DIR]   (default WORK_DIR: bench/out/train_scale)
# The input CSVs are shared with bench/prepare.sh (bench/out/prepare/input; made when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
skip_big=0
if [ "${1:-}" = "--skip-1.8m" ]; then skip_big=1; shift; fi
WORK=${1:-bench/out/train_scale}
DATA=../shared/data/civil_spans
INPUT=bench/out/prepare/input
[ -f "$DATA/train.csv" ] || { echo "bench/train_scale.sh: needs $DATA (the shared data folder)" >&2; exit 1; }
[ -x build/winnow ] || { echo "bench/train_scale.sh: build first (scripts/setup.sh)" >&2; exit 1; }
command -v fasttext > /dev/null || { echo "bench/train_scale.sh: needs fasttext (apt-get install fasttext)" >&2; exit 1; }

mkdir -p "$INPUT" "$WORK"
if [ ! -f "$INPUT/.complete-1000000-50000-50000" ]; then
  echo "generating input (1000000 / 50000 / 50000 rows)..."
  /usr/bin/python3 bench/make_large_civil.py "$DATA" "$INPUT" 1000000 50000 50000
  touch "$INPUT/.complete-1000000-50000-50000"
fi
if [ ! -f "$WORK/prepared/.complete" ]; then
  build/winnow prepare --quiet --input "$INPUT" --out "$WORK/prepared" \
    --n-train 1000000 --n-validation 50000 --n-test 50000
  touch "$WORK/prepared/.complete"
fi
P=$WORK/prepared
head -n 10000 "$P/training_file.jsonl" > "$WORK/train_10k.jsonl"
if [ "$skip_big" = 0 ] && [ ! -f "$WORK/train_1.8m.jsonl" ]; then
  # awk reads to the end (head would stop early and fail the pipe under pipefail).
  for _ in $(seq 9); do cat "$P/training_file.jsonl"; done | awk 'NR <= 1800000' > "$WORK/train_1.8m.jsonl.tmp"
  mv "$WORK/train_1.8m.jsonl.tmp" "$WORK/train_1.8m.jsonl"
fi
# fastText's format: one line per sample, "__label__a __label__b text" on one line.
/usr/bin/python3 - "$P/training_file.jsonl" "$WORK/train_219k.ft" <<'EOF'
import json, re, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        s = json.loads(line)
        labels = [l for v in s["labels"].values() for l in (v if isinstance(v, list) else [v])]
        out.write(" ".join("__label__" + l for l in sorted(labels)) + " " + re.sub(r"\s+", " ", s["text"]) + "\n")
EOF
cat "$P"/*.jsonl "$WORK"/*.jsonl > /dev/null  # warm the page cache

measure() {  # measure NAME CMD... → "wall cpu rss_kb" from /usr/bin/time -v
  local name=$1; shift
  /usr/bin/time -v "$@" > "$WORK/$name.stdout" 2> "$WORK/$name.time" || {
    echo "bench/train_scale.sh: $name failed:" >&2; tail -20 "$WORK/$name.time" >&2; exit 1; }
  local wall cpu rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/$name.time" | awk -F': ' '{print $2}' |
         awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$WORK/$name.time")
  rss=$(grep 'Maximum resident set size' "$WORK/$name.time" | awk -F': ' '{print $2}')
  echo "$wall $cpu $rss"
}
auc() { cat "$WORK/$1.stdout" "$WORK/$1.time" | grep -o 'macro ROC-AUC [0-9.]*' | awk '{print $3}'; }

declare -A WALL CPU RSS ROWS
cases="10k 219k"
[ "$skip_big" = 0 ] && cases="$cases 1.8m"
for c in $cases; do
  case "$c" in 10k) f="$WORK/train_10k.jsonl" ;; 219k) f="$P/training_file.jsonl" ;; 1.8m) f="$WORK/train_1.8m.jsonl" ;; esac
  ROWS[$c]=$(wc -l < "$f" | tr -d ' ')
  echo "load average before winnow $c: $(cut -d' ' -f1-3 /proc/loadavg)"
  read -r WALL[$c] CPU[$c] RSS[$c] < <(measure "winnow_$c" build/winnow train --train "$f" \
    --validation "$P/validation_file.jsonl" -o "$WORK/model_$c.winnow" \
    --training-steps 200 --learning-rate 5e-5)
done
echo "load average before fasttext 219k: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r ft_wall ft_cpu ft_rss < <(measure fasttext_219k fasttext supervised -input "$WORK/train_219k.ft" \
  -output "$WORK/fasttext_219k" -loss ova -epoch 1 -lr 0.5 -wordNgrams 2 -minn 2 -maxn 5 -dim 50 \
  -thread 2 -verbose 0)
ft_rows=$(wc -l < "$WORK/train_219k.ft" | tr -d ' ')

printf '\n%-22s %10s %9s %9s %14s %11s %16s\n' "system" "rows" "wall s" "CPU s" "peak RSS MB" "RSS KB/row" "valid macro AUC"
for c in $cases; do
  printf '%-22s %10s %9.2f %9.2f %14.1f %11.2f %16s\n' "winnow train $c" "${ROWS[$c]}" "${WALL[$c]}" "${CPU[$c]}" \
    "$(echo "${RSS[$c]}/1024" | bc -l)" "$(echo "${RSS[$c]}/${ROWS[$c]}" | bc -l)" "$(auc "winnow_$c")"
done
printf '%-22s %10s %9.2f %9.2f %14.1f %11.2f %16s\n' "fasttext 219k" "$ft_rows" "$ft_wall" "$ft_cpu" \
  "$(echo "$ft_rss/1024" | bc -l)" "$(echo "$ft_rss/$ft_rows" | bc -l)" "-"
printf '\nwinnow 219k / fasttext 219k: wall %.2fx, CPU %.2fx, peak RSS %.2fx\n' \
  "$(echo "${WALL[219k]}/$ft_wall" | bc -l)" "$(echo "${CPU[219k]}/$ft_cpu" | bc -l)" "$(echo "${RSS[219k]}/$ft_rss" | bc -l)"
printf 'targets: 219k in <= 1024 MB and <= 10 s; 1.8M in <= 4096 MB\n'

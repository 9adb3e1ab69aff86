#!/usr/bin/env bash
# Classification throughput: texts/second classifying the same N comments with 2 threads,
# `winnow classify MODEL < texts` vs `fasttext predict-prob MODEL texts -1 0.0`, and their ratio.
#
# Usage: bench/classify.sh [--texts N] [--repeat R] [--out DIR]
#   --texts   number of comments (default 100000), made by cycling civil_spans/train.csv texts
#             (whitespace collapsed to single spaces, as baselines.py writes fastText input)
#   --repeat  timed runs per system; the median is reported (default 3)
#   --out     work dir (default bench/out/classify); regenerated on every run, never committed
# Env: WINNOW_BIN (default build/winnow), WINNOW_SHARED (default ../shared, relative to the repo).
#
# Models: both are trained here on civil_spans/train.csv (labels `> 0.5`, no balancing).
# fastText uses baselines.py's settings (-loss ova -wordNgrams 2 -minn 2 -maxn 5 -dim 50) but
# -epoch 1: prediction cost depends on the dictionary, n-grams, dim and labels, not on epochs.
# Winnow is trained through bench/lib/winnow_hooks.sh when `winnow train` and `winnow classify`
# exist; otherwise its row says n/a.
# Timing is end to end (process start, model load, reading texts, writing one result line per
# text to a file), wall clock. `fasttext predict-prob` has no thread option, so its 2 threads are
# 2 processes on the two halves of the input, started together; the time is until both finish.
# Exit status: 0 after printing the table, 1 on a missing dependency or a failed step.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

texts=100000
repeat=3
out="$repo/bench/out/classify"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --texts) texts="${2:?--texts needs a value}"; shift 2 ;;
    --repeat) repeat="${2:?--repeat needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/classify.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

source "$repo/bench/lib/common.sh"
source "$repo/bench/lib/winnow_hooks.sh"
[[ "$texts" =~ ^[1-9][0-9]*$ ]] || die_usage "--texts must be a positive integer"
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die_usage "--repeat must be a positive integer"
winnow_bin="${WINNOW_BIN:-$repo/build/winnow}"
shared="${WINNOW_SHARED:-$repo/../shared}"
threads=2

need_python_modules json csv
need_command fasttext "apt-get install fasttext"
need_command split "coreutils"
need_file "$shared/data/civil_spans/train.csv" "$shared/tools/to_jsonl.py"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/data" "$out/models" "$out/logs" "$out/predictions"
mkdir -p "$out/data" "$out/models" "$out/logs" "$out/predictions"

# ---- inputs --------------------------------------------------------------------------------
progress "making $texts texts from civil_spans/train.csv"
run_logged "$out/logs/make_texts.log" /usr/bin/python3 "$repo/bench/lib/make_texts.py" \
  "$shared/data/civil_spans/train.csv" "$texts" "$out/data"
split -n l/2 -d "$out/data/texts.txt" "$out/data/half."
words="$(wc -w <"$out/data/texts.txt")"

# ---- models --------------------------------------------------------------------------------
progress "training the fastText model (-epoch 1)"
run_logged "$out/logs/fasttext_train.log" fasttext supervised -input "$out/data/train.ft.txt" \
  -output "$out/models/fasttext" -loss ova -epoch 1 -lr 0.5 -wordNgrams 2 -minn 2 -maxn 5 \
  -dim 50 -thread "$threads" -verbose 0

winnow_state="n/a (winnow train not built)"
if winnow_has_command "$winnow_bin" train; then
  if winnow_has_command "$winnow_bin" classify; then
    progress "training the Winnow model"
    /usr/bin/python3 "$shared/tools/to_jsonl.py" "$shared/data/civil_spans/train.csv" \
      "$out/data/train.jsonl"
    # No tuning split is needed for throughput; the training file stands in for it.
    winnow_train_cmd "$out/data/train.jsonl" "$out/data/train.jsonl" "$out/models/winnow.model"
    run_logged "$out/logs/winnow_train.log" "${cmd[@]}"
    winnow_state="ready"
  else
    winnow_state="n/a (winnow classify not built)"
  fi
fi

# ---- timing --------------------------------------------------------------------------------
# Every run is timed by /usr/bin/time (wall, user, sys of the process and all it waited for) and
# appended to timings.txt as "LABEL WALL USER SYS". Each system also runs on a 1-text input:
# that is its fixed cost (start, model load), reported apart so that the per-text speed after
# it can be read off (a 400 MB fastText model takes seconds to read from a busy disk).
timings="$out/timings.txt"
: >"$timings"
time_run() {  # LABEL COMMAND...
  local label="$1"
  shift
  /usr/bin/time -f "$label %e %U %S" -a -o "$timings" "$@" || die "timed command failed: $*"
}
head -n 1 "$out/data/half.00" >"$out/data/one.00"
head -n 1 "$out/data/half.01" >"$out/data/one.01"
head -n 1 "$out/data/texts.txt" >"$out/data/one.txt"

# Two predict-prob processes started together; fails if either fails.
ft_two='fasttext predict-prob "$1" "$2" -1 0.0 >"$4" & a=$!
fasttext predict-prob "$1" "$3" -1 0.0 >"$5" & b=$!
wait $a; ra=$?; wait $b; rb=$?; exit $((ra | rb))'
fasttext_run() {  # LABEL INPUT_PREFIX
  time_run "$1" bash -c "$ft_two" _ "$out/models/fasttext.bin" "$2.00" "$2.01" \
    "$out/predictions/fasttext.00" "$out/predictions/fasttext.01"
}
winnow_run() {  # LABEL INPUT
  local cmd
  winnow_classify_cmd "$out/models/winnow.model" "$threads"
  IN="$2" OUT="$out/predictions/winnow" time_run "$1" bash -c 'exec "$@" <"$IN" >"$OUT"' _ \
    "${cmd[@]}"
}
check_lines() {  # NAME EXPECTED FILE... : one result line per text
  local n
  n="$(cat "${@:3}" | wc -l)"
  [[ "$n" -eq "$2" ]] || die "$1 wrote $n result lines for $2 texts"
}

# One function, parsed whole before it runs, so editing this file during a run cannot derail it.
main() {
  local i load_before load_after
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  for ((i = 1; i <= repeat; ++i)); do
    progress "fastText predict-prob, run $i/$repeat"
    fasttext_run fasttext_startup "$out/data/one"
    check_lines "fasttext predict-prob" 2 "$out/predictions/fasttext.00" "$out/predictions/fasttext.01"
    fasttext_run fasttext "$out/data/half"
    check_lines "fasttext predict-prob" "$texts" "$out/predictions/fasttext.00" \
      "$out/predictions/fasttext.01"
  done
  if [[ "$winnow_state" == "ready" ]]; then
    for ((i = 1; i <= repeat; ++i)); do
      progress "winnow classify, run $i/$repeat"
      winnow_run winnow_startup "$out/data/one.txt"
      check_lines "winnow classify" 1 "$out/predictions/winnow"
      winnow_run winnow "$out/data/texts.txt"
      check_lines "winnow classify" "$texts" "$out/predictions/winnow"
    done
  fi
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

  # ---- table ---------------------------------------------------------------------------------
  /usr/bin/python3 "$repo/bench/lib/classify_table.py" "$timings" "$texts" "$words" \
    "$winnow_state" "$(stat -c %s "$out/models/fasttext.bin")" "$load_before" "$load_after" \
    "$(nproc)"
  rm -rf "$out/models" "$out/predictions"  # ~400 MB of fastText model; its size is printed
}
main
exit

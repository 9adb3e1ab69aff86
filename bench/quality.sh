#!/usr/bin/env bash
# Quality benchmark: Winnow vs fastText (`supervised -loss ova`) vs TF-IDF + logistic regression,
# trained and scored on the same splits, printed as one table.
#
# Usage: bench/quality.sh [--setups LIST] [--systems LIST] [--out DIR]
#   --setups   comma list of: cctk, civil_full, civil_tutorial   (default: all three)
#   --systems  comma list of: winnow, tfidf, fasttext             (default: all three)
#   --out      work dir (default: bench/out/quality); data and results are regenerated there
#              on every run from ../shared/data; nothing under it is ever committed.
# Env: WINNOW_BIN (default build/winnow), WINNOW_SHARED (default ../shared, relative to the repo).
#
# Setups (labels binarized with `> 0.5` by the shared tools; head "moderation"; "safe" = no flag):
#   cctk            train cctk/train.csv; cctk/validation.csv split by row parity: odd rows
#                   (1st, 3rd, ...) tune thresholds, even rows are the test set.
#   civil_full      civil_spans train / validation (tuning) / test, as they are (no balancing).
#   civil_tutorial  civil_spans through seed_pipeline.py --no-shuffle (the tutorial's Steps 1-3:
#                   zero-flag fraction 0.1, label cap 0.2, rare-label cut 0.01; documented counts
#                   2,254 / 304 / 275).
# Winnow runs when `build/winnow train --help` shows a real subcommand; the exact Winnow commands
# are in bench/lib/winnow_hooks.sh. Otherwise its rows say "n/a (winnow train not built)".
# Every system tunes one threshold per label on the tuning split (best F1) and is scored on the
# test split. Macro averages cover the labels other than "safe" that have both classes in the
# test split (baselines.py's rule, applied to every system by bench/lib/quality_table.py).
# Training seconds are wall clock on a possibly shared machine; CPU seconds and the load average
# are printed too. Per-label numbers are in OUT/logs/ and OUT/results/.
# Exit status: 0 after printing the table, 1 on a missing dependency or a failed step (the step's
# log is named), 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

setups="cctk,civil_full,civil_tutorial"
systems="winnow,tfidf,fasttext"
out="$repo/bench/out/quality"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --setups) setups="${2:?--setups needs a value}"; shift 2 ;;
    --systems) systems="${2:?--systems needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/quality.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

source "$repo/bench/lib/common.sh"
source "$repo/bench/lib/winnow_hooks.sh"
winnow_bin="${WINNOW_BIN:-$repo/build/winnow}"
shared="${WINNOW_SHARED:-$repo/../shared}"

for s in ${setups//,/ }; do
  case "$s" in cctk|civil_full|civil_tutorial) ;; *) die_usage "unknown setup '$s'" ;; esac
done
for s in ${systems//,/ }; do
  case "$s" in winnow|tfidf|fasttext) ;; *) die_usage "unknown system '$s'" ;; esac
done
has() { [[ ",$1," == *",$2,"* ]]; }

# ---- dependencies --------------------------------------------------------------------------
need_python_modules json numpy scipy sklearn
has "$setups" civil_tutorial && need_python_modules pandas tqdm
has "$systems" fasttext && need_command fasttext "apt-get install fasttext"
need_file "$shared/tools/to_jsonl.py" "$shared/tools/baselines.py"
has "$setups" civil_tutorial && need_file "$shared/tools/seed_pipeline.py"
has "$setups" cctk && need_file "$shared/data/cctk/train.csv" "$shared/data/cctk/validation.csv"
if has "$setups" civil_full || has "$setups" civil_tutorial; then
  need_file "$shared/data/civil_spans/"{train,validation,test}.csv
fi

# Winnow runs only when the binary has `train`; `eval` is needed for its metrics.
winnow_state="skipped"
if has "$systems" winnow; then
  if winnow_has_command "$winnow_bin" train; then
    winnow_state="ready"
  else
    winnow_state="n/a (winnow train not built)"
  fi
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/data" "$out/results" "$out/logs" "$out/models"
mkdir -p "$out/data" "$out/results" "$out/logs" "$out/models"

# ---- data preparation ----------------------------------------------------------------------
# Leaves $out/data/<setup>/{train,tune,test}.jsonl.
prepare_setup() {
  local setup="$1" d="$out/data/$1" log="$out/logs/prepare_$1.log"
  mkdir -p "$d"
  case "$setup" in
    cctk)
      run_logged "$log" /usr/bin/python3 "$shared/tools/to_jsonl.py" \
        "$shared/data/cctk/train.csv" "$d/train.jsonl"
      run_logged "$log" /usr/bin/python3 "$shared/tools/to_jsonl.py" \
        "$shared/data/cctk/validation.csv" "$d/validation_all.jsonl"
      awk 'NR % 2 == 1' "$d/validation_all.jsonl" >"$d/tune.jsonl"
      awk 'NR % 2 == 0' "$d/validation_all.jsonl" >"$d/test.jsonl"
      rm "$d/validation_all.jsonl"
      ;;
    civil_full)
      local split
      for split in train validation test; do
        run_logged "$log" /usr/bin/python3 "$shared/tools/to_jsonl.py" \
          "$shared/data/civil_spans/$split.csv" "$d/$split.jsonl"
      done
      mv "$d/validation.jsonl" "$d/tune.jsonl"
      ;;
    civil_tutorial)
      run_logged "$log" /usr/bin/python3 "$shared/tools/seed_pipeline.py" \
        "$shared/data/civil_spans" "$d" --no-shuffle
      mv "$d/training_file.jsonl" "$d/train.jsonl"
      mv "$d/validation_file.jsonl" "$d/tune.jsonl"
      mv "$d/test_file.jsonl" "$d/test.jsonl"
      ;;
  esac
  local f
  for f in train tune test; do
    [[ -s "$d/$f.jsonl" ]] || die "preparing $setup produced no $f.jsonl (see $log)"
  done
}

# ---- systems -------------------------------------------------------------------------------
run_baseline() {  # setup, tfidf|fasttext
  local setup="$1" system="$2" d="$out/data/$1"
  run_logged "$out/logs/${system}_$setup.log" /usr/bin/python3 "$repo/bench/lib/run_baseline.py" \
    "$shared/tools/baselines.py" "$system" "$d/train.jsonl" "$d/tune.jsonl" "$d/test.jsonl" \
    "$out/results/${setup}__$system.json"
}

# The Winnow commands themselves live in bench/lib/winnow_hooks.sh.
run_winnow() {  # setup
  local setup="$1" d="$out/data/$1" model="$out/models/winnow_$1.model"
  local result="$out/results/${setup}__winnow.json" log="$out/logs/winnow_$setup.log"
  if [[ "$winnow_state" != "ready" ]]; then
    write_placeholder "$result" winnow "$winnow_state"
    return
  fi
  local timing="$out/logs/winnow_train_time_$setup.txt" cmd
  winnow_train_cmd "$d/train.jsonl" "$d/tune.jsonl" "$model"
  /usr/bin/time -f '%e %U %S %M' -o "$timing" "${cmd[@]}" >>"$log" 2>&1 ||
    die "winnow train failed on $setup (see $log)"
  local eval_json=()
  if winnow_has_command "$winnow_bin" eval; then
    eval_json=("$out/results/${setup}__winnow_eval.json")
    winnow_eval_cmd "$model" "$d/test.jsonl"
    "${cmd[@]}" >"${eval_json[0]}" 2>>"$log" || die "winnow eval failed on $setup (see $log)"
  fi
  /usr/bin/python3 "$repo/bench/lib/winnow_result.py" "$timing" "$model" "$result" "${eval_json[@]}"
}

# ---- run -----------------------------------------------------------------------------------
# One function, parsed whole before it runs, so editing this file during a run cannot derail it.
main() {
  local setup system load_before load_after
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  for setup in ${setups//,/ }; do
    progress "preparing $setup"
    prepare_setup "$setup"
    for system in ${systems//,/ }; do
      progress "$setup: $system"
      case "$system" in
        winnow) run_winnow "$setup" ;;
        tfidf|fasttext) run_baseline "$setup" "$system" ;;
      esac
    done
    rm -rf "$out/models"/*  # fastText-sized models add up; sizes are already recorded
  done
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

  /usr/bin/python3 "$repo/bench/lib/quality_table.py" "$out" "$setups" "$systems" \
    "load average (1/5/15 min) before: $load_before, after: $load_after; $(nproc) CPUs"
}
main
exit

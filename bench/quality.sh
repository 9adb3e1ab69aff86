#!/usr/bin/env bash
# Quality benchmark: Winnow's architectures (linear, encoder) vs fastText (`supervised -loss ova`)
# vs TF-IDF + logistic regression, trained and scored on the same splits, printed as one table,
# then what each Winnow model flags in bench/data/politeness_check.jsonl and what it costs to
# serve (model load, texts/s on one core).
#
# Usage: bench/quality.sh [--setups LIST] [--systems LIST] [--out DIR] [--no-sweep]
#   --setups   comma list of: cctk, civil_full, civil_tutorial   (default: all three)
#   --systems  comma list of: winnow, encoder, tfidf, fasttext    (default: all four;
#              winnow = the linear architecture, encoder = --model encoder)
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
#                   2,254 / 304 / 275). Winnow trains with the tutorial's job settings (200 steps,
#                   learning rate 5e-5); the other setups use winnow train's defaults.
# With Winnow on civil_tutorial, a settings sweep follows the table: steps x learning rate,
# each scored on the test split, and the tutorial's settings are compared with the best
# (target: within 0.01 macro ROC-AUC). Picking the best on the test split flatters the best, so
# the comparison is, if anything, hard on the tutorial's settings. --no-sweep skips it.
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
systems="winnow,encoder,tfidf,fasttext"
out="$repo/bench/out/quality"
sweep=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --setups) setups="${2:?--setups needs a value}"; shift 2 ;;
    --systems) systems="${2:?--systems needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --no-sweep) sweep=0; shift ;;
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
  case "$s" in winnow|encoder|tfidf|fasttext) ;; *) die_usage "unknown system '$s'" ;; esac
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
if has "$systems" winnow || has "$systems" encoder; then
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
run_winnow() {  # setup, winnow|encoder
  local setup="$1" system="${2:-winnow}" d="$out/data/$1" model="$out/models/${2:-winnow}_$1.model"
  local result="$out/results/${setup}__$system.json" log="$out/logs/${system}_$setup.log"
  if [[ "$winnow_state" != "ready" ]]; then
    write_placeholder "$result" winnow "$winnow_state"
    return
  fi
  local timing="$out/logs/${system}_train_time_$setup.txt" cmd extra=()
  [[ "$setup" == civil_tutorial ]] && extra=(--training-steps 200 --learning-rate 5e-5)
  [[ "$system" == encoder ]] && extra+=(--model encoder)
  winnow_train_cmd "$d/train.jsonl" "$d/tune.jsonl" "$model" "${extra[@]}"
  /usr/bin/time -f '%e %U %S %M' -o "$timing" "${cmd[@]}" >>"$log" 2>&1 ||
    die "winnow train failed on $setup (see $log)"
  local eval_json=()
  if winnow_has_command "$winnow_bin" eval; then
    eval_json=("$out/results/${setup}__${system}_eval.json")
    winnow_eval_cmd "$model" "$d/test.jsonl"
    "${cmd[@]}" >"${eval_json[0]}" 2>>"$log" || die "winnow eval failed on $setup (see $log)"
  fi
  /usr/bin/python3 "$repo/bench/lib/winnow_result.py" "$timing" "$model" "$result" "${eval_json[@]}"
  # What the model flags among plainly polite and plainly hostile sentences.
  winnow_classify_cmd "$model" 1
  "${cmd[@]}" --flags --input-format jsonl <"$repo/bench/data/politeness_check.jsonl" \
    >"$out/results/${setup}__${system}_politeness.jsonl" 2>>"$log" ||
    die "winnow classify failed on the politeness check (see $log)"
  /usr/bin/python3 "$repo/bench/lib/politeness.py" "$repo/bench/data/politeness_check.jsonl" \
    "$out/results/${setup}__${system}_politeness.jsonl" "$setup / $system" \
    >>"$out/results/politeness.txt"
  # Serving cost on one core: loading the model (one text), then 2,000 test texts.
  head -n 1 "$d/test.jsonl" >"$out/data/one.jsonl"
  head -n 2000 "$d/test.jsonl" >"$out/data/many.jsonl"
  local t_one t_many
  t_one=$( { /usr/bin/time -f '%e' "${cmd[@]}" --input-format jsonl <"$out/data/one.jsonl" \
             >/dev/null; } 2>&1 | tail -n 1)
  t_many=$( { /usr/bin/time -f '%e %M' "${cmd[@]}" --input-format jsonl <"$out/data/many.jsonl" \
              >/dev/null; } 2>&1 | tail -n 1)
  /usr/bin/python3 -c 'import sys
one = float(sys.argv[2]); many, rss = float(sys.argv[3].split()[0]), int(sys.argv[3].split()[1])
n = int(sys.argv[4])
print(f"{sys.argv[1]}: load + 1 text {one:.2f} s; {n} texts on 1 thread {many:.2f} s = "
      f"{n / max(many - one, 1e-9):,.0f} texts/s per core after load; peak RSS {rss / 1024:,.0f} MB")' \
    "$setup / $system" "$t_one" "$t_many" "$(wc -l <"$out/data/many.jsonl")" >>"$out/results/serving.txt"
}

# Winnow on civil_tutorial at several steps x learning rates, each scored on the test split.
# Leaves $out/results/sweep.tsv (steps, learning rate, macro ROC-AUC as quality_table computes it).
tutorial_sweep() {
  local d="$out/data/civil_tutorial" steps lr model="$out/models/sweep.model" cmd
  local log="$out/logs/winnow_sweep.log" eval_json="$out/results/sweep_eval.json"
  : >"$out/results/sweep.tsv"
  for steps in 100 200 400 1000; do
    for lr in 2.5e-5 5e-5 1e-4; do
      winnow_train_cmd "$d/train.jsonl" "$d/tune.jsonl" "$model" --training-steps "$steps" \
        --learning-rate "$lr"
      "${cmd[@]}" >>"$log" 2>&1 || die "winnow train failed in the sweep (see $log)"
      winnow_eval_cmd "$model" "$d/test.jsonl"
      "${cmd[@]}" >"$eval_json" 2>>"$log" || die "winnow eval failed in the sweep (see $log)"
      /usr/bin/python3 -c 'import json, sys
h = [h for h in json.load(open(sys.argv[1]))["heads"] if h["head"] == "moderation"][0]
a = [l["roc_auc"] for l in h["labels"] if l["name"] != "safe" and l["positives"] and l["negatives"]]
print(sys.argv[2], sys.argv[3], sum(a) / len(a), sep="\t")' "$eval_json" "$steps" "$lr" \
        >>"$out/results/sweep.tsv"
    done
  done
  rm -f "$model"
}

print_sweep() {
  /usr/bin/python3 - "$out/results/sweep.tsv" <<'PY'
import sys
rows = [(int(s), lr, float(a)) for s, lr, a in (l.split("\t") for l in open(sys.argv[1]) if l.strip())]
print("\nWinnow on civil_tutorial, macro ROC-AUC on the test split (rows: steps, columns: learning rate):")
lrs = sorted({r[1] for r in rows}, key=float)
print("steps  " + "  ".join(f"{lr:>7}" for lr in lrs))
for s in sorted({r[0] for r in rows}):
    print(f"{s:>5}  " + "  ".join(f"{a:7.4f}" for lr in lrs for (s2, lr2, a) in rows if s2 == s and lr2 == lr))
best = max(rows, key=lambda r: r[2])
tut = [r for r in rows if r[0] == 200 and float(r[1]) == 5e-5][0]
verdict = "met" if best[2] - tut[2] <= 0.01 else "NOT met"
print(f"tutorial settings (200 steps, 5e-5): {tut[2]:.4f}; best: {best[2]:.4f} ({best[0]} steps, {best[1]}); "
      f"gap {best[2] - tut[2]:.4f} (target <= 0.01): {verdict}")
PY
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
        winnow|encoder) run_winnow "$setup" "$system" ;;
        tfidf|fasttext) run_baseline "$setup" "$system" ;;
      esac
    done
    if [[ "$setup" == civil_tutorial && "$winnow_state" == ready && $sweep == 1 ]] &&
      winnow_has_command "$winnow_bin" eval; then
      progress "civil_tutorial: winnow settings sweep"
      tutorial_sweep
    fi
    rm -rf "$out/models"/*  # fastText-sized models add up; sizes are already recorded
  done
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

  /usr/bin/python3 "$repo/bench/lib/quality_table.py" "$out" "$setups" "$systems" \
    "load average (1/5/15 min) before: $load_before, after: $load_after; $(nproc) CPUs"
  if [[ -s "$out/results/politeness.txt" ]]; then
    echo
    echo "Politeness check (bench/data/politeness_check.jsonl: 24 polite sentences, 4 of them"
    echo "mentioning an identity, and 12 hostile ones; flagged = any label but safe):"
    cat "$out/results/politeness.txt"
  fi
  if [[ -s "$out/results/serving.txt" ]]; then
    echo
    echo "Serving cost (winnow classify --threads 1, end to end):"
    cat "$out/results/serving.txt"
  fi
  [[ -s "$out/results/sweep.tsv" ]] && print_sweep
  return 0
}
main
exit

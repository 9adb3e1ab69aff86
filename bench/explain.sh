#!/usr/bin/env bash
# Explanation benchmark: how well Winnow's explanations point at the words human raters marked
# toxic, beside two simple anchors computed in the same run, on the same held-out posts.
#
# Usage: bench/explain.sh [--out DIR] [--methods LIST]
#   --out      work dir (default: bench/out/explain); regenerated on every run, never committed
#   --methods  comma list of explanation methods to score: exact, occlusion (default: both)
# Env: WINNOW_BIN (default build/winnow), WINNOW_SHARED (default ../shared, relative to the repo).
#
# Data: ../shared/data/civil_spans/{train,validation,test}.csv and the raters' character spans
# spans_{train,validation,test}.jsonl. Winnow trains the linear architecture on train (labels
# binarized with `> 0.5` by the shared to_jsonl.py), tunes thresholds on validation, and
# `winnow eval --spans` predicts each test post's toxic spans from the explanation of its
# `toxicity` label with the default span rule (docs/explanations.md; the rule's defaults were
# chosen on the validation split). Metric: SemEval-2021 Task 5's character F1, the mean over
# posts of the per-post F1 (a post with no gold and no predicted character scores 1).
# Anchors (bench/lib/span_anchors.py):
#   lexicon     every word of a fixed toxic lexicon: the words that lie inside the training
#               split's gold spans at least SHARE of the time (>= MIN_COUNT occurrences), the cut
#               chosen on the validation split. It learns from the rationales themselves, which
#               Winnow never sees: a strong anchor.
#   whole post  every character of every post.
#   no span     no character of any post (scores 1 on each post without gold spans).
# Exit status: 0 after printing the table, 1 on a missing dependency or a failed step, 2 on a
# usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

out="$repo/bench/out/explain"
methods="exact,occlusion"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --methods) methods="${2:?--methods needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/explain.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for m in ${methods//,/ }; do
  [[ "$m" == exact || "$m" == occlusion ]] || { echo "bench/explain.sh: unknown method '$m'" >&2; exit 2; }
done

source "$repo/bench/lib/common.sh"
winnow_bin="${WINNOW_BIN:-$repo/build/winnow}"
shared="${WINNOW_SHARED:-$repo/../shared}"
data="$shared/data/civil_spans"
need_python_modules json
need_command jq "apt-get install jq"
[[ -x "$winnow_bin" ]] || die "missing $winnow_bin (run scripts/setup.sh)"
for s in train validation test; do need_file "$data/$s.csv" "$data/spans_$s.jsonl"; done
need_file "$shared/tools/to_jsonl.py"

rm -rf "$out"
mkdir -p "$out"
log="$out/log.txt"
for s in train validation test; do
  run_logged "$log" /usr/bin/python3 "$shared/tools/to_jsonl.py" "$data/$s.csv" "$out/$s.jsonl"
done

progress "training the linear model on civil_spans train"
start=$SECONDS
run_logged "$log" "$winnow_bin" train --train "$out/train.jsonl" --validation "$out/validation.jsonl" \
  --out "$out/model.winnow" --quiet
train_s=$((SECONDS - start))

declare -A f1 secs
for m in ${methods//,/ }; do
  progress "explaining the $(wc -l <"$out/test.jsonl") test posts ($m)"
  start=$(date +%s.%N)
  run_logged "$log" bash -c "'$winnow_bin' eval '$out/model.winnow' '$out/test.jsonl' \
    --spans '$data/spans_test.jsonl' --explain-method $m --json >'$out/eval_$m.json'"
  secs[$m]=$(echo "$(date +%s.%N) - $start" | bc)
  f1[$m]=$(jq -r '.spans.span_f1' "$out/eval_$m.json")
done

progress "anchors"
run_logged "$log" bash -c "/usr/bin/python3 '$repo/bench/lib/span_anchors.py' \
  '$data/train.csv' '$data/spans_train.jsonl' '$data/validation.csv' '$data/spans_validation.jsonl' \
  '$data/test.csv' '$data/spans_test.jsonl' >'$out/anchors.json'"
a="$out/anchors.json"

posts=$(jq -r .posts "$a")
gold=$(jq -r .posts_with_gold "$a")
echo "Toxic-span F1 on civil_spans test ($posts posts, $gold with gold spans; SemEval-2021 Task 5 metric)"
printf '%-44s %8s\n' "system" "span F1"
for m in ${methods//,/ }; do
  printf '%-44s %8.4f   (%.1f s to explain and score)\n' "winnow explanations ($m)" "${f1[$m]}" "${secs[$m]}"
done
printf '%-44s %8.4f   (%s words, min count %s, inside share >= %s)\n' "anchor: toxic lexicon from train gold spans" \
  "$(jq -r .lexicon.span_f1 "$a")" "$(jq -r .lexicon.words "$a")" "$(jq -r .lexicon.min_count "$a")" \
  "$(jq -r .lexicon.min_share_inside "$a")"
printf '%-44s %8.4f\n' "anchor: the whole post" "$(jq -r .whole_post.span_f1 "$a")"
printf '%-44s %8.4f\n' "anchor: no span" "$(jq -r .no_span.span_f1 "$a")"
first="${methods%%,*}"
printf 'ratio winnow (%s) / lexicon: %.3f; model trained in %d s\n' "$first" \
  "$(echo "${f1[$first]} / $(jq -r .lexicon.span_f1 "$a")" | bc -l)" "$train_s"

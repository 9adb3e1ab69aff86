# HOOK (Winnow): the commands the bench/ scripts run against the Winnow binary. This file is the
# whole contract with the engine; adjust the commands here, and only here, when `winnow train`,
# `winnow eval` and `winnow classify` land. Each function sets the array `cmd` (declare it
# `local cmd` in the caller) so callers can time it. $winnow_bin is the binary.
#
#   winnow train --train TRAIN.jsonl --validation TUNE.jsonl --out MODEL --quiet [EXTRA...]
#       (EXTRA: hyperparameters, e.g. the tutorial's --training-steps 200 --learning-rate 5e-5)
#       trains on TRAIN and tunes each label's threshold on TUNE (best F1, the rule of
#       src/eval/binary_metrics.h), storing the thresholds in MODEL (a file or a directory).
#   winnow eval MODEL TEST.jsonl --json
#       prints {"model", "file", "samples", "heads": [report per head]} on stdout, each report
#       as src/eval/metrics_json.h writes it: per-label roc_auc, average_precision, f1 at the
#       stored thresholds, positives, negatives (docs/evaluation.md).
#   winnow classify MODEL --threads N  < texts (one per line)  > one result line per text
winnow_train_cmd() { cmd=("$winnow_bin" train --train "$1" --validation "$2" --out "$3" --quiet "${@:4}"); }
winnow_eval_cmd() { cmd=("$winnow_bin" eval "$1" "$2" --json); }
winnow_classify_cmd() { cmd=("$winnow_bin" classify "$1" --threads "$2"); }

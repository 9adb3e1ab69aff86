#!/usr/bin/python3
"""Turns one Winnow benchmark run into the result JSON that quality_table.py reads.

Usage: winnow_result.py TIMING.txt MODEL OUT.json [EVAL.json [HEAD]]
  TIMING.txt  `/usr/bin/time -f '%e %U %S %M'` of `winnow train`: wall s, user s, sys s, max RSS KiB
  MODEL       the trained model: a file, or a directory whose files are all counted
  EVAL.json   stdout of `winnow eval MODEL TEST.jsonl --json`: {"model", "file", "samples",
              "heads": [one src/eval/metrics_json.h report per head]} (docs/evaluation.md).
              Without it the result carries timing and size only, with status
              "n/a (winnow eval not built)".
  HEAD        the multi-label head to report (default "moderation", baselines.py's default)
Per-label entries are kept the way baselines.py keeps them: labels other than "safe" with both
classes present in the test split, each as {auc, ap, f1, thr, pos}.
"""
import json
import os
import sys

if len(sys.argv) not in (4, 5, 6):
    sys.exit(__doc__)
timing_path, model, out_path = sys.argv[1:4]
fields = open(timing_path).read().split()[-4:]
wall_s, user_s, sys_s, rss_kib = float(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])

if os.path.isdir(model):
    model_bytes = sum(os.path.getsize(os.path.join(root, f))
                      for root, _, files in os.walk(model) for f in files)
elif os.path.isfile(model):
    model_bytes = os.path.getsize(model)
else:
    sys.exit(f"winnow_result.py: `winnow train` wrote no model at {model}")

result = {"system": os.path.basename(out_path).split("__")[-1].removesuffix(".json"), "train_s": wall_s, "train_cpu_s": user_s + sys_s,
          "model_bytes": model_bytes, "peak_rss_bytes": rss_kib * 1024}
if len(sys.argv) >= 5:
    head = sys.argv[5] if len(sys.argv) == 6 else "moderation"
    heads = [h for h in json.load(open(sys.argv[4]))["heads"] if h["head"] == head]
    if len(heads) != 1 or heads[0]["kind"] != "multi_label":
        sys.exit(f"winnow_result.py: {sys.argv[4]} has no multi-label head '{head}'")
    report = heads[0]
    labels = {}
    for entry in report["labels"]:
        if entry["name"] == "safe" or entry["positives"] == 0 or entry["negatives"] == 0:
            continue
        labels[entry["name"]] = {"auc": entry["roc_auc"], "ap": entry["average_precision"],
                                 "f1": entry["f1"], "thr": entry["threshold"],
                                 "pos": entry["positives"]}
    result["labels"] = labels
else:
    result["status"] = "n/a (winnow eval not built)"
json.dump(result, open(out_path, "w"), indent=1)

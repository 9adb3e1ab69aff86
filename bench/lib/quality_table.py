#!/usr/bin/python3
"""Prints bench/quality.sh's table from OUT/results/<setup>__<system>.json.

Usage: quality_table.py OUT SETUPS SYSTEMS NOTE   (SETUPS, SYSTEMS: comma lists, in print order)

Every system's macro numbers are recomputed here from its per-label entries with one rule
(baselines.py's): the mean over labels other than "safe" that have both classes in the test split.
A result without per-label entries shows its "status" instead of numbers.
"""
import json
import math
import os
import sys

out, setups, systems, note = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), sys.argv[4]
NAMES = {"winnow": "Winnow linear", "encoder": "Winnow encoder", "tfidf": "TF-IDF + LR",
         "fasttext": "fastText ova"}


def rows_in(path):
    with open(path) as f:
        return sum(1 for line in f if line.strip())


def load(setup, system):
    path = os.path.join(out, "results", f"{setup}__{system}.json")
    if not os.path.exists(path):
        return {"status": "missing result"}
    r = json.load(open(path))
    labels = r.get("labels")
    if labels:
        for key in ("auc", "ap", "f1"):
            r[key] = sum(v[key] for v in labels.values()) / len(labels)
            if "macro" in r and not math.isclose(r[key], r["macro"][key], abs_tol=1e-9):
                sys.exit(f"quality_table.py: {path}: macro {key} {r['macro'][key]} differs from the "
                         f"mean of its labels {r[key]}")
    return r


def fmt(r, key, spec):
    return format(r[key], spec) if key in r else "n/a"


header = ["setup", "rows train/tune/test", "system", "labels", "macro ROC-AUC", "macro PR-AUC",
          "macro F1 (tuned)", "train s", "train CPU s", "peak RSS MB", "model bytes", "note"]
table, results = [], {}
for setup in setups:
    d = os.path.join(out, "data", setup)
    rows = "/".join(str(rows_in(os.path.join(d, f + ".jsonl"))) for f in ("train", "tune", "test"))
    for system in systems:
        r = results[(setup, system)] = load(setup, system)
        has_metrics = "auc" in r
        table.append([setup, rows, NAMES[system],
                      str(len(r["labels"])) if has_metrics else "n/a",
                      fmt(r, "auc", ".4f"), fmt(r, "ap", ".4f"), fmt(r, "f1", ".4f"),
                      fmt(r, "train_s", ".1f"), fmt(r, "train_cpu_s", ".1f"),
                      format(r["peak_rss_bytes"] / 2**20, ",.0f") if "peak_rss_bytes" in r
                      else "n/a",
                      fmt(r, "model_bytes", ",d"), r.get("status", "")])

numeric = {3, 4, 5, 6, 7, 8, 9}
widths = [max(len(str(row[i])) for row in [header] + table) for i in range(len(header))]


def line(row):
    cells = [str(c).rjust(w) if i in numeric else str(c).ljust(w)
             for i, (c, w) in enumerate(zip(row, widths))]
    return "  ".join(cells).rstrip()


print(line(header))
print(line(["-" * w for w in widths]))
for row in table:
    print(line(row))
print()
print(f"Machine: {note}.")
print("Macro = mean over labels except 'safe' with both classes in the test split; thresholds "
      "tuned for best F1 on the tune split.")

if "winnow" in systems and ("tfidf" in systems or "fasttext" in systems):
    print("Targets:")
    for setup in setups:
        w = results[(setup, "winnow")]
        parts = []
        if "tfidf" in systems:
            t = results[(setup, "tfidf")]
            if "auc" in w and "auc" in t:
                verdict = "met" if w["auc"] >= t["auc"] else "NOT met"
                parts.append(f"ROC-AUC {w['auc']:.4f} >= TF-IDF + LR {t['auc']:.4f}: {verdict}")
            else:
                parts.append("ROC-AUC >= TF-IDF + LR: n/a")
        if "fasttext" in systems:
            f = results[(setup, "fasttext")]
            if "train_s" in w and "train_s" in f and w["train_s"] > 0:
                ratio = f["train_s"] / w["train_s"]
                verdict = "met" if ratio >= 3 else "NOT met"
                cpu = (f" (CPU time: {f['train_cpu_s'] / w['train_cpu_s']:.1f}x)"
                       if w.get("train_cpu_s") else "")
                parts.append(f"training {ratio:.1f}x faster than fastText{cpu} (>= 3x wall): "
                             f"{verdict}")
            else:
                parts.append("training >= 3x faster than fastText: n/a")
        print(f"  {setup}: " + "; ".join(parts))

# The encoder architecture's targets (issue 17): hold-out quality on cctk and civil_full, and
# its cost on cctk (training wall time on this machine's cores, peak RSS).
if "encoder" in systems:
    print("Encoder targets:")
    goals = {"cctk": 0.935, "civil_full": 0.80}
    for setup in setups:
        e = results[(setup, "encoder")]
        parts = []
        if setup in goals and "auc" in e:
            verdict = "met" if e["auc"] >= goals[setup] else "NOT met"
            parts.append(f"macro ROC-AUC {e['auc']:.4f} >= {goals[setup]}: {verdict}")
        if "winnow" in systems and "auc" in results[(setup, "winnow")] and "auc" in e:
            parts.append(f"vs linear {e['auc'] - results[(setup, 'winnow')]['auc']:+.4f}")
        if "tfidf" in systems and "auc" in results[(setup, "tfidf")] and "auc" in e:
            parts.append(f"vs TF-IDF + LR {e['auc'] - results[(setup, 'tfidf')]['auc']:+.4f}")
        if setup == "cctk" and "train_s" in e:
            parts.append(f"train {e['train_s']:.0f} s wall (<= 180: "
                         f"{'met' if e['train_s'] <= 180 else 'NOT met'})")
        if "peak_rss_bytes" in e:
            gb = e["peak_rss_bytes"] / 2**30
            parts.append(f"peak RSS {gb:.2f} GiB (<= 2: {'met' if gb <= 2 else 'NOT met'})")
        print(f"  {setup}: " + "; ".join(parts))

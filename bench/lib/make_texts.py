#!/usr/bin/python3
"""Inputs of bench/classify.sh.

Usage: make_texts.py TRAIN.csv N OUT_DIR
Writes OUT_DIR/texts.txt: N texts cycling through TRAIN.csv's non-empty texts, whitespace
collapsed to single spaces (one text per line, as baselines.py writes fastText input), and
OUT_DIR/train.ft.txt: TRAIN.csv in fastText format, labels `> 0.5` (to_jsonl.py's rule),
"safe" when none.
"""
import csv, itertools, re, sys
src, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = [r for r in csv.DictReader(open(src, newline=""))]
texts = [t for t in (re.sub(r"\s+", " ", r["text"]).strip() for r in rows) if t]
with open(f"{d}/texts.txt", "w") as f:
    for t in itertools.islice(itertools.cycle(texts), n):
        f.write(t + "\n")
# fastText training file: baselines.py's format (labels `> 0.5` as in to_jsonl.py).
labels = [k for k in rows[0] if k not in ("id", "text")]
with open(f"{d}/train.ft.txt", "w") as f:
    for r in rows:
        labs = [k for k in labels if float(r[k]) > 0.5] or ["safe"]
        f.write(" ".join("__label__" + l for l in sorted(labs)) + " " +
                re.sub(r"\s+", " ", r["text"]) + "\n")

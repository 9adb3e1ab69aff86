#!/usr/bin/python3
"""Writes train/validation/test CSVs of the requested sizes by repeating ../shared/data/civil_spans
rows (ids made unique), for throughput benchmarks. Usage: make_large_civil.py SRC_DIR OUT_DIR N_TRAIN N_VAL N_TEST"""
import csv, sys, os

src, out = sys.argv[1], sys.argv[2]
sizes = {"train": int(sys.argv[3]), "validation": int(sys.argv[4]), "test": int(sys.argv[5])}
os.makedirs(out, exist_ok=True)
for split, n in sizes.items():
    with open(os.path.join(src, f"{split}.csv"), newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    with open(os.path.join(out, f"{split}.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(n):
            row = list(rows[i % len(rows)])
            row[0] = f"{i}"
            w.writerow(row)

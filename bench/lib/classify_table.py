#!/usr/bin/python3
"""Prints bench/classify.sh's table.

Usage: classify_table.py TIMINGS TEXTS WORDS WINNOW_STATE FASTTEXT_MODEL_BYTES LOAD_BEFORE LOAD_AFTER CPUS
TIMINGS lines are "LABEL WALL USER SYS" (labels fasttext, fasttext_startup, winnow,
winnow_startup); every figure shown is the median over the runs of a label.
"""
import statistics, sys
timings, texts, words, wn_state, ft_bytes, load0, load1, cpus = sys.argv[1:]
texts, words = int(texts), int(words)
runs = {}
for line in open(timings):
    f = line.split()
    if len(f) == 4:
        runs.setdefault(f[0], []).append((float(f[1]), float(f[2]) + float(f[3])))

def row(name, how, key):
    if key not in runs:
        return [name, how] + ["n/a"] * 6, None
    wall = statistics.median(w for w, _ in runs[key])
    cpu = statistics.median(c for _, c in runs[key])
    start = statistics.median(w for w, _ in runs[key + "_startup"])
    per_text = f"{texts / (wall - start):,.0f}" if wall > start else "n/a (noise)"
    return [name, how, f"{wall:.2f}", f"{cpu:.2f}", f"{start:.2f}", f"{texts / wall:,.0f}",
            per_text, f"{words / wall:,.0f}"], wall

header = ["system", "how", "wall s", "CPU s", "startup s", "texts/s", "texts/s after startup",
          "words/s"]
ft_row, ft_wall = row("fastText predict-prob", "2 processes, half the texts each", "fasttext")
wn_how = "1 process, --threads 2" if wn_state == "ready" else wn_state
wn_row, wn_wall = row("Winnow classify", wn_how, "winnow")
rows = [header, ft_row, wn_row]
numeric = set(range(2, 8))
w = [max(len(r[i]) for r in rows) for i in range(len(header))]
fmt = lambda r: "  ".join(c.rjust(w[i]) if i in numeric else c.ljust(w[i])
                          for i, c in enumerate(r)).rstrip()
print(fmt(rows[0])); print(fmt(["-" * x for x in w]))
for r in rows[1:]: print(fmt(r))
print()
print(f"{texts:,} texts ({words:,} words); medians of {len(runs.get('fasttext', []))} runs; "
      "startup = the same command on 1 text.")
if wn_wall:
    print(f"Winnow / fastText throughput (end to end): {ft_wall / wn_wall:.2f}x")
else:
    print("Winnow / fastText throughput: n/a")
print(f"fastText model: {int(ft_bytes):,} bytes. Machine: load average (1/5/15 min) before: "
      f"{load0}, after: {load1}; {cpus} CPUs.")

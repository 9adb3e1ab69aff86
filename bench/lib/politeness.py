#!/usr/bin/python3
"""Counts what a model flags in bench/data/politeness_check.jsonl (the project's own sentences:
plainly polite ones, some mentioning an identity, and plainly hostile ones).

Usage: politeness.py CHECK.jsonl FLAGS.jsonl SYSTEM
  FLAGS.jsonl  `winnow classify MODEL --flags --input-format jsonl < CHECK.jsonl`, one line per
               sentence. A sentence counts as flagged when any label other than "safe" of any
               head is among its flags.
Prints one line: SYSTEM, polite sentences flagged (want 0), hostile sentences flagged (want all),
and the polite sentences that were flagged.
"""
import json
import sys

if len(sys.argv) != 4:
    sys.exit(__doc__)
check = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
flags = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
if len(check) != len(flags):
    sys.exit(f"politeness.py: {len(check)} sentences but {len(flags)} results")
polite_flagged, hostile_flagged, n_polite, n_hostile = [], 0, 0, 0
for c, f in zip(check, flags):
    flagged = [l for head in f.values() for l in head.get("flags", []) if l != "safe"]
    if c["expected"] == "polite":
        n_polite += 1
        if flagged:
            polite_flagged.append(f'{c["text"]!r} -> {",".join(flagged)}')
    else:
        n_hostile += 1
        hostile_flagged += bool(flagged)
print(f"{sys.argv[3]}: polite flagged {len(polite_flagged)}/{n_polite} (want 0), "
      f"hostile flagged {hostile_flagged}/{n_hostile} (want {n_hostile})")
for p in polite_flagged:
    print(f"    {p}")

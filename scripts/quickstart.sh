#!/usr/bin/env bash
# The main job, end to end on embedded defaults: installs and builds (scripts/setup.sh), prepares
# a civil_comments-layout dataset into classifier JSONL with the tutorial's settings, validates
# it, charts its label distribution, trains a model with the tutorial's hyperparameters (200
# steps at 5e-5) and classifies a few texts with it; then starts `winnow serve` (SQLite store
# under the output directory) and runs the tutorial's API flow over HTTP against it
# (examples/tutorial.sh: upload, create with auto_start false, start, wait, classify, moderate),
# and leaves the server running with its address and API key printed.
#   scripts/quickstart.sh [DATA_DIR]          DATA_DIR holds train/validation/test .csv or .jsonl
#                                             (default: ../shared/data/civil_spans)
#   scripts/quickstart.sh --hub DATASET       fetch from the Hugging Face dataset viewer instead
#   --no-serve (or WINNOW_QUICKSTART_NO_SERVE=1): stop the server after the API flow
# Output goes to ${WINNOW_OUT:-out/quickstart}. Server: WINNOW_HOST (127.0.0.1), WINNOW_PORT
# (8080; 0 = any free port), WINNOW_API_KEY (default: a random key kept in OUT/api-key).
# WINNOW_SKIP_SETUP=1 skips scripts/setup.sh; WINNOW_BIN names the binary (default build/winnow).
set -euo pipefail
cd "$(dirname "$0")/.."

serve=1
[ "${WINNOW_QUICKSTART_NO_SERVE:-0}" = 1 ] && serve=0
args=()
for a in "$@"; do
  if [ "$a" = "--no-serve" ]; then serve=0; else args+=("$a"); fi
done
set -- "${args[@]+"${args[@]}"}"

[ "${WINNOW_SKIP_SETUP:-0}" = 1 ] || scripts/setup.sh
WINNOW=${WINNOW_BIN:-build/winnow}
OUT=${WINNOW_OUT:-out/quickstart}
mkdir -p "$OUT"
if [ "${1:-}" = "--hub" ]; then
  [ -n "${2:-}" ] || { echo "usage: scripts/quickstart.sh --hub DATASET" >&2; exit 2; }
  "$WINNOW" prepare --hub "$2" --out "$OUT/data"
else
  DATA=${1:-../shared/data/civil_spans}
  [ -d "$DATA" ] || { echo "quickstart: no data directory $DATA (give one, or --hub google/civil_comments)" >&2; exit 1; }
  "$WINNOW" prepare --input "$DATA" --out "$OUT/data"
fi
"$WINNOW" validate "$OUT/data/training_file.jsonl" "$OUT/data/validation_file.jsonl" "$OUT/data/test_file.jsonl"
"$WINNOW" stats "$OUT/data" --out "$OUT/distribution"
"$WINNOW" train --train "$OUT/data/training_file.jsonl" --validation "$OUT/data/validation_file.jsonl" \
  --training-steps 200 --learning-rate 5e-5 --out "$OUT/moderation.winnow"
"$WINNOW" classify --flags "$OUT/moderation.winnow" \
  "You are an idiot and everyone knows it." "Thanks for the thoughtful article, I learned a lot."
echo
echo "quickstart: classifier JSONL in $OUT/data, charts at $OUT/distribution.png and .svg, model $OUT/moderation.winnow"

# ---- the same tutorial through the HTTP API ---------------------------------------------------
if ! "$WINNOW" serve --help 2>/dev/null | grep -q -- "--data-dir"; then
  echo "quickstart: this build of winnow has no 'serve' command yet: skipping the HTTP part"
  exit 0
fi
key=${WINNOW_API_KEY:-}
if [ -z "$key" ]; then
  [ -s "$OUT/api-key" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$OUT/api-key"
  key=$(cat "$OUT/api-key")
fi
pid_file="$OUT/serve.pid"
log="$OUT/serve.log"
# A server left running by an earlier quickstart on this output directory is stopped first.
if [ -s "$pid_file" ]; then
  old=$(cat "$pid_file")
  if kill -0 "$old" 2>/dev/null && tr '\0' ' ' < "/proc/$old/cmdline" | grep -q " serve "; then
    echo "quickstart: stopping the server an earlier run left (pid $old)"
    kill "$old"
    while kill -0 "$old" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pid_file"
fi
# Created here, not by the background job's redirection: the loop below may read it first.
: > "$log"
nohup "$WINNOW" serve --data-dir "$OUT/winnow-data" --host "${WINNOW_HOST:-127.0.0.1}" \
  --port "${WINNOW_PORT:-8080}" --api-key "$key" > "$log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$pid_file"
# SIGTERM and wait; returns the server's exit status (0 = a clean stop).
stop_server() {
  local rc=0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || rc=$?
  rm -f "$pid_file"
  return "$rc"
}
trap 'stop_server || true' ERR
url=""
while [ -z "$url" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    echo "quickstart: winnow serve stopped (log above; a busy port? set WINNOW_PORT=0 for any free one)" >&2
    rm -f "$pid_file"
    exit 1
  fi
  url=$(sed -n 's/^winnow serve: listening on \(http:[^ ]*\)$/\1/p' "$log" | head -n 1)
  [ -n "$url" ] || sleep 0.1
done
echo
echo "quickstart: winnow serve is listening on $url (data in $OUT/winnow-data); running the tutorial over HTTP"
WINNOW_URL="$url" WINNOW_API_KEY="$key" POLL_SECONDS="${POLL_SECONDS:-0.5}" \
  examples/tutorial.sh "$OUT/data/training_file.jsonl" "$OUT/data/validation_file.jsonl"
trap - ERR

echo
if [ "$serve" = 0 ]; then
  rc=0
  stop_server || rc=$?
  [ "$rc" = 0 ] || { echo "quickstart: winnow serve exited with status $rc on SIGTERM (log: $log)" >&2; exit 1; }
  echo "quickstart: done; the server is stopped (--no-serve)"
else
  echo "quickstart: winnow serve keeps running at $url (pid $pid, log $log)"
  echo "  export WINNOW_URL=$url WINNOW_API_KEY=$key"
  echo "  curl -H \"Authorization: Bearer \$WINNOW_API_KEY\" \$WINNOW_URL/v1/models"
  echo "  stop it with: kill $pid"
fi

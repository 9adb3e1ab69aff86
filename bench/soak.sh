#!/usr/bin/env bash
# Soak test of `winnow serve` (issue 6), loopback only, bounded in time.
#
# Usage: bench/soak.sh [--minutes N] [--connections C] [--slice S] [--out DIR]
#   --minutes      length of the load phase (default 10)
#   --connections  wrk connections (default 16, on 2 wrk threads)
#   --slice        seconds per wrk run; one latency line per slice (default 30)
#   --out          work dir (default bench/out/soak; regenerated, never committed)
# Env: WINNOW_BIN (default build/winnow).
#
# What it does: starts `winnow serve --port 0` on 127.0.0.1 with a fresh data dir, trains a
# small classifier through the API (upload, fine-tuning job, wait for SUCCESS), then for
# --minutes drives POST /v1/classifications with wrk in back-to-back slices while a side loop
# (bench/lib/soak_side.py: one python3 process, no pause between iterations) uploads and deletes
# files and creates, starts and cancels jobs (which validate and train in the server at the same
# time). It reports per slice requests/s, p50/p99/max latency and errors, the side loop's
# request count and failures, and the server's RSS (VmRSS of /proc/PID/status) after a warm-up
# slice and at the end.
# Exit status: 0 if there was no error (non-2xx or socket error, in wrk or the side loop; the
# server's 400 "too many active jobs" is back-pressure, not an error) and RSS grew by less than
# 5%; 1 otherwise or on a missing tool or failed step; 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

minutes=10
connections=16
slice=30
out="$repo/bench/out/soak"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a value}"; shift 2 ;;
    --connections) connections="${2:?--connections needs a value}"; shift 2 ;;
    --slice) slice="${2:?--slice needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/soak.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

source "$repo/bench/lib/common.sh"
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || die_usage "--minutes must be a whole number >= 1"
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || die_usage "--connections must be a positive integer"
[[ "$slice" =~ ^[1-9][0-9]*$ ]] || die_usage "--slice must be a positive integer"
need_command wrk "apt-get install wrk"
need_command curl "apt-get install curl"
need_command python3 "apt-get install python3"
bin="${WINNOW_BIN:-$repo/build/winnow}"
winnow_has_command "$bin" serve || die "$bin has no 'serve' command (build it first: scripts/setup.sh)"

rm -rf "$out"
mkdir -p "$out"
key="soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
auth=(-H "Authorization: Bearer $key")

# Training data: two labels, a few hundred short texts.
python3 - "$out/train.jsonl" <<'EOF'
import json, random, sys
random.seed(7)
bad = ["idiot", "stupid", "moron", "hate you", "shut up", "loser", "garbage", "pathetic"]
good = ["thanks", "great point", "have a nice day", "well written", "interesting", "agreed", "lovely", "helpful"]
fill = ["the", "article", "comment", "really", "people", "today", "about", "this", "city", "game"]
with open(sys.argv[1], "w") as f:
    for i in range(400):
        toxic = i % 2 == 0
        words = random.sample(fill, 5) + [random.choice(bad if toxic else good)]
        random.shuffle(words)
        f.write(json.dumps({"text": " ".join(words), "labels": {"moderation": ["toxic" if toxic else "safe"]}}) + "\n")
EOF

# The server.
"$bin" serve --host 127.0.0.1 --port 0 --data-dir "$out/data" --api-key "$key" --workers 1 \
  --train-threads 1 --no-access-log >"$out/serve.out" 2>"$out/serve.err" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ -n "${side_pid:-}" ]]; then  # an `&&` list ending false here would make set -e exit 1
    kill "$side_pid" 2>/dev/null || true
    wait "$side_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's|^winnow serve: listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$out/serve.out")"
  [[ -n "$port" ]] && break
  kill -0 "$pid" 2>/dev/null || { tail -n 20 "$out/serve.err" >&2; die "winnow serve exited before listening"; }
  sleep 0.1
done
[[ -n "$port" ]] || die "winnow serve did not print its listening line in 10 s"
base="http://127.0.0.1:$port"
echo "server pid $pid on $base; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
upload() {  # upload FILE -> file id
  curl -sS --fail-with-body "${auth[@]}" -F "file=@$1" -F visibility=workspace "$base/v1/files" | json_field id
}
create_job() {  # create_job FILE_ID AUTO_START -> job id
  curl -sS --fail-with-body "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"model\":\"ministral-3b-latest\",\"job_type\":\"classifier\",\"auto_start\":$2,\"training_files\":[{\"file_id\":\"$1\",\"weight\":1}],\"hyperparameters\":{\"training_steps\":30,\"learning_rate\":0.1}}" \
    "$base/v1/fine_tuning/jobs" | json_field id
}
job_status() { curl -sS --fail-with-body "${auth[@]}" "$base/v1/fine_tuning/jobs/$1" | json_field status; }

# A model to classify with.
file_id="$(upload "$out/train.jsonl")"
job_id="$(create_job "$file_id" true)"
model=""
for _ in $(seq 1 600); do
  status="$(job_status "$job_id")"
  case "$status" in
    SUCCESS) model="$(curl -sS "${auth[@]}" "$base/v1/fine_tuning/jobs/$job_id" | json_field fine_tuned_model)"; break ;;
    FAILED|FAILED_VALIDATION|CANCELLED) die "the training job ended $status" ;;
  esac
  sleep 0.5
done
[[ -n "$model" ]] || die "the training job did not finish in 5 minutes"
echo "model: $model"

# wrk: one request shape, a parseable summary line per run.
cat >"$out/classify.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '{"model":"$model","input":["you are a pathetic idiot","thanks, a well written article","people today really shut up"]}'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SLICE %d %d %d %d %d %d %d %.0f %.0f %.0f\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
EOF
run_wrk() {  # run_wrk SECONDS -> the SLICE line
  wrk -t 2 -c "$connections" -d "${1}s" --timeout 10s -s "$out/classify.lua" "$base/v1/classifications" \
    | grep '^SLICE'
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }

# Side load (bench/lib/soak_side.py): uploads and deletes, jobs created with auto_start (they
# validate and train), jobs created without it and cancelled at once, VALIDATED ones started.
# It counts requests and failures into side.counts. It starts before the warm-up slice, so the
# RSS baseline already holds its steady state (queued jobs, a training's buffers).
rm -f "$out/stop"
echo "0 0" >"$out/side.counts"
python3 "$repo/bench/lib/soak_side.py" "$base" "$key" "$out/train.jsonl" "$out/stop" \
  "$out/side.counts" "$out/side.err" 2>>"$out/side.err" &
side_pid=$!

echo "warm-up slice (10 s)"
run_wrk 10 >/dev/null
rss_start="$(rss_kb)"

slices=$(( (minutes * 60 + slice - 1) / slice ))
total_req=0 total_err=0
printf '%-6s %10s %9s %9s %9s %9s %8s\n' slice requests req/s p50_ms p99_ms max_ms errors
for s in $(seq 1 "$slices"); do
  read -r _ req dur_us ec er ew et es p50 p99 pmax < <(run_wrk "$slice")
  errs=$((ec + er + ew + et + es))
  total_req=$((total_req + req)); total_err=$((total_err + errs))
  awk -v s="$s" -v r="$req" -v d="$dur_us" -v a="$p50" -v b="$p99" -v m="$pmax" -v e="$errs" \
    'BEGIN { printf "%-6s %10d %9.0f %9.2f %9.2f %9.2f %8d\n", s, r, r / (d / 1e6), a / 1000, b / 1000, m / 1000, e }'
  kill -0 "$pid" 2>/dev/null || die "the server died"
done
touch "$out/stop"
side_rc=0
wait "$side_pid" || side_rc=$?
side_pid=""
[[ "$side_rc" -eq 0 ]] || progress "the side loop exited with status $side_rc (see $out/side.err)"
read -r side_n side_fail <"$out/side.counts"
rss_end="$(rss_kb)"
jobs_line="$(curl -sS "${auth[@]}" "$base/metrics" | grep '^winnow_jobs{' | tr '\n' ' ')"
growth="$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')"
echo "classify requests: $total_req; errors (non-2xx + socket): $total_err"
echo "side loop requests: $side_n; failures: $side_fail (details: $out/side.err)"
echo "jobs at the end: $jobs_line"
echo "RSS start: ${rss_start} kB; end: ${rss_end} kB; growth: ${growth}%"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
ok=1
[[ "$total_err" -eq 0 && "$side_fail" -eq 0 && "$side_rc" -eq 0 ]] || ok=0
awk -v g="$growth" 'BEGIN { exit !(g < 5) }' || ok=0
[[ "$ok" -eq 1 ]] && { echo "soak: PASS"; exit 0; }
echo "soak: FAIL"
exit 1

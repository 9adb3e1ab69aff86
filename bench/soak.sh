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
# --minutes drives POST /v1/classifications with wrk in back-to-back slices while a curl loop
# uploads files and creates, starts and cancels jobs (which validate and train in the server
# at the same time). It reports per slice requests/s, p50/p99/max latency and errors, the side
# loop's request count and failures, and the server's RSS (VmRSS of /proc/PID/status) after a
# warm-up slice and at the end.
# Exit status: 0 if there was no error (non-2xx or socket error, in wrk or curl) and RSS grew
# by less than 5%; 1 otherwise; 2 on a usage error or a missing tool.
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
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench/soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 ]] || { echo "--minutes must be a whole number >= 1" >&2; exit 2; }
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/soak.sh: needs $tool (scripts/setup.sh installs it)" >&2; exit 2; }
done
bin="${WINNOW_BIN:-$repo/build/winnow}"
[[ -x "$bin" ]] || { echo "bench/soak.sh: $bin not built" >&2; exit 2; }

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
  kill -0 "$pid" 2>/dev/null || { echo "serve exited:"; cat "$out/serve.err"; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "serve did not print its listening line" >&2; exit 1; }
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
    FAILED|FAILED_VALIDATION|CANCELLED) echo "training job ended $status" >&2; exit 1 ;;
  esac
  sleep 0.5
done
[[ -n "$model" ]] || { echo "training job did not finish in 5 minutes" >&2; exit 1; }
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

echo "warm-up slice (10 s)"
run_wrk 10 >/dev/null
rss_start="$(rss_kb)"

# Side load: uploads, jobs created with auto_start (they validate and train), jobs created
# without it and cancelled at once, and VALIDATED ones started. Counts requests and failures.
side() {
  local n=0 fail=0 pending="" i=0 f fid jid st
  while [[ ! -e "$out/stop" ]]; do
    i=$((i + 1))
    f="$out/side-$i.jsonl"
    head -n $((100 + i % 50)) "$out/train.jsonl" >"$f"
    echo "{\"text\":\"side $i\",\"labels\":{\"moderation\":[\"safe\"]}}" >>"$f"
    n=$((n + 1)); fid="$(upload "$f" 2>>"$out/side.err")" || { fail=$((fail + 1)); fid=""; }
    rm -f "$f"
    if [[ -n "$fid" ]]; then
      case $((i % 3)) in
        0) n=$((n + 1)); create_job "$fid" true >/dev/null 2>>"$out/side.err" || fail=$((fail + 1)) ;;
        1) n=$((n + 1))
           if jid="$(create_job "$fid" false 2>>"$out/side.err")"; then
             n=$((n + 1)); curl -sS --fail-with-body -o /dev/null "${auth[@]}" -X POST \
               "$base/v1/fine_tuning/jobs/$jid/cancel" 2>>"$out/side.err" || fail=$((fail + 1))
           else fail=$((fail + 1)); fi ;;
        2) n=$((n + 1))
           if jid="$(create_job "$fid" false 2>>"$out/side.err")"; then pending="$pending $jid"; else fail=$((fail + 1)); fi ;;
      esac
    fi
    # Start the pending jobs that reached VALIDATED; drop the ones that ended otherwise.
    local keep=""
    for jid in $pending; do
      n=$((n + 1)); st="$(job_status "$jid" 2>>"$out/side.err")" || { fail=$((fail + 1)); continue; }
      case "$st" in
        VALIDATED) n=$((n + 1)); curl -sS --fail-with-body -o /dev/null "${auth[@]}" -X POST \
                     "$base/v1/fine_tuning/jobs/$jid/start" 2>>"$out/side.err" || fail=$((fail + 1)) ;;
        QUEUED|VALIDATING) keep="$keep $jid" ;;
      esac
    done
    pending="$keep"
    echo "$n $fail" >"$out/side.counts"
    sleep 1
  done
}
rm -f "$out/stop"
side &
side_pid=$!

slices=$(( (minutes * 60 + slice - 1) / slice ))
total_req=0 total_err=0
printf '%-6s %10s %9s %9s %9s %9s %8s\n' slice requests req/s p50_ms p99_ms max_ms errors
for s in $(seq 1 "$slices"); do
  read -r _ req dur_us ec er ew et es p50 p99 pmax < <(run_wrk "$slice")
  errs=$((ec + er + ew + et + es))
  total_req=$((total_req + req)); total_err=$((total_err + errs))
  awk -v s="$s" -v r="$req" -v d="$dur_us" -v a="$p50" -v b="$p99" -v m="$pmax" -v e="$errs" \
    'BEGIN { printf "%-6s %10d %9.0f %9.2f %9.2f %9.2f %8d\n", s, r, r / (d / 1e6), a / 1000, b / 1000, m / 1000, e }'
  kill -0 "$pid" 2>/dev/null || { echo "the server died" >&2; exit 1; }
done
touch "$out/stop"
wait "$side_pid" || true
side_pid=""
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
[[ "$total_err" -eq 0 && "$side_fail" -eq 0 ]] || ok=0
awk -v g="$growth" 'BEGIN { exit !(g < 5) }' || ok=0
[[ "$ok" -eq 1 ]] && { echo "soak: PASS"; exit 0; }
echo "soak: FAIL"
exit 1

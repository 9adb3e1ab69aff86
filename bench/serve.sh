#!/usr/bin/env bash
# Serving throughput and latency of `winnow serve` on /v1/classifications, measured with wrk over
# keep-alive connections, next to Mistral's hosted classifier (about 430 ms per request,
# ../shared/docs/anchors.md §2).
#
# Usage: bench/serve.sh [--duration S] [--connections "1 16 64"] [--wrk-threads N] [--out DIR]
#   --duration     seconds per case (default 10)
#   --connections  keep-alive connection counts (default "1 16 64")
#   --wrk-threads  wrk threads (default 2, never more than the connections)
#   --out          work dir (default bench/out/serve); regenerated on every run, never committed
# Env: WINNOW_BIN (default build/winnow), WINNOW_SHARED (default ../shared, relative to the repo),
#      SERVE_ARGS (extra `winnow serve` options, e.g. "--workers 1").
#
# The model is trained by the server itself through examples/tutorial.sh (the tutorial's 200
# steps at 5e-5) on civil_spans prepared by `winnow prepare` (a synthetic set when
# ../shared/data is absent). Request bodies cycle through the prepared test split's texts: one
# text per request ("single") or 32 per request ("batch32"). wrk runs on the same machine and
# competes with the server for its cores; `uptime` is printed before and after.
# Targets (issue 14): single input at 16 and at 64 connections >= 30,000 req/s with p99 <= 5 ms
# (p99.9 and max printed beside it); 32-input bodies >= 60,000 texts/s. The 1-minute load average
# and the share of CPU other processes use (/proc/stat over 2 s while the server idles) are
# recorded before each case; a case where others used more than NOISY_CPU percent (default 20) is
# marked noisy and does not count toward the verdict.
# Exit status: 0 after printing the table (whether or not the target is met), 1 on a failure
# (a non-200 answer, a missing dependency or a failed step).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

duration=10
connections="1 16 64"
wrk_threads=2
out="$repo/bench/out/serve"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
    --connections) connections="${2:?--connections needs a value}"; shift 2 ;;
    --wrk-threads) wrk_threads="${2:?--wrk-threads needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/serve.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

source "$repo/bench/lib/common.sh"
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || die_usage "--duration must be a positive integer"
[[ "$wrk_threads" =~ ^[1-9][0-9]*$ ]] || die_usage "--wrk-threads must be a positive integer"
winnow_bin="${WINNOW_BIN:-$repo/build/winnow}"
shared="${WINNOW_SHARED:-$repo/../shared}"
need_command wrk "apt-get install wrk"
need_command curl "apt-get install curl"
need_command jq "apt-get install jq"
winnow_has_command "$winnow_bin" serve || die "$winnow_bin has no 'serve' command (build it first: scripts/setup.sh)"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/data" "$out/winnow-data" "$out/logs" "$out/bodies"
mkdir -p "$out/data" "$out/logs" "$out/bodies"

# ---- data ------------------------------------------------------------------------------------
if [[ -f "$shared/data/civil_spans/train.csv" ]]; then
  progress "preparing civil_spans (the tutorial's settings)"
  run_logged "$out/logs/prepare.log" "$winnow_bin" prepare --input "$shared/data/civil_spans" --out "$out/data" --quiet
  data_source="civil_spans"
else
  progress "no $shared/data/civil_spans: using a synthetic moderation set"
  /usr/bin/python3 - "$out/data" <<'EOF'
import json, random, sys
rng = random.Random(7)
filler = "the news today about city council vote was park budget road school".split()
insults = ["idiot", "moron", "stupid", "loser", "clown"]
threats = ["kill", "hurt", "destroy", "burn"]
for name, n in [("training_file", 2000), ("validation_file", 300), ("test_file", 300)]:
    with open(f"{sys.argv[1]}/{name}.jsonl", "w") as f:
        for i in range(n):
            words = [rng.choice(filler) for _ in range(rng.randint(8, 40))]
            labels = ["safe"]
            if i % 3 == 1:
                words += ["you", rng.choice(insults)]; labels = ["toxicity", "insult"]
            elif i % 3 == 2:
                words += ["I will", rng.choice(threats), "you"]; labels = ["toxicity", "threat"]
            f.write(json.dumps({"text": " ".join(words), "labels": {"moderation": labels}}) + "\n")
EOF
  data_source="synthetic"
fi

# ---- server and model ------------------------------------------------------------------------
key="bench-key"
# shellcheck disable=SC2086
"$winnow_bin" serve --data-dir "$out/winnow-data" --host 127.0.0.1 --port 0 --api-key "$key" \
  ${SERVE_ARGS:-} > "$out/logs/serve.out" 2> "$out/logs/serve.err" < /dev/null &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
url=""
while [[ -z "$url" ]]; do
  kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$out/logs/serve.err" >&2; die "winnow serve exited before listening"; }
  url=$(sed -n 's/^winnow serve: listening on \(http:[^ ]*\)$/\1/p' "$out/logs/serve.out" | head -n 1)
  [[ -n "$url" ]] || sleep 0.1
done
progress "server at $url; training the tutorial's model through the API"
( cd "$out/data" && WINNOW_URL="$url" WINNOW_API_KEY="$key" POLL_SECONDS=0.5 \
    "$repo/examples/tutorial.sh" training_file.jsonl validation_file.jsonl ) > "$out/logs/tutorial.log" 2>&1 ||
  { tail -n 20 "$out/logs/tutorial.log" >&2; die "training through examples/tutorial.sh failed (log: $out/logs/tutorial.log)"; }
model=$(sed -n 's/^fine_tuned_model: //p' "$out/logs/tutorial.log")
[[ -n "$model" ]] || die "no model id in $out/logs/tutorial.log"

# ---- request bodies: one JSON document per line ---------------------------------------------
texts="$out/data/test_file.jsonl"
jq -c --arg m "$model" '{model: $m, input: [.text]}' "$texts" > "$out/bodies/single.jsonl"
jq -c -s --arg m "$model" '[.[].text] as $t | [range(0; ($t | length) - 31; 32) | {model: $m, input: $t[.:(. + 32)]}] | .[]' \
  "$texts" > "$out/bodies/batch32.jsonl"
n_texts=$(wc -l < "$out/bodies/single.jsonl")
mean_chars=$(jq -s '[.[].text | length] | add / length | floor' "$texts")
[[ -s "$out/bodies/batch32.jsonl" ]] || die "fewer than 32 texts in $texts"
# One request of each kind must answer 200 with as many results as inputs.
for kind in single batch32; do
  want=$([[ $kind == single ]] && echo 1 || echo 32)
  got=$(head -n 1 "$out/bodies/$kind.jsonl" | curl -sS --fail-with-body -H "Authorization: Bearer $key" \
    -H "Content-Type: application/json" --data-binary @- "$url/v1/classifications" | jq '.results | length')
  [[ "$got" == "$want" ]] || die "a $kind request gave $got results, expected $want"
done

cat > "$out/bodies/post.lua" <<'EOF'
-- wrk script: POSTs the bodies of a file (one per line) in turn, each connection starting at a
-- different line; prints one machine-readable summary line.
local requests = {}
local next_index = 1
function init(args)
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[2] }
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", "/v1/classifications", headers, line)
  end
  next_index = math.random(#requests)
end
function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format("WRK_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d non2xx=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.status, e.connect + e.read + e.write, e.timeout))
end
EOF

# ---- runs --------------------------------------------------------------------------------------
# Percent of all cores busy over the next $1 seconds (from /proc/stat's first line).
cpu_busy_percent() {
  local a b
  a=$(head -n 1 /proc/stat); sleep "$1"; b=$(head -n 1 /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { n = split(a, x); split(b, y); t = 0
    for (i = 2; i <= n; i++) t += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6]); printf "%.0f", (t > 0) ? 100 * (t - idle) / t : 0 }'
}
load_before=$(uptime)
results="$out/results.tsv"
printf 'case\tconnections\treq_per_s\tinputs_per_s\tp50_ms\tp99_ms\tp999_ms\tmax_ms\ttimeouts\tload1\tother_cpu\tnoisy\n' > "$results"
failed=0
for kind in single batch32; do
  inputs=$([[ $kind == single ]] && echo 1 || echo 32)
  for c in $connections; do
    t=$(( wrk_threads < c ? wrk_threads : c ))
    # Noise: the load average counts this bench's own previous case for a minute, so what decides
    # is the CPU that other processes use while the server idles: /proc/stat over 2 s.
    load1=$(cut -d' ' -f1 /proc/loadavg)
    other_cpu=$(cpu_busy_percent 2)
    noisy=$(awk -v b="$other_cpu" -v m="${NOISY_CPU:-20}" 'BEGIN { print (b > m) ? "yes" : "no" }')
    progress "wrk: $kind, $c connection(s), ${duration}s (load $load1)"
    log="$out/logs/wrk_${kind}_${c}.log"
    wrk -t "$t" -c "$c" -d "${duration}s" --latency -s "$out/bodies/post.lua" "$url" \
      -- "$out/bodies/$kind.jsonl" "$key" > "$log" 2>&1 || die "wrk failed (log: $log)"
    line=$(grep '^WRK_RESULT' "$log") || die "no result line in $log"
    eval "${line#WRK_RESULT }"  # requests= duration_us= p50_us= p99_us= p999_us= max_us= non2xx= socket_errors= timeouts=
    if (( non2xx > 0 || socket_errors > 0 )); then
      progress "$kind at $c connections: $non2xx non-200 answers, $socket_errors socket errors (log: $log)"
      failed=1
    fi
    awk -v k="$kind" -v c="$c" -v r="$requests" -v d="$duration_us" -v n="$inputs" -v p50="$p50_us" -v p99="$p99_us" \
      -v p999="$p999_us" -v mx="$max_us" -v to="$timeouts" -v l="$load1" -v o="$other_cpu" -v z="$noisy" \
      'BEGIN { rps = r / (d / 1e6); printf "%s\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\t%s\n", k, c, rps, rps * n, p50 / 1000, p99 / 1000, p999 / 1000, mx / 1000, to, l, o, z }' >> "$results"
  done
done
load_after=$(uptime)

# ---- table -------------------------------------------------------------------------------------
echo
echo "winnow serve, POST /v1/classifications, model $model"
echo "data: $data_source, $n_texts texts of $mean_chars characters on average; ${duration}s per case; wrk on the same machine ($(nproc) cores)"
echo
awk -F'\t' 'NR == 1 { printf "%-9s %11s %10s %10s %9s %9s %9s %9s %9s %6s %6s %6s\n", "case", "connections", "req/s", "inputs/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "timeouts", "load", "other%", "noisy"; next }
            { printf "%-9s %11d %10d %10d %9.2f %9.2f %9.2f %9.2f %9d %6s %6s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$results"
echo "(timeouts: requests wrk gave up on after 2 s; they are not in the latency figures)"
echo
awk -F'\t' '
  $1 == "single" && $2 == 1 { seq = $3; p50 = $5 }
  $1 == "single" && $2 == 16 { rps16 = $3; p99 = $6 }
  END {
    if (seq) printf "Mistral API anchor: ~430 ms per classification request, 2.33 req/s sequential (anchors.md §2)\n" \
                    "  single-input, 1 connection: %.2f ms p50 = %.0fx lower latency, %.0fx the sequential rate\n", p50, 430 / p50, seq / 2.33
  }' "$results"
awk -F'\t' '
  NR > 1 && (($1 == "single" && ($2 == 16 || $2 == 64)) || $1 == "batch32") {
    if ($1 == "single") { want = "single-input: >= 30000 req/s, p99 <= 5 ms"; ok = ($3 >= 30000 && $6 <= 5) }
    else { want = "32-input: >= 60000 texts/s"; ok = ($4 >= 60000) }
    verdict = ($12 == "yes") ? "noisy (other processes used " $11 "% of the CPU before the case, load " $10 "): does not count, rerun on a quiet machine" : (ok ? "met" : "NOT met")
    printf "target (issue 14) %s at %d connections: %d req/s, %d inputs/s, p99 %.2f ms -> %s\n", want, $2, $3, $4, $6, verdict
  }' "$results"
echo "load before: $load_before"
echo "load after:  $load_after"
echo "raw results: $results"
exit "$failed"

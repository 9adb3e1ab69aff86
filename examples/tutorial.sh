#!/usr/bin/env bash
# Mistral's moderation tutorial, Step 4 onwards, as plain HTTP: every `client.files`,
# `client.fine_tuning.jobs` and `client.classifiers` call of the Python notebook is one curl
# request here, sent to Winnow (or to any server speaking Mistral's API).
#
#   examples/tutorial.sh [TRAINING_FILE [VALIDATION_FILE]]
#       default: training_file.jsonl and validation_file.jsonl in the current directory, as the
#       tutorial writes them (`winnow prepare` writes the same files).
#
# Environment:
#   WINNOW_URL        server base URL (default http://127.0.0.1:8080)
#   WINNOW_API_KEY    sent as `Authorization: Bearer ...` (leave unset for a --no-auth server)
#   MODEL             base model (default ministral-3b-latest, the tutorial's)
#   TRAINING_STEPS    default 200; LEARNING_RATE default 0.00005 (the tutorial's hyperparameters)
#   POLL_SECONDS      status poll interval (default 1); WAIT_SECONDS: give up after (default 3600)
#
# Prints each response (pretty-printed with jq when installed, else python3), then on the last
# line `fine_tuned_model: <id>`. Exit status 0 when the job reached SUCCESS and the model
# classified; 1 on any HTTP error (its body is printed) or a job that failed.
set -euo pipefail
shopt -s inherit_errexit

TRAIN=${1:-training_file.jsonl}
VALID=${2:-validation_file.jsonl}
URL=${WINNOW_URL:-http://127.0.0.1:8080}
URL=${URL%/}
MODEL=${MODEL:-ministral-3b-latest}
TRAINING_STEPS=${TRAINING_STEPS:-200}
LEARNING_RATE=${LEARNING_RATE:-0.00005}
POLL_SECONDS=${POLL_SECONDS:-1}
WAIT_SECONDS=${WAIT_SECONDS:-3600}

die() { echo "tutorial.sh: $*" >&2; exit 1; }
for f in "$TRAIN" "$VALID"; do [ -f "$f" ] || die "no file $f (usage: examples/tutorial.sh [TRAINING_FILE [VALIDATION_FILE]])"; done
command -v curl >/dev/null || die "needs curl"

# JSON: jq when present, python3 otherwise.
if command -v jq >/dev/null; then
  pretty() { jq .; }
  field() { jq -r ".$1 // empty"; }  # a top-level field, e.g. `field id`
else
  command -v python3 >/dev/null || die "needs jq or python3 to read JSON"
  pretty() { python3 -m json.tool; }
  field() { python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"; }
fi

AUTH=()
[ -n "${WINNOW_API_KEY:-}" ] && AUTH=(-H "Authorization: Bearer $WINNOW_API_KEY")

# api METHOD PATH [curl args...]: the response body on stdout; on an HTTP error the body goes to
# stderr and the script stops.
api() {
  local method=$1 path=$2 body; shift 2
  if ! body=$(curl -sS --fail-with-body -X "$method" "${AUTH[@]}" "$URL$path" "$@"); then
    printf '%s\n' "$body" >&2
    die "$method $path failed (the response is above)"
  fi
  printf '%s\n' "$body"
}

step() { printf '\n== %s\n' "$*"; }

# training_data = client.files.upload(file={"file_name": "training_file.jsonl", "content": open(...)})
step "upload $TRAIN"
training_data=$(api POST /v1/files -F "file=@$TRAIN")
echo "$training_data" | pretty
training_id=$(echo "$training_data" | field id)

# validation_data = client.files.upload(file={"file_name": "validation_file.jsonl", ...})
step "upload $VALID"
validation_data=$(api POST /v1/files -F "file=@$VALID")
echo "$validation_data" | pretty
validation_id=$(echo "$validation_data" | field id)

# created_job = client.fine_tuning.jobs.create(model=..., job_type="classifier", training_files=[...],
#     validation_files=[...], hyperparameters={"training_steps": 200, "learning_rate": 0.00005},
#     auto_start=False)
step "create a classifier job on $MODEL (auto_start false)"
created_job=$(api POST /v1/fine_tuning/jobs -H "Content-Type: application/json" --data-binary @- <<EOF
{"model": "$MODEL", "job_type": "classifier",
 "training_files": [{"file_id": "$training_id", "weight": 1}],
 "validation_files": ["$validation_id"],
 "hyperparameters": {"training_steps": $TRAINING_STEPS, "learning_rate": $LEARNING_RATE},
 "auto_start": false}
EOF
)
echo "$created_job" | pretty
job_id=$(echo "$created_job" | field id)

# client.fine_tuning.jobs.get(job_id=...) until the status leaves the given ones; prints each
# new status, and the job at the end.
wait_job() {
  local deadline=$((SECONDS + WAIT_SECONDS)) last="" job status
  while :; do
    job=$(api GET "/v1/fine_tuning/jobs/$job_id")
    status=$(echo "$job" | field status)
    [ "$status" = "$last" ] || echo "status: $status" >&2
    last=$status
    case " $* " in *" $status "*) ;; *) echo "$job"; return ;; esac
    [ "$SECONDS" -lt "$deadline" ] || die "job $job_id still $status after ${WAIT_SECONDS}s"
    sleep "$POLL_SECONDS"
  done
}

step "wait for validation"
job=$(wait_job QUEUED VALIDATING)
[ "$(echo "$job" | field status)" = VALIDATED ] || { echo "$job" | pretty; die "job $job_id did not validate"; }
if command -v jq >/dev/null; then
  echo "$job" | jq '{status, classifier_targets, epochs: .hyperparameters.epochs, metadata}'
fi

# client.fine_tuning.jobs.start(job_id=...)
step "start job $job_id"
# (Content-Length: 0, as the SDKs send it: a bodyless POST without it is not framed for every server)
api POST "/v1/fine_tuning/jobs/$job_id/start" -H "Content-Length: 0" | field status

step "wait for training"
job=$(wait_job QUEUED STARTED RUNNING CANCELLATION_REQUESTED)
if [ "$(echo "$job" | field status)" != SUCCESS ]; then
  echo "$job" | pretty
  die "job $job_id ended $(echo "$job" | field status)"
fi
if command -v jq >/dev/null; then
  echo "$job" | jq '{status, fine_tuned_model, trained_tokens, last_checkpoint: .checkpoints[0]}'
fi
fine_tuned_model=$(echo "$job" | field fine_tuned_model)

# response = client.classifiers.classify(model=..., inputs=["Your text to moderate here."])
step "classify with $fine_tuned_model"
api POST /v1/classifications -H "Content-Type: application/json" --data-binary @- <<EOF | pretty
{"model": "$fine_tuned_model",
 "input": ["Your text to moderate here.", "You are an idiot and everyone knows it.",
           "Thanks for the thoughtful article, I learned a lot."]}
EOF

# client.classifiers.moderate(model=..., inputs=[...]): categories flagged with the model's thresholds
step "moderate with $fine_tuned_model"
api POST /v1/moderations -H "Content-Type: application/json" --data-binary @- <<EOF | pretty
{"model": "$fine_tuned_model", "input": ["You are an idiot and everyone knows it."]}
EOF

echo
echo "job_id: $job_id"
echo "fine_tuned_model: $fine_tuned_model"

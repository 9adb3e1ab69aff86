#!/usr/bin/env python3
"""The side load of bench/soak.sh: one long-lived process (stdlib only) that, until STOP_FILE
exists, uploads small classifier files and drives fine-tuning jobs through `winnow serve`:

  every iteration: upload a file (unique content), then by turns
    - create a job with auto_start (it validates and trains in the server),
    - create a job without it and cancel it at once,
    - create a job without it and start it once it is VALIDATED;
  then delete the file (the jobs keep their own copies); twice a second, start the jobs that
  reached VALIDATED and delete the models of jobs that reached SUCCESS (a model is ~12 MB: the
  data directory stays bounded however long the soak runs).

Every request counts; a failure is a socket error or a non-2xx answer that is not expected. The
only expected one is the server's back-pressure on job creation (400 "too many active jobs"),
after which the loop pauses briefly. Writes "<requests> <failures>" to COUNTS_FILE (at least
every half second and at the end) and one line per failure to ERR_FILE.

Usage: soak_side.py BASE_URL API_KEY TRAIN_JSONL STOP_FILE COUNTS_FILE ERR_FILE
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, KEY, TRAIN, STOP, COUNTS, ERRORS = sys.argv[1:7]
TIMEOUT_S = 30
TOO_MANY_ACTIVE = "too many active jobs"

requests = 0
failures = 0
err_log = open(ERRORS, "a", buffering=1)


def write_counts():
    tmp = COUNTS + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{requests} {failures}\n")
    os.replace(tmp, COUNTS)


def call(method, path, body=None, content_type=None, expected=()):
    """One request: (status, parsed JSON or None). status -1: no answer. Counts it, and counts a
    failure unless it is 2xx or (status, text in body) matches one of `expected`."""
    global requests, failures
    requests += 1
    headers = {"Authorization": f"Bearer {KEY}"}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(BASE + path, data=body, method=method, headers=headers)
    status, text = -1, ""
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:
            status, text = r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8", "replace")
    except OSError as e:  # connection refused/reset, timeout
        text = f"{type(e).__name__}: {e}"
    ok = 200 <= status < 300 or any(status == s and t in text for s, t in expected)
    if not ok:
        failures += 1
        err_log.write(f"{method} {path}: {status} {text[:300]}\n")
    try:
        doc = json.loads(text) if 200 <= status < 300 else None
    except ValueError:
        doc = None
    return status, doc, text


def upload(name, content):
    boundary = "soak" + os.urandom(8).hex()
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + (
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"visibility\"\r\n\r\n"
        f"workspace\r\n--{boundary}--\r\n"
    ).encode()
    _, doc, _ = call("POST", "/v1/files", body, f"multipart/form-data; boundary={boundary}")
    return doc.get("id") if doc else None


def create_job(file_id, auto_start):
    """The job's id, None on a failure, "" when the server refused it for back-pressure."""
    body = json.dumps({
        "model": "ministral-3b-latest", "job_type": "classifier", "auto_start": auto_start,
        "training_files": [{"file_id": file_id, "weight": 1}],
        "hyperparameters": {"training_steps": 30, "learning_rate": 0.1},
    }).encode()
    status, doc, text = call("POST", "/v1/fine_tuning/jobs", body, "application/json",
                             expected=[(400, TOO_MANY_ACTIVE)])
    if status == 400 and TOO_MANY_ACTIVE in text:
        return ""
    return doc.get("id") if doc else None


FINISHED = ("SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED")


def poll(pending, training):
    """Starts the pending jobs that are VALIDATED (they move to `training`) and deletes the
    models of the training jobs that succeeded; returns the lists of jobs still waiting."""
    still_pending = []
    for job_id in pending:
        _, doc, _ = call("GET", f"/v1/fine_tuning/jobs/{job_id}")
        if doc is None:
            continue
        if doc.get("status") == "VALIDATED":
            status, _, _ = call("POST", f"/v1/fine_tuning/jobs/{job_id}/start")
            if 200 <= status < 300:
                training.append(job_id)
        elif doc.get("status") in ("QUEUED", "VALIDATING"):
            still_pending.append(job_id)
    still_training = []
    for job_id in training:
        _, doc, _ = call("GET", f"/v1/fine_tuning/jobs/{job_id}")
        if doc is None:
            continue
        model = doc.get("fine_tuned_model")
        if doc.get("status") == "SUCCESS" and model:
            call("DELETE", "/v1/models/" + urllib.parse.quote(model, safe=""))
        elif doc.get("status") not in FINISHED:
            still_training.append(job_id)
    return still_pending, still_training


def main():
    with open(TRAIN, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    pending = []  # jobs created without auto_start, to start once VALIDATED
    training = []  # jobs that train: their model is deleted once published
    last_counts = last_poll = 0.0
    i = 0
    while not os.path.exists(STOP):
        i += 1
        content = b"".join(lines[: 100 + i % 50])
        content += json.dumps({"text": f"side {i}", "labels": {"moderation": ["safe"]}}).encode() + b"\n"
        file_id = upload(f"side-{i}.jsonl", content)
        if file_id:
            job_id = create_job(file_id, auto_start=(i % 3 == 0))
            if job_id == "":
                time.sleep(0.2)  # the server's active-job limit: let the worker catch up
            elif job_id and i % 3 == 0:
                training.append(job_id)
            elif job_id and i % 3 == 1:
                call("POST", f"/v1/fine_tuning/jobs/{job_id}/cancel")
            elif job_id and i % 3 == 2:
                pending.append(job_id)
            call("DELETE", f"/v1/files/{file_id}")
        now = time.monotonic()
        if now - last_poll >= 0.5:
            pending, training = poll(pending, training)
            last_poll = now
        if now - last_counts >= 0.5:
            write_counts()
            last_counts = now
    write_counts()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Runs ../shared/tools/baselines.py unchanged, in this process, and measures what it does not.

Usage: run_baseline.py BASELINES_PY {tfidf|fasttext} TRAIN.jsonl TUNE.jsonl TEST.jsonl OUT.json

baselines.py tunes each label's threshold on TUNE (its "VALID" argument) and reports metrics on
TEST; its stdout is passed through untouched. OUT.json receives baselines.py's own result
(macro / per-label ROC-AUC, PR-AUC, F1 at the tuned thresholds) plus:
  train_s         seconds spent training only. tfidf: the two TfidfVectorizer.fit_transform calls on
                  TRAIN plus every LogisticRegression.fit (the sparse hstack between them, a few
                  ms, is not counted). fasttext: the `fasttext supervised` process, wall clock
                  (the same number baselines.py prints).
  train_cpu_s     CPU seconds (user + system) of the same calls: this process for tfidf, the
                  fasttext child for fasttext. Less sensitive than train_s to other load on the
                  machine; fastText trains with 2 threads, so its CPU time is up to 2x its wall.
  script_train_s  baselines.py's own train_s. For tfidf it also includes featurizing and
                  predicting TUNE and TEST, so it overstates training; kept for reference.
  model_bytes     tfidf: pickle (protocol 5) of both fitted vectorizers and every fitted
                  LogisticRegression, after dropping `stop_words_` (sklearn documents it as
                  introspection-only). fasttext: size of the `.bin` written by `supervised`
                  (what predict needs; the `.vec` side file is not counted).
  peak_rss_bytes  max resident set of this process (tfidf) or of the fasttext children.
Instrumentation is by subclassing/wrapping (sklearn classes, subprocess.run) before baselines.py
imports them; it adds no work inside the timed calls. Exits non-zero on any failure.
"""
import json
import os
import pickle
import resource
import runpy
import shutil
import subprocess
import sys
import tempfile
import time

if len(sys.argv) != 7 or sys.argv[2] not in ("tfidf", "fasttext"):
    sys.exit(__doc__)
baselines_py, which, train, tune, test, out_json = sys.argv[1:]

fit_seconds = [0.0]
fit_cpu_seconds = [0.0]
fitted = {"vectorizers": [], "models": []}
ft_runs = []  # (seconds, cpu seconds, output prefix) of each `fasttext supervised`


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

if which == "tfidf":
    import sklearn.feature_extraction.text as sk_text
    import sklearn.linear_model as sk_linear

    class TimedTfidfVectorizer(sk_text.TfidfVectorizer):
        # Only fit_transform is training; transform() on TUNE/TEST is evaluation and not timed.
        def fit_transform(self, raw_documents, y=None):
            t0, c0 = time.perf_counter(), time.process_time()
            result = super().fit_transform(raw_documents, y)
            fit_seconds[0] += time.perf_counter() - t0
            fit_cpu_seconds[0] += time.process_time() - c0
            fitted["vectorizers"].append(self)
            return result

    class TimedLogisticRegression(sk_linear.LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            t0, c0 = time.perf_counter(), time.process_time()
            result = super().fit(X, y, sample_weight)
            fit_seconds[0] += time.perf_counter() - t0
            fit_cpu_seconds[0] += time.process_time() - c0
            fitted["models"].append(self)
            return result

    sk_text.TfidfVectorizer = TimedTfidfVectorizer
    sk_linear.LogisticRegression = TimedLogisticRegression
else:
    real_run = subprocess.run

    def timed_run(cmd, *args, **kwargs):
        if len(cmd) > 1 and cmd[1] == "supervised":
            t0, c0 = time.perf_counter(), children_cpu_seconds()
            result = real_run(cmd, *args, **kwargs)
            ft_runs.append((time.perf_counter() - t0, children_cpu_seconds() - c0,
                            cmd[cmd.index("-output") + 1]))
            return result
        return real_run(cmd, *args, **kwargs)

    subprocess.run = timed_run

# baselines.py keeps its fastText files in a mkdtemp() it never removes: put it under a scratch
# dir of ours and remove it at the end (fastText .bin files with char n-grams are ~400 MB).
scratch = tempfile.mkdtemp(prefix="winnow-bench-")
tempfile.tempdir = scratch
try:
    sys.argv = [baselines_py, train, tune, test, "--only", which]
    g = runpy.run_path(baselines_py, run_name="__main__")
    results = g["results"]
    if len(results) != 1:
        sys.exit(f"run_baseline.py: expected one result from baselines.py, got {len(results)}")
    result = dict(results[0])
    result["script_train_s"] = result.pop("train_s")
    if which == "tfidf":
        if len(fitted["vectorizers"]) != 2 or not fitted["models"]:
            sys.exit("run_baseline.py: did not see baselines.py fit its vectorizers/models; "
                     "has baselines.py changed?")
        for v in fitted["vectorizers"]:
            if hasattr(v, "stop_words_"):
                del v.stop_words_
        result["train_s"] = fit_seconds[0]
        result["train_cpu_s"] = fit_cpu_seconds[0]
        result["model_bytes"] = len(pickle.dumps(
            (fitted["vectorizers"], fitted["models"]), protocol=5))
        result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    else:
        if len(ft_runs) != 1:
            sys.exit(f"run_baseline.py: expected one `fasttext supervised` run, saw {len(ft_runs)}")
        seconds, cpu_seconds, prefix = ft_runs[0]
        result["train_s"] = seconds
        result["train_cpu_s"] = cpu_seconds
        result["model_bytes"] = os.path.getsize(prefix + ".bin")
        result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    result["system"] = which
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
finally:
    shutil.rmtree(scratch, ignore_errors=True)

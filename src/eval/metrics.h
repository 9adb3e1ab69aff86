// Everything src/eval offers, in one include. The conventions every part follows (decision rule
// `score >= threshold`, zero denominators give 0, undefined ranking metrics are error values or
// nullopt, never NaN) are stated at the top of binary_metrics.h.
//   binary_metrics.h       one label: ROC-AUC, average precision, P/R/F1, best-F1 threshold, curves
//   multi_label_metrics.h  a multi-label head: per-label metrics, macro and micro averages
//   single_label_metrics.h a single-label head: accuracy, per-class P/R/F1, confusion matrix
//   metrics_json.h         the JSON reports of `winnow eval --json`
#pragma once

#include "eval/binary_metrics.h"
#include "eval/metrics_json.h"
#include "eval/multi_label_metrics.h"
#include "eval/single_label_metrics.h"

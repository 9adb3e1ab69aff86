// JSON form of the evaluation reports: what `winnow eval MODEL FILE --json` prints and what
// bench/quality.sh reads (through bench/lib/winnow_result.py). Field names are part of that
// contract; add fields freely, rename none.
//
// Multi-label head:
//   {"kind": "multi_label", "head": H, "samples": N, "threshold_rule": "score >= threshold",
//    "labels": [{"name", "positives", "negatives", "roc_auc" (null if undefined),
//                "average_precision" (null if undefined), "threshold", "precision", "recall",
//                "f1", "tp", "fp", "fn", "tn"}, ...],
//    "macro": {"roc_auc", "average_precision" (null if no label qualifies), "precision",
//              "recall", "f1", "labels_without_roc_auc": [...],
//              "labels_without_average_precision": [...]},
//    "micro": {"precision", "recall", "f1", "tp", "fp", "fn", "tn"}}
// Single-label head:
//   {"kind": "single_label", "head": H, "samples": N, "accuracy",
//    "classes": [{"name", "support", "predicted", "precision", "recall", "f1"}, ...],
//    "macro": {"precision", "recall", "f1", "classes"},
//    "confusion_matrix": {"classes": [names], "counts": [[row for true class 0], ...]}}
// Curves (columnar, for plotting): {"threshold": [...], "fpr": [...], "tpr": [...]} and
// {"threshold": [...], "precision": [...], "recall": [...]}.
// Thresholds are written as the exact value of the float (0.47f appears as 0.4699999988079071);
// an infinite threshold (only possible above a top score of FLT_MAX) is written as null.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "eval/binary_metrics.h"
#include "eval/multi_label_metrics.h"
#include "eval/single_label_metrics.h"

namespace winnow::eval {

nlohmann::json to_json(const MultiLabelReport& report, std::string_view head);
nlohmann::json to_json(const SingleLabelReport& report, std::string_view head);
nlohmann::json to_json(std::span<const RocPoint> curve);
nlohmann::json to_json(std::span<const PrPoint> curve);

}  // namespace winnow::eval

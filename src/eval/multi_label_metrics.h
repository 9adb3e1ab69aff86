// Metrics for a multi-label head: each label is an independent binary decision (binary_metrics.h
// conventions: flagged when score >= threshold, zero denominators give 0). Thresholds are tuned
// on one split (tune_thresholds) and applied to another (evaluate_multi_label).
// Pure functions over caller-owned data; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "eval/binary_metrics.h"

namespace winnow::eval {

// Scores and truth of one head over `samples()` samples, row-major: sample i's value for label j
// is at [i * label_names.size() + j]. truth values are 0 or 1.
struct MultiLabelData {
  std::vector<std::string> label_names;
  std::vector<float> scores;
  std::vector<uint8_t> truth;

  size_t samples() const { return label_names.empty() ? 0 : scores.size() / label_names.size(); }
  // One label's column, copied out.
  std::vector<float> label_scores(size_t label) const;
  std::vector<uint8_t> label_truth(size_t label) const;
};

// OK when there is at least one label, scores and truth both hold samples * labels values, truth
// is 0/1 and scores are finite; otherwise kInvalidArgument ("label 'x': scores[3]: ...").
Status check_multi_label_data(const MultiLabelData& data);

// The best-F1 threshold of each label on `tuning` (ScoreRanking::best_f1: fewest flags among
// equal F1, halfway to the next lower score; a label without positives gets "flag nothing" just
// above its top score).
// Errors: invalid data; no samples (kFailedPrecondition).
Result<std::vector<float>> tune_thresholds(const MultiLabelData& tuning);

struct LabelReport {
  std::string name;
  uint64_t positives = 0;
  uint64_t negatives = 0;
  std::optional<double> roc_auc;            // nullopt when only one class is present
  std::optional<double> average_precision;  // nullopt when there are no positives
  float threshold = 0;                      // the threshold the decisions below used
  ConfusionCounts counts;
  PrecisionRecallF1 at_threshold;
};

struct MultiLabelReport {
  uint64_t samples = 0;
  std::vector<LabelReport> labels;  // in label_names order

  // Means over the labels where the metric is defined. Labels with only one class present are
  // left out of macro ROC-AUC and named in labels_without_roc_auc; labels with no positives are
  // left out of macro average precision and named in labels_without_average_precision. nullopt
  // when no label qualifies.
  std::optional<double> macro_roc_auc;
  std::optional<double> macro_average_precision;
  std::vector<std::string> labels_without_roc_auc;
  std::vector<std::string> labels_without_average_precision;

  // Mean of the per-label precision, recall and F1 over ALL labels (sklearn average="macro",
  // zero_division=0: a label with no positives and no flags counts as F1 0).
  PrecisionRecallF1 macro;
  // Precision, recall and F1 of all label decisions pooled (sklearn average="micro").
  ConfusionCounts micro_counts;
  PrecisionRecallF1 micro;
};

// Per-label and averaged metrics of `data` with one threshold per label.
// Errors: invalid data; thresholds.size() != number of labels or a NaN threshold
// (kInvalidArgument); no samples (kFailedPrecondition).
Result<MultiLabelReport> evaluate_multi_label(const MultiLabelData& data,
                                              std::span<const float> thresholds);

}  // namespace winnow::eval

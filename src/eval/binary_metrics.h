// Metrics for one binary decision (one label): scores in, ROC-AUC, average precision, precision /
// recall / F1 at a threshold, the best-F1 threshold and curve points out. The definitions match
// scikit-learn's (roc_auc_score, average_precision_score, precision/recall/f1_score with
// zero_division=0, roc_curve, precision_recall_curve); metrics_test.cc checks them against values
// sklearn computed.
//
// Conventions, shared by every file in src/eval:
//  - A label is flagged ("over threshold") when score >= threshold: `over_threshold` below is the
//    one definition; classification output must use the same predicate. (Ground-truth labels are
//    a different matter: the shared tools binarize rater fractions with `> 0.5`.)
//  - A ratio whose denominator is zero is 0 (precision with nothing flagged, recall with no
//    positives, F1 with neither): sklearn's zero_division=0. No function returns NaN.
//  - A ranking metric that is undefined for the data (ROC-AUC with one class present, average
//    precision with no positives) is an error value with code kFailedPrecondition, not a number.
//  - Invalid input (scores and labels of different lengths, a label other than 0/1, a NaN or
//    infinite score) is kInvalidArgument.
// Everything here is a pure function or an immutable value: thread-safe, no global state.
// Cost: O(n log n) for ranking metrics (one sort), O(n) for counts at a threshold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace winnow::eval {

// The decision rule of every threshold in Winnow.
constexpr bool over_threshold(float score, float threshold) { return score >= threshold; }

// Outcome counts of decisions against truth.
struct ConfusionCounts {
  uint64_t tp = 0;  // flagged, positive
  uint64_t fp = 0;  // flagged, negative
  uint64_t fn = 0;  // not flagged, positive
  uint64_t tn = 0;  // not flagged, negative

  uint64_t positives() const { return tp + fn; }
  uint64_t negatives() const { return fp + tn; }
  uint64_t total() const { return tp + fp + fn + tn; }
  ConfusionCounts& operator+=(const ConfusionCounts& other);
  bool operator==(const ConfusionCounts&) const = default;
};

struct PrecisionRecallF1 {
  double precision = 0;  // tp / (tp + fp), 0 when nothing is flagged
  double recall = 0;     // tp / (tp + fn), 0 when there are no positives
  double f1 = 0;         // 2tp / (2tp + fp + fn), 0 when tp + fp + fn == 0
};

// Never fails; zero denominators give 0 (see conventions).
PrecisionRecallF1 precision_recall_f1(const ConfusionCounts& counts);

// OK when scores.size() == labels.size(), every label is 0 or 1 and every score is finite;
// otherwise kInvalidArgument naming the first offending index.
Status check_binary_input(std::span<const float> scores, std::span<const uint8_t> labels);

// Counts of `over_threshold(scores[i], threshold)` against labels[i]. Empty input gives all-zero
// counts. Errors: invalid input (check_binary_input); a NaN threshold.
Result<ConfusionCounts> confusion_at_threshold(std::span<const float> scores,
                                               std::span<const uint8_t> labels, float threshold);

// A threshold and what it achieves on the data it was chosen on.
struct ThresholdChoice {
  float threshold = 0;
  ConfusionCounts counts;
  PrecisionRecallF1 scores;
};

struct RocPoint {
  float threshold = 0;  // the point's decisions are over_threshold(score, threshold)
  double fpr = 0;       // fp / negatives
  double tpr = 0;       // tp / positives
};

struct PrPoint {
  float threshold = 0;
  double precision = 0;
  double recall = 0;
};

// The scores sorted once and grouped by distinct value; every ranking metric derives from it, so
// build one ScoreRanking when several metrics of the same data are wanted. Immutable after
// build(); safe to share between threads.
class ScoreRanking {
 public:
  // Sorts a copy of the data: O(n log n) time, O(distinct scores) memory kept. Empty input is
  // valid (every metric then reports "no samples"). Errors: invalid input (check_binary_input).
  static Result<ScoreRanking> build(std::span<const float> scores, std::span<const uint8_t> labels);

  uint64_t samples() const { return positives_ + negatives_; }
  uint64_t positives() const { return positives_; }
  uint64_t negatives() const { return negatives_; }
  size_t distinct_scores() const { return groups_.size(); }

  // Area under the ROC curve with ties handled as sklearn does (trapezoids between distinct
  // thresholds; equals the Mann-Whitney U statistic / (positives * negatives), a tied
  // positive-negative pair counting 1/2). kFailedPrecondition unless both classes are present.
  Result<double> roc_auc() const;

  // Average precision, step-wise: sum over distinct thresholds t (descending) of
  // (recall(t) - recall(previous t)) * precision(t); no interpolation. kFailedPrecondition when
  // there are no positives.
  Result<double> average_precision() const;

  // The decisions maximizing F1 among "flag every score >= s" for each distinct score s and
  // "flag nothing". Candidates are compared by exact F1 value; among equal F1 the one flagging
  // fewest wins. The threshold returned is halfway between the chosen s and the next lower
  // distinct score (s itself when s is the lowest score, or when no float lies between them):
  // it makes the same decisions on this data and leaves a margin on both sides for new data.
  // This is Winnow's one threshold-tuning rule: the trainer stores these thresholds and every
  // consumer applies them with over_threshold (docs/training.md "Thresholds"). With no
  // positives every candidate has F1 0, so the choice is "flag nothing": threshold = the
  // smallest float above the top score. kFailedPrecondition when there are no samples.
  Result<ThresholdChoice> best_f1() const;

  // ROC points from (0, 0) to (1, 1): first "flag nothing" (threshold = the smallest float above
  // the top score), then one point per distinct score in descending order. With more than
  // max_points points, max_points of them evenly spaced by index are kept, always including the
  // first and the last. kFailedPrecondition unless both classes are present; kInvalidArgument if
  // max_points < 2.
  Result<std::vector<RocPoint>> roc_curve(size_t max_points) const;

  // Precision-recall points, one per distinct score in descending order (recall ascending to 1).
  // Unlike sklearn, no artificial (recall 0, precision 1) point is added. Downsampled like
  // roc_curve. kFailedPrecondition with no positives; kInvalidArgument if max_points < 2.
  Result<std::vector<PrPoint>> pr_curve(size_t max_points) const;

 private:
  // Samples whose score equals `score`, with cumulative counts over all samples scoring >= it.
  struct Group {
    float score;
    uint64_t tp_at_or_above;
    uint64_t fp_at_or_above;
  };
  ScoreRanking() = default;
  Status require_samples(const char* metric) const;
  Status require_both_classes(const char* metric) const;
  float flag_nothing_threshold() const;

  std::vector<Group> groups_;  // descending score
  uint64_t positives_ = 0;
  uint64_t negatives_ = 0;
};

// One-shot wrappers around ScoreRanking (each sorts; same results and errors).
Result<double> roc_auc(std::span<const float> scores, std::span<const uint8_t> labels);
Result<double> average_precision(std::span<const float> scores, std::span<const uint8_t> labels);
Result<ThresholdChoice> best_f1_threshold(std::span<const float> scores,
                                          std::span<const uint8_t> labels);

// Indices of at most `max_points` of `count` points, evenly spaced, first and last kept,
// strictly increasing. Requires max_points >= 2 (checked by callers). Exposed for tests.
std::vector<size_t> downsample_indices(size_t count, size_t max_points);

}  // namespace winnow::eval

#include "eval/binary_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace winnow::eval {
namespace {

double ratio_or_zero(uint64_t numerator, uint64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

ConfusionCounts& ConfusionCounts::operator+=(const ConfusionCounts& other) {
  tp += other.tp;
  fp += other.fp;
  fn += other.fn;
  tn += other.tn;
  return *this;
}

PrecisionRecallF1 precision_recall_f1(const ConfusionCounts& c) {
  PrecisionRecallF1 r;
  r.precision = ratio_or_zero(c.tp, c.tp + c.fp);
  r.recall = ratio_or_zero(c.tp, c.tp + c.fn);
  // 2tp / (2tp + fp + fn) is the harmonic mean of precision and recall without the detour
  // through two rounded ratios; it is also what makes equal F1 values compare equal (see best_f1).
  r.f1 = ratio_or_zero(2 * c.tp, 2 * c.tp + c.fp + c.fn);
  return r;
}

Status check_binary_input(std::span<const float> scores, std::span<const uint8_t> labels) {
  if (scores.size() != labels.size()) {
    return Status::invalid_argument("scores and labels differ in length (" +
                                    std::to_string(scores.size()) + " vs " +
                                    std::to_string(labels.size()) + ")");
  }
  for (size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] > 1) {
      return Status::invalid_argument("labels[" + std::to_string(i) +
                                      "]: " + std::to_string(labels[i]) + " is not 0 or 1");
    }
    if (!std::isfinite(scores[i])) {
      return Status::invalid_argument("scores[" + std::to_string(i) + "]: not a finite number");
    }
  }
  return Status::ok();
}

Result<ConfusionCounts> confusion_at_threshold(std::span<const float> scores,
                                               std::span<const uint8_t> labels, float threshold) {
  WINNOW_RETURN_IF_ERROR(check_binary_input(scores, labels));
  if (std::isnan(threshold)) return Status::invalid_argument("threshold is NaN");
  ConfusionCounts c;
  for (size_t i = 0; i < scores.size(); ++i) {
    const bool flagged = over_threshold(scores[i], threshold);
    if (labels[i] != 0) {
      ++(flagged ? c.tp : c.fn);
    } else {
      ++(flagged ? c.fp : c.tn);
    }
  }
  return c;
}

Result<ScoreRanking> ScoreRanking::build(std::span<const float> scores,
                                         std::span<const uint8_t> labels) {
  WINNOW_RETURN_IF_ERROR(check_binary_input(scores, labels));
  std::vector<std::pair<float, uint8_t>> sorted(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) sorted[i] = {scores[i], labels[i]};
  // Only the order of distinct scores matters (ties form one group), so an unstable sort is fine.
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });

  ScoreRanking ranking;
  uint64_t tp = 0;
  uint64_t fp = 0;
  for (size_t i = 0; i < sorted.size();) {
    const float score = sorted[i].first;
    for (; i < sorted.size() && sorted[i].first == score; ++i) ++(sorted[i].second ? tp : fp);
    ranking.groups_.push_back({score, tp, fp});
  }
  ranking.positives_ = tp;
  ranking.negatives_ = fp;
  return ranking;
}

Status ScoreRanking::require_samples(const char* metric) const {
  if (samples() == 0) return Status::failed_precondition(std::string(metric) + ": no samples");
  return Status::ok();
}

Status ScoreRanking::require_both_classes(const char* metric) const {
  WINNOW_RETURN_IF_ERROR(require_samples(metric));
  if (positives_ == 0 || negatives_ == 0) {
    return Status::failed_precondition(std::string(metric) + " undefined: only " +
                                       (positives_ == 0 ? "negative" : "positive") + " samples (" +
                                       std::to_string(samples()) + ")");
  }
  return Status::ok();
}

float ScoreRanking::flag_nothing_threshold() const {
  return std::nextafter(groups_.front().score, std::numeric_limits<float>::infinity());
}

Result<double> ScoreRanking::roc_auc() const {
  WINNOW_RETURN_IF_ERROR(require_both_classes("ROC-AUC"));
  // Twice the trapezoid area in count units, exact in integers: each group adds a trapezoid of
  // width dfp and heights tp_prev, tp. The sum is at most 2 * positives * negatives <= n^2 / 2,
  // which fits in 64 bits for n below 6e9.
  uint64_t twice_area = 0;
  uint64_t tp_prev = 0;
  uint64_t fp_prev = 0;
  for (const Group& g : groups_) {
    twice_area += (g.fp_at_or_above - fp_prev) * (g.tp_at_or_above + tp_prev);
    tp_prev = g.tp_at_or_above;
    fp_prev = g.fp_at_or_above;
  }
  return static_cast<double>(twice_area) /
         (2.0 * static_cast<double>(positives_) * static_cast<double>(negatives_));
}

Result<double> ScoreRanking::average_precision() const {
  WINNOW_RETURN_IF_ERROR(require_samples("average precision"));
  if (positives_ == 0) {
    return Status::failed_precondition("average precision undefined: no positive samples (" +
                                       std::to_string(samples()) + ")");
  }
  double sum = 0;
  uint64_t tp_prev = 0;
  for (const Group& g : groups_) {
    if (g.tp_at_or_above == tp_prev) continue;  // recall unchanged: adds nothing
    const double recall_gain =
        static_cast<double>(g.tp_at_or_above - tp_prev) / static_cast<double>(positives_);
    sum += recall_gain * ratio_or_zero(g.tp_at_or_above, g.tp_at_or_above + g.fp_at_or_above);
    tp_prev = g.tp_at_or_above;
  }
  return sum;
}

Result<ThresholdChoice> ScoreRanking::best_f1() const {
  WINNOW_RETURN_IF_ERROR(require_samples("best-F1 threshold"));
  // F1 values are compared as doubles computed by one correctly rounded division of integers
  // below 2^53, so equal fractions (2/4 vs 3/6) give equal doubles and the tie rule is exact.
  ThresholdChoice best;
  best.threshold = flag_nothing_threshold();
  best.counts = {0, 0, positives_, negatives_};
  best.scores = precision_recall_f1(best.counts);
  for (size_t i = 0; i < groups_.size(); ++i) {  // descending: later must be strictly better
    const Group& g = groups_[i];
    const ConfusionCounts c{g.tp_at_or_above, g.fp_at_or_above, positives_ - g.tp_at_or_above,
                            negatives_ - g.fp_at_or_above};
    const PrecisionRecallF1 s = precision_recall_f1(c);
    if (s.f1 > best.scores.f1) {
      // Halfway down to the next lower score: the same decisions on this data, and a margin on
      // both sides for new data. When the two floats are adjacent there is no room: the score.
      float threshold = g.score;
      if (i + 1 < groups_.size()) {
        const float below = groups_[i + 1].score;
        const float mid = below + (g.score - below) * 0.5f;
        if (mid > below && mid <= g.score) threshold = mid;
      }
      best = {threshold, c, s};
    }
  }
  return best;
}

std::vector<size_t> downsample_indices(size_t count, size_t max_points) {
  std::vector<size_t> indices;
  if (count <= max_points) {
    indices.resize(count);
    for (size_t i = 0; i < count; ++i) indices[i] = i;
    return indices;
  }
  // Rounded i * (count - 1) / (max_points - 1): the step exceeds 1, so indices strictly increase.
  const uint64_t span = count - 1;
  const uint64_t steps = max_points - 1;
  indices.reserve(max_points);
  for (uint64_t i = 0; i <= steps; ++i) indices.push_back((i * span + steps / 2) / steps);
  return indices;
}

Result<std::vector<RocPoint>> ScoreRanking::roc_curve(size_t max_points) const {
  WINNOW_RETURN_IF_ERROR(require_both_classes("ROC curve"));
  if (max_points < 2) return Status::invalid_argument("ROC curve: max_points must be at least 2");
  std::vector<RocPoint> points;
  // Point 0 is "flag nothing"; point k >= 1 is groups_[k - 1].
  for (size_t k : downsample_indices(groups_.size() + 1, max_points)) {
    if (k == 0) {
      points.push_back({flag_nothing_threshold(), 0.0, 0.0});
    } else {
      const Group& g = groups_[k - 1];
      points.push_back({g.score, ratio_or_zero(g.fp_at_or_above, negatives_),
                        ratio_or_zero(g.tp_at_or_above, positives_)});
    }
  }
  return points;
}

Result<std::vector<PrPoint>> ScoreRanking::pr_curve(size_t max_points) const {
  WINNOW_RETURN_IF_ERROR(require_samples("precision-recall curve"));
  if (positives_ == 0) {
    return Status::failed_precondition("precision-recall curve undefined: no positive samples");
  }
  if (max_points < 2) {
    return Status::invalid_argument("precision-recall curve: max_points must be at least 2");
  }
  std::vector<PrPoint> points;
  for (size_t k : downsample_indices(groups_.size(), max_points)) {
    const Group& g = groups_[k];
    points.push_back({g.score, ratio_or_zero(g.tp_at_or_above, g.tp_at_or_above + g.fp_at_or_above),
                      ratio_or_zero(g.tp_at_or_above, positives_)});
  }
  return points;
}

Result<double> roc_auc(std::span<const float> scores, std::span<const uint8_t> labels) {
  WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking, ScoreRanking::build(scores, labels));
  return ranking.roc_auc();
}

Result<double> average_precision(std::span<const float> scores, std::span<const uint8_t> labels) {
  WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking, ScoreRanking::build(scores, labels));
  return ranking.average_precision();
}

Result<ThresholdChoice> best_f1_threshold(std::span<const float> scores,
                                          std::span<const uint8_t> labels) {
  WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking, ScoreRanking::build(scores, labels));
  return ranking.best_f1();
}

}  // namespace winnow::eval

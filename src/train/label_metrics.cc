#include "train/label_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace winnow {
namespace {

// Indices of `scores` sorted by decreasing score (stable, so equal scores keep input order).
std::vector<uint32_t> order_by_score_desc(std::span<const float> scores) {
  std::vector<uint32_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](uint32_t a, uint32_t b) { return scores[a] > scores[b]; });
  return idx;
}

}  // namespace

double roc_auc(std::span<const float> scores, std::span<const uint8_t> labels) {
  const std::vector<uint32_t> idx = order_by_score_desc(scores);
  // Walk groups of equal scores from the top: each positive in a group beats every negative
  // below the group and half of the negatives inside it.
  double pos = 0, neg = 0, area = 0;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    double group_pos = 0, group_neg = 0;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) {
      (labels[idx[j]] ? group_pos : group_neg) += 1;
      ++j;
    }
    area += group_neg * (pos + 0.5 * group_pos);
    pos += group_pos;
    neg += group_neg;
    i = j;
  }
  if (pos == 0 || neg == 0) return std::numeric_limits<double>::quiet_NaN();
  return area / (pos * neg);
}

ThresholdChoice best_f1_threshold(std::span<const float> scores, std::span<const uint8_t> labels,
                                  float fallback) {
  ThresholdChoice best;
  best.threshold = fallback;
  double total_pos = 0;
  for (uint8_t y : labels) total_pos += y ? 1 : 0;
  if (total_pos == 0) return best;
  const std::vector<uint32_t> idx = order_by_score_desc(scores);
  double tp = 0, fp = 0;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) {
      (labels[idx[j]] ? tp : fp) += 1;
      ++j;
    }
    // Predicting positive for every score >= scores[idx[i]]. The threshold goes halfway down to
    // the next lower score: the same decisions on this data, more margin on new data.
    const double f1 = 2 * tp / (tp + fp + total_pos);
    if (f1 >= best.f1) {
      const float here = scores[idx[i]];
      float t = here;
      if (j < idx.size()) {
        const float below = scores[idx[j]];
        const float mid = below + (here - below) * 0.5f;
        if (mid > below && mid <= here) t = mid;
      }
      best.f1 = f1;
      best.threshold = t;
      best.precision = tp / (tp + fp);
      best.recall = tp / total_pos;
    }
    i = j;
  }
  return best;
}

}  // namespace winnow

// The per-label measures the trainer needs while it runs: ROC-AUC for reports and the
// F1-maximizing decision threshold stored in the model. (The full evaluation suite lives in
// src/eval; these two stay here so that training does not depend on it.)
#pragma once

#include <cstdint>
#include <span>

namespace winnow {

// Area under the ROC curve of `scores` against 0/1 `labels` (same length), ties counted half
// (Mann-Whitney). NaN when all labels are equal.
double roc_auc(std::span<const float> scores, std::span<const uint8_t> labels);

struct ThresholdChoice {
  float threshold = 0.5f;  // predict positive when score >= threshold
  double f1 = 0.0;
  double precision = 0.0;
  double recall = 0.0;
};

// The decision threshold that maximizes F1 of (score >= threshold) against `labels`: among the
// cut points between consecutive distinct scores, the lowest best one, placed halfway between
// the lowest score it flags and the highest it does not. With no positive label: `fallback`,
// F1 0.
ThresholdChoice best_f1_threshold(std::span<const float> scores, std::span<const uint8_t> labels,
                                  float fallback);

}  // namespace winnow

// Metrics for a single-label head (exactly one class per sample): accuracy, per-class precision /
// recall / F1, their macro average and the confusion matrix. Same zero-division convention as
// binary_metrics.h (0, never NaN). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "eval/binary_metrics.h"

namespace winnow::eval {

// The predicted class of each row of a row-major samples x class_count score matrix: the index
// of the highest score, the lowest index among equal highest scores.
// Errors: class_count == 0, scores.size() not a multiple of it, a NaN score (kInvalidArgument).
Result<std::vector<uint32_t>> argmax_classes(std::span<const float> scores, size_t class_count);

struct ClassReport {
  std::string name;
  uint64_t support = 0;    // samples whose true class this is
  uint64_t predicted = 0;  // samples predicted as this class
  PrecisionRecallF1 scores;
};

struct SingleLabelReport {
  uint64_t samples = 0;
  double accuracy = 0;               // correct / samples
  std::vector<ClassReport> classes;  // in class_names order, every class
  // Means of per-class precision, recall and F1 over the classes that occur in the truth or in
  // the predictions (sklearn's default `labels`, zero_division=0); macro_classes says how many.
  PrecisionRecallF1 macro;
  size_t macro_classes = 0;
  // class_count x class_count counts, row-major: confusion[t * class_count + p] = samples of true
  // class t predicted as p (sklearn confusion_matrix layout).
  std::vector<uint64_t> confusion;
};

// Errors: truth and predicted of different lengths, or a class index >= class_names.size()
// (kInvalidArgument, naming the sample); no classes (kInvalidArgument); no samples
// (kFailedPrecondition).
Result<SingleLabelReport> evaluate_single_label(const std::vector<std::string>& class_names,
                                                std::span<const uint32_t> truth,
                                                std::span<const uint32_t> predicted);

}  // namespace winnow::eval

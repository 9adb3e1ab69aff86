#include "eval/single_label_metrics.h"

#include <cmath>
#include <string>
#include <utility>

namespace winnow::eval {

Result<std::vector<uint32_t>> argmax_classes(std::span<const float> scores, size_t class_count) {
  if (class_count == 0) return Status::invalid_argument("no classes");
  if (scores.size() % class_count != 0) {
    return Status::invalid_argument(std::to_string(scores.size()) +
                                    " scores is not a multiple of " + std::to_string(class_count) +
                                    " classes");
  }
  std::vector<uint32_t> classes(scores.size() / class_count);
  for (size_t i = 0; i < classes.size(); ++i) {
    const float* row = scores.data() + i * class_count;
    size_t best = 0;
    for (size_t c = 0; c < class_count; ++c) {
      if (std::isnan(row[c])) {
        return Status::invalid_argument("sample " + std::to_string(i) + ", class " +
                                        std::to_string(c) + ": score is NaN");
      }
      if (row[c] > row[best]) best = c;  // strict: the first of equal maxima stays
    }
    classes[i] = static_cast<uint32_t>(best);
  }
  return classes;
}

Result<SingleLabelReport> evaluate_single_label(const std::vector<std::string>& class_names,
                                                std::span<const uint32_t> truth,
                                                std::span<const uint32_t> predicted) {
  const size_t k = class_names.size();
  if (k == 0) return Status::invalid_argument("no classes");
  if (truth.size() != predicted.size()) {
    return Status::invalid_argument("truth and predictions differ in length (" +
                                    std::to_string(truth.size()) + " vs " +
                                    std::to_string(predicted.size()) + ")");
  }
  if (truth.empty()) return Status::failed_precondition("evaluating: no samples");

  SingleLabelReport report;
  report.samples = truth.size();
  report.confusion.assign(k * k, 0);
  uint64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] >= k || predicted[i] >= k) {
      return Status::invalid_argument("sample " + std::to_string(i) + ": " +
                                      (truth[i] >= k ? "true" : "predicted") + " class " +
                                      std::to_string(truth[i] >= k ? truth[i] : predicted[i]) +
                                      " is not below " + std::to_string(k));
    }
    ++report.confusion[truth[i] * k + predicted[i]];
    if (truth[i] == predicted[i]) ++correct;
  }
  report.accuracy = static_cast<double>(correct) / static_cast<double>(truth.size());

  for (size_t c = 0; c < k; ++c) {
    // One-vs-rest counts read off the confusion matrix: row c is true c, column c predicted c.
    ConfusionCounts counts;
    counts.tp = report.confusion[c * k + c];
    for (size_t other = 0; other < k; ++other) {
      if (other == c) continue;
      counts.fn += report.confusion[c * k + other];
      counts.fp += report.confusion[other * k + c];
    }
    counts.tn = report.samples - counts.tp - counts.fn - counts.fp;
    ClassReport cls{class_names[c], counts.tp + counts.fn, counts.tp + counts.fp,
                    precision_recall_f1(counts)};
    if (cls.support > 0 || cls.predicted > 0) {
      ++report.macro_classes;
      report.macro.precision += cls.scores.precision;
      report.macro.recall += cls.scores.recall;
      report.macro.f1 += cls.scores.f1;
    }
    report.classes.push_back(std::move(cls));
  }
  // macro_classes >= 1: every sample has a true class.
  const double n = static_cast<double>(report.macro_classes);
  report.macro.precision /= n;
  report.macro.recall /= n;
  report.macro.f1 /= n;
  return report;
}

}  // namespace winnow::eval
